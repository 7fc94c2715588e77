"""Where each package's version lives: one :class:`VersionSource` class per kind, chosen by
detection from pyproject.toml (and setup.cfg). Adding a kind is one class in :data:`SOURCES`.

Detection order: a static ``[project] version``; else a dynamic version from what the build backend
reads (hatch-vcs, hatch ``path``, setuptools ``attr``/``file``, setuptools-scm, pdm-backend ``scm``,
poetry-dynamic-versioning, uv-dynamic-versioning, versioningit, versioneer, the calver plugin's
build date, pdm-backend ``file``, flit_core's module ``__version__``, poetry's ``[tool.poetry]
version``); else setup.cfg ``[metadata] version``; else bump-my-version's ``current_version``; else,
for a setup.py that computes it, the files holding the version its build backend reports. Copies of
the version in the project's packages are written with it (:mod:`.copies`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..tags import latest_version_tag
from .base import VersionSource
from .bumpversion import BumpMyVersion, BumpVersionSource, find_bumpversion
from .calver import CalverVersion
from .copies import WithCopies, find_copies, with_copies
from .module import (
    FlitModuleVersion,
    HatchPathVersion,
    ModuleVersion,
    PdmFileVersion,
    PlainFileVersion,
    SetuptoolsAttrVersion,
    SetuptoolsFileVersion,
)
from .project import Project
from .setupcfg import SetupCfgVersion
from .setuppy import SetupPyVersion
from .static import PoetryVersion, ProjectVersion
from .vcs import (
    HatchVcsVersion,
    PdmScmVersion,
    PoetryDynamicVersion,
    SetuptoolsScmVersion,
    UvDynamicVersion,
    VcsVersion,
    VersioneerVersion,
    VersioningitVersion,
    pretend_env,
)

__all__ = [
    "SOURCES",
    "BumpMyVersion",
    "BumpVersionSource",
    "CalverVersion",
    "FlitModuleVersion",
    "HatchPathVersion",
    "HatchVcsVersion",
    "ModuleVersion",
    "PdmFileVersion",
    "PdmScmVersion",
    "PlainFileVersion",
    "PoetryDynamicVersion",
    "PoetryVersion",
    "Project",
    "ProjectVersion",
    "SetupCfgVersion",
    "SetupPyVersion",
    "SetuptoolsAttrVersion",
    "SetuptoolsFileVersion",
    "SetuptoolsScmVersion",
    "UvDynamicVersion",
    "VcsVersion",
    "VersionSource",
    "VersioneerVersion",
    "VersioningitVersion",
    "WithCopies",
    "detect_source",
    "find_bumpversion",
    "pretend_env",
]

#: Every kind, in detection order: the first whose ``detect`` answers is the package's source.
SOURCES: tuple[type[VersionSource], ...] = (
    ProjectVersion,
    HatchVcsVersion,
    HatchPathVersion,
    SetuptoolsAttrVersion,
    SetuptoolsFileVersion,
    SetuptoolsScmVersion,
    PdmScmVersion,
    PoetryDynamicVersion,
    UvDynamicVersion,
    VersioningitVersion,
    VersioneerVersion,
    CalverVersion,
    PdmFileVersion,
    FlitModuleVersion,
    PoetryVersion,
    SetupCfgVersion,
    BumpVersionSource,
    SetupPyVersion,
)

#: Build requirements that version a project from git tags in ways releasekit cannot pin.
_UNPINNABLE_VCS = (
    "setuptools-git-versioning",
    "dunamai",
    "miniver",
)


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
    project = Project(root, data, name, tag_format, bumpversion)
    for kind in SOURCES:
        found = kind.detect(project)
        if found is not None:
            return _and_copies(found)
    raise _no_version(project)


def _and_copies(source: VersionSource) -> VersionSource:
    """``source`` with the copies of its version in the project's packages (see
    :mod:`.copies`); not for VCS versions or bump-my-version's own list of files."""
    if source.vcs or isinstance(source, BumpVersionSource):
        return source
    try:
        current = source.read()
    except ConfigError:
        return source  # said where it is read, with its own advice
    return with_copies(source, find_copies(source.root, current, source.files()))


def _no_version(project: Project) -> ConfigError:
    """The error for a project whose version releasekit cannot find, with advice for its shape."""
    pyproject = project.root / "pyproject.toml"
    requires = project.build_requires
    vcs_tool = next((tool for tool in _UNPINNABLE_VCS if tool in requires), None)
    if vcs_tool:
        return ConfigError(
            f"{pyproject}: the version is VCS-versioned by {vcs_tool}, which releasekit cannot "
            "pin at build time",
            hint="use hatch-vcs or setuptools-scm (the tag is the version; releasekit pins it "
            "for the build), or write the version in the project",
        )
    tag = latest_version_tag(project.root, project.tag_format, name=project.name)
    backend = project.backend or "setuptools"
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
