"""A small client of the OCI distribution (registry v2) HTTP API, and registry credentials.

Used to read what a tag points at before moving it, to move ``latest`` by re-putting a manifest
under another tag (no image data is transferred), and to delete a pushed manifest on rollback
where the registry allows deletion.

Credentials come from ``RELEASEKIT_REGISTRY_USERNAME`` / ``RELEASEKIT_REGISTRY_PASSWORD``; the
password is registered as a secret at once and reaches the builders only through a 0600 auth
file (never argv, which ``ps`` shows).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import ssl
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..redact import register_secret
from .errors import RegistryError

__all__ = [
    "MANIFEST_TYPES",
    "Credentials",
    "Manifest",
    "RegistryClient",
    "authfile",
    "image_tag",
    "repository_name",
]

USERNAME_ENV = "RELEASEKIT_REGISTRY_USERNAME"
PASSWORD_ENV = "RELEASEKIT_REGISTRY_PASSWORD"  # noqa: S105 - the variable's name, not a secret

MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
_TIMEOUT = 60
_CHALLENGE = re.compile(r'(\w+)="([^"]*)"')


def image_tag(version: str) -> str:
    """A PEP 440 version as an image tag (``+`` is not allowed in tags)."""
    return version.replace("+", "-")


def repository_name(name: str) -> str:
    """A package name as an image repository path component: lowercase, ``-`` separated."""
    parts = [re.sub(r"[^a-z0-9]+", "-", part.lower()).strip("-") for part in name.split("/")]
    return "/".join(p for p in parts if p)


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str = field(repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Credentials | None:
        env = os.environ if environ is None else environ
        username, password = env.get(USERNAME_ENV), env.get(PASSWORD_ENV)
        if not password:
            return None
        register_secret(password)
        if not username:
            raise RegistryError(
                f"{PASSWORD_ENV} is set but {USERNAME_ENV} is not",
                hint=f"set {USERNAME_ENV} to the registry user name",
            )
        register_secret(cls._basic(username, password))
        return cls(username, password)

    @staticmethod
    def _basic(username: str, password: str) -> str:
        return base64.b64encode(f"{username}:{password}".encode()).decode()

    @property
    def basic(self) -> str:
        return self._basic(self.username, self.password)


@contextlib.contextmanager
def authfile(registry: str, creds: Credentials | None) -> Iterator[Path | None]:
    """A private ``config.json`` auth file for ``registry`` (docker/containers format), or None."""
    if creds is None:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="releasekit-auth-") as tmp:
        path = Path(tmp) / "config.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"auths": {registry: {"auth": creds.basic}}}, handle)
        yield path


@dataclass(frozen=True)
class Manifest:
    body: bytes
    media_type: str
    digest: str


class RegistryClient:
    """The v2 API of one registry host (``host[:port]``)."""

    def __init__(
        self, host: str, *, tls_verify: bool = True, creds: Credentials | None = None
    ) -> None:
        self.host = host
        self.api_host = "registry-1.docker.io" if host in {"docker.io", "index.docker.io"} else host
        self.tls_verify = tls_verify
        self.creds = creds
        self._scheme: str | None = None if not tls_verify else "https"
        self._tokens: dict[str, str] = {}

    # -------------------------------------------------------------- transport
    def _context(self) -> ssl.SSLContext:
        if self.tls_verify:
            return ssl.create_default_context()
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    def _open(self, request: urllib.request.Request) -> tuple[int, dict[str, str], bytes]:
        try:
            opened = urllib.request.urlopen(  # noqa: S310 - the URL is always http(s)://host/v2/
                request, timeout=_TIMEOUT, context=self._context()
            )
            with opened as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def _url(self, scheme: str, path: str) -> str:
        return f"{scheme}://{self.api_host}{path}"

    def _send(
        self,
        method: str,
        path: str,
        *,
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
        scope: str = "",
    ) -> tuple[int, dict[str, str], bytes]:
        schemes = [self._scheme] if self._scheme else ["https", "http"]
        last: Exception | None = None
        for scheme in schemes:
            try:
                result = self._authorized(method, self._url(scheme, path), headers, data, scope)
            except (urllib.error.URLError, ssl.SSLError, ConnectionError, OSError) as exc:
                last = exc
                continue
            self._scheme = scheme
            return result
        reason = getattr(last, "reason", last)
        raise RegistryError(
            f"registry {self.host} is unreachable: {reason}",
            hint="check [tool.releasekit.image] registry and tls_verify",
        )

    def _authorized(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        data: bytes | None,
        scope: str,
    ) -> tuple[int, dict[str, str], bytes]:
        def attempt() -> tuple[int, dict[str, str], bytes]:
            request = urllib.request.Request(  # noqa: S310 - http(s) only
                url, data=data, method=method, headers=dict(headers or {})
            )
            if scope in self._tokens:
                request.add_header("Authorization", self._tokens[scope])
            return self._open(request)

        status, reply_headers, body = attempt()
        if status != 401:
            return status, reply_headers, body
        challenge = next(
            (v for k, v in reply_headers.items() if k.lower() == "www-authenticate"), ""
        )
        self._tokens[scope] = self._login(challenge, scope)
        return attempt()

    def _login(self, challenge: str, scope: str) -> str:
        if challenge.lower().startswith("basic"):
            if self.creds is None:
                raise self._denied()
            return f"Basic {self.creds.basic}"
        params = dict(_CHALLENGE.findall(challenge))
        realm = params.get("realm")
        if not challenge.lower().startswith("bearer") or not realm:
            raise self._denied()
        query = {"service": params.get("service", "")}
        if scope:
            query["scope"] = scope
        request = urllib.request.Request(  # noqa: S310 - the registry's own token realm
            realm + "?" + urllib.parse.urlencode(query)
        )
        if self.creds is not None:
            request.add_header("Authorization", f"Basic {self.creds.basic}")
        status, _, body = self._open(request)
        if status != 200:
            raise self._denied()
        reply = json.loads(body or b"{}")
        token = reply.get("token") or reply.get("access_token")
        if not token:
            raise self._denied()
        register_secret(token)
        return f"Bearer {token}"

    def _denied(self) -> RegistryError:
        return RegistryError(
            f"registry {self.host} refused the credentials",
            hint="set RELEASEKIT_REGISTRY_USERNAME and "
            "RELEASEKIT_REGISTRY_PASSWORD to an account that may push",
        )

    def _fail(self, what: str, status: int, body: bytes) -> RegistryError:
        detail = body.decode("utf-8", "replace").strip().splitlines()
        return RegistryError(
            f"registry {self.host}: {what} failed (HTTP {status}"
            + (f": {detail[0][:200]}" if detail else "")
            + ")"
        )

    # -------------------------------------------------------------- the API
    def tags(self, repository: str) -> list[str]:
        status, _, body = self._send(
            "GET", f"/v2/{repository}/tags/list", scope=f"repository:{repository}:pull"
        )
        if status == 404:
            return []
        if status != 200:
            raise self._fail(f"listing the tags of {repository}", status, body)
        return list(json.loads(body).get("tags") or [])

    def manifest(self, repository: str, reference: str) -> Manifest | None:
        """The manifest ``reference`` (tag or digest) points at, or None when there is none."""
        status, headers, body = self._send(
            "GET",
            f"/v2/{repository}/manifests/{reference}",
            headers={"Accept": ", ".join(MANIFEST_TYPES)},
            scope=f"repository:{repository}:pull",
        )
        if status == 404:
            return None
        if status != 200:
            raise self._fail(f"reading {repository}:{reference}", status, body)
        lower = {k.lower(): v for k, v in headers.items()}
        digest = lower.get("docker-content-digest") or "sha256:" + hashlib.sha256(body).hexdigest()
        return Manifest(body, lower.get("content-type", MANIFEST_TYPES[1]), digest)

    def digest(self, repository: str, reference: str) -> str | None:
        found = self.manifest(repository, reference)
        return found.digest if found else None

    def put_tag(self, repository: str, tag: str, digest: str) -> None:
        """Point ``tag`` at the manifest ``digest`` already in ``repository``."""
        found = self.manifest(repository, digest)
        if found is None:
            raise RegistryError(
                f"registry {self.host}: {repository}@{digest} no longer exists",
                hint=f"push the image again and tag it {tag} by hand",
            )
        status, _, body = self._send(
            "PUT",
            f"/v2/{repository}/manifests/{tag}",
            data=found.body,
            headers={"Content-Type": found.media_type},
            scope=f"repository:{repository}:pull,push",
        )
        if status not in {200, 201}:
            raise self._fail(f"tagging {repository}@{digest[:19]} as {tag}", status, body)

    def delete(self, repository: str, reference: str) -> bool:
        """Delete a manifest (by digest; some registries also take a tag).

        False when the registry does not allow deletion. Deleting by digest removes every tag
        that points at it.
        """
        status, _, body = self._send(
            "DELETE",
            f"/v2/{repository}/manifests/{reference}",
            scope=f"repository:{repository}:delete,pull,push",
        )
        if status in {200, 202, 404}:
            return True
        by_tag = not reference.startswith("sha256:")  # distribution 2.x answers 400 DIGEST_INVALID
        if status in {405, 501} or (status == 400 and (by_tag or b"UNSUPPORTED" in body)):
            return False
        raise self._fail(f"deleting {repository}@{reference[:19]}", status, body)
