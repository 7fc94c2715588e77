"""The packages in the repository, their versions, and the order they must be released in.

releasekit releases the packages of a repository together, at one version ("lockstep"): one
``BUMP`` moves them all, and dependents are built and uploaded after what they depend on.
"""

from __future__ import annotations

import graphlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .config import Config, read_pyproject
from .errors import ConfigError

__all__ = ["Package", "VersionFile", "Workspace", "load_workspace"]

_DUNDER_VERSION = '__version__ = "{version}"'


@dataclass(frozen=True)
class VersionFile:
    """A file holding the version, and the exact text around it (a bump-my-version search)."""

    path: Path
    search: str  # contains "{current_version}"


@dataclass(frozen=True)
class Package:
    name: str
    path: Path
    version: str
    dependencies: tuple[str, ...] = ()  # canonical names of every requirement
    scripts: tuple[str, ...] = ()
    version_files: tuple[VersionFile, ...] = field(default=(), compare=False)

    @property
    def canonical(self) -> str:
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class Workspace:
    root: Path
    packages: tuple[Package, ...]  # in dependency order: dependencies first
    uses_bumpversion: bool  # the root pyproject has [tool.bumpversion]

    @property
    def version(self) -> str:
        return self.packages[0].version

    @property
    def multi(self) -> bool:
        return len(self.packages) > 1

    def by_name(self, name: str) -> Package:
        wanted = canonicalize_name(name)
        for package in self.packages:
            if package.canonical == wanted:
                return package
        raise KeyError(name)


def _static_or_dynamic_version(
    project: dict[str, Any], data: dict[str, Any], pyproject: Path
) -> tuple[str, list[VersionFile]]:
    version = project.get("version")
    if isinstance(version, str):
        search = 'version = "{current_version}"'
        return version, [VersionFile(pyproject, search)]
    dynamic = project.get("dynamic") or []
    if isinstance(dynamic, list) and "version" in dynamic:
        hatch_path = data.get("tool", {}).get("hatch", {}).get("version", {}).get("path")
        if isinstance(hatch_path, str):
            source = pyproject.parent / hatch_path
            match = re.search(r"__version__\s*=\s*[\"']([^\"']+)[\"']", source.read_text("utf-8"))
            if match:
                search = _DUNDER_VERSION.replace("{version}", "{current_version}")
                if f'__version__ = "{match.group(1)}"' not in source.read_text("utf-8"):
                    search = "__version__ = '{current_version}'"
                return match.group(1), [VersionFile(source, search)]
            raise ConfigError(
                f'{source}: no __version__ = "..." line, but [tool.hatch.version] path points here',
                hint='add __version__ = "0.1.0" to that file',
            )
        bump = data.get("tool", {}).get("bumpversion", {}).get("current_version")
        if isinstance(bump, str):
            return bump, []
    raise ConfigError(
        f"{pyproject}: [project] has no version releasekit can bump",
        hint='set [project] version = "0.1.0", or a dynamic version with [tool.hatch.version] '
        "path, or [tool.bumpversion] current_version",
    )


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


def _load_package(root: Path, rel: str) -> Package:
    path = (root / rel).resolve()
    pyproject = path / "pyproject.toml"
    if not pyproject.is_file():
        raise ConfigError(
            f"{root / 'pyproject.toml'}: [tool.releasekit] key 'packages': {rel!r} has no "
            "pyproject.toml",
            hint="list directories that contain a pyproject.toml with a [project] table",
        )
    data = read_pyproject(pyproject)
    project = data.get("project")
    if not isinstance(project, dict) or not isinstance(project.get("name"), str):
        raise ConfigError(
            f"{pyproject}: no [project] name", hint="add a [project] table with name and version"
        )
    version, files = _static_or_dynamic_version(project, data, pyproject)
    try:
        Version(version)
    except InvalidVersion:
        raise ConfigError(
            f"{pyproject}: version {version!r} is not a valid PEP 440 version",
            hint="use a version like 1.2.3",
        ) from None
    scripts = project.get("scripts") or {}
    return Package(
        name=project["name"],
        path=path,
        version=version,
        dependencies=_requirement_names(project, pyproject),
        scripts=tuple(scripts) if isinstance(scripts, dict) else (),
        version_files=tuple(files),
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
    packages = [_load_package(root, rel) for rel in config.packages]
    versions = {p.version for p in packages}
    if lockstep_check and len(versions) > 1:
        listing = ", ".join(f"{p.name} {p.version}" for p in packages)
        raise ConfigError(
            f"packages are at different versions ({listing})",
            hint="releasekit releases a workspace at one version: align them first",
        )
    root_data = read_pyproject(root / "pyproject.toml")
    uses_bumpversion = "bumpversion" in root_data.get("tool", {})
    return Workspace(
        root=root, packages=_dependency_order(packages), uses_bumpversion=uses_bumpversion
    )
