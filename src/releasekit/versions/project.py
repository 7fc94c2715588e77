"""What version-source detection looks at: one package's directory and its pyproject.toml."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

if TYPE_CHECKING:
    from .bumpversion import BumpMyVersion

__all__ = ["Project"]


@dataclass(frozen=True)
class Project:
    """A package as detection sees it (``data``: its parsed pyproject.toml)."""

    root: Path
    data: Mapping[str, Any]
    name: str
    tag_format: str = "v{version}"  # the project's tag style, for VCS versions
    bumpversion: BumpMyVersion | None = None  # bump-my-version's config, for the root package

    def table(self, *keys: str) -> dict[str, Any]:
        """The table at ``keys`` (``{}`` where it is missing or not a table)."""
        data: Any = self.data
        for key in keys:
            data = data.get(key) if isinstance(data, Mapping) else None
        return dict(data) if isinstance(data, Mapping) else {}

    @property
    def dynamic_version(self) -> bool:
        """The backend supplies the version: ``dynamic = ["version"]``, or no [project] table."""
        project = self.table("project")
        dynamic = project.get("dynamic") or []
        return not project or (isinstance(dynamic, list) and "version" in dynamic)

    @property
    def backend(self) -> str:
        return str(self.table("build-system").get("build-backend", ""))

    @property
    def build_requires(self) -> set[str]:
        names: set[str] = set()
        for item in self.table("build-system").get("requires", []) or []:
            try:
                names.add(canonicalize_name(Requirement(str(item)).name))
            except InvalidRequirement:
                continue
        return names
