"""Reading the project's own text files: bytes that are not UTF-8 are the user's to fix, so they
become one ConfigError naming the file, the byte and its line (never a UnicodeDecodeError).

A changelog kept by hand may predate UTF-8 (ply's Latin-1 ``CHANGES``): :func:`read_encoded`
reads it in a legacy encoding and :func:`encode` writes it back in the same one, so every byte
the release does not touch stays as it was, and an entry the encoding cannot hold stops the
release at its plan."""

from __future__ import annotations

import configparser
import contextlib
import stat
from collections.abc import Sequence
from pathlib import Path

from .checks import path_name
from .config_errors import show
from .errors import ConfigError

__all__ = [
    "LEGACY",
    "LINK_CYCLE",
    "decode",
    "describe_path",
    "encode",
    "ini_section",
    "named_path",
    "read_bytes",
    "read_encoded",
    "read_text",
]

#: The encodings a file kept by hand is read in when it is not UTF-8: Windows' Western code
#: page, then Latin-1, which reads any bytes and writes them back unchanged.
LEGACY = ("cp1252", "latin-1")


def decode(raw: bytes, path: Path) -> str:
    """``raw`` (the contents of ``path``) as UTF-8 text."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path}: not UTF-8 (byte {raw[exc.start : exc.start + 1]!r} at line {line})",
            hint="re-save it as UTF-8",
        ) from None


#: What a path that is not a regular file is, as ``stat`` says.
_KINDS = {
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFIFO: "a named pipe",
    stat.S_IFSOCK: "a socket",
}


#: What :func:`describe_path` says of a link that leads back to itself.
LINK_CYCLE = "a link in a cycle"


def describe_path(path: Path) -> str:
    """What ``path`` is, said where a regular file (or a directory) was wanted: "a directory",
    "a link in a cycle", "a link to nothing", "a named pipe", "missing"."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "a link to nothing" if path.is_symlink() else "missing"
    except OSError as exc:  # ELOOP: a link that leads back to itself
        return LINK_CYCLE if path.is_symlink() else exc.strerror or "unreadable"
    if stat.S_ISDIR(mode):
        return "a directory"
    return _KINDS.get(stat.S_IFMT(mode), "a regular file")


def named_path(root: Path, value: str, where: str) -> Path:
    """``root / value``, for a path a setting (``where``: its file and key) names; refused in one
    line when no file system can name it, as every look-up of it would fail."""
    try:
        return root / path_name(value)
    except ValueError as exc:
        raise ConfigError(f"{where} = {show(value)}: {exc}", hint="shorten it") from None


def read_bytes(path: Path) -> bytes:
    """The bytes of ``path``; a missing file raises FileNotFoundError as :meth:`Path.read_bytes`
    does. Anything but a regular file or a directory is a ConfigError before it is opened: a
    ``pyproject.toml`` linked to ``/dev/zero`` would be read until memory runs out, a named
    pipe until something writes to it."""
    try:
        mode = path.stat().st_mode
        kind = _KINDS.get(stat.S_IFMT(mode))
        if kind:
            raise ConfigError(
                f"{path}: not a regular file but {kind}", hint="make it a regular file"
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read it ({exc.strerror})", hint="make it a readable file"
        ) from None


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``, newlines as they are; a missing file raises FileNotFoundError
    as :meth:`Path.read_text` does, any other unreadable file a ConfigError."""
    return decode(read_bytes(path), path)


def read_encoded(path: Path, encodings: Sequence[str] = ("utf-8",)) -> tuple[str, str]:
    """``(text, encoding)``: ``path`` read in the first of ``encodings`` that reads it (UTF-8
    first); where none does, the ConfigError of :func:`read_text`. Text with NUL bytes (UTF-16)
    is no legacy 8-bit text: Latin-1 would read it, and an entry written in it would corrupt
    the file."""
    raw = read_bytes(path)
    for encoding in encodings if b"\0" not in raw else encodings[:1]:
        with contextlib.suppress(UnicodeDecodeError):
            return raw.decode(encoding), encoding
    return decode(raw, path), "utf-8"


def encode(text: str, encoding: str, path: Path) -> bytes:
    """``text`` for ``path``, which is in ``encoding``: a character it cannot hold is a
    ConfigError naming the character and its line."""
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as exc:
        line = text[: exc.start].count("\n") + 1
        raise ConfigError(
            f"{path} is {encoding} text, which cannot hold {text[exc.start]!r} "
            f"(line {line} of the new text)",
            hint="re-save it as UTF-8, or leave the character out of the release's notes",
        ) from None


def ini_section(path: Path, section: str) -> dict[str, str] | None:
    """``section`` of the INI file ``path`` (setup.cfg), read without interpolation; None where
    the file or the section is missing, or the file is not valid INI or UTF-8."""
    if not path.is_file():
        return None
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (configparser.Error, UnicodeDecodeError):
        return None
    return dict(parser[section]) if parser.has_section(section) else None
