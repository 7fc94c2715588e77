"""Is the target what it claims to be: credentials for its host, an index URL that is an index?

A PyPI API token (``pypi-...``) is a macaroon whose location names the index that issued it
(``pypi.org``, ``test.pypi.org``). Sending it to any other host would fail at upload time, or
worse hand a PyPI credential to a third party, so preflight compares the location with the
upload host. (The location is the first field of the token's v2 binary serialisation, read here
directly: the only macaroon library, pymacaroons, is unmaintained and would be a heavy dependency
for reading one field.)

Is the index URL really a package index?

A configured URL that points at some website (a project page, a docs site, a directory listing)
would let preflight believe the version is not yet on the index: the project page answers 404
there too. So, for targets other than the embedded index and PyPI/TestPyPI, preflight asks the
index root once (the first 256 KiB of it) and expects a simple repository: a PEP 691 JSON answer,
a PEP 629 ``pypi:repository-version`` marker, or a PEP 503 page whose links all lead to project
pages (``<a href=".../name/">name</a>``). An index without a root listing is still recognised by
the package's own project page linking to distribution files.
"""

from __future__ import annotations

import base64
import binascii
import html.parser
import json
import urllib.error
import urllib.parse
import urllib.request

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)

__all__ = ["not_an_index", "token_host_mismatch"]

_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.1"
)
_LIMIT = 256 * 1024


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self.marked = False  # PEP 629 <meta name="pypi:repository-version">
        self._href: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("name") == "pypi:repository-version":
            self.marked = True
        elif tag == "a":
            self._href, self._text = values.get("href") or "", ""

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._text.strip(), self._href))
            self._href = None


def _get(url: str, timeout: float) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers={"Accept": _ACCEPT})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers.get("Content-Type", ""), response.read(_LIMIT)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), b""


def _project_link(text: str, href: str) -> bool:
    path = urllib.parse.urlsplit(href).path
    if not path.endswith("/"):
        return False
    last = path.rstrip("/").rsplit("/", 1)[-1]
    name = text.rstrip("/")  # a directory listing shows "name/"
    return bool(name) and canonicalize_name(name) == canonicalize_name(urllib.parse.unquote(last))


def _distribution(text: str) -> bool:
    try:
        if text.endswith(".whl"):
            parse_wheel_filename(text)
        else:
            parse_sdist_filename(text)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return False
    return True


def _verdict(ctype: str, body: bytes, *, root: bool) -> str | None:
    """None when the answer is a simple repository page, else what it is instead."""
    if ctype.startswith("application/vnd.pypi.simple.v1+json"):
        try:
            data = json.loads(body)
        except ValueError:
            return "its JSON answer is not a simple repository page"
        return None if isinstance(data, dict) and "meta" in data else "unexpected JSON"
    if "html" not in ctype:
        return f"it answers {ctype or 'without a content type'}, not a simple repository page"
    page = _Page()
    page.feed(body.decode("utf-8", "replace"))
    if page.marked:
        return None
    judge = _project_link if root else (lambda text, _href: _distribution(text))
    odd = [href for text, href in page.links if not judge(text, href)]
    if odd:
        return f"it links to {odd[0]!r}, which is not a {'project' if root else 'file'} link"
    return None


def not_an_index(simple_url: str, project: str, *, timeout: float = 10.0) -> str | None:
    """Why ``simple_url`` is not a package index, or None when it is (or cannot be reached:
    listing the project's files then reports that)."""
    try:
        status, ctype, body = _get(simple_url, timeout)
        if status == 200:
            return _verdict(ctype, body, root=True)
        if status in {401, 403}:
            return None  # a private index: the listing with credentials says more
        page = simple_url.rstrip("/") + "/" + canonicalize_name(project) + "/"
        project_status, ctype, body = _get(page, timeout)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    if project_status == 200 and _verdict(ctype, body, root=False) is None:
        return None  # no root listing, but the project page is a simple one
    return f"it answers HTTP {status} at its root and HTTP {project_status} for {project}"


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[pos]  # IndexError on a truncated token
        value |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if not byte & 0x80:
            return value, pos


def token_location(token: str) -> str | None:
    """The index a ``pypi-`` API token was issued by (its macaroon location), if readable."""
    if not token.startswith("pypi-"):
        return None
    body = token[len("pypi-") :]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        if data[:1] != b"\x02":  # macaroon binary format version 2
            return None
        kind, pos = _varint(data, 1)
        if kind != 1:  # 1: the optional location field, first when present
            return None
        length, pos = _varint(data, pos)
        return data[pos : pos + length].decode("ascii")
    except (binascii.Error, ValueError, IndexError):
        return None


def token_host_mismatch(token: str | None, upload_url: str | None) -> str | None:
    """The host a PyPI token is for when ``upload_url`` is elsewhere, else None."""
    location = token_location(token or "")
    host = urllib.parse.urlsplit(upload_url or "").hostname
    if not location or not host:
        return None
    return None if host in {location, f"upload.{location}"} else location
