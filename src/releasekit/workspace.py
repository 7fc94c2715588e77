"""The packages in the repository, their versions, and the order they must be released in.

releasekit releases the packages of a repository together, at one version ("lockstep"): one
``BUMP`` moves them all, and dependents are built and uploaded after what they depend on.
"""

from __future__ import annotations

import datetime as dt
import graphlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidName, canonicalize_name
from packaging.version import InvalidVersion, Version

from .config import Config, is_legacy_project, project_file, read_pyproject
from .config_errors import show
from .errors import ConfigError
from .tags import effective_tag_format
from .textfiles import ini_section
from .versioning import next_version
from .versions import (
    BumpMyVersion,
    BumpVersionSource,
    VersionSource,
    detect_source,
    find_bumpversion,
)
from .versions.setuppy import setup_py_metadata

__all__ = ["Package", "Workspace", "load_workspace", "package_name", "version_problems"]


@dataclass(frozen=True)
class Package:
    name: str
    path: Path
    version: str
    #: Where the version lives (static, module, setup.cfg, poetry, pdm, VCS, bump-my-version).
    source: VersionSource = field(compare=False)
    dependencies: tuple[str, ...] = ()  # canonical names of every requirement
    scripts: tuple[str, ...] = ()

    @property
    def canonical(self) -> str:
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class Workspace:
    root: Path
    packages: tuple[Package, ...]  # in dependency order: dependencies first
    #: The project's bump-my-version configuration, the engine for its own files (or None).
    bumpversion: BumpMyVersion | None = None

    @property
    def uses_bumpversion(self) -> bool:
        return self.bumpversion is not None

    @property
    def version(self) -> str:
        return self.packages[0].version

    def next_version(self, bump: str) -> str:
        """The version ``bump`` makes of the current one: the source's own (a calendar version
        made at build time), else PEP 440 arithmetic. Raises UsageError if it is not greater."""
        now = dt.datetime.now(dt.UTC)
        own = self.packages[0].source.next_version(self.version, bump, now)
        return own if own is not None else next_version(self.version, bump)

    @property
    def multi(self) -> bool:
        return len(self.packages) > 1

    def by_name(self, name: str) -> Package:
        wanted = canonicalize_name(name)
        for package in self.packages:
            if package.canonical == wanted:
                return package
        raise KeyError(name)


def version_problems(workspace: Workspace) -> list[tuple[str, str]]:
    """Incoherent version configuration: bump-my-version's current_version disagreeing."""
    engine = workspace.bumpversion
    if engine is None or engine.current_version is None:
        return []
    found = []
    for package in workspace.packages:
        source = package.source
        if isinstance(source, BumpVersionSource) or package.version == engine.current_version:
            continue
        found.append(
            (
                f"{engine.config_file}: {engine.where} current_version = "
                f"{engine.current_version!r}, but {package.name}'s version is {package.version!r} "
                f"({source.describe()})",
                f'set current_version = "{package.version}" in {engine.where}',
            )
        )
    return found


def package_name(data: dict[str, Any], path: Path) -> str | None:
    """The distribution name: ``[project]``, ``[tool.poetry]``, flit's legacy
    ``[tool.flit.metadata]`` (its ``dist-name``, else its ``module``: cloudpickle's), setup.cfg
    ``[metadata]``, else what a setup.py's build backend reports."""
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    for table in (data.get("project"), poetry):
        if isinstance(table, dict) and isinstance(table.get("name"), str):
            return str(table["name"])
    flit = tool.get("flit") if isinstance(tool, dict) else None
    legacy = flit.get("metadata") if isinstance(flit, dict) else None
    for key in ("dist-name", "module"):
        if isinstance(legacy, dict) and isinstance(legacy.get(key), str):
            return str(legacy[key])
    metadata = ini_section(path / "setup.cfg", "metadata")
    if metadata and "name" in metadata:
        return metadata["name"].strip()
    if not (isinstance(data.get("project"), dict) or isinstance(poetry, dict)):
        meta = setup_py_metadata(path)  # a setup.py that computes it: ask the backend
        return meta.name if meta and meta.name != "UNKNOWN" else None  # setuptools: none given
    return None


def _requirement_names(project: dict[str, object], pyproject: Path) -> tuple[str, ...]:
    names: list[str] = []
    raw = project.get("dependencies") or []
    if not isinstance(raw, list):
        raise ConfigError(f"{pyproject}: [project] dependencies must be a list of strings")
    for item in raw:
        try:
            names.append(canonicalize_name(Requirement(str(item)).name))
        except InvalidRequirement as exc:
            raise ConfigError(
                f"{pyproject}: [project] dependencies: invalid requirement {item!r}: {exc}",
                hint="write it as PEP 508, e.g. 'name>=1.0'",
            ) from None
    return tuple(names)


#: an entry point's object reference, as the entry points specification matches it; a script
#: needs its callable (``:attr``), which installers refuse to do without
_OBJECT_REFERENCE = re.compile(
    r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$"
)


