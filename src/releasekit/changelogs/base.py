"""What every changelog kind is: detected from the project, planned, applied, and what it changed.

A kind never decides the version; it is told the release (:class:`ReleaseInfo`) and writes its
file for it. ``apply`` returns every path it changed, relative to the repository root (deleted
fragment files included), so the release commit contains exactly those, and the release notes it
wrote, which the journal keeps for a forge release.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ..errors import ConfigError
from ..textfiles import LINK_CYCLE, describe_path, read_encoded
from .commits import Commit

__all__ = ["DOCS", "Applied", "Changelog", "Problem", "ReleaseInfo", "first_file", "in_tree"]

Problem = tuple[str, str]  # (what is wrong, how to fix it)
#: Where projects keep a changelog besides the root: their documentation's source.
DOCS = ("docs", "doc", "docs/source", "doc/source", "doc/build", "docs/build")


@dataclass(frozen=True)
class ReleaseInfo:
    """The release a changelog is written for."""

    version: str
    date: str  # YYYY-MM-DD
    tag: str  # the tag the release will get
    previous_tag: str | None = None  # the last release's tag, if any
    commits: tuple[Commit, ...] = ()  # since previous_tag, newest first


@dataclass(frozen=True)
class Applied:
    files: list[str]  # changed paths relative to the root, deleted ones included
    notes: str = ""  # the release's notes as written (Markdown or reStructuredText)


class Changelog(abc.ABC):
    """One kind of changelog. Subclasses are small; detection lives in their ``detect``."""

    kind: ClassVar[str]
    #: What the kind's file may be written in: a file the release rewrites itself may be in a
    #: legacy encoding (ply's Latin-1 ``CHANGES``); towncrier reads and writes UTF-8 only.
    encodings: ClassVar[tuple[str, ...]] = ("utf-8",)

    def __init__(
        self, root: Path, path: Path | None = None, settings: dict[str, Any] | None = None
    ) -> None:
        self.root = root
        self.path = in_tree(root, path)  # the changelog file, when the kind has one
        self.settings = settings or {}

    @classmethod
    @abc.abstractmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> Changelog | None:
        """This kind for the project at ``root``, or None when the project does not use it."""

    @abc.abstractmethod
    def describe(self) -> str:
        """One line for ``init`` and ``config``: the kind and its file."""

    @abc.abstractmethod
    def touched(self) -> list[str]:
        """Paths (files or directories, relative) that ``apply`` may change: restored on resume."""

    @abc.abstractmethod
    def plan(self, release: ReleaseInfo) -> tuple[str, list[str]]:
        """``(summary, actions)`` of what ``apply`` would do. Changes nothing."""

    @abc.abstractmethod
    def apply(self, release: ReleaseInfo) -> Applied:
        """Write the changelog for ``release``."""

    def check(self) -> Iterator[Problem]:
        """What would make ``apply`` fail, known before anything changes."""
        if self.path is not None and self.path.is_symlink():
            what = describe_path(self.path)
            yield (
                (
                    f"{self.rel(self.path)} links to {self.path.resolve()}, outside the "
                    "repository: the release cannot commit the changelog it writes there"
                    if what != LINK_CYCLE
                    else f"{self.rel(self.path)} is {what}: the changelog cannot be written"
                ),
                "make it a file (or a link to one) inside the repository, or set [tool.releasekit] "
                "changelog to the file to write",
            )
        elif self.path is not None and self.path.exists() and not self.path.is_file():
            yield (
                f"{self.rel(self.path)} is {describe_path(self.path)}, not a file: the changelog "
                "cannot be written",
                "make it a file, or set [tool.releasekit] changelog to the file to write",
            )
        if self.path is not None and self.path.is_file():
            try:
                read_encoded(self.path, self.encodings)
            except ConfigError as exc:  # not UTF-8, unreadable: found before anything changes
                yield (exc.message, exc.hint or "")

    def pending_version(self) -> str | None:
        """The version the entry of unreleased changes is headed with, if the kind has one."""
        return None

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def in_tree(root: Path, path: Path | None) -> Path | None:
    """``path``, or the file it links to when that is in the tree: referencing's CHANGELOG.rst
    is a symlink to docs/changes.rst, the file a write through the link changes and so the one
    the release commits and restores."""
    if path is None or not path.is_symlink():
        return path
    try:
        target, top = path.resolve(), root.resolve()
    except (OSError, RuntimeError):  # a link in a cycle: the check names it
        return path
    return root / target.relative_to(top) if target.is_relative_to(top) else path


def first_file(root: Path, names: Iterable[str], recognises: Callable[[Path], bool]) -> Path | None:
    """The first of ``names`` under ``root`` that is a file ``recognises`` accepts."""
    return next((root / n for n in names if (root / n).is_file() and recognises(root / n)), None)
