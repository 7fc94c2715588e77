"""Versions that ARE the git tags: hatch-vcs, setuptools-scm, pdm-backend's ``scm`` source,
poetry-dynamic-versioning, uv-dynamic-versioning, versioningit and versioneer.

The current version is the highest release tag reachable from HEAD, read with the project's tag
format (:func:`releasekit.tags.effective_tag_format`); ``0.0.0`` before the first release.
Nothing is written: the release tag makes the version, and the build is pinned to the planned
version through the backend's environment variables, so a build before the tag exists can never
come out as ``X.Y.Z.devN``. versioneer takes no pinned version: it runs ``git describe`` in the
build, so the build's private checkout gets the release tag first (:meth:`VersionSource.build_tag`),
never the project's repository: that tag is pushed last, as every release tag is.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from packaging.utils import canonicalize_name

from ..errors import ConfigError
from ..tags import format_tag, latest_version_tag
from ..textfiles import ini_section
from .base import VersionSource
from .project import Project

__all__ = [
    "HatchVcsVersion",
    "PdmScmVersion",
    "PoetryDynamicVersion",
    "SetuptoolsScmVersion",
    "UvDynamicVersion",
    "VcsVersion",
    "VersioneerVersion",
    "VersioningitVersion",
    "pretend_env",
]


def pretend_env(name: str, version: str) -> dict[str, str]:
    """What setuptools-scm (and so hatch-vcs) and pdm-backend read instead of git."""
    normalized = canonicalize_name(name).replace("-", "_").upper()
    return {
        "SETUPTOOLS_SCM_PRETEND_VERSION": version,
        f"SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{normalized}": version,
        "PDM_BUILD_SCM_VERSION": version,
    }


class VcsVersion(VersionSource):
    """The version is the latest release tag; the build gets the planned version pinned."""

    def __init__(self, root: Path, *, name: str, tag_format: str) -> None:
        super().__init__(root)
        self.name = name
        self.tag_format = tag_format

    @classmethod
    def _from(cls, project: Project) -> VcsVersion:
        return cls(project.root, name=project.name, tag_format=project.tag_format)

    @property
    def vcs(self) -> bool:
        return True

    def read(self) -> str:
        found = latest_version_tag(self.root, self.tag_format, name=self.name)
        return str(found[1]) if found else "0.0.0"

    def files(self) -> tuple[Path, ...]:
        return ()

    def write(self, version: str) -> None:
        """Nothing to write: the tag is the version."""

    def verify(self, version: str) -> None:
        """Nothing was written; the build pins ``version`` and verify compares the artifacts."""

    def describe(self) -> str:
        found = latest_version_tag(self.root, self.tag_format, name=self.name)
        where = f"latest tag {found[0]}" if found else f"no release tag {self.tag_format} yet"
        return f"git tags ({self.kind}; {where})"

    def build_env(self, name: str, version: str) -> dict[str, str]:
        return pretend_env(name, version)


class HatchVcsVersion(VcsVersion):
    kind = "hatch-vcs"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        source = project.table("tool", "hatch", "version").get("source")
        return cls._from(project) if project.dynamic_version and source == "vcs" else None


class SetuptoolsScmVersion(VcsVersion):
    kind = "setuptools-scm"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        configured = "setuptools_scm" in project.table("tool")
        required = "setuptools-scm" in project.build_requires
        return cls._from(project) if project.dynamic_version and (configured or required) else None


class PdmScmVersion(VcsVersion):
    kind = "pdm-backend scm"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        source = project.table("tool", "pdm", "version").get("source")
        return cls._from(project) if project.dynamic_version and source == "scm" else None


class PoetryDynamicVersion(VcsVersion):
    """poetry-dynamic-versioning (kr8s): ``[tool.poetry-dynamic-versioning] enable = true`` and
    its build backend; ``[tool.poetry] version = "0.0.0"`` is a placeholder the backend replaces
    (and ``__version__`` placeholders it substitutes) from the tag, or from
    ``POETRY_DYNAMIC_VERSIONING_BYPASS``."""

    kind = "poetry-dynamic-versioning"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        if project.table("tool", "poetry-dynamic-versioning").get("enable") is not True:
            return None
        if "poetry-dynamic-versioning" not in project.build_requires:
            raise ConfigError(
                f"{project.root / 'pyproject.toml'}: [tool.poetry-dynamic-versioning] enable = "
                "true, but poetry-dynamic-versioning is not in [build-system] requires: only "
                "`poetry build` with the plugin would version it, a standard build (python -m "
                "build, uv build) makes the placeholder version",
                hint='add it as its docs say: requires = ["poetry-core>=1.0.0", '
                '"poetry-dynamic-versioning>=1.0.0,<2.0.0"], build-backend = '
                '"poetry_dynamic_versioning.backend"',
            )
        return cls._from(project)

    def build_env(self, name: str, version: str) -> dict[str, str]:
        return {"POETRY_DYNAMIC_VERSIONING_BYPASS": version}


class UvDynamicVersion(VcsVersion):
    """uv-dynamic-versioning: hatchling's ``[tool.hatch.version] source =
    "uv-dynamic-versioning"``, pinned with ``UV_DYNAMIC_VERSIONING_BYPASS``."""

    kind = "uv-dynamic-versioning"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        source = project.table("tool", "hatch", "version").get("source")
        wanted = project.dynamic_version and source == "uv-dynamic-versioning"
        return cls._from(project) if wanted else None

    def build_env(self, name: str, version: str) -> dict[str, str]:
        return {"UV_DYNAMIC_VERSIONING_BYPASS": version}


class TaggedBuildVersion(VcsVersion):
    """A VCS version that takes no pinned version (``git describe`` at build time): the build's
    private checkout gets the release tag instead (:meth:`VersionSource.build_tag`)."""

    def build_env(self, name: str, version: str) -> dict[str, str]:
        return {}

    def build_tag(self, version: str) -> str | None:
        return format_tag(self.tag_format, self.name, version)


class VersioningitVersion(TaggedBuildVersion):
    """versioningit (``[tool.versioningit]``, or hatch's ``source = "versioningit"``): ``git
    describe`` at build time, with no variable to pin it, so the build's private checkout gets
    the release tag, in the project's tag format (versioningit strips a leading ``v``); at
    distance 0 its default format gives the tag's version exactly."""

    kind = "versioningit"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        hatch = project.table("tool", "hatch", "version").get("source") == "versioningit"
        setuptools = "versioningit" in project.build_requires and bool(
            project.table("tool", "versioningit")
        )
        return cls._from(project) if project.dynamic_version and (hatch or setuptools) else None


class VersioneerVersion(TaggedBuildVersion):
    """versioneer (``versioneer.py`` in the tree, ``[versioneer]`` in setup.cfg or
    ``[tool.versioneer]`` in pyproject.toml): ``git describe`` at build time, matching
    ``tag_prefix``; toolz, older dask and pandas."""

    kind = "versioneer"

    def __init__(self, root: Path, *, name: str, tag_format: str, tag_prefix: str) -> None:
        super().__init__(root, name=name, tag_format=tag_format)
        self.tag_prefix = tag_prefix

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        settings = _versioneer_settings(project)
        if settings is None or str(settings.get("vcs", "git")).strip() != "git":
            return None
        prefix = str(settings.get("tag_prefix", "")).strip()
        prefix = "" if prefix in ("''", '""') else prefix  # versioneer's own reading
        return cls(
            project.root, name=project.name, tag_format=project.tag_format, tag_prefix=prefix
        )

    def build_tag(self, version: str) -> str | None:
        return f"{self.tag_prefix}{version}"


def _versioneer_settings(project: Project) -> Mapping[str, object] | None:
    """versioneer's configuration, where versioneer is there to read it (vendored as
    versioneer.py, or a build requirement)."""
    if (
        not (project.root / "versioneer.py").is_file()
        and "versioneer" not in project.build_requires
    ):
        return None
    table = project.table("tool", "versioneer")
    return table if table else ini_section(project.root / "setup.cfg", "versioneer")
