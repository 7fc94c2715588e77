"""Where a release goes: the embedded local index, PyPI, TestPyPI, a URL or a named repository.

Credentials come from the environment (or keyring for PyPI-style targets), or -- as twine takes
them -- from a URL's userinfo (``https://__token__:pypi-...@host/legacy/``): the URL is stripped
of them for every display and for twine's ``--repository-url``. Every credential is registered as
a secret the moment it is read, so it never appears in output, logs or the journal.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from .config import Config
from .errors import ConfigError, PreflightError
from .redact import register_secret
from .textfiles import read_text

__all__ = ["Target", "resolve_target"]

PUBLIC = {
    "pypi": ("https://upload.pypi.org/legacy/", "https://pypi.org/simple/", "PYPI_TOKEN"),
    "testpypi": (
        "https://test.pypi.org/legacy/",
        "https://test.pypi.org/simple/",
        "TESTPYPI_TOKEN",
    ),
}


@dataclass(frozen=True)
class Target:
    """A resolved upload target. ``password`` is a secret: never print the object's fields."""

    name: str
    upload_url: str | None  # None for "local" until the embedded index is started
    index_url: str | None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    password_source: str = ""  # which variable to set, for error messages
    local: bool = False  # the embedded index: releasekit starts it and can remove files
    public: bool = False  # uploads can never be deleted or replaced
    trusted_publishing: bool = False  # no token: twine trades the CI's OIDC identity for one

    @property
    def can_remove(self) -> bool:
        return self.local

    def with_urls(self, upload_url: str, index_url: str) -> Target:
        return Target(
            name=self.name,
            upload_url=upload_url,
            index_url=index_url,
            username=self.username,
            password=self.password,
            password_source=self.password_source,
            local=self.local,
            public=self.public,
            trusted_publishing=self.trusted_publishing,
        )

    def require_index_url(self) -> str:
        if not self.index_url:
            raise PreflightError(
                f"target {self.name!r} has no index URL to check uploads against",
                hint="set index_url in [tool.releasekit.repositories]",
            )
        return self.index_url

    @property
    def has_credentials(self) -> bool:
        return self.local or bool(self.password) or self.trusted_publishing

    def require_credentials(self) -> None:
        if not self.has_credentials:
            raise PreflightError(
                f"no credentials for target {self.name!r}",
                hint=f"set {self.password_source} (an API token) in the environment",
            )


def _from_keyring(url: str, username: str) -> str | None:
    try:
        import keyring
    except ImportError:  # pragma: no cover - keyring is optional
        return None
    try:
        return keyring.get_password(url, username)
    except Exception:
        return None


def _env(*names: str) -> tuple[str | None, str]:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value, name
    return None, names[0]


def _oidc_available() -> bool:
    """GitHub Actions with ``permissions: id-token: write`` (twine does the token exchange)."""
    return bool(
        os.environ.get("ACTIONS_ID_TOKEN_REQUEST_URL")
        and os.environ.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN")
    )


def _pypirc(name: str) -> configparser.SectionProxy | None:
    given = os.environ.get("PYPIRC")
    try:
        path = Path(given).expanduser() if given else Path.home() / ".pypirc"
    except RuntimeError as exc:  # ~user of nobody, or no home directory
        raise ConfigError(f"PYPIRC = {given!r}: {exc}", hint="point PYPIRC at a file") from None
    if not path.is_file():
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(read_text(path), source=str(path))
    except configparser.Error as exc:
        reason = str(exc).splitlines()[0]
        raise ConfigError(f"{path}: malformed: {reason}", hint="fix its syntax") from None
    return parser[name] if parser.has_section(name) else None


def _derive_index(upload_url: str) -> str:
    """The simple index beside an upload URL: PyPI's ``/legacy/`` has ``/simple/`` beside it,
    pypiserver's root ``/simple/`` below it; a URL that ends in ``/simple`` is the index."""
    url = upload_url.rstrip("/")
    if url.endswith("/legacy"):
        return url[: -len("legacy")] + "simple/"
    return url + "/" if url.endswith("/simple") else url + "/simple/"


_BARE_TOKEN_LEN = 16  # https://TOKEN@host/ -- shorter, it is a user name: https://bot@host/


