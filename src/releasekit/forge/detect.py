"""Which forge, repository, API and token a release uses: detected from the git remote's URL
(``github.com`` / ``gitlab.com``, ssh or https), overridable in ``[tool.releasekit.forge]``.

The token comes from the environment (``GITHUB_TOKEN`` or ``GH_TOKEN``; ``GITLAB_TOKEN``), else from
the system keyring when the ``keyring`` package is installed (service ``releasekit``, user name =
the API's host, e.g. ``keyring set releasekit api.github.com``). It is registered with the
redactor as soon as it is read.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..git import Git
from ..redact import register_secret
from .base import Forge

if TYPE_CHECKING:
    from ..config import Config

__all__ = [
    "KEYRING_SERVICE",
    "TOKEN_ENV",
    "ForgeTarget",
    "Resolution",
    "find_token",
    "forge_values",
    "parse_remote",
    "resolve_forge",
]

KNOWN_HOSTS = {"github.com": "github", "gitlab.com": "gitlab"}
PUBLIC_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
TOKEN_ENV = {"github": ("GITHUB_TOKEN", "GH_TOKEN"), "gitlab": ("GITLAB_TOKEN",)}
KEYRING_SERVICE = "releasekit"
TITLES = {"github": "GitHub", "gitlab": "GitLab"}
# scp-like ssh: [user@]host:path (no scheme, and the path does not start with a slash)
_SCP = re.compile(r"^(?:[^@/:]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>[^/].*)$")


def parse_remote(url: str) -> tuple[str, str] | None:
    """``(host, repository path)`` of a git remote URL on a server; None for a local path."""
    url = url.strip()
    match = None if "://" in url else _SCP.match(url)
    if match:
        host, path = match["host"], match["path"]
    else:
        parts = urlsplit(url)
        if parts.scheme not in {"https", "http", "ssh", "git", "git+ssh"} or not parts.hostname:
            return None
        host, path = parts.hostname, parts.path
    path = path.strip("/").removesuffix(".git").strip("/")
    return (host.lower(), path) if "/" in path else None


@dataclass(frozen=True)
class ForgeTarget:
    kind: str  # github | gitlab
    repo: str
    api_url: str
    source: str  # where kind/repo came from, for `releasekit config` and the plan

    @property
    def title(self) -> str:
        return TITLES[self.kind]

    def describe(self) -> str:
        return f"{self.title} {self.repo}"

    def client(self, token: str) -> Forge:
        from .github import GitHub
        from .gitlab import GitLab

        kind = GitHub if self.kind == "github" else GitLab
        return kind(self.api_url, self.repo, token)


@dataclass(frozen=True)
class Resolution:
    """The forge target, or why there is none; ``configured``: the user asked for one."""

    target: ForgeTarget | None
    reason: str
    configured: bool


def _remote_url(root: Path, remote: str) -> str | None:
    repo = Git(root)
    if not repo.is_repo() or not repo.has_remote(remote):
        return None
    return repo.remote_url(remote)


def resolve_forge(root: Path, config: Config) -> Resolution:
    settings = config.forge
    configured = settings.configured
    if settings.enabled is False:
        return Resolution(None, "forge.enabled = false", False)
    url = _remote_url(root, config.remote)
    parsed = parse_remote(url) if url else None
    host = parsed[0] if parsed else None
    where = f"remote {config.remote}" + (f" ({host})" if host else "")
    kind = settings.kind or KNOWN_HOSTS.get(host or "")
    if kind is None:
        return Resolution(
            None,
            f"no forge: {where} is not on github.com or gitlab.com"
            + ("" if url else " (no such remote)"),
            configured,
        )
    repo = settings.repo or (parsed[1] if parsed else None)
    if repo is None:
        return Resolution(
            None, f"cannot tell the {TITLES[kind]} repository from {where}'s URL", configured
        )
    if settings.api_url:
        api_url = settings.api_url
    elif host is None or host in KNOWN_HOSTS:
        api_url = PUBLIC_API[kind]
    else:  # GitHub Enterprise Server / self-hosted GitLab
        api_url = f"https://{host}/api/" + ("v3" if kind == "github" else "v4")
    how = "[tool.releasekit.forge]" if settings.kind and settings.repo else f"detected: {where}"
    return Resolution(ForgeTarget(kind, repo, api_url, how), "", configured)


def find_token(target: ForgeTarget, environ: Mapping[str, str] | None = None) -> str | None:
    """The API token (environment first, then the keyring), registered with the redactor."""
    env = os.environ if environ is None else environ
    for name in TOKEN_ENV[target.kind]:
        if env.get(name, "").strip():
            token = env[name].strip()
            register_secret(token)
            return token
    stored = _keyring_token(urlsplit(target.api_url).netloc)
    if stored:
        register_secret(stored)
    return stored or None


def _keyring_token(host: str) -> str | None:
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, host)
    except Exception:  # no usable backend (headless CI, no D-Bus) means: no token there
        return None


def token_hint(target: ForgeTarget) -> str:
    names = " or ".join(TOKEN_ENV[target.kind])
    host = urlsplit(target.api_url).netloc
    return f"set {names}, or store one with `keyring set {KEYRING_SERVICE} {host}`"


def forge_values(root: Path, config: Config) -> dict[str, tuple[Any, str]]:
    """``releasekit config``: the effective ``forge.*`` values and where they came from."""
    settings, found = config.forge, resolve_forge(root, config)
    where = config.sources.get("forge", "default")
    target = found.target
    if target is None:
        return {"forge.enabled": (False, f"detected: {found.reason}")}
    token = find_token(target)
    on = token is not None or found.configured
    values: dict[str, tuple[Any, str]] = {
        "forge.enabled": (
            on if settings.enabled is None else settings.enabled,
            where
            if settings.enabled is not None
            else (
                "detected: token found" if token else f"detected: no token ({token_hint(target)})"
            ),
        )
    }
    for key, value in (("kind", target.kind), ("repo", target.repo), ("api_url", target.api_url)):
        configured = getattr(settings, key) is not None
        values[f"forge.{key}"] = (value, where if configured else target.source)
    return values
