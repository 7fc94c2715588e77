"""A changelog kept as a section of the README: parse's ``Changelog`` (one ``- 1.20.2 ...`` line
per release), pytest-timeout's ``Changelog`` and flake8-bugbear's ``Change Log`` (a heading per
release), wcwidth's ``History`` (``0.2.13 *2024-01-06*`` over indented notes).

Detected only where no changelog file is (:class:`.TextFile` comes first), and only when the
section holds release entries as a changelog file does: a section that links to the
documentation's history (more-itertools' ``Version History``) is none. The section runs from its
heading to the next heading of its level or above; the entry is written inside it, in the style
of its latest entry, exactly as in a changelog file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..textfiles import read_text
from .base import ReleaseInfo, first_file
from .entries import Heading, headings, release_entries
from .location import is_markdown
from .textfile import TextFile, release_text

__all__ = ["ReadmeSection", "section"]

NAMES = ("README.md", "README.rst", "README.markdown", "README.txt", "README")
#: A section title that stands for the project's changelog.
_TITLE = re.compile(
    r"(?:change[ -]?log|changes|history|news|release notes|(?:release|version) history)",
    re.IGNORECASE,
)


def _levels(found: list[Heading], markdown: bool) -> list[int]:
    """Each heading's level (1 is the top): Markdown's from its ``#`` or its underline;
    reStructuredText's from the order in which its underline style first appears."""
    if markdown:
        return [len(h.prefix.strip()) if h.prefix else 1 + (h.char != "=") for h in found]
    order: dict[tuple[str, str, bool], int] = {}
    return [order.setdefault(h.style, len(order) + 1) for h in found]


def section(lines: list[str], markdown: bool) -> tuple[int, int] | None:
    """``(first line, end)`` of the body of the changelog section in ``lines``: the first
    section titled like a changelog that holds release entries; None when there is none."""
    found = headings(lines, markdown)
    levels = _levels(found, markdown)
    for index, heading in enumerate(found):
        if not _TITLE.fullmatch(heading.text.strip(" :*_`")):
            continue
        end = next(
            (
                h.start
                for h, level in zip(found, levels, strict=True)
                if h.start > heading.start and level <= levels[index]
            ),
            len(lines),
        )
        if release_entries(lines[heading.end : end], markdown):
            return heading.end, end
    return None


class ReadmeSection(TextFile):
    kind = "readme"

    @classmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> ReadmeSection | None:
        path = first_file(root, NAMES, cls.recognises)
        return cls(root, path) if path else None

    @staticmethod
    def recognises(path: Path) -> bool:
        return section(read_text(path).splitlines(), is_markdown(path)) is not None

    def describe(self) -> str:
        return f"a section of {self.rel(self.file)} ({self.language}, kept by hand)"

    def rewrite(self, text: str, release: ReleaseInfo) -> tuple[str, str]:
        lines = text.splitlines()
        found = section(lines, self.markdown)
        if found is None:  # removed between detection and now
            raise ConfigError(
                f"{self.rel(self.file)}: no changelog section with release entries any more",
                hint="set [tool.releasekit] changelog to the file that keeps the changelog now",
            )
        start, end = found
        body = "\n".join(lines[start:end]) + "\n"
        new, notes = release_text(body, release, markdown=self.markdown)
        kept = "\n".join([*lines[:start], *new.splitlines(), *lines[end:]])
        return kept + text[len(text.rstrip("\n")) :], notes  # its own end, as it was