def _script_names(data: dict[str, Any], pyproject: Path) -> tuple[str, ...]:
    """The names of ``[project.scripts]``. A script an installer refuses (its value not a
    ``module:function`` reference) is a ConfigError: the built wheel could not be installed,
    and no backend checks it when it builds. Poetry's ``[tool.poetry.scripts]`` too (a string,
    or a table's ``callable``/``reference`` unless it is a ``file`` script)."""
    project = data.get("project")
    tool = data.get("tool")
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    tables = (
        [(f"project.{key}", project.get(key)) for key in ("scripts", "gui-scripts")]
        if isinstance(project, dict)
        else []
    )
    if isinstance(poetry, dict):
        tables.append(("tool.poetry.scripts", poetry.get("scripts")))
    for table, scripts in tables:
        if not isinstance(scripts, dict | None):
            raise ConfigError(
                f"{pyproject}: [{table}] = {show(scripts)} is not a table",
                hint=f"write [{table}] with name = 'module:function' lines",
            )
        for name, entry in (scripts or {}).items():
            value = entry
            if isinstance(entry, dict):  # poetry: {callable = ...}, {reference = ..., type = ...}
                if entry.get("type", "console") != "console":
                    continue
                value = entry.get("callable", entry.get("reference"))
            found = _OBJECT_REFERENCE.match(value) if isinstance(value, str) else None
            if found is None or found["attr"] is None:
                raise ConfigError(
                    f"{pyproject}: [{table}] {name} = {show(value)} is not a "
                    "'module:function' reference, so no installer can install the wheel",
                    hint="write it as 'package.module:function', e.g. 'simple_pkg.cli:main'",
                )
    scripts = project.get("scripts") if isinstance(project, dict) else None
    return tuple(scripts) if isinstance(scripts, dict) else ()


@dataclass(frozen=True)
class _Found:
    """A package directory, its parsed pyproject.toml and its name (before its version).

    ``pyproject`` is the file messages name: setup.cfg for a project without pyproject.toml.
    """

    path: Path
    pyproject: Path
    data: dict[str, Any]
    name: str


def _find_package(root: Path, rel: str) -> _Found:
    path = (root / rel).resolve()
    pyproject = path / "pyproject.toml"
    legacy = is_legacy_project(path)
    if not pyproject.is_file() and not legacy:
        raise ConfigError(
            f"{root / 'pyproject.toml'}: [tool.releasekit] key 'packages': {rel!r} has no "
            "pyproject.toml",
            hint="list directories that contain a pyproject.toml with a [project] table",
        )
    data = read_pyproject(pyproject)
    where = project_file(path)  # what error messages name
    name = package_name(data, path)
    if name is None:
        raise ConfigError(
            f"{where}: no project name ([project], [tool.poetry] or setup.cfg [metadata])",
            hint="add a [project] table with name and version"
            if not legacy
            else "add [metadata] name = ... to setup.cfg",
        )
    try:
        canonicalize_name(name, validate=True)
    except InvalidName:  # an index URL, a file name and a tag are made of it
        raise ConfigError(
            f"{where}: the project name {name!r} is not a valid name (PEP 508)",
            hint="use letters, digits, '-', '_' and '.', beginning and ending with a letter or "
            "digit, e.g. 'simple-pkg'",
        ) from None
    return _Found(path, where, data, name)


def _load_package(found: _Found, source: VersionSource) -> Package:
    version = source.read()
    try:
        Version(version)
    except InvalidVersion:
        raise ConfigError(
            f"{found.pyproject}: version {version!r} ({source.describe()}) is not a valid "
            "PEP 440 version",
            hint="use a version like 1.2.3",
        ) from None
    project = found.data.get("project")
    project = project if isinstance(project, dict) else {}
    return Package(
        name=found.name,
        path=found.path,
        version=version,
        dependencies=_requirement_names(project, found.pyproject),
        scripts=_script_names(found.data, found.pyproject),
        source=source,
    )


def _dependency_order(packages: Iterable[Package]) -> tuple[Package, ...]:
    by_name = {p.canonical: p for p in packages}
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for package in by_name.values():
        sorter.add(package.canonical, *(d for d in package.dependencies if d in by_name))
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError as exc:
        raise ConfigError(
            f"packages depend on each other in a cycle: {' -> '.join(exc.args[1])}",
            hint="break the cycle; releasekit releases dependencies first",
        ) from None
    return tuple(by_name[name] for name in order)


def load_workspace(root: Path, config: Config, *, lockstep_check: bool = True) -> Workspace:
    """Find the configured packages and order them so dependencies come first."""
    bumpversion = find_bumpversion(root.resolve())
    found = [_find_package(root, rel) for rel in config.packages]
    tag_format, _ = effective_tag_format(root, config, [f.name for f in found])
    packages = [
        _load_package(
            f,
            detect_source(
                f.path,
                f.data,
                name=f.name,
                tag_format=tag_format,
                bumpversion=bumpversion if f.path == root.resolve() else None,
            ),
        )
        for f in found
    ]
    versions = {p.version for p in packages}
    if lockstep_check and len(versions) > 1:
        listing = ", ".join(f"{p.name} {p.version}" for p in packages)
        raise ConfigError(
            f"packages are at different versions ({listing})",
            hint="releasekit releases a workspace at one version: align them first",
        )
    return Workspace(root=root, packages=_dependency_order(packages), bumpversion=bumpversion)
