"""GitHub's REST API for releases (also GitHub Enterprise Server: only ``api_url`` differs).

Endpoints used (https://docs.github.com/en/rest/releases):

* ``GET /repos/{owner}/{repo}`` -- the token's access (preflight);
* ``GET /repos/{owner}/{repo}/releases/tags/{tag}`` -- a *published* release by tag (drafts are
  not found this way, so drafts are looked up in ``GET /repos/{owner}/{repo}/releases``, which
  lists them for a token with push access);
* ``POST /repos/{owner}/{repo}/releases`` with ``draft: true`` -- the draft;
* ``POST {upload_url}?name=...`` (``upload_url`` is the template the release carries,
  ``https://uploads.github.com/.../assets{?name,label}``) -- each asset, raw bytes;
* ``PATCH /repos/{owner}/{repo}/releases/{id}`` with ``draft: false`` -- publish;
* ``DELETE /repos/{owner}/{repo}/releases/{id}`` and ``.../releases/assets/{id}`` -- rollback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from .base import Asset, Forge, Release, ReleaseSpec

__all__ = ["GitHub"]

API_VERSION = "2022-11-28"
_PAGE = 100
_MAX_PAGES = 10  # drafts are recent: the list is newest first
#: GitHub refuses a release body longer than this.
MAX_BODY = 125_000
_TYPES = {
    ".whl": "application/zip",
    ".tar.gz": "application/gzip",
    ".zip": "application/zip",
    ".json": "application/json",
    "SUMS": "text/plain",
}


def _release(data: dict[str, Any]) -> Release:
    assets = {
        a["name"]: Asset(
            id=str(a["id"]),
            name=a["name"],
            size=int(a.get("size", 0)),
            complete=a.get("state", "uploaded") == "uploaded",
            sha256=_sha256(a.get("digest")),
        )
        for a in data.get("assets", [])
    }
    return Release(
        id=str(data["id"]),
        tag=data["tag_name"],
        draft=bool(data.get("draft")),
        url=data.get("html_url", ""),
        assets=assets,
        upload_url=data.get("upload_url", ""),
    )


def _sha256(digest: object) -> str | None:
    """``"sha256:<hex>"`` (the asset's ``digest``) as hex; None when there is none."""
    if isinstance(digest, str) and digest.startswith("sha256:"):
        return digest.removeprefix("sha256:")
    return None


def content_type(path: Path) -> str:
    """The asset's media type, as GitHub shows it to downloaders."""
    for suffix, kind in _TYPES.items():
        if path.name.endswith(suffix):
            return kind
    return "application/octet-stream"


def body_of(notes: str) -> str:
    if len(notes) <= MAX_BODY:
        return notes
    return notes[: MAX_BODY - 100] + "\n\n(truncated: the full notes are in the changelog)"


class GitHub(Forge):
    kind = "github"
    title = "GitHub"
    has_drafts = True

    def auth_headers(self, token: str) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "releasekit",
        }

    @property
    def _repo_path(self) -> str:
        return f"/repos/{self.repo}"

    def check_access(self) -> str | None:
        data = self.api.call("GET", self._repo_path)
        permissions = data.get("permissions") if isinstance(data, dict) else None
        if isinstance(permissions, dict) and not permissions.get("push", False):
            return f"the token may read {self.repo} but not push to it (releases need write access)"
        return None

    def find(self, tag: str) -> Release | None:
        published = self.api.call(
            "GET", f"{self._repo_path}/releases/tags/{quote(tag, safe='')}", missing_ok=True
        )
        if published:
            return _release(published)
        for page in range(1, _MAX_PAGES + 1):
            listed = self.api.call(
                "GET", f"{self._repo_path}/releases?per_page={_PAGE}&page={page}"
            )
            for item in listed or []:
                if item.get("tag_name") == tag:
                    return _release(item)
            if len(listed or []) < _PAGE:
                break
        return None

    def create_draft(self, spec: ReleaseSpec) -> Release:
        data = self.api.call(
            "POST",
            f"{self._repo_path}/releases",
            data={
                "tag_name": spec.tag,
                "target_commitish": spec.target,
                "name": spec.name,
                "body": body_of(spec.notes),
                "draft": True,
                "prerelease": spec.prerelease,
            },
        )
        return _release(data)

    def upload(self, release: Release, path: Path) -> None:
        there = release.assets.get(path.name)
        if there is not None:  # an upload killed half-way, or other bytes: replace it
            self.api.call("DELETE", f"{self._repo_path}/releases/assets/{there.id}")
        base = release.upload_url.split("{", 1)[0]  # RFC 6570 template: ...assets{?name,label}
        self.api.call(
            "POST",
            f"{base}?name={quote(path.name, safe='')}",
            body=path.read_bytes(),
            headers={"Content-Type": content_type(path)},
        )

    def publish(self, release: Release, spec: ReleaseSpec) -> Release:
        data = self.api.call(
            "PATCH",
            f"{self._repo_path}/releases/{release.id}",
            data={"draft": False, "tag_name": spec.tag},
        )
        return _release(data)

    def delete(self, release: Release) -> None:
        self.api.call("DELETE", f"{self._repo_path}/releases/{release.id}", missing_ok=True)
