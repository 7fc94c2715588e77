"""A hand-kept ``CHANGES``/``HISTORY``/``NEWS``/``CHANGELOG`` file, Markdown or reStructuredText.

The heading style is learned from the latest released entry (``## 8.5.0``, ``Version 3.1.0`` over
a line of dashes followed by ``Released 2024-11-13`` as Flask, Click and Jinja write them, or a
plain line that starts with its version: ``6.0.2 (2024-08-06)``, ``- 1.8.0``, ``**1.3.0**``), its
date as that entry writes it (:mod:`.dates`).
An entry marked unreleased -- a heading ``Unreleased``, a heading ``3.2.0 (unreleased)``, or a
version heading whose first line says ``Unreleased`` -- gets the version and the date; FastAPI's
and Typer's ``## Latest Changes`` stays on top, the version's heading going right under it.
Without one, a new entry is written from the commits since the last tag.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import Version

from ..textfiles import LEGACY, encode, read_encoded
from . import dates
from .base import Applied, Changelog, ReleaseInfo
from .commits import note_lines
from .entries import (
    BULLET,
    ENTRY_LINE,
    UNRELEASED,
    VERSION,
    Heading,
    headings,
    kept,
    line_version,
    pending,
    release_entries,
)
from .links import compared, with_links
from .location import find_file, is_markdown
from .scaffolding import without_scaffolding

__all__ = ["TextFile", "lone_entry", "release_text"]

#: A time of day after a date (``2:45 P.M UTC+6:00``): a release does not know the maintainer's.
_TIME = re.compile(
    r"^[ \t]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*[AaPp]\.?[Mm]\.?)?"
    r"(?:[ \t]*(?:UTC|GMT)?[ \t]*[+-]\d{1,2}(?::?\d{2})?|[ \t]*(?:UTC|GMT)\b)?"
)
_YEAR = re.compile(r"(?<![\d.])(?:19|20)\d\d(?![\d.])")


def _planned(text: str, version: str) -> bool:
    """Whether a heading names a version above the one being released without being the
    pending entry: a plan, not a release (pyfakefs' "Planned changes for next major release
    (6.0.0)" above its releases)."""
    found = line_version(text)
    return found is not None and not pending(text) and found > Version(version)


def _template(text: str) -> tuple[str, str]:
    """``(template, date format)`` of a released entry's heading or line: its version and its
    date become ``{version}`` and ``{date}``."""
    escaped = text.replace("{", "{{").replace("}", "}}")
    first = VERSION.search(escaped)
    if first is not None:  # every mention: pyfakefs links each heading to its PyPI page
        escaped = VERSION.sub(
            lambda m: (
                m.group(0).replace(m.group(1), "{version}")
                if m.group(1) == first.group(1)
                else m.group(0)
            ),
            escaped,
        )
    found = dates.find(escaped)
    if found is None:
        return escaped, dates.DEFAULT
    match, fmt = found
    rest = _TIME.sub("", escaped[match.end() :], count=1)  # vine's "2:45 P.M UTC+6:00" was copied
    return escaped[: match.start()] + "{date}" + rest, fmt


def _first_line(lines: list[str], start: int, stop: int) -> int | None:
    return next((i for i in range(start, stop) if lines[i].strip()), None)


@dataclass(frozen=True)
class Style:
    heading: str  # template with {version} and {date}
    released: str | None  # template of the line under the heading, e.g. "Released {date}"
    bullet: str
    date_format: str = dates.DEFAULT  # how the latest entry writes its date
    inline: str | None = None  # "- {version}: ": the notes follow it on the line (parse's)

    def fields(self, release: ReleaseInfo) -> dict[str, str]:
        day = dt.date.fromisoformat(release.date)
        return {"version": release.version, "date": dates.render(day, self.date_format)}


def _dated_template(entries: list[Heading], index: int) -> tuple[str, str]:
    """The template of entry ``index``'s heading; when it holds a year but no date this module
    reads (sqlparse's German ``Dez 10, 2024`` among its ``Nov 14, 2024``), that of the next
    entry whose date it reads, so that the date is not copied."""
    heading, date_format = _template(entries[index].text)
    if "{date}" in heading or not _YEAR.search(entries[index].text):
        return heading, date_format
    for entry in entries[index + 1 : index + 4]:
        if not pending(entry.text) and VERSION.search(entry.text):
            later, later_format = _template(entry.text)
            if "{date}" in later:
                return later, later_format
    return heading, date_format


def _style(lines: list[str], entries: list[Heading]) -> Style:
    """The latest released entry's style (a default one when there is none)."""
    for index, entry in enumerate(entries):
        if pending(entry.text) or not VERSION.search(entry.text):
            continue
        stop = entries[index + 1].start if index + 1 < len(entries) else len(lines)
        first = _first_line(lines, entry.end, stop)
        heading, date_format = _dated_template(entries, index)
        released = None
        if first is not None and dates.find(lines[first]) and not BULLET.match(lines[first]):
            released, date_format = _template(lines[first].strip())
        inline = _inline(lines[entry.end : stop], entry)
        return Style(heading, released, _bullet(lines, entry.end, stop), date_format, inline)
    end = entries[0].end if entries else 0
    return Style("{version} ({date})", None, _bullet(lines, end, len(lines)))


def _inline(body: list[str], entry: Heading) -> str | None:
    """``- {version} `` when a one-line entry is a list item that carries its notes on its line
    and only their continuation under it (parse's ``- 1.20.2 Template field names can now
    contain ...``, tabulate's ``- 0.9.0: Drop support for ...`` over indented lines), up to
    the notes; else None."""
    mark = ENTRY_LINE.match(entry.text)
    found = VERSION.search(entry.text)
    if entry.prefix or entry.char or mark is None or found is None:
        return None
    rest = entry.text[found.end() :]
    if mark.group("mark").lstrip()[:1] not in {"-", "*", "+"} or dates.find(rest):
        return None
    words = re.findall(r"[^\W\d_]{2,}", rest)
    continued = all(ln[:1] in {" ", "\t"} and not BULLET.match(ln) for ln in body if ln.strip())
    if len(words) < 2 or not continued:
        return None
    head = entry.text[: found.start()].replace("{", "{{").replace("}", "}}")
    return head + "{version}" + rest[: len(rest) - len(rest.lstrip(" \t:-\u2013\u2014"))]


def _inline_entry(
    text: str, at: int, replace: int, head: str, style: Style, release: ReleaseInfo
) -> tuple[str, str]:
    """``(new text, notes)``: the release's entry at line ``at`` of ``text`` (in place of the
    ``replace`` lines there): ``head`` (``- 1.20.3 ``), its notes on its line and the lines
    under it, indented as its list item's text is (parse's, tabulate's)."""
    lines = text.splitlines()
    notes = note_lines(release.commits)
    indent = " " * head.index(release.version)
    first, *more = notes or ["No notable changes."]
    block = [head + first, *(indent + note for note in more)]
    written = "\n".join(lines[:at] + block + lines[at + replace :]).rstrip("\n") + _ending(text)
    return written, "\n".join(style.bullet + note for note in notes) + "\n"


def _inline_release(
    text: str,
    latest: Heading | None,
    version: re.Match[str] | None,
    style: Style,
    release: ReleaseInfo,
) -> tuple[str, str] | None:
    """``(new text, notes)`` where the entries carry their notes on their line: a new entry
    above ``latest``, or in place of its placeholder; None for every other changelog, and
    where the entry is pending with notes of its own or already written."""
    if latest is None or style.inline is None:
        return None
    if _placeholder(latest, version):
        replace = 1
    elif pending(latest.text) or (version is not None and version.group(1) == release.version):
        return None
    else:
        replace = 0
    head = style.inline.format(**style.fields(release))
    return _inline_entry(text, latest.start, replace, head, style, release)


def _placeholder(entry: Heading, version: re.Match[str] | None) -> bool:
    """Whether a one-line entry is only its version and the word for unreleased (tabulate's
    ``- 0.9.1: Future version.``), which the release's notes replace."""
    rest = entry.text[version.end() :] if version else ""
    return not (entry.prefix or entry.char) and bool(UNRELEASED.fullmatch(rest.strip(" :.-()[]*_")))


def _bullet(lines: list[str], start: int, stop: int) -> str:
    for line in lines[start:stop]:
        match = BULLET.match(line)
        if match:
            return match.group(1)
    return "- "


def _new_heading(lines: list[str], markdown: bool) -> Heading:
    """The heading of a first entry, one level under the file's title."""
    title = next(iter(headings(lines, markdown)), None)
    if markdown:
        return Heading(0, 0, "", prefix="## ")
    char = "=" if title is None or title.char != "=" or title.overline else "-"
    return Heading(0, 0, "", char=char)


def _latest_stop(lines: list[str], entries: list[Heading]) -> int:
    """The line where the latest entry ends: the next entry's first, else the file's end."""
    return entries[1].start if len(entries) > 1 else len(lines)


def _unreleased_mark(lines: list[str], entries: list[Heading]) -> int | None:
    """The first line under the latest entry's heading when it marks the entry unreleased
    (Flask's ``Unreleased`` under ``Version 3.1.1``), else None."""
    first = _first_line(lines, entries[0].end, _latest_stop(lines, entries))
    if first is not None and UNRELEASED.fullmatch(lines[first].strip(" *_()[]")):
        return first
    return None


def _empty(lines: list[str], entries: list[Heading]) -> bool:
    """Whether the latest entry has nothing under its heading."""
    return not any(line.strip() for line in lines[entries[0].end : _latest_stop(lines, entries)])


def release_text(text: str, release: ReleaseInfo, *, markdown: bool) -> tuple[str, str]:
    """``(new text, notes)``: ``text`` with an entry for ``release``."""
    lines = text.splitlines()
    entries = [e for e in release_entries(lines, markdown) if not _planned(e.text, release.version)]
    if entries and kept(entries[0].text) and _empty(lines, entries):
        entries = entries[1:]  # nothing under ``Latest Changes``: the commits, right below it
    style = _style(lines, entries)
    fields = style.fields(release)
    latest = entries[0] if entries else None
    stop = _latest_stop(lines, entries)
    version = VERSION.search(latest.text) if latest is not None else None
    inline = _inline_release(text, latest, version, style, release)
    if inline is not None:
        return inline
    if latest is not None:
        marked = _unreleased_mark(lines, entries)
        if pending(latest.text) or marked is not None:
            return _release_pending(lines, entries, marked, release)
        if version is not None and version.group(1) == release.version:
            return _written(text, lines, entries, stop, release)
    shape = latest or _new_heading(lines, markdown)
    heading = shape.render(compared(style.heading.format(**fields), release))
    tight = latest is not None and latest.end < stop and bool(lines[latest.end].strip())
    items = [style.bullet + line for line in note_lines(release.commits)]
    gap = 1
    if latest is not None:  # the blank lines between the entries, up to the next one's label
        following = _label(lines, entries[1]) if len(entries) > 1 else None
        body = lines[latest.end : stop if following is None else following]
        gap = max(1, len(body) - len("\n".join(body).rstrip().splitlines()))
    block = [*_entry(heading, style, fields, items, tight=tight), *[""] * gap]
    at = latest.start if latest else len(lines)
    label = _label(lines, latest) if latest is not None else None
    if label is not None and version is not None:  # celery's ``.. _version-5.1.0:`` above it
        at = label
        block = [lines[label].replace(version.group(1), release.version), "", *block]
    if latest is None and lines and lines[-1].strip():
        block = ["", *block]
    new_lines = with_links(lines[:at] + block + lines[at:], version, release)
    return "\n".join(new_lines).rstrip("\n") + _ending(text), "\n".join(items) + "\n"


def lone_entry(text: str, release: ReleaseInfo, *, markdown: bool) -> tuple[str, str] | None:
    """``(text, notes)`` of a file that holds ``release``'s entry alone, written as ``text``'s
    latest released entry is (a file per release: rfc3986's ``2.0.0 - 2022-01-10`` over dashes,
    Django's ``Django 5.1.1 release notes`` over ``*September 3, 2024*``); None when ``text``
    has no released entry."""
    lines = text.splitlines()
    entries = [e for e in release_entries(lines, markdown) if not pending(e.text)]
    entries = [e for e in entries if VERSION.search(e.text)]
    if not entries:
        return None
    style = _style(lines, entries)
    fields = style.fields(release)
    heading = entries[0].render(style.heading.format(**fields))
    tight = entries[0].end < len(lines) and bool(lines[entries[0].end].strip())
    items = [style.bullet + line for line in note_lines(release.commits)]
    block = _entry(heading, style, fields, items, tight=tight)
    return "\n".join(block) + "\n", "\n".join(items) + "\n"


def _entry(
    heading: list[str], style: Style, fields: dict[str, str], items: list[str], *, tight: bool
) -> list[str]:
    """A new entry's lines: its heading, the "released" line and the notes following it as the
    latest entry's do (after a blank line, or right below when ``tight``)."""
    block = list(heading)
    if style.released:
        block += [*([] if tight else [""]), style.released.format(**fields)]
    blank = [] if tight and not style.released else [""]
    return [*block, *blank, *(items or [style.bullet + "No notable changes."])]


def _written(
    text: str, lines: list[str], entries: list[Heading], stop: int, release: ReleaseInfo
) -> tuple[str, str]:
    """``(new text, notes)`` for a latest entry written already, headed with the release's
    version: as it is, unless, unlike the entries before it, it lacks the line that says when
    it was released (Werkzeug's ``Version 3.2.0`` on main, over ``Version 3.1.3`` /
    ``Released 2024-11-08``), which is added. The notes leave that line out."""
    latest = entries[0]
    prior = _style(lines, entries[1:]) if len(entries) > 1 else None
    first = _first_line(lines, latest.end, stop)
    said = first is not None and bool(dates.find(lines[first]))
    begin = latest.end
    if first is not None and said and prior and prior.released and not BULLET.match(lines[first]):
        begin = first + 1
    notes = "\n".join(lines[begin:stop]).strip() + "\n"
    unreleased = first is not None and UNRELEASED.search(lines[first])
    if prior is None or prior.released is None or said or unreleased:
        return text, notes
    line = prior.released.format(**prior.fields(release))
    gap = [""] if latest.end < len(lines) and lines[latest.end].strip() else []
    new = [*lines[: latest.end], "", line, *gap, *lines[latest.end :]]
    return "\n".join(new).rstrip("\n") + _ending(text), notes


def _release_pending(
    lines: list[str], entries: list[Heading], marked: int | None, release: ReleaseInfo
) -> tuple[str, str]:
    """The latest entry, marked unreleased (its heading, or its first line ``marked``),
    released as ``release``: ``(new text, notes)``."""
    latest, style = entries[0], _style(lines, entries)
    fields = style.fields(release)
    stop = _latest_stop(lines, entries)
    version = VERSION.search(latest.text)
    if version is None:
        heading = style.heading.format(**fields)
    else:
        heading = latest.text.replace(version.group(1), release.version, 1)
        heading = UNRELEASED.sub(fields["date"], heading)
    new = lines[: latest.start] + latest.render(heading)
    if kept(latest.text):  # ``## Latest Changes`` stays on top, the version's heading below it
        new = [*lines[: latest.end], "", *latest.render(heading)]
    body = lines[latest.end : stop]
    if marked is not None:
        body[marked - latest.end] = (style.released or "Released {date}").format(**fields)
    elif version is None and style.released:
        body = ["", style.released.format(**fields), *body]
    if lines[latest.start].startswith("#"):  # a Markdown heading: its template stays behind
        body = without_scaffolding(body)
    notes = "\n".join(line for line in body if not UNRELEASED.fullmatch(line.strip()))
    before = VERSION.search(entries[1].text) if len(entries) > 1 else None
    text = "\n".join(with_links(new + body + lines[stop:], before, release))
    return text + "\n", _notes(notes, style, fields)


def _ending(text: str) -> str:
    """The file's own trailing blank lines (at least its last line's end)."""
    return text[len(text.rstrip("\n")) :] or "\n"


_LABEL = re.compile(r"^\.\. _[^:`]+:\s*$")


def _label(lines: list[str], entry: Heading) -> int | None:
    """The line of the reStructuredText label right above ``entry`` that names its version
    (celery's and vine's ``.. _version-5.1.0:``), blank lines between allowed."""
    at = entry.start - 1
    while at >= 0 and not lines[at].strip():
        at -= 1
    version = VERSION.search(entry.text)
    if at >= 0 and version and _LABEL.match(lines[at]) and version.group(1) in lines[at]:
        return at
    return None


def _notes(body: str, style: Style, fields: dict[str, str]) -> str:
    released = (style.released or "Released {date}").format(**fields)
    return "\n".join(ln for ln in body.splitlines() if ln.strip() != released).strip() + "\n"


class TextFile(Changelog):
    kind = "file"
    encodings = ("utf-8", *LEGACY)

    @classmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> TextFile | None:
        path = find_file(root)
        return cls(root, path) if path else None

    @property
    def file(self) -> Path:
        return self.path or self.root / "CHANGELOG.md"

    @property
    def markdown(self) -> bool:
        return is_markdown(self.file)

    @property
    def language(self) -> str:
        """What the file is written in, as its name says: ``CHANGES`` is plain text."""
        if self.markdown:
            return "Markdown"
        return "reStructuredText" if self.file.suffix.lower() == ".rst" else "plain text"

    def describe(self) -> str:
        return f"file ({self.rel(self.file)}, {self.language}, kept by hand)"

    def touched(self) -> list[str]:
        return [self.rel(self.file)]

    def pending_version(self) -> str | None:
        """The version of an entry marked unreleased (``Version 8.5.0`` over ``Unreleased``)."""
        if not self.file.is_file():
            return None
        lines = read_encoded(self.file, self.encodings)[0].splitlines()
        entries = release_entries(lines, self.markdown)
        if not entries:
            return None
        version = VERSION.search(entries[0].text)
        marked = pending(entries[0].text) or _unreleased_mark(lines, entries) is not None
        return version.group(1) if version and marked else None

    def rewrite(self, text: str, release: ReleaseInfo) -> tuple[str, str]:
        """``(new text, notes)``: the file's ``text`` with an entry for ``release``."""
        return release_text(text, release, markdown=self.markdown)

    def plan(self, release: ReleaseInfo) -> tuple[str, list[str]]:
        text, encoding = read_encoded(self.file, self.encodings)
        new, _ = self.rewrite(text, release)
        encode(new, encoding, self.file)  # an entry a legacy encoding cannot hold stops it here
        added = [line for line in new.splitlines() if line not in set(text.splitlines())]
        return (f"write the {release.version} entry of {self.rel(self.file)}", added[:3])

    def apply(self, release: ReleaseInfo) -> Applied:
        text, encoding = read_encoded(self.file, self.encodings)
        new, notes = self.rewrite(text, release)
        if new == text:
            return Applied([], notes=notes)
        self.file.write_bytes(encode(new, encoding, self.file))
        return Applied([self.rel(self.file)], notes=notes)
