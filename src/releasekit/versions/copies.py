"""Copies of the version: the same version written again where the build does not read it.

Projects often keep their version in two places: pdm-backend's sdist freezes typer's version into
``[project] version`` while ``typer/__init__.py`` still says ``__version__ = "0.16.0"``;
pycparser's and jmespath's setup.py pass ``version='2.22'`` and their package repeats it. A
release that bumps only the place the build reads ships a package whose ``__version__``
contradicts its own metadata.

A copy is a ``__version__ = "X"`` literal, with X exactly the current version, in a top-level
package's ``__init__.py`` or its version module (``__version__.py``, ``_version.py``,
``version.py``, ``__about__.py``, ``__meta__.py``), in src/ or flat layout; a package inside a
namespace package counts as top-level (poetry-core's ``src/poetry/core/__init__.py``). Copies are
written with the source and read back like it. Projects that name their files for bump-my-version,
and VCS versions (nothing is written), get none.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..git import Git
from ..textfiles import read_text
from .base import VersionSource
from .module import ModuleVersion, dunder_pattern

__all__ = ["SKIP_DIRS", "WithCopies", "find_copies", "not_ignored", "with_copies"]

#: Directories that never hold the project's version.
SKIP_DIRS = {
    "build", "dist", "docs", "doc", "tests", "test", "testing", "examples", "benchmarks",
    "venv", "node_modules", "site",
}  # fmt: skip

#: The modules of a top-level package that hold its version, besides ``__init__.py``.
_VERSION_MODULES = ("__version__.py", "_version.py", "version.py", "__about__.py", "__meta__.py")
_DUNDER = dunder_pattern()


class WithCopies(VersionSource):
    """A source whose version is repeated in other files: all are written and read back."""

    def __init__(self, source: VersionSource, copies: Iterable[VersionSource]) -> None:
        super().__init__(source.root)
        self.source = source
        self.copies = tuple(copies)
        self.kind = source.kind

    def read(self) -> str:
        return self.source.read()

    def files(self) -> tuple[Path, ...]:
        return self.source.files() + tuple(f for c in self.copies for f in c.files())

    def write(self, version: str) -> None:
        for each in (self.source, *self.copies):
            each.write(version)

    def verify(self, version: str) -> None:
        for each in (self.source, *self.copies):
            each.verify(version)

    def describe(self) -> str:
        paths = (f for c in self.copies for f in c.files())
        shown = ", ".join(p.relative_to(self.root).as_posix() for p in paths)
        return f"{self.source.describe()}; copied in {shown}"

    def cannot_hold(self, version: str) -> str | None:
        """The first reason any of the files cannot hold ``version`` (a copy that is a tuple
        cannot hold a dev version)."""
        reasons = (each.cannot_hold(version) for each in (self.source, *self.copies))
        return next((reason for reason in reasons if reason), None)


def _packages(top: Path) -> list[Path]:
    """The top-level packages under ``top``, and those one level inside a namespace package
    (PEP 420: a directory without ``__init__.py``, poetry-core's ``src/poetry/core``)."""
    found = []
    for path in sorted(top.iterdir()):
        if not path.is_dir() or path.name in SKIP_DIRS or path.name.startswith("."):
            continue
        if (path / "__init__.py").is_file():
            found.append(path)
        elif path.name != "src":  # the src/ layout is a top of its own
            found += [p for p in sorted(path.iterdir()) if (p / "__init__.py").is_file()]
    return found


def _candidates(root: Path) -> list[Path]:
    found = []
    for top in (root / "src", root):
        if not top.is_dir():
            continue
        for package in _packages(top):
            found.append(package / "__init__.py")
            found += [package / name for name in _VERSION_MODULES if (package / name).is_file()]
    return found


def not_ignored(root: Path, paths: Iterable[Path]) -> list[Path]:
    """Those of ``paths`` git does not ignore. A file git ignores is made by the build, not kept
    with the source: dill's setup.py writes ``dill/__info__.py`` from ``version.py``, and its sdist
    ships both; the release writes and commits the source, never the build's output."""
    rel = {path.relative_to(root).as_posix(): path for path in paths}
    ignored = set(Git(root).ignored(list(rel))) if rel else set()
    return [path for name, path in rel.items() if name not in ignored]


def find_copies(root: Path, version: str, taken: Iterable[Path]) -> list[ModuleVersion]:
    """The copies of ``version`` (exactly as written) outside the files in ``taken``, and
    outside the files git ignores."""
    skip = {p.resolve() for p in taken}
    copies = []
    for path in not_ignored(root, _candidates(root)):
        if path.resolve() in skip:
            continue
        match = _DUNDER.search(read_text(path))
        if match and match.group("version") == version:
            copies.append(ModuleVersion(root, path, kind="a copy of the version"))
    return copies


def with_copies(source: VersionSource, copies: Sequence[VersionSource]) -> VersionSource:
    """``source``, and its ``copies`` written with it (``source`` alone when there are none)."""
    if not copies:
        return source
    if isinstance(source, WithCopies):
        return WithCopies(source.source, (*source.copies, *copies))
    return WithCopies(source, copies)
