"""Versions written in a TOML table: PEP 621 ``[project] version`` and ``[tool.poetry] version``."""

from __future__ import annotations

from pathlib import Path

from .base import SlotVersion, VersionSource, toml_slot
from .project import Project

__all__ = ["PoetryVersion", "ProjectVersion"]


class _TomlVersion(SlotVersion):
    table = ""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.slot = toml_slot(root / "pyproject.toml", self.table)

    def describe(self) -> str:
        return f"pyproject.toml [{self.table}] version"


class ProjectVersion(_TomlVersion):
    """A static PEP 621 version (any backend)."""

    kind = "static [project] version"
    table = "project"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        version = project.table("project").get("version")
        return cls(project.root) if isinstance(version, str) else None


class PoetryVersion(_TomlVersion):
    """poetry-core's own table (with no [project] table, or a dynamic version in it)."""

    kind = "[tool.poetry] version"
    table = "tool.poetry"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        version = project.table("tool", "poetry").get("version")
        return cls(project.root) if project.dynamic_version and isinstance(version, str) else None
