"""Every member of an sdist or a wheel, streamed, with nested archives opened, and text decoded.

Nested archives (by name: ``.zip``/``.whl``/``.jar``/``.egg``, ``.tar``/``.tar.gz``/``.tgz``/
``.tar.bz2``/``.tar.xz``, and ``.gz``) are opened recursively; their members are named
``outer!inner`` (``data/fixtures.zip!creds/token.txt``). A nested file that is not the archive its
name says is scanned as plain bytes. Nothing is size-limited: members are streamed.
"""

from __future__ import annotations

import codecs
import gzip
import shutil
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

__all__ = [
    "ENCRYPTED",
    "MAX_DEPTH",
    "TOO_DEEP",
    "Member",
    "Readable",
    "Unreadable",
    "decode",
    "members",
    "sniff",
]

#: Archives nested deeper than this are reported instead of opened (a guard against zip quines).
MAX_DEPTH = 8
_ZIP = (".zip", ".whl", ".jar", ".egg")
_TAR = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz")
_READ = 1 << 20


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True)
class Unreadable:
    """A member whose bytes cannot be checked: why, as a finding's kind and its detail."""

    kind: str
    detail: str = ""


TOO_DEEP = Unreadable("Archive nested too deep to check", f" (> {MAX_DEPTH})")
#: cookiecutter's sdist holds a password-protected zip among its test fixtures.
ENCRYPTED = Unreadable("Encrypted, cannot be checked", " (a password-protected zip member)")

#: (path inside the artifact, "!"-joined when nested; its bytes, or why they cannot be checked)
Member = tuple[str, Readable | Unreadable]


def members(artifact: Path) -> Iterator[Member]:
    """Every regular file inside ``artifact`` (paths of an sdist without its top directory)."""
    if artifact.name.endswith(".whl"):
        with zipfile.ZipFile(artifact) as archive:
            yield from _zip_members(archive, "", 1)
    else:
        with tarfile.open(artifact, "r:*") as archive:
            yield from _tar_members(archive, "", 1, strip_top=True)


def _zip_members(archive: zipfile.ZipFile, prefix: str, depth: int) -> Iterator[Member]:
    for info in archive.infolist():
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:  # encrypted: zipfile cannot read it without the password
            yield prefix + info.filename, ENCRYPTED
        else:
            with archive.open(info) as stream:
                yield from _expand(prefix + info.filename, stream, depth)


def _tar_members(
    archive: tarfile.TarFile, prefix: str, depth: int, *, strip_top: bool = False
) -> Iterator[Member]:
    for member in archive:
        if not member.isfile():
            continue
        name = member.name
        if strip_top:
            name = name.split("/", 1)[1] if "/" in name else name
        stream = archive.extractfile(member)
        if stream is not None:
            with stream:
                yield from _expand(prefix + name, stream, depth)


def _expand(name: str, stream: Readable, depth: int) -> Iterator[Member]:
    """The member itself, or the members of the archive it is."""
    lower = name.rsplit("!", 1)[-1].lower()
    kind = (
        "zip"
        if lower.endswith(_ZIP)
        else "tar"
        if lower.endswith(_TAR)
        else "gz"
        if lower.endswith(".gz")
        else None
    )
    if kind is None:
        yield name, stream
        return
    if depth >= MAX_DEPTH:
        yield name, TOO_DEEP
        return
    with tempfile.SpooledTemporaryFile(max_size=32 << 20) as spool:
        shutil.copyfileobj(stream, spool, _READ)
        spool.seek(0)
        try:
            yield from _open_nested(kind, name, spool, depth + 1)
        except (zipfile.BadZipFile, tarfile.TarError, gzip.BadGzipFile, EOFError, OSError):
            spool.seek(0)
            yield name, spool  # not the archive its name says: its bytes are scanned as they are


def _open_nested(kind: str, name: str, spool: IO[bytes], depth: int) -> Iterator[Member]:
    # An archive that fails to open must fail before any of its members is yielded, so that the
    # caller can fall back to scanning its bytes: open (and for zip, read the directory) first.
    if kind == "zip":
        with zipfile.ZipFile(spool) as archive:
            yield from _zip_members(archive, f"{name}!", depth)
    elif kind == "tar":
        with tarfile.open(fileobj=spool, mode="r:*") as archive:
            yield from _tar_members(archive, f"{name}!", depth)
    else:
        with gzip.GzipFile(fileobj=spool, mode="rb") as inner:
            inner.peek(1)  # raises BadGzipFile now if it is not gzip
            base = name.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
            yield from _expand(f"{name}!{base[:-3]}", inner, depth)


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def sniff(head: bytes) -> tuple[str, int]:
    """The text encoding of a file starting with ``head``, and the length of its BOM."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    sample = head[:4096]
    quads, pairs = len(sample) // 4, len(sample) // 2
    if quads >= 4:
        zeros = [sample[i::4].count(0) for i in range(4)]
        if zeros[0] <= 0.05 * quads and min(zeros[1:]) >= 0.6 * quads:
            return "utf-32-le", 0
        if zeros[3] <= 0.05 * quads and min(zeros[:3]) >= 0.6 * quads:
            return "utf-32-be", 0
    if pairs >= 8:
        even_zero, odd_zero = sample[0::2].count(0), sample[1::2].count(0)
        if odd_zero >= 0.6 * pairs and even_zero <= 0.05 * pairs:
            return "utf-16-le", 0
        if even_zero >= 0.6 * pairs and odd_zero <= 0.05 * pairs:
            return "utf-16-be", 0
    return "utf-8", 0


def decode(stream: Readable) -> Iterator[str]:
    """The text of ``stream`` in decoded chunks: UTF-8 unless a BOM or the byte pattern says
    UTF-16/UTF-32; undecodable bytes become U+FFFD (so ASCII inside binaries stays visible)."""
    head = stream.read(_READ)
    encoding, skip = sniff(head)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    data = head[skip:]
    while data:
        yield decoder.decode(data)
        data = stream.read(_READ)
    yield decoder.decode(b"", final=True)
