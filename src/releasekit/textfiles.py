"""Reading the project's own text files: bytes that are not UTF-8 are the user's to fix, so they
become one ConfigError naming the file, the byte and its line (never a UnicodeDecodeError)."""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError

__all__ = ["decode", "read_text"]


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
