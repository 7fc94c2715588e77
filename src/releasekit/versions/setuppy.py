"""Projects whose setup.py computes the name and version in code (requests, six, h11).

Nothing static says the name or where the version lives, so the build backend is asked:
``python -m build --metadata`` (pypa/build's public interface to the PEP 517
``prepare_metadata_for_build_wheel`` hook, in an isolated environment) gives the name and the
current version. The version's home is then the one place in the project's Python files that
holds exactly that version: ``__version__ = "X"`` in a module (what setup.py reads or
imports), or a literal ``version="X"`` in setup.py itself. Found more than once, or nowhere,
releasekit cannot know which text setup.py reads and says so.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from .. import process
from ..errors import ConfigError, ProcessError
from ..textfiles import read_text
from ..venv import uv_binary
from .base import VersionSource
from .module import ModuleVersion, dunder_pattern
from .project import Project

__all__ = ["SetupPyMetadata", "SetupPyVersion", "setup_py_metadata"]

#: Directories that never hold the version setup.py reads.
_SKIP = {
    "build", "dist", "docs", "doc", "tests", "test", "testing", "examples", "benchmarks",
    "venv", "node_modules", "site",
}  # fmt: skip
_DEPTH = 4
#: ``version="1.2.3"`` as a keyword argument of ``setup(...)``
_KEYWORD = re.compile(r"^[ \t]*version[ \t]*=[ \t]*(?P<q>['\"])(?P<version>[^'\"\n]+)(?P=q)", re.M)


@dataclass(frozen=True)
class SetupPyMetadata:
    name: str
    version: str


def setup_py_metadata(root: Path) -> SetupPyMetadata | None:
    """The name and version setup.py gives, or None for a project without setup.py."""
    if not (root / "setup.py").is_file():
        return None
    stamp = hashlib.sha256()
    for name in ("setup.py", "setup.cfg", "pyproject.toml"):
        if (root / name).is_file():
            stamp.update((root / name).read_bytes())
    return _metadata(root.resolve(), stamp.hexdigest())


@functools.cache
def _metadata(root: Path, stamp: str) -> SetupPyMetadata:  # stamp: setup.py & co. unchanged
    del stamp
    uv = uv_binary()
    argv = [sys.executable, "-m", "build", "--metadata", *(["--installer", "uv"] if uv else [])]
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
            if path.name.startswith(".") or path.name in _SKIP or path.suffix == ".egg-info":
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


class SetupPyVersion(ModuleVersion):
    kind = "setup.py: the version in a Python file"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        if project.table("project") or project.table("tool", "poetry"):
            return None
        meta = setup_py_metadata(project.root)
        if meta is None:
            return None
        version = Version(meta.version)
        places: list[tuple[Path, re.Pattern[str], str]] = []
        for path in _python_files(project.root):
            pattern, where = (
                (_KEYWORD, 'version="..." in setup()')
                if path == project.root / "setup.py"
                else (dunder_pattern(), '__version__ = "..."')
            )
            if any(_same(m.group("version"), version) for m in pattern.finditer(read_text(path))):
                places.append((path, pattern, where))
        setup_py = project.root / "setup.py"
        if len(places) != 1:
            shown = ", ".join(str(p.relative_to(project.root)) for p, _, _ in places)
            raise ConfigError(
                f"{setup_py}: setup.py gives version {meta.version}, "
                + (
                    f"which is written in several files ({shown}): releasekit cannot tell "
                    "which one setup.py reads"
                    if places
                    else 'but no Python file holds it as __version__ = "..." or setup.py '
                    'as version="..."'
                ),
                hint="configure bump-my-version ([tool.bumpversion] with the files to "
                "change), or declare the version statically ([project] version, or setup.cfg "
                "[metadata] version)",
            )
        path, pattern, where = places[0]
        return cls(project.root, path, pattern=pattern, where=where)
