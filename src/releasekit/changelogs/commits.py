"""The commits since the last release, read as conventional commits where they are.

``feat: ...`` asks for a minor release, ``fix: ...`` (and ``perf: ...``) for a patch, and
``feat!: ...`` or a ``BREAKING CHANGE:`` footer for a major one
(https://www.conventionalcommits.org/en/v1.0.0/). Other commits are listed in the notes but ask
for no bump.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import process

__all__ = ["Commit", "bump_from_commits", "commits_since", "grouped_notes", "note_lines"]

_HEADER = re.compile(r"^(?P<type>[A-Za-z]+)(?:\((?P<scope>[^()\r\n]*)\))?(?P<bang>!)?: +(?P<d>.+)$")
_BREAKING = re.compile(r"^BREAKING[ -]CHANGE: ", re.MULTILINE)
_BUMPS = {"feat": "minor", "fix": "patch", "perf": "patch"}
#: Sections of the notes, in order: (title, commit types in it).
GROUPS = (
    ("Breaking changes", ("!",)),
    ("Features", ("feat",)),
    ("Fixes", ("fix", "perf")),
    ("Other changes", ("",)),
)
#: Conventional types that are not worth a line in release notes.
QUIET = frozenset({"chore", "ci", "test", "tests", "style", "build"})


@dataclass(frozen=True)
class Commit:
    sha: str
    subject: str
    body: str = ""

    @property
    def _match(self) -> re.Match[str] | None:
        return _HEADER.match(self.subject)

    @property
    def type(self) -> str:
        """The conventional type (lower case), or "" for a free-form subject."""
        match = self._match
        return match.group("type").lower() if match else ""

    @property
    def breaking(self) -> bool:
        match = self._match
        return bool(match and match.group("bang")) or bool(_BREAKING.search(self.body))

    @property
    def description(self) -> str:
        match = self._match
        text = match.group("d") if match else self.subject
        scope = match.group("scope") if match else None
        return f"{scope}: {text}" if scope else text

    @property
    def bump(self) -> str | None:
        return "major" if self.breaking else _BUMPS.get(self.type)


def commits_since(root: Path, tag: str | None) -> list[Commit]:
    """Non-merge commits reachable from HEAD and not from ``tag`` (all of them without a tag)."""
    span = f"{tag}..HEAD" if tag else "HEAD"
    done = process.run(
        ["git", "log", "--no-merges", "--format=%H%x00%s%x00%b%x1e", span], cwd=root, check=False
    )
    if done.returncode != 0:
        return []
    commits = []
    for record in done.stdout.split("\x1e"):
        fields = record.strip("\n").split("\x00")
        if len(fields) == 3:
            commits.append(Commit(fields[0], fields[1].strip(), fields[2].strip()))
    return commits


def bump_from_commits(commits: Sequence[Commit]) -> str | None:
    """The largest bump the conventional commits ask for; None when none asks for one."""
    wanted = {c.bump for c in commits}
    return next((part for part in ("major", "minor", "patch") if part in wanted), None)


def _group(commit: Commit) -> str:
    if commit.breaking:
        return "!"
    for _, types in GROUPS[1:3]:
        if commit.type in types:
            return commit.type
    return ""


def note_lines(commits: Sequence[Commit]) -> list[str]:
    """One line per notable commit, breaking changes first, then features, fixes, the rest."""
    order = {t: i for i, (_, types) in enumerate(GROUPS) for t in types}
    kept = [c for c in commits if c.type not in QUIET or c.breaking]
    kept.sort(key=lambda c: order[_group(c)])  # stable: newest first within a group
    return [c.description for c in kept]


def grouped_notes(commits: Sequence[Commit], *, rst: bool = False) -> str:
    """Release notes, a section per group that has commits: Markdown (``### Fixes``), or
    reStructuredText (``Fixes`` underlined with ``-``)."""
    kept = [c for c in commits if c.type not in QUIET or c.breaking]
    parts = []
    for title, types in GROUPS:
        lines = [f"- {c.description}" for c in kept if _group(c) in types]
        if lines:
            heading = f"{title}\n{'-' * len(title)}" if rst else f"### {title}"
            parts.append(f"{heading}\n\n" + "\n".join(lines) + "\n")
    return "\n".join(parts) if parts else "No notable changes.\n"
