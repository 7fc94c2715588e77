"""The ``changelog`` Sphinx extension's directives, as SQLAlchemy, Alembic and Mako keep them.

The changelog is a ``.rst`` file in the docs with one ``.. changelog::`` block per release, newest
first, each of ``.. change::`` blocks; between releases the changes wait as ``.. change::`` files in
an ``unreleased`` directory beside it, which a pending block names (``:include_notes_from:``)::

    .. changelog::
        :version: 1.3.11
        :include_notes_from: unreleased

The release turns the pending block (or, without one, a new block on top) into
``:released: <date>`` with the waiting files' changes in it, dated as the last release is, under a
new ``1.4`` series heading when the file has them and the series changes, and removes the files.
Without waiting files the changes are the commits since the last tag.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from ..textfiles import read_text
from . import dates
from .base import DOCS, Applied, Changelog, ReleaseInfo
from .commits import note_lines

__all__ = ["SphinxChangelog", "released_text"]

_BLOCK = re.compile(r"^\.\. changelog::[ \t]*$")
_OPTION = re.compile(r"^[ \t]+:(\w+):[ \t]*(.*?)[ \t]*$")
_SECTIONS = re.compile(r"changelog_sections\s*=\s*\[\s*['\"]([^'\"]+)['\"]")
_INDENT = "    "


@dataclass(frozen=True)
class Block:
    """One ``.. changelog::`` block: its lines ``[start, end)`` and its options."""

    start: int
    end: int
    options: dict[str, tuple[int, str]]  # name -> (line, value)

    @property
    def version(self) -> str:
        return self.options.get("version", (0, ""))[1]


def blocks(lines: list[str]) -> list[Block]:
    starts = [i for i, line in enumerate(lines) if _BLOCK.match(line)]
    found = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        options = {}
        for i in range(start + 1, end):
            match = _OPTION.match(lines[i])
            if match is None:
                break
            options[match.group(1)] = (i, match.group(2))
        found.append(Block(start, end, options))
    return found


def _date_style(blocks_: list[Block]) -> str:
    """How the latest released block writes its date (SQLAlchemy's style without one)."""
    for block in blocks_:
        found = dates.find(block.options.get("released", (0, ""))[1])
        if found is not None:
            return found[1]
    return "%B %-d, %Y"


def _series(version: str) -> str:
    try:
        release = Version(version).release
    except InvalidVersion:
        return ""
    return ".".join(map(str, (*release, 0)[:2]))


def _changes(texts: list[str]) -> list[str]:
    """The ``.. change::`` texts indented into a block, a blank line after each."""
    return [line for text in texts for line in (textwrap.indent(text.strip("\n"), _INDENT), "")]


def _commit_changes(release: ReleaseInfo, section: str) -> list[str]:
    notes = note_lines(release.commits) or ["No notable changes."]
    return _changes([f".. change::\n    :tags: {section}\n\n    {note}\n" for note in notes])


def released_text(
    text: str, release: ReleaseInfo, waiting: list[str], section: str = "changed"
) -> tuple[str, str]:
    """``(new text, notes)``: ``text`` with ``release``'s block -- the pending one released, or a
    new one on top -- holding the ``waiting`` changes (``.. change::`` texts), else one change per
    commit."""
    lines = text.splitlines()
    found = blocks(lines)
    day = dt.date.fromisoformat(release.date)
    head = [
        ".. changelog::",
        f"{_INDENT}:version: {release.version}",
        f"{_INDENT}:released: {dates.render(day, _date_style(found))}",
    ]
    body = _changes(waiting) if waiting else _commit_changes(release, section)
    top = found[0] if found else None
    if top is not None and "released" not in top.options:  # the pending block
        skip = {"version", "released", "include_notes_from"}
        head += [lines[i] for name, (i, _) in top.options.items() if name not in skip]
        after = max((i for i, _ in top.options.values()), default=top.start) + 1
        inline = "\n".join(lines[after : top.end]).strip("\n").splitlines()
        body = [*inline, *([""] if inline else []), *body]
        start, end = top.start, top.end
    else:
        at = top.start if top else len(lines)
        start, heading = _series_heading(lines, at, top.version if top else "", release.version)
        end = start
        head = heading + head
    block = [*head, "", *body, *([""] if end < len(lines) else [])]
    if start == len(lines) and lines and lines[-1].strip():
        block = ["", *block]
    new = "\n".join(lines[:start] + block + lines[end:]).rstrip("\n") + "\n"
    return new, "\n".join(body).strip("\n") + "\n"


def _series_heading(
    lines: list[str], at: int, previous: str, version: str
) -> tuple[int, list[str]]:
    """Where the new block goes, and a new ``1.4`` heading before it when the file heads each
    series (``1.3`` over ``===`` above the latest block) and ``version`` starts another."""
    title = at - 1
    while title > 0 and not lines[title].strip():
        title -= 1
    title -= 1  # the heading's text, above its underline
    if title < 0 or not previous or lines[title].strip() != _series(previous):
        return at, []
    underline = lines[title + 1]
    if not re.fullmatch(r"([=\-~^])\1+", underline) or _series(version) == _series(previous):
        return at, []
    new = _series(version)
    return title, [new, underline[0] * max(len(new), len(underline)), ""]


def top_version(path: Path) -> Version | None:
    """The version of the first ``.. changelog::`` block of ``path``, or None."""
    found = blocks(read_text(path).splitlines())
    try:
        return Version(found[0].version) if found else None
    except InvalidVersion:
        return None


def find_directive_file(root: Path) -> Path | None:
    """The docs' changelog of ``.. changelog::`` blocks with the highest version on top."""
    best: tuple[Version, Path] | None = None
    for base in DOCS:
        for path in sorted((root / base).glob("changelog*.rst")):
            version = top_version(path)
            if version is not None and (best is None or version > best[0]):
                best = (version, path)
    return best[1] if best else None


class SphinxChangelog(Changelog):
    kind = "sphinx-changelog"

    @classmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> SphinxChangelog | None:
        path = find_directive_file(root)
        return cls(root, path) if path else None

    @classmethod
    def recognises(cls, path: Path) -> bool:
        return path.suffix == ".rst" and top_version(path) is not None

    @property
    def file(self) -> Path:
        return self.path or self.root / "docs" / "changelog.rst"

    @property
    def directory(self) -> Path:
        """Where changes wait: the pending block's ``:include_notes_from:``, else
        ``unreleased`` beside the file."""
        found = blocks(read_text(self.file).splitlines())
        named = found[0].options.get("include_notes_from") if found else None
        return self.file.parent / (named[1] if named else "unreleased")

    @staticmethod
    def waiting(directory: Path) -> list[Path]:
        """The ``.. change::`` files waiting in ``directory``."""
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.glob("*.rst") if p.is_file())

    def section(self) -> str:
        conf = self.file.parent / "conf.py"
        found = _SECTIONS.search(read_text(conf)) if conf.is_file() else None
        return found.group(1) if found else "changed"

    def describe(self) -> str:
        return (
            f"sphinx-changelog ({self.rel(self.file)}, `.. changelog::` blocks, changes "
            f"waiting in {self.rel(self.directory)}/)"
        )

    def touched(self) -> list[str]:
        return [self.rel(self.file), self.rel(self.directory)]

    def plan(self, release: ReleaseInfo) -> tuple[str, list[str]]:
        directory = self.directory
        waiting = self.waiting(directory)
        where = self.rel(directory)
        action = (
            f"release {len(waiting)} change file(s) from {where}/"
            if waiting
            else f"no change files in {where}/: one change per commit since the last tag"
        )
        return f"write the {release.version} block of {self.rel(self.file)}", [action]

    def apply(self, release: ReleaseInfo) -> Applied:
        waiting = self.waiting(self.directory)
        texts = [read_text(p) for p in waiting]
        new, notes = released_text(read_text(self.file), release, texts, self.section())
        self.file.write_text(new, encoding="utf-8")
        for path in waiting:
            path.unlink()
        return Applied([self.rel(self.file), *map(self.rel, waiting)], notes=notes)
