"""Reading a changelog's entries: headings (Markdown's ``#`` and underlined ones,
reStructuredText's over- and underlined ones), or lines that start with their version; which of
them are releases, and which is the entry waiting for the next release.

:mod:`.textfile` writes the new entry in their style; :mod:`.readme` finds them in a section of
the README.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

__all__ = [
    "BULLET",
    "ENTRY_LINE",
    "UNRELEASED",
    "VERSION",
    "Heading",
    "headings",
    "kept",
    "line_version",
    "pending",
    "release_entries",
]

VERSION = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+)+(?:[-.]?(?:a|b|rc|post|dev)\.?\d*)*)(?![\w.])")
UNRELEASED = re.compile(
    r"\b(?:unreleased|in development|upcoming|future (?:version|release))\b", re.IGNORECASE
)
#: Whole headings that stand for the next release (requests writes "dev").
_PENDING_TITLE = re.compile(r"dev|development|next(?: release)?|main|master|head", re.IGNORECASE)


#: Headings under which changes collect and that stay when they are released: FastAPI's, Typer's
#: and SQLModel's ``## Latest Changes`` (their latest-changes action adds each merged pull
#: request under it; a release puts the version's heading right below it).
_KEPT_TITLE = re.compile(r"latest changes", re.IGNORECASE)


def pending(text: str) -> bool:
    """Whether a heading is the entry of changes not released yet."""
    title = text.strip(" []()*_:")
    return bool(UNRELEASED.search(text) or _PENDING_TITLE.fullmatch(title)) or kept(text)


def kept(text: str) -> bool:
    """Whether a pending heading stays when its changes are released (``Latest Changes``)."""
    return bool(_KEPT_TITLE.fullmatch(text.strip(" []()*_:")))


_ATX = re.compile(r"^(#{1,6}[ \t]+)(.*?)[ \t]*#*[ \t]*$")
BULLET = re.compile(r"^([ \t]*[-*+][ \t]+)\S")


@dataclass(frozen=True)
class Heading:
    start: int  # first line (the overline, if any)
    end: int  # the line after the heading
    text: str
    prefix: str = ""  # "## " for an ATX heading
    char: str = ""  # the underline character of an underlined heading
    overline: bool = False
    width: int = 0  # the underline's length

    @property
    def style(self) -> tuple[str, str, bool]:
        return (self.prefix, self.char, self.overline)

    def render(self, text: str) -> list[str]:
        if self.prefix or not self.char:  # an ATX heading, or a plain line (PyYAML's)
            return [self.prefix + text]
        width = len(text) if self.width == len(self.text) else max(self.width, len(text))
        line = self.char * width
        return [line, text, line] if self.overline else [text, line]


def _underline(line: str, text: str, markdown: bool) -> str:
    chars = "=-" if markdown else "=-~^\"'`#*+_:."
    stripped = line.rstrip()
    if len(stripped) >= 3 and stripped[0] in chars and stripped == stripped[0] * len(stripped):
        return stripped[0] if markdown or len(stripped) >= len(text.rstrip()) else ""
    return ""


def headings(lines: list[str], markdown: bool) -> list[Heading]:
    found: list[Heading] = []
    fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if markdown and line.lstrip().startswith("```"):
            fence = not fence
        elif markdown and not fence and (atx := _ATX.match(line)):
            found.append(Heading(i, i + 1, atx.group(2), prefix=atx.group(1)))
        elif not fence and line.strip() and i + 1 < len(lines):
            char = _underline(lines[i + 1], line, markdown)
            over = i > 0 and not markdown and _underline(lines[i - 1], line, markdown) == char
            if char and not line.startswith((" ", "\t")) and not _underline(line, line, markdown):
                width = len(lines[i + 1].rstrip())
                start = i - 1 if over and char else i
                found.append(
                    Heading(start, i + 2, line.strip(), char=char, overline=bool(over), width=width)
                )
                i += 2
                continue
        i += 1
    return found


#: A line that starts an entry by itself: its version first, after at most a list marker, bold
#: markup or a word like "Version" -- ``6.0.2 (2024-08-06)`` (PyYAML, pyflakes), ``Version
#: 3.20.1 released 2025-02-14`` (simplejson), ``+ Version 2.21 (2021.11.06)`` (pycparser),
#: ``- 1.8.0`` (websocket-client), ``**1.3.0**`` (exceptiongroup), ``0.4.6 Current release``,
#: ``= 4.13.4 (20250415)`` (Beautiful Soup), or after its date and name as GNU's ChangeLog has
#: it (Unidecode's ``2025-04-24<TAB>unidecode 1.4.0``).
ENTRY_LINE = re.compile(
    r"^(?P<mark>(?:[-*+=][ \t]+)?(?:\*\*)?(?:\d{4}-\d\d-\d\d[ \t]+(?:[\w.-]+[ \t]+)?)?"
    r"(?:(?:version|release|v)\b[ \t]*)?)v?\d+(?:\.\d+)+",
    re.IGNORECASE,
)


def line_version(line: str) -> Version | None:
    found = VERSION.search(line)
    try:
        return Version(found.group(1)) if found else None
    except InvalidVersion:
        return None


def _plain_entries(lines: list[str]) -> list[Heading]:
    """Entries that are one line each (no heading markup), all marked as the first one is, the
    first naming the highest version (a changelog is newest first); [] when there are none."""
    found: list[tuple[Heading, Version]] = []
    mark = None
    for i, line in enumerate(lines):
        match = ENTRY_LINE.match(line)
        version = line_version(line) if match else None
        if match is None or version is None:
            continue
        kind = re.sub(r"\w+", "w", match.group("mark").lower())  # "Version " and "v" alike
        if mark is None:
            mark = kind
        if kind == mark:
            found.append((Heading(i, i + 1, line.rstrip()), version))
    if not found or max(v for _, v in found) != found[0][1]:
        return []
    return [heading for heading, _ in found]


def release_entries(lines: list[str], markdown: bool) -> list[Heading]:
    """Headings of entries: those naming a version or 'unreleased', at the first one's level;
    plain-line entries when the file's first entry is one."""
    candidates = [h for h in headings(lines, markdown) if VERSION.search(h.text) or pending(h.text)]
    plain = _plain_entries(lines)
    if plain and (not candidates or plain[0].start < candidates[0].start):
        return plain
    if not candidates:
        return []
    level = candidates[0].style
    return [h for h in candidates if h.style == level]
