"""Path globs used by tier auto-marking and per-file coverage rules.

Patterns match paths relative to the rootdir, written with ``/``:

- ``*`` matches within one directory level, ``?`` one character, ``[abc]``/``[!abc]`` a class;
- ``**`` as a whole path segment matches any number of directories (including none);
- a pattern without ``/`` matches the file name at any depth (like ``.gitignore``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["BadGlob", "Glob", "compile_glob"]


class BadGlob(ValueError):
    """The pattern is not a valid glob; the message says why."""


@dataclass(frozen=True)
class Glob:
    pattern: str
    regex: re.Pattern[str]

    def match(self, path: str) -> bool:
        return self.regex.fullmatch(path) is not None


def _segment(segment: str, pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            if segment.startswith("**", i):
                raise BadGlob(
                    f"'**' must be a whole path segment in {pattern!r} (e.g. 'src/**/x.py')"
                )
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = segment.find("]", i + 2 if segment.startswith(("[!", "[]"), i) else i + 1)
            if end == -1:
                raise BadGlob(f"unclosed '[' in {pattern!r}")
            body = segment[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    """Compile ``pattern``; raise :class:`BadGlob` naming the problem."""
    if not isinstance(pattern, str) or not pattern.strip():
        raise BadGlob("empty glob")
    if "\\" in pattern:
        raise BadGlob(f"use '/' in {pattern!r}, not '\\'")
    if pattern.startswith("/"):
        raise BadGlob(f"{pattern!r} must be relative to the rootdir")
    body = pattern.removeprefix("./").rstrip("/")
    segments = body.split("/")
    if "/" not in body:
        segments = ["**", *segments]
    parts: list[str] = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:[^/]+/)*")
        elif segment == "":
            raise BadGlob(f"empty path segment ('//') in {pattern!r}")
        else:
            parts.append(_segment(segment, pattern) + ("" if last else "/"))
    try:
        regex = re.compile("".join(parts))
    except re.error as exc:  # e.g. a reversed range such as [z-a]
        raise BadGlob(f"{pattern!r}: {exc}") from None
    return Glob(pattern, regex)
