"""Where each package's version lives: one :class:`VersionSource` class per kind, chosen by
detection from pyproject.toml (and setup.cfg).

Detection order: a static ``[project] version``; else a dynamic version from what the build
backend reads (hatch ``[tool.hatch.version]`` path or ``vcs``; setuptools
``[tool.setuptools.dynamic]`` or setuptools-scm; pdm-backend ``[tool.pdm.version]``; flit_core's
module ``__version__``; poetry's ``[tool.poetry] version``); else setup.cfg ``[metadata]
version``; else bump-my-version's ``current_version``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..errors import ConfigError
from ..tags import latest_version_tag
from .base import VersionSource
from .bumpversion import BumpMyVersion, BumpVersionSource, find_bumpversion
from .module import ModuleVersion, PlainFileVersion, attr_file, dunder_pattern, flit_module
from .setupcfg import SetupCfgVersion, setup_cfg_source
from .static import PoetryVersion, ProjectVersion
from .vcs import VcsVersion, pretend_env

__all__ = [
    "BumpMyVersion",
    "BumpVersionSource",
    "ModuleVersion",
    "PlainFileVersion",
    "PoetryVersion",
    "ProjectVersion",
    "SetupCfgVersion",
    "VcsVersion",
    "VersionSource",
    "detect_source",
    "find_bumpversion",
    "pretend_env",
]

#: Build requirements that version a project from git tags in ways releasekit cannot pin.
_UNPINNABLE_VCS = (
    "versioningit",
    "poetry-dynamic-versioning",
    "setuptools-git-versioning",
    "dunamai",
    "miniver",
    "versioneer",
)


def _table(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            return {}
        data = value
    return dict(data)


def _build_requires(data: Mapping[str, Any]) -> set[str]:
    names: set[str] = set()
    for item in _table(data, "build-system").get("requires", []) or []:
        try:
            names.add(canonicalize_name(Requirement(str(item)).name))
        except InvalidRequirement:
            continue
    return names


def _hatch_pattern(root: Path, pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, re.M)
    except re.error as exc:
        compiled = None
        reason = f"is not a valid regular expression ({exc})"
    else:
        reason = "has no group named 'version'"
    if compiled is None or "version" not in compiled.groupindex:
        raise ConfigError(
            f"{root / 'pyproject.toml'}: [tool.hatch.version] pattern {pattern!r} {reason}",
            hint="write a regex with a (?P<version>...) group, as hatch requires",
        )
    return compiled


def _dynamic(
    root: Path, data: Mapping[str, Any], name: str, tag_format: str
) -> VersionSource | None:
    backend = str(_table(data, "build-system").get("build-backend", ""))
    requires = _build_requires(data)
    hatch = _table(data, "tool", "hatch", "version")
    if hatch.get("source") == "vcs":
        return VcsVersion(root, kind="hatch-vcs", name=name, tag_format=tag_format)
    if isinstance(hatch.get("path"), str):
        pattern = hatch.get("pattern")
        compiled = dunder_pattern("__version__", "VERSION")  # hatch's default pattern
        where = '__version__ = "..." (or VERSION)'
        if isinstance(pattern, str):
            compiled = _hatch_pattern(root, pattern)
            where = "a match of [tool.hatch.version] pattern"
        return ModuleVersion(
            root,
            root / hatch["path"],
            kind="[tool.hatch.version] path",
            pattern=compiled,
            where=where,
        )
    setuptools = _table(data, "tool", "setuptools", "dynamic").get("version")
    if isinstance(setuptools, dict) and isinstance(setuptools.get("attr"), str):
        package_dir = _table(data, "tool", "setuptools", "package-dir").get("")
        return attr_file(
            root,
            setuptools["attr"],
            kind="setuptools dynamic attr",
            package_dir=package_dir if isinstance(package_dir, str) else None,
        )
    if isinstance(setuptools, dict) and isinstance(setuptools.get("file"), (str, list)):
        files = setuptools["file"]
        first = files if isinstance(files, str) else files[0]
        return PlainFileVersion(root, root / first, kind="setuptools dynamic file")
    if "setuptools_scm" in _table(data, "tool") or "setuptools-scm" in requires:
        return VcsVersion(root, kind="setuptools-scm", name=name, tag_format=tag_format)
    pdm = _table(data, "tool", "pdm", "version")
    if pdm.get("source") == "scm":
        return VcsVersion(root, kind="pdm-backend scm", name=name, tag_format=tag_format)
    if pdm.get("source") == "file" and isinstance(pdm.get("path"), str):
        return ModuleVersion(root, root / pdm["path"], kind="pdm-backend file")
    if backend.startswith("flit_core") or "flit-core" in requires:
        module = _table(data, "tool", "flit", "module").get("name")
        return flit_module(root, name, module if isinstance(module, str) else None)
    if isinstance(_table(data, "tool", "poetry").get("version"), str):
        return PoetryVersion(root)
    return None


def detect_source(
    root: Path,
    data: Mapping[str, Any],
    *,
    name: str,
    tag_format: str = "v{version}",
    bumpversion: BumpMyVersion | None = None,
) -> VersionSource:
    """The version source of the package at ``root`` (``data``: its parsed pyproject.toml).

    ``tag_format`` is the project's tag format: VCS sources read the latest tag with it.
    """
    project = _table(data, "project")
    if isinstance(project.get("version"), str):
        return ProjectVersion(root)
    dynamic = project.get("dynamic") or []
    found: VersionSource | None = None
    if not project or (isinstance(dynamic, list) and "version" in dynamic):
        found = _dynamic(root, data, name, tag_format)
    found = found or setup_cfg_source(root)
    if found is None and bumpversion is not None and bumpversion.current_version:
        found = BumpVersionSource(root, bumpversion)
    if found is None:
        raise _no_version(root, data, name, tag_format)
    return found


def _no_version(root: Path, data: Mapping[str, Any], name: str, tag_format: str) -> ConfigError:
    """The error for a project whose version releasekit cannot find, with advice for its shape."""
    pyproject = root / "pyproject.toml"
    requires = _build_requires(data)
    vcs_tool = next((tool for tool in _UNPINNABLE_VCS if tool in requires), None)
    if vcs_tool:
        return ConfigError(
            f"{pyproject}: the version is VCS-versioned by {vcs_tool}, which releasekit cannot "
            "pin at build time",
            hint="use hatch-vcs or setuptools-scm (the tag is the version; releasekit pins it "
            "for the build), or write the version in the project",
        )
    tag = latest_version_tag(root, tag_format, name=name)
    backend = _table(data, "build-system").get("build-backend", "setuptools")
    if tag:
        advice = (
            f'set [project] version = "{tag[1]}" (your latest tag {tag[0]}), or make the '
            "version dynamic from a file the backend reads"
        )
    else:
        advice = (
            'set [project] version (e.g. "0.1.0" for a first release), or make it dynamic '
            "from a file the backend reads ([tool.hatch.version] path, "
            "[tool.setuptools.dynamic] version, or a VCS plugin such as hatch-vcs)"
        )
    return ConfigError(
        f"{pyproject}: no version releasekit can bump (build backend {backend}: no [project] "
        "version, no dynamic version source it recognises, no setup.cfg version)",
        hint=advice,
    )
