"""Reading the project's own text files: bytes that are not UTF-8 are the user's to fix, so they
become one ConfigError naming the file, the byte and its line (never a UnicodeDecodeError)."""

from __future__ import annotations

import configparser
from pathlib import Path

from .errors import ConfigError

__all__ = ["decode", "ini_section", "read_text"]


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


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``, newlines as they are; a missing file raises FileNotFoundError
    as :meth:`Path.read_text` does, any other unreadable file a ConfigError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ConfigError(
            f"{path}: cannot read it ({exc.strerror})", hint="make it a readable file"
        ) from None
    return decode(raw, path)


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
