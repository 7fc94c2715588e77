"""No changelog file: the release notes come from the commits since the last tag.

Nothing is written; the notes are returned so the journal keeps them for a forge release.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import Applied, Changelog, ReleaseInfo
from .commits import grouped_notes

__all__ = ["NoChangelog"]


class NoChangelog(Changelog):
    kind = "none"

    @classmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> NoChangelog:
        return cls(root)

    def describe(self) -> str:
        return "none (release notes from the commits since the last tag)"

    def touched(self) -> list[str]:
        return []

    def plan(self, release: ReleaseInfo) -> tuple[str, list[str]]:
        since = release.previous_tag or "the first commit"
        return (
            f"no changelog file: release notes from {len(release.commits)} commit(s) "
            f"since {since}, kept in the journal",
            [],
        )

    def apply(self, release: ReleaseInfo) -> Applied:
        return Applied([], notes=grouped_notes(release.commits))
