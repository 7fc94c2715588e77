"""What every forge client offers the release steps, and the one HTTP helper they share.

A forge release goes through the same four calls everywhere: :meth:`Forge.find` (the release for a
tag, draft or published -- how resume finds earlier work), :meth:`Forge.create_draft`,
:meth:`Forge.upload`, :meth:`Forge.publish` and :meth:`Forge.delete` (rollback). GitHub has real
drafts; GitLab has none, so its client maps a "draft" onto the files uploaded to the project's
generic package registry and creates the release itself on publish (see :mod:`.gitlab`).
"""

from __future__ import annotations

import abc
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

from ..errors import StepFailed
from ..redact import redact

if TYPE_CHECKING:
    import urllib3

__all__ = ["Api", "Asset", "Forge", "ForgeError", "Release", "ReleaseSpec"]


class ForgeError(StepFailed):
    """The forge's API refused a request or could not be reached."""


@dataclass(frozen=True)
class ReleaseSpec:
    """The release to make: its tag, the commit or branch it points at, title and notes."""

    tag: str
    target: str
    name: str
    notes: str
    version: str
    prerelease: bool = False


@dataclass(frozen=True)
class Asset:
    id: str
    name: str
    size: int
    complete: bool = True  # GitHub: state "uploaded" (a killed upload leaves "starter")
    sha256: str | None = None  # GitHub's asset "digest" (sha256:...), where the forge gives one


@dataclass(frozen=True)
class Release:
    id: str
    tag: str
    draft: bool
    url: str
    assets: dict[str, Asset] = field(default_factory=dict)
    upload_url: str = ""


class Api:
    """JSON over HTTP with a token; every failure becomes one :class:`ForgeError` line."""

    def __init__(self, base_url: str, headers: dict[str, str], *, what: str, repo: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers = headers
        self.what = what  # "GitHub", "GitLab"
        self.repo = repo
        self._pools: dict[str, urllib3.PoolManager] = {}

    def _pool(self, url: str) -> urllib3.PoolManager:
        """A connection pool for ``url``'s host, through the proxy the environment names
        (``https_proxy``, ``no_proxy``), like git and pip."""
        import urllib3  # imported on first use: most commands never talk to a forge

        parts = urlsplit(url)
        proxy = None if proxy_bypass(parts.netloc) else getproxies().get(parts.scheme)
        key = proxy or ""
        if key not in self._pools:
            timeout = urllib3.Timeout(connect=15, read=120)
            # Retry a refused or reset connection only: a POST that reached the server is never
            # repeated.
            retries = urllib3.Retry(total=3, connect=3, read=0, status=0, other=0, redirect=3)
            self._pools[key] = (
                urllib3.ProxyManager(proxy, timeout=timeout, retries=retries)
                if proxy
                else urllib3.PoolManager(timeout=timeout, retries=retries)
            )
        return self._pools[key]

    def url(self, path: str) -> str:
        return path if "://" in path else self.base_url + path

    def call(
        self,
        method: str,
        path: str,
        *,
        data: Any = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        missing_ok: bool = False,
    ) -> Any:
        """The decoded JSON answer (None for an empty one, or a 404 when ``missing_ok``)."""
        url = self.url(path)
        sent = {**self.headers, **(headers or {})}
        if data is not None:
            body = json.dumps(data).encode()
            sent["Content-Type"] = "application/json"
        pool = self._pool(url)
        from urllib3.exceptions import HTTPError

        try:
            response = pool.request(method, url, body=body, headers=sent)
        except HTTPError as exc:
            raise ForgeError(
                redact(f"{self.what} API at {self.base_url} cannot be reached ({exc})"),
                hint="check the network, or [tool.releasekit.forge] api_url",
            ) from None
        if response.status == 404 and missing_ok:
            return None
        if response.status >= 300:
            raise ForgeError(
                redact(
                    f"{self.what} API: {method} {urlsplit(url).path} answered {response.status}"
                    f"{_reason(response.data)}"
                ),
                hint=self._hint(response.status),
            )
        return json.loads(response.data) if response.data.strip() else None

    def _hint(self, status: int) -> str:
        if status == 401:
            return f"the {self.what} token is not valid: renew it"
        if status == 403:
            return f"the token may not write releases of {self.repo}: it needs " + (
                "contents: write" if self.what == "GitHub" else "the api scope, Developer role"
            )
        if status == 404:
            return f"{self.repo} does not exist or the token cannot see it"
        return "see the forge's message; `releasekit release --resume` retries"


def _reason(data: bytes) -> str:
    try:
        answer = json.loads(data)
    except ValueError:
        return ""
    if not isinstance(answer, dict):
        return ""
    message = str(answer.get("message") or answer.get("error") or "")
    errors = answer.get("errors")
    if isinstance(errors, list) and errors:
        message += " " + json.dumps(errors)[:300]
    return f": {message.strip()}" if message.strip() else ""


class Forge(abc.ABC):
    """A forge's releases API. Subclasses differ in URLs and JSON; the steps use only this."""

    kind: str  # github | gitlab
    title: str  # GitHub | GitLab
    has_drafts: bool

    def __init__(self, api_url: str, repo: str, token: str) -> None:
        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self.api = Api(self.api_url, self.auth_headers(token), what=self.title, repo=repo)

    @abc.abstractmethod
    def auth_headers(self, token: str) -> dict[str, str]:
        """The headers that carry the token (and the API version)."""

    @abc.abstractmethod
    def check_access(self) -> str | None:
        """Why the token cannot write releases of the repository (None: it can)."""

    @abc.abstractmethod
    def find(self, tag: str) -> Release | None:
        """The release (draft or published) for ``tag``, or None."""

    @abc.abstractmethod
    def create_draft(self, spec: ReleaseSpec) -> Release:
        """A draft release, not visible to the public."""

    @abc.abstractmethod
    def upload(self, release: Release, path: Path) -> None:
        """Attach ``path`` to the draft, replacing an incomplete asset of the same name."""

    @abc.abstractmethod
    def publish(self, release: Release, spec: ReleaseSpec) -> Release:
        """Make the release public (the tag is on the remote by now)."""

    @abc.abstractmethod
    def delete(self, release: Release) -> None:
        """Remove the release and the files uploaded for it."""