@dataclass(frozen=True)
class _Userinfo:
    """A URL without its userinfo, and the credentials that were in it (registered secrets)."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)


def _split_credentials(url: str) -> _Userinfo:
    """Take ``user:password@`` out of ``url``, as twine does. A long bare userinfo
    (``https://pypi-AgE...@host/``) is a token, for ``__token__``; a short one a user name."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return _Userinfo(url)
    userinfo, _, host = parts.netloc.rpartition("@")
    clean = urlunsplit(parts._replace(netloc=host))
    user, colon, password = (unquote(part) for part in userinfo.partition(":"))
    if not colon and len(user) < _BARE_TOKEN_LEN:
        return _Userinfo(clean, user or None)
    register_secret(userinfo)
    if not colon:
        user, password = "__token__", user
    register_secret(password)
    return _Userinfo(clean, user or None, password or None)


def _same_url_in_environment(parsed: _Userinfo) -> _Userinfo:
    """The credentials of ``RELEASEKIT_TARGET`` when it is the same URL (the journal records a
    target without them, so ``--resume`` finds them there again)."""
    configured = os.environ.get("RELEASEKIT_TARGET", "")
    if "@" in configured:
        from_env = _split_credentials(configured)
        if from_env.url == parsed.url and from_env.password:
            return from_env
    return parsed


def resolve_target(name: str, config: Config) -> Target:
    """Turn ``--to NAME`` into a Target with credentials (registered as secrets)."""
    if name == "local":
        password = os.environ.get("RELEASEKIT_INDEX_PASSWORD")
        register_secret(password)
        user = os.environ.get("RELEASEKIT_INDEX_USERNAME", "releasekit") if password else None
        return Target(
            name="local",
            upload_url=None,
            index_url=None,
            username=user,
            password=password,
            local=True,
        )
    if name in PUBLIC:
        upload, index, token_env = PUBLIC[name]
        password, _ = _env(token_env, "TWINE_PASSWORD")
        password = password or _from_keyring(upload, "__token__")
        register_secret(password)
        return Target(
            name=name,
            upload_url=upload,
            index_url=index,
            username="__token__",
            password=password,
            password_source=token_env,
            public=True,
            trusted_publishing=not password and _oidc_available(),
        )
    if name in config.repositories:
        repo = config.repositories[name]
        env_name = f"RELEASEKIT_{name.upper().replace('-', '_')}_TOKEN"
        parsed = _split_credentials(repo.url)
        if repo.index_url:  # kept whole (reading a private index may need them), but secret
            _split_credentials(repo.index_url)
        password = parsed.password or _env(env_name, "TWINE_PASSWORD")[0]
        register_secret(password)
        return Target(
            name=name,
            upload_url=parsed.url,
            index_url=repo.index_url or _derive_index(parsed.url),
            username=parsed.username or repo.username,
            password=password,
            password_source=env_name,
        )
    if name.startswith(("http://", "https://")):
        parsed = _split_credentials(name)
        if parsed.password is None:  # a resumed release knows the URL without its credentials
            parsed = _same_url_in_environment(parsed)
        password = parsed.password or _env("TWINE_PASSWORD")[0]
        register_secret(password)
        return Target(
            name=parsed.url,
            upload_url=parsed.url,
            index_url=_derive_index(parsed.url),
            username=parsed.username or os.environ.get("TWINE_USERNAME", "__token__"),
            password=password,
            password_source="TWINE_PASSWORD",  # noqa: S106 - a variable name, not a secret
        )
    section = _pypirc(name)
    if section is not None:
        url = section.get("repository")
        if not url:
            raise ConfigError(f"~/.pypirc: [{name}] has no 'repository' URL", hint="add one")
        parsed = _split_credentials(url)
        password = parsed.password or section.get("password") or _env("TWINE_PASSWORD")[0]
        register_secret(password)
        return Target(
            name=name,
            upload_url=parsed.url,
            index_url=_derive_index(parsed.url),
            username=parsed.username or section.get("username", "__token__"),
            password=password,
            password_source=f"password in ~/.pypirc [{name}] or TWINE_PASSWORD",
        )
    known = ", ".join(["local", *PUBLIC, *config.repositories])
    raise ConfigError(
        f"unknown release target {name!r} (from {config.sources.get('target', '--to')})",
        hint=f"use one of {known}, an https:// upload URL, or a ~/.pypirc section name",
    )
