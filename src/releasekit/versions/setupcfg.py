"""setup.cfg ``[metadata] version``: a literal, ``attr: pkg.__version__`` or ``file: VERSION``."""

from __future__ import annotations

import re
from pathlib import Path

from ..textfiles import read_text
from .base import SlotVersion, TextSlot, VersionSource, sections
from .module import PlainFileVersion, attr_file
from .project import Project

__all__ = ["SetupCfgVersion"]

_SECTION = re.compile(r"^\[(?P<name>[^\]\n]+)\][ \t]*\r?$", re.M)
_VALUE = re.compile(r"^version[ \t]*[=:][ \t]*(?P<version>[^\s#;]+)[ \t]*\r?$", re.M)
_METADATA = sections(_SECTION, "metadata")


class SetupCfgVersion(SlotVersion):
    kind = "setup.cfg [metadata] version"

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        where = "[metadata] version = ..."
        self.slot = TextSlot(root / "setup.cfg", _VALUE, where, within=_METADATA)

    def describe(self) -> str:
        return "setup.cfg [metadata] version"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        """The source behind setup.cfg's version: the value, or what ``attr:``/``file:`` name."""
        return _setup_cfg_source(project.root)


def _setup_cfg_source(root: Path) -> VersionSource | None:
    path = root / "setup.cfg"
    if not path.is_file():
        return None
    text = read_text(path)
    line = None
    for start, end in _METADATA(text):
        line = re.compile(r"^version[ \t]*[=:][ \t]*(?P<value>.+)$", re.M).search(text, start, end)
        if line:
            break
    if line is None:
        return None
    value = line.group("value").strip()
    if value.startswith("attr:"):
        return attr_file(root, value[5:], kind="setup.cfg version = attr:")
    if value.startswith("file:"):
        target = value[5:].split(",")[0].strip()
        return PlainFileVersion(root, root / target, kind="setup.cfg version = file:")
    return SetupCfgVersion(root)
