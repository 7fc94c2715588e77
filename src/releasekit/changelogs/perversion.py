"""A directory with one file of notes per release: cookiecutter's ``CHANGELOG/2.7.1.md``,
Django's ``docs/releases/5.1.1.txt``, NumPy's ``doc/source/release/2.3.0-notes.rst``, pandas'
``doc/source/whatsnew/v2.3.0.rst``.

The release's file is named as the others are. Maintainers of such projects usually write it by
hand before the release (cookiecutter's release recipe refuses to tag without it): when it is
there, its text is the release's notes and nothing is written. When it is not, it is written from
the commits since the last tag: headed as the latest release's file is (rfc3986's ``2.0.0 -
2022-01-10`` over dashes) with its notes as a list, or, when that file has no heading with its
version (cookiecutter's), as a project without a changelog gets its notes, in the directory's
format. A file written is listed where the latest one is in a Sphinx ``toctree`` of the
directory's index (``index.rst``, or NumPy's ``release.rst`` beside the directory), newest first
unless the list runs the other way, so that the docs build finds it. Written ahead means
committed: a file that a release killed before its commit left behind is its own, and a resumed
release writes it afresh.

Detected only where no changelog file is (:class:`.TextFile` and :class:`.ReadmeSection` come
first), and only in a directory of that name holding at least two such files named alike.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from packaging.version import Version

from .. import process
from ..errors import PreflightError
from ..textfiles import LEGACY, read_encoded, read_text
from .base import DOCS, Applied, Changelog, Problem, ReleaseInfo
from .commits import grouped_notes
from .location import is_markdown
from .textfile import lone_entry

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


def _listed(text: str, entry: str, beside: str) -> str | None:
    """``text`` with ``entry`` listed in the toctree where ``beside`` is: above it (newest
    first), or below it when the list runs from the oldest; None when ``beside`` is not
    listed."""
    lines = text.splitlines(keepends=True)
    if any(line.strip() == entry for line in lines):
        return text  # a resumed release's, or the maintainers'
    at = next(
        (i for i, line in enumerate(lines) if line.strip() == beside and line[:1] in " \t"), None
    )
    if at is None:
        return None
    line = lines[at]
    indent = line[: len(line) - len(line.lstrip())]
    ending = line[len(line.rstrip("\r\n")) :] or "\n"
    after = next((x.strip() for x in lines[at + 1 :] if x.strip()), "")
    before = next((x.strip() for x in reversed(lines[:at]) if x.strip()), "")
    listed = _version(beside)
    older_first = _version(after) > listed or Version("0") < _version(before) < listed
    where = at + 1 if older_first else at
    return "".join([*lines[:where], indent + entry + ending, *lines[where:]])


def _version(entry: str) -> Version:
    """The version a toctree entry names (``2.0.0``, ``release/2.3.0-notes``), or 0."""
    found = _FILE.fullmatch(entry.rsplit("/", 1)[-1] + ".rst")
    return Version(found["version"]) if found else Version("0")


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

    def _files(self) -> list[tuple[Version, Path]]:
        """The directory's release files named as the others are, with their versions."""
        shape = (self.prefix, self.suffix, self.ext)
        return [
            (Version(m["version"]), path)
            for path in sorted(self.directory.iterdir())
            if (m := _FILE.fullmatch(path.name)) and _shape(m) == shape and not path.is_symlink()
        ]

    def file_for(self, version: str) -> Path:
        """The release's file; one already written for the same version under another spelling
        (``2.0.md`` for ``2.0.0``) counts as it."""
        wanted = Version(version)
        mine = next((path for v, path in self._files() if v == wanted), None)
        path = mine or self.directory / f"{self.prefix}{version}{self.suffix}{self.ext}"
        if path.is_symlink():  # check() names it before a release starts
            what, fix = self._linked(path)
            raise PreflightError(what, hint=fix)
        return path

    def _linked(self, path: Path) -> tuple[str, str]:
        return (
            f"{self.rel(path)} is a symbolic link (to {os.readlink(path)}), not a release's "
            "notes: its target's text would be published as them, a write would go there",
            f"make {self.rel(path)} a file, or remove the link",
        )

    def check(self) -> Iterator[Problem]:
        yield from super().check()
        for path in sorted(self.directory.iterdir()):
            if path.is_symlink() and _FILE.fullmatch(path.name):
                yield self._linked(path)

    def describe(self) -> str:
        example = f"{self.rel(self.directory)}/{self.prefix}<version>{self.suffix}{self.ext}"
        return f"one file per release ({example})"

    def touched(self) -> list[str]:
        index = self._index()
        beside = [] if index is None or index[0].parent == self.directory else [index[0]]
        return [self.rel(path) for path in (self.directory, *beside)]

    def _index(self) -> tuple[Path, str] | None:
        """The Sphinx page whose toctree lists the files, and the folder its entries name them
        in: the directory's ``index.rst``, or a page named as the directory beside it."""
        for ext in (".rst", ".txt"):
            for page, folder in (
                (self.directory / f"index{ext}", ""),
                (self.directory.parent / f"{self.directory.name}{ext}", f"{self.directory.name}/"),
            ):
                if page.is_file() and not page.is_symlink():
                    return page, folder
        return None

    def _latest(self, version: str) -> Path | None:
        """The file of the latest release before ``version``."""
        older = [(v, path) for v, path in self._files() if v < Version(version)]
        return max(older)[1] if older else None

    def _listing(self, path: Path, latest: Path | None) -> tuple[Path, str] | None:
        """``(index, its new text)`` listing ``path`` beside ``latest``; None when the index
        does not list ``latest`` (or there is no index)."""
        index = self._index()
        if index is None or latest is None:
            return None
        page, folder = index
        text = read_text(page)
        new = _listed(text, folder + path.stem, folder + latest.stem)
        return (page, new) if new is not None and new != text else None

    def _text(self, release: ReleaseInfo, latest: Path | None) -> tuple[str, str]:
        """``(text, notes)`` of the release's file, headed as ``latest`` is when it has a
        heading with its version."""
        if latest is not None:
            text = read_encoded(latest, ("utf-8", *LEGACY))[0]  # an old file in Latin-1
            entry = lone_entry(text, release, markdown=is_markdown(latest))
            if entry is not None:
                return entry
        notes = grouped_notes(release.commits, rst=self.ext != ".md")
        return notes, notes

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
        listing = self._listing(path, self._latest(release.version))
        listed = [f"list it in {self.rel(listing[0])}"] if listing else []
        return (
            f"write {self.rel(path)} from {len(release.commits)} commit(s) since {since} "
            "(no such file yet)",
            [f"create {self.rel(path)}", *listed],
        )

    def apply(self, release: ReleaseInfo) -> Applied:
        path = self.file_for(release.version)
        if self.written_ahead(path):
            return Applied([], notes=read_text(path))
        latest = self._latest(release.version)
        text, notes = self._text(release, latest)
        listing = self._listing(path, latest)
        path.write_text(text, encoding="utf-8")
        if listing is None:
            return Applied([self.rel(path)], notes=notes)
        page, listed = listing
        page.write_text(listed, encoding="utf-8")
        return Applied([self.rel(path), self.rel(page)], notes=notes)
