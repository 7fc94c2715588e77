"""A directory with one file of notes per release: cookiecutter's ``CHANGELOG/2.7.1.md``,
Django's ``docs/releases/5.1.1.txt``, NumPy's ``doc/source/release/2.3.0-notes.rst``, pandas'
``doc/source/whatsnew/v2.3.0.rst``.

The release's file is named as the others are. Maintainers of such projects usually write it by
hand before the release (cookiecutter's release recipe refuses to tag without it): when it is
there, its text is the release's notes and nothing is written. When it is not, it is written from
the commits since the last tag, as a project without a changelog gets its notes, in the
directory's format. Written ahead means committed: a file that a release killed before its commit
left behind is its own, and a resumed release writes it afresh.

Detected only where no changelog file is (:class:`.TextFile` and :class:`.ReadmeSection` come
first), and only in a directory of that name holding at least two such files named alike.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

from packaging.version import Version

from .. import process
from ..textfiles import read_text
from .base import DOCS, Applied, Changelog, ReleaseInfo
from .commits import grouped_notes

__all__ = ["PerVersionFiles"]

#: Where such directories are kept: at the root, or in the documentation's source.
_NAMES = ("CHANGELOG", "changelog", "CHANGES", "changes", "release-notes", "release_notes")
_DOC_NAMES = ("releases", "release", "release-notes", "release_notes", "whatsnew", "changelog")
DIRECTORIES = (*_NAMES, *(f"{docs}/{name}" for docs in DOCS for name in _DOC_NAMES))
#: A file of one release's notes: ``2.7.1.md``, ``v2.3.0.rst``, ``2.3.0-notes.rst``.
_FILE = re.compile(
    r"(?P<prefix>v?)(?P<version>\d+(?:\.\d+)+(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?)"
    r"(?P<suffix>-notes)?(?P<ext>\.md|\.rst|\.txt)"
)


def _shape(found: re.Match[str]) -> tuple[str, str, str]:
    """``(prefix, suffix, extension)`` of a release file's name."""
    return found["prefix"], found["suffix"] or "", found["ext"]


def _named(directory: Path) -> tuple[str, str, str] | None:
    """``(prefix, suffix, extension)`` of the directory's release files, when at least two files
    are named alike; None when it holds fewer."""
    shapes = Counter(
        _shape(m) for p in directory.iterdir() if p.is_file() and (m := _FILE.fullmatch(p.name))
    )
    if not shapes:
        return None
    shape, count = shapes.most_common(1)[0]
    return shape if count >= 2 else None


class PerVersionFiles(Changelog):
    kind = "per-version"

    def __init__(self, root: Path, directory: Path, shape: tuple[str, str, str]) -> None:
        super().__init__(root)
        self.directory = directory
        self.prefix, self.suffix, self.ext = shape

    @classmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> PerVersionFiles | None:
        for name in DIRECTORIES:
            directory = root / name
            if directory.is_dir() and not directory.is_symlink():
                shape = _named(directory)
                if shape is not None:
                    return cls(root, directory, shape)
        return None

    def file_for(self, version: str) -> Path:
        """The release's file; one already written for the same version under another spelling
        (``2.0.md`` for ``2.0.0``) counts as it."""
        wanted = Version(version)
        for path in sorted(self.directory.iterdir()):
            found = _FILE.fullmatch(path.name)
            mine = found is not None and _shape(found) == (self.prefix, self.suffix, self.ext)
            if mine and found and Version(found["version"]) == wanted:  # valid ones only
                return path
        return self.directory / f"{self.prefix}{version}{self.suffix}{self.ext}"

    def describe(self) -> str:
        example = f"{self.rel(self.directory)}/{self.prefix}<version>{self.suffix}{self.ext}"
        return f"one file per release ({example})"

    def touched(self) -> list[str]:
        return [self.rel(self.directory)]

    def written_ahead(self, path: Path) -> bool:
        """Whether the release's file is the maintainers': tracked by git. One a release killed
        before its commit wrote is not, and is written afresh when it resumes."""
        if not path.is_file():
            return False
        listed = process.run(
            ["git", "ls-files", "-z", "--", self.rel(path)], cwd=self.root, check=False
        )
        return bool(listed.stdout)

    def plan(self, release: ReleaseInfo) -> tuple[str, list[str]]:
        path = self.file_for(release.version)
        if self.written_ahead(path):
            return (f"{self.rel(path)} is written already: its text is the release's notes", [])
        since = release.previous_tag or "the first commit"
        return (
            f"write {self.rel(path)} from {len(release.commits)} commit(s) since {since} "
            "(no such file yet)",
            [f"create {self.rel(path)}"],
        )

    def apply(self, release: ReleaseInfo) -> Applied:
        path = self.file_for(release.version)
        if self.written_ahead(path):
            return Applied([], notes=read_text(path))
        notes = grouped_notes(release.commits, rst=self.ext != ".md")
        path.write_text(notes, encoding="utf-8")
        return Applied([self.rel(path)], notes=notes)
