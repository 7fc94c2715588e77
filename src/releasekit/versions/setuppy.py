"""Projects whose setup.py computes the name and version in code (requests, six, h11).

Nothing static says the name or where the version lives, so the build backend is asked: ``python -m
build --metadata`` (pypa/build's public interface to the PEP 517
``prepare_metadata_for_build_wheel`` hook, in an isolated environment) gives the name and the
current version. The version's homes are then the places that hold exactly that version:
``__version__ = "X"`` (or ``VERSION = "X"``, pytz's) in a module (what setup.py reads or imports) or
in setup.py itself (websocket-client's ``VERSION = "1.8.0"``, or the name ``setup(version=NAME)``
passes: schedule's ``SCHEDULE_VERSION = "1.2.2"``), a literal ``version="X"`` in setup.py itself,
a file holding nothing but it (cookiecutter's ``VERSION.txt``), or the tuple a module computes
``__version__`` from (invoke's ``__version_info__ = (2, 2, 0)`` in ``_version.py``, which setup.py
execs). Each is written (pycparser's setup.py and package both say ``2.22``); found nowhere,
releasekit says so. A ``[project]`` table whose version is dynamic, with setuptools as the
backend and no other dynamic source, leaves the version to setup.py too (schedule's).
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from .. import process
from ..errors import ConfigError, ProcessError, StepFailed
from ..textfiles import read_text
from ..venv import uv_binary
from .base import VersionSource
from .copies import SKIP_DIRS, not_ignored, with_copies
from .infotuple import TupleVersion, find_tuple
from .module import ModuleVersion, PlainFileVersion, dunder_pattern
from .project import Project

__all__ = ["SetupPyMetadata", "SetupPyTupleVersion", "SetupPyVersion", "setup_py_metadata"]

_DEPTH = 4
#: No backend named (setuptools' legacy default) and setuptools' two backends: each runs setup.py
_SETUPTOOLS = ("", "setuptools.build_meta", "setuptools.build_meta:__legacy__")
#: Files holding nothing but the version, in the root or a top-level package.
_VERSION_FILES = ("VERSION", "VERSION.txt", "version.txt")
#: ``__version__ = "1.2.3"`` or ``VERSION = "1.2.3"`` (pytz: ``__version__ = VERSION``) in a module
_MODULE = dunder_pattern("__version__", "VERSION")
#: ``version="1.2.3"`` as a keyword argument of ``setup(...)``, on a line of its own or after
#: others (``setup(name='x', version='1.0', ...)`` on one line)
_KEYWORD = re.compile(
    r"(?:^|(?<=[(,]))[ \t]*version[ \t]*=[ \t]*(?P<q>['\"])(?P<version>[^'\"\n]+)(?P=q)", re.M
)


@dataclass(frozen=True)
class SetupPyMetadata:
    name: str
    version: str


def setup_py_metadata(root: Path) -> SetupPyMetadata | None:
    """The name and version setup.py gives, or None for a project without setup.py."""
    if not (root / "setup.py").is_file():
        return None
    stamp = hashlib.sha256()
    read = [root / name for name in ("setup.py", "setup.cfg", "pyproject.toml")]
    for path in [*read, *_python_files(root), *_version_files(root)]:  # what setup() may read
        if path.is_file():
            stamp.update(path.read_bytes())
    return _metadata(root.resolve(), stamp.hexdigest())


@functools.cache
def _metadata(root: Path, stamp: str) -> SetupPyMetadata:  # stamp: the files it reads unchanged
    del stamp
    uv = uv_binary()
    argv = [*process.TOOL, "build", "--metadata", *(["--installer", "uv"] if uv else [])]
    try:
        done = process.run(
            [*argv, str(root)], cwd=root, what="reading the name and version setup.py gives"
        )
        data = json.loads(done.stdout[done.stdout.index("{") :])
        return SetupPyMetadata(str(data["name"]), str(data["version"]))
    except (ProcessError, ValueError, KeyError) as exc:
        reason = exc.message.splitlines()[0] if isinstance(exc, ProcessError) else repr(exc)
        raise ConfigError(
            f"{root / 'setup.py'}: cannot read the project's name and version from its build "
            f"backend: {reason}",
            hint="check that `python -m build --metadata` works in the project, or declare "
            "them statically ([project] in pyproject.toml, or setup.cfg [metadata])",
        ) from None


def _python_files(root: Path, depth: int = 0) -> list[Path]:
    found = []
    for path in sorted(root.iterdir()):
        if path.is_dir() and depth < _DEPTH:
            if path.name.startswith(".") or path.name in SKIP_DIRS or path.suffix == ".egg-info":
                continue
            found += _python_files(path, depth + 1)
        elif path.suffix == ".py" and path.is_file():
            found.append(path)
    return found


def _same(text: str, version: Version) -> bool:
    try:
        return Version(text) == version
    except InvalidVersion:
        return False


def _backend_gives(root: Path, written: Path, version: str) -> None:
    """After writing ``version`` to ``written``, setup.py must give it (a home of the version
    releasekit did not find would keep the old one, and the build would make it)."""
    meta = setup_py_metadata(root)
    if meta is not None and not _same(meta.version, Version(version)):
        raise StepFailed(
            f"{root / 'setup.py'}: wrote version {version} to "
            f"{written.relative_to(root).as_posix()}, but setup.py still gives "
            f"{meta.version}: it reads the version from somewhere releasekit did not write",
            hint="nothing was committed; roll back with `releasekit release --rollback`, "
            "then name the files to change in [tool.bumpversion]",
        )


class SetupPyVersion(ModuleVersion):
    kind = "setup.py: the version in a Python file"

    def verify(self, version: str) -> None:
        """Read back from the file, then from the build backend."""
        super().verify(version)
        _backend_gives(self.root, self.slot.path, version)

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        if project.table("tool", "poetry") or not project.dynamic_version:
            return None
        if project.table("project") and project.backend not in _SETUPTOOLS:
            return None  # another backend does not run setup.py
        meta = setup_py_metadata(project.root)
        if meta is None:
            return None
        version = Version(meta.version)
        places: list[tuple[Path, re.Pattern[str], str]] = []
        tuples: list[Path] = []  # invoke's ``__version_info__ = (2, 2, 0)``
        files = not_ignored(
            project.root, [*_python_files(project.root), *_version_files(project.root)]
        )
        for path in (f for f in files if f.suffix == ".py"):
            kinds = [(_MODULE, '__version__ = "..." (or VERSION)')]
            text = read_text(path)
            if path == project.root / "setup.py":  # websocket-client: VERSION = "1.8.0" above
                kinds.insert(0, (_KEYWORD, 'version="..." in setup()'))
                named = _version_name(text)  # schedule's version=SCHEDULE_VERSION
                if named is not None:
                    kinds.append((dunder_pattern(named), f'{named} = "..." in setup.py'))
            for pattern, where in kinds:
                if any(_same(m.group("version"), version) for m in pattern.finditer(text)):
                    places.append((path, pattern, where))
            found = find_tuple(text)
            if found is not None and _same(found.version() or "", version):
                tuples.append(path)
        places.sort(key=lambda place: place[0].name != "setup.py")  # setup() reads its own first
        sources: list[VersionSource] = [
            cls(project.root, path, pattern=pattern, where=where) for path, pattern, where in places
        ]
        sources += [
            PlainFileVersion(project.root, path, kind="setup.py: a version file")
            for path in files
            if path.suffix != ".py" and _same(read_text(path).strip(), version)
        ]
        sources += [
            SetupPyTupleVersion(project.root, path, kind="setup.py: a version tuple")
            for path in tuples
        ]
        if not sources:
            raise ConfigError(
                f"{project.root / 'setup.py'}: setup.py gives version {meta.version}, but no "
                'file holds it as __version__ = "..." or VERSION = "...", setup.py as '
                'version="...", a VERSION file, or a tuple __version__ is computed from',
                hint="configure bump-my-version ([tool.bumpversion] with the files to "
                "change), or declare the version statically ([project] version, or setup.cfg "
                "[metadata] version)",
            )
        return with_copies(sources[0], sources[1:])


class SetupPyTupleVersion(TupleVersion):
    """The version tuple of a module setup.py reads (invoke's ``_version.py``)."""

    def verify(self, version: str) -> None:
        """Read back from the file, then from the build backend."""
        super().verify(version)
        _backend_gives(self.root, self.path, version)


def _version_name(text: str) -> str | None:
    """The name ``setup(version=NAME)`` passes, when setup.py assigns it a string at its top
    level (schedule's ``SCHEDULE_VERSION = "1.2.2"``), else None."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    assigned = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                value = keyword.value
                if (
                    keyword.arg == "version"
                    and isinstance(value, ast.Name)
                    and value.id in assigned
                ):
                    return value.id
    return None


def _version_files(root: Path) -> list[Path]:
    tops = [root, *(p for p in sorted(root.iterdir()) if (p / "__init__.py").is_file())]
    return [top / name for top in tops for name in _VERSION_FILES if (top / name).is_file()]
