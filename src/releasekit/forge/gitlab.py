"""GitLab's REST API for releases (gitlab.com or a self-hosted instance: ``api_url`` differs).

GitLab has no draft releases, and a release's assets are links, not uploads. So the two steps map
as follows:

* **forge-draft** (before the upload to the index) puts every asset file in the project's generic
  package registry, ``PUT /projects/:id/packages/generic/:name/:version/:file``, package name =
  the repository's name, version = the tag. These files are the "draft": nothing announces them,
  and rollback deletes the package (``DELETE /projects/:id/packages/:package_id``).
* **forge-publish** (after the tag is pushed) creates the release,
  ``POST /projects/:id/releases`` with the notes as ``description`` and one ``package`` link per
  file. Rollback deletes it, ``DELETE /projects/:id/releases/:tag_name`` (the tag stays for the
  tag step's own undo).
* Resume looks the release up with ``GET /projects/:id/releases/:tag_name``, else the package with
  ``GET /projects/:id/packages?package_type=generic&package_name=...&package_version=...``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .base import Asset, Forge, Release, ReleaseSpec

__all__ = ["GitLab"]

DEVELOPER = 30  # the access level that may create releases


def _q(text: str) -> str:
    return quote(text, safe="")


class GitLab(Forge):
    kind = "gitlab"
    title = "GitLab"
    has_drafts = False

    def auth_headers(self, token: str) -> dict[str, str]:
        return {"PRIVATE-TOKEN": token, "User-Agent": "releasekit"}

    @property
    def _project(self) -> str:
        return f"/projects/{_q(self.repo)}"

    @property
    def package_name(self) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "-", self.repo.rsplit("/", 1)[-1]) or "release"

    @staticmethod
    def package_version(tag: str) -> str:
        return re.sub(r"[^A-Za-z0-9._+-]+", "-", tag)

    def _file_url(self, tag: str, name: str) -> str:
        return (
            f"{self.api_url}{self._project}/packages/generic/{_q(self.package_name)}/"
            f"{_q(self.package_version(tag))}/{_q(name)}"
        )

    def check_access(self) -> str | None:
        data = self.api.call("GET", self._project)
        permissions = data.get("permissions") if isinstance(data, dict) else None
        if not isinstance(permissions, dict):
            return None
        levels = [
            (permissions.get(key) or {}).get("access_level") or 0
            for key in ("project_access", "group_access")
        ]
        if max(levels) < DEVELOPER:
            return f"the token's user is not a Developer of {self.repo} (releases need it)"
        return None

    def _package(self, tag: str) -> dict[str, Any] | None:
        listed = self.api.call(
            "GET",
            f"{self._project}/packages?package_type=generic&package_name="
            f"{_q(self.package_name)}&package_version={_q(self.package_version(tag))}",
        )
        return next(
            (
                p
                for p in listed or []
                if p.get("name") == self.package_name
                and p.get("version") == self.package_version(tag)
            ),
            None,
        )

    def find(self, tag: str) -> Release | None:
        published = self.api.call("GET", f"{self._project}/releases/{_q(tag)}", missing_ok=True)
        package = self._package(tag)
        assets: dict[str, Asset] = {}
        if package is not None:
            files = self.api.call("GET", f"{self._project}/packages/{package['id']}/package_files")
            assets = {
                f["file_name"]: Asset(str(f["id"]), f["file_name"], int(f.get("size", 0)))
                for f in files or []
            }
        if published:
            links = published.get("_links", {})
            return Release(tag, tag, False, links.get("self", ""), assets)
        if package is not None:
            return Release(str(package["id"]), tag, True, "", assets)
        return None

    def create_draft(self, spec: ReleaseSpec) -> Release:
        return Release("", spec.tag, True, "")  # the first upload creates the package

    def upload(self, release: Release, path: Path) -> None:
        there = release.assets.get(path.name)
        if there is not None and release.id:  # a half-finished upload: replace it
            self.api.call(
                "DELETE", f"{self._project}/packages/{release.id}/package_files/{there.id}"
            )
        self.api.call(
            "PUT",
            self._file_url(release.tag, path.name),
            body=path.read_bytes(),
            headers={"Content-Type": "application/octet-stream"},
        )

    def publish(self, release: Release, spec: ReleaseSpec) -> Release:
        links = [
            {"name": name, "url": self._file_url(spec.tag, name), "link_type": "package"}
            for name in sorted(release.assets)
        ]
        data = self.api.call(
            "POST",
            f"{self._project}/releases",
            data={
                "tag_name": spec.tag,
                "name": spec.name,
                "description": spec.notes,
                "assets": {"links": links},
            },
        )
        url = (data or {}).get("_links", {}).get("self", "")
        return Release(spec.tag, spec.tag, False, url, release.assets)

    def delete(self, release: Release) -> None:
        if not release.draft:
            self.api.call("DELETE", f"{self._project}/releases/{_q(release.tag)}", missing_ok=True)
        package = self._package(release.tag)
        if package is not None:
            self.api.call("DELETE", f"{self._project}/packages/{package['id']}", missing_ok=True)
