"""keep-a-changelog (https://keepachangelog.com/en/1.1.0/): the ``## [Unreleased]`` section
becomes ``## [X.Y.Z] - YYYY-MM-DD`` under a fresh, empty Unreleased section, and the link
references at the bottom (``[Unreleased]: .../compare/v1.0.0...HEAD``) follow, or the links in
the headings (``## [Unreleased](.../compare/v1.0.0...HEAD)``, structlog's).

The ``keepachangelog`` package was considered: its ``release()`` raises on any heading that is not
strict SemVer (``## [1.0]``, PEP 440 ``2.0.0.post1``) and always stamps today's local date, so the
few lines it takes are written here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import StepFailed
from ..textfiles import read_text
from .base import Applied, Changelog, ReleaseInfo, first_file

__all__ = ["COMPARE", "KeepAChangelog", "release_text", "unreleased_section"]

UNRELEASED = re.compile(r"^## +\[Unreleased\][^\n]*$", re.MULTILINE | re.IGNORECASE)
#: ``## Unreleased`` without brackets, in a file that says it follows keep-a-changelog (hatch's
#: and hatch-vcs's HISTORY.md: ``## 0.5.0 - 2025-05-27`` under it).
_PLAIN = re.compile(r"^## +Unreleased[ \t]*$", re.MULTILINE | re.IGNORECASE)
_FOLLOWS = re.compile(r"keep ?a ?changelog", re.IGNORECASE)
_NEXT = re.compile(r"^(## |\[[^\]\n]+\]: )", re.MULTILINE)
_LINK = re.compile(
    r"^\[(?P<label>Unreleased)\]: *(?P<url>\S+)[ \t]*$", re.MULTILINE | re.IGNORECASE
)
#: ``## [Unreleased](https://github.com/o/r/compare/1.0.0...HEAD)``: the link in the heading
_INLINE = re.compile(r"^(?P<start>## +\[Unreleased\]\()(?P<url>[^)\s]+)\)(?P<end>.*)$", re.I)
_GAP = re.compile(r"(\n{2,})## ")
COMPARE = re.compile(r"^(?P<base>.+/compare/)(?P<prev>.+?)\.\.\.(?P<head>\S+)$")
CANDIDATES = ("CHANGELOG.md", "CHANGES.md", "HISTORY.md", "NEWS.md")


def _unreleased(text: str) -> re.Match[str] | None:
    """The Unreleased section's heading."""
    return UNRELEASED.search(text) or (_PLAIN.search(text) if _FOLLOWS.search(text) else None)


def unreleased_section(text: str) -> str | None:
    """The body of the Unreleased section (None when there is no such section)."""
    match = _unreleased(text)
    if match is None:
        return None
    following = _NEXT.search(text, match.end())
    return text[match.end() : following.start() if following else len(text)].strip()


def release_text(text: str, version: str, date: str, tag: str) -> str:
    """``text`` with its Unreleased section released as ``version`` on ``date`` (tag ``tag``)."""
    match = _unreleased(text)
    if match is None:
        raise ValueError("no ## [Unreleased] section")
    heading = f"## [{version}] - {date}" if "[" in match.group() else f"## {version} - {date}"
    unreleased = match.group()
    inline = _INLINE.match(unreleased)
    compared = COMPARE.match(inline.group("url")) if inline else None
    if inline is not None and compared is not None:  # structlog's ``## [Unreleased](URL)``
        base, prev, head = compared.group("base", "prev", "head")
        unreleased = f"{inline.group('start')}{base}{tag}...{head}){inline.group('end')}"
        heading = f"## [{version}]({base}{prev}...{tag}) - {date}"
    gap = _GAP.search(text, match.end())  # the file's own space between sections
    space = gap.group(1) if gap else "\n\n"
    text = text[: match.start()] + unreleased + space + heading + text[match.end() :]
    link = _LINK.search(text)
    compare = COMPARE.match(link.group("url")) if link else None
    if link is not None and compare is not None:
        base, prev = compare.group("base"), compare.group("prev")
        lines = (
            f"[{link.group('label')}]: {base}{tag}...{compare.group('head')}\n"
            f"[{version}]: {base}{prev}...{tag}"
        )
        text = text[: link.start()] + lines + text[link.end() :]
    return text


class KeepAChangelog(Changelog):
    kind = "keepachangelog"

    @classmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> KeepAChangelog | None:
        path = first_file(root, CANDIDATES, cls.recognises)
        return cls(root, path) if path else None

    @staticmethod
    def recognises(path: Path) -> bool:
        try:
            return _unreleased(read_text(path)) is not None
        except (OSError, UnicodeDecodeError):
            return False

    @property
    def file(self) -> Path:
        return self.path or self.root / "CHANGELOG.md"

    def describe(self) -> str:
        return f"keep-a-changelog ({self.rel(self.file)}, ## [Unreleased] section)"

    def touched(self) -> list[str]:
        return [self.rel(self.file)]

    def plan(self, release: ReleaseInfo) -> tuple[str, list[str]]:
        body = unreleased_section(read_text(self.file))
        empty = " (the section is empty)" if not body else ""
        return (
            f"release the [Unreleased] section of {self.rel(self.file)}{empty}",
            [f"## [Unreleased] -> ## [{release.version}] - {release.date}"],
        )

    def apply(self, release: ReleaseInfo) -> Applied:
        text = read_text(self.file)
        body = unreleased_section(text)
        if body is None:
            raise StepFailed(
                f"{self.rel(self.file)} has no '## [Unreleased]' section",
                hint="add one above the latest release, with the changes under it",
            )
        new = release_text(text, release.version, release.date, release.tag)
        self.file.write_text(new, encoding="utf-8")
        return Applied([self.rel(self.file)], notes=body + "\n" if body else "")
