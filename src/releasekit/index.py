"""The embedded local package index: pypiserver on 127.0.0.1, in this process.

``releasekit release --to local`` starts it for the duration of the release; ``releasekit index
serve`` runs it in the foreground so people can ``pip install --index-url`` from it. Its package
directory lives in the user's cache directory unless ``RELEASEKIT_INDEX_DIR`` says otherwise.
Uploads need a password only when ``RELEASEKIT_INDEX_PASSWORD`` is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import html.parser
import logging
import os
import socketserver
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import platformdirs
from packaging.utils import canonicalize_name

from .checks import writable_dir
from .errors import ConfigError, IndexUnavailable

__all__ = [
    "IndexFile",
    "LocalIndex",
    "check_index_dir",
    "default_index_dir",
    "list_files",
    "sha256_of",
]

INDEX_DIR_ENV = "RELEASEKIT_INDEX_DIR"
INDEX_USER_ENV = "RELEASEKIT_INDEX_USERNAME"
INDEX_PASSWORD_ENV = "RELEASEKIT_INDEX_PASSWORD"  # noqa: S105 - a variable name
#: Where ``releasekit index serve`` sends installs of projects it does not have.
DEFAULT_FALLBACK = "https://pypi.org/simple/"


def default_index_dir(environ: Mapping[str, str] | None = None) -> Path:
    override = (os.environ if environ is None else environ).get(INDEX_DIR_ENV)
    if override:
        try:
            return Path(override).expanduser().resolve()
        except RuntimeError as exc:  # ~user of nobody, or a symlink loop
            raise ConfigError(
                f"{INDEX_DIR_ENV} = {override!r}: {exc}", hint="give an existing user's path"
            ) from None
    return Path(platformdirs.user_cache_dir("releasekit")) / "index"


def check_index_dir(environ: Mapping[str, str] | None = None, path: Path | None = None) -> Path:
    """The index directory, refused in one line when it is a file or cannot be written."""
    directory = path or default_index_dir(environ)
    why = writable_dir(directory)
    if why:
        where = "--dir" if path else f"the local index directory {INDEX_DIR_ENV}"
        if not path and not (os.environ if environ is None else environ).get(INDEX_DIR_ENV):
            where = "the local index directory (user cache)"
        raise ConfigError(
            f"{where} = {str(directory)!r} {why}",
            hint=f"point {INDEX_DIR_ENV} (or --dir) at a writable directory",
        )
    return directory


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        logging.getLogger("releasekit.index").debug(format, *args)


@dataclass
class LocalIndex:
    """A running embedded index. Use :meth:`running` as a context manager."""

    directory: Path
    url: str  # root URL, where twine uploads
    username: str | None = None
    password: str | None = None

    @property
    def simple_url(self) -> str:
        return self.url + "simple/"

    @classmethod
    @contextlib.contextmanager
    def running(
        cls,
        directory: Path | None = None,
        *,
        port: int = 0,
        username: str | None = None,
        password: str | None = None,
        host: str = "127.0.0.1",
        create: bool = False,
        fallback_url: str | None = None,
    ) -> Iterator[LocalIndex]:
        """Serve ``directory``; it is created only with ``create`` (``index serve``) or by
        :meth:`ensure_directory` right before an upload, so a refused release leaves none.

        With ``fallback_url``, a project the directory does not have is redirected there (so
        installs find the release's dependencies upstream); releases run without it, so the
        index they check holds exactly what was uploaded to it."""
        import pypiserver  # heavy; only when an index is actually needed

        directory = check_index_dir(path=directory)
        with contextlib.ExitStack() as stack:
            settings: dict[str, object] = {
                "roots": [directory],
                "backend_arg": "simple-dir",  # no cache: the directory is the truth
                "disable_fallback": fallback_url is None,
                "fallback_url": fallback_url or "",
                "log_stream": None,
            }
            if password:
                from passlib.apache import HtpasswdFile

                tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rk-index-")))
                htpasswd = HtpasswdFile(str(tmp / "htpasswd"), new=True)
                htpasswd.set_password(username or "releasekit", password)
                htpasswd.save()
                settings.update(password_file=str(tmp / "htpasswd"), authenticate=["update"])
            else:
                settings.update(password_file=".", authenticate=[])  # noqa: S106 - "." means none
            app = pypiserver.app(**settings)
            try:
                server = make_server(
                    host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler
                )
            except OSError as exc:
                raise IndexUnavailable(
                    f"cannot start the local index on {host}:{port}: {exc.strerror}",
                    hint="choose another port with --port, or stop what is using it",
                ) from None
            if create:
                directory.mkdir(parents=True, exist_ok=True)
            thread = threading.Thread(
                target=server.serve_forever, name="releasekit-index", daemon=True
            )
            thread.start()
            stack.callback(server.server_close)
            stack.callback(server.shutdown)
            bound_port = server.server_address[1]
            yield cls(
                directory=directory,
                url=f"http://{host}:{bound_port}/",
                username=(username or "releasekit") if password else None,
                password=password,
            )

    @staticmethod
    def ensure_directory() -> Path:
        """Create the default index directory (before the first upload to it)."""
        directory = check_index_dir()
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    def remove(self, filename: str) -> bool:
        """Delete one distribution file from the index directory; True if it was there."""
        path = self.directory / filename
        if path.is_file():
            path.unlink()
            return True
        return False


@dataclass(frozen=True)
class IndexFile:
    filename: str
    url: str
    sha256: str | None


class _LinkParser(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = dict(attrs).get("href")

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self.links.append((data.strip(), self._href))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._href = None


def list_files(simple_url: str, project: str, *, timeout: float = 15.0) -> list[IndexFile]:
    """The files an index has for ``project`` (PEP 503 simple page); [] when it has none."""
    page = simple_url.rstrip("/") + "/" + canonicalize_name(project) + "/"
    request = urllib.request.Request(page, headers={"Accept": "text/html"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read().decode("utf-8", "replace")
            base = response.geturl()
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return []
        raise IndexUnavailable(
            f"index {simple_url} answered HTTP {exc.code} for {project}",
            hint="check the index URL and that it is a PEP 503 simple index",
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise IndexUnavailable(
            f"cannot reach the package index {simple_url}: {reason}",
            hint="check the URL and your network, or release to --to local",
        ) from None
    parser = _LinkParser()
    parser.feed(body)
    files = []
    for text, href in parser.links:
        url, _, fragment = href.partition("#")
        sha = fragment[len("sha256=") :] if fragment.startswith("sha256=") else None
        files.append(IndexFile(filename=text, url=urllib.parse.urljoin(base, url), sha256=sha))
    return files
