"""A version kept as named numbers in a Python module, the expression computed from them.

dnspython's ``dns/version.py`` (read by hatch's ``code`` source, ``expression = "version"``)::

    MAJOR = 2
    MINOR = 7
    MICRO = 0
    RELEASELEVEL = 0x0F
    SERIAL = 0
    version = "%d.%d.%d" % (MAJOR, MINOR, MICRO)   # and "...rc%d", "...dev%d" for other levels

The numbers are recognised only when the line assigning the expression names ``MAJOR``. The
release level follows CPython's ``PY_RELEASE_LEVEL`` (``0xA`` alpha, ``0xB`` beta, ``0xC``
release candidate, ``0xF`` final) and dnspython's ``0x0`` for a development version, with
``SERIAL`` as the pre-release or dev number. Without a ``RELEASELEVEL`` line only final versions
can be written. Writing changes only the numbers, in the file's own spelling (``0x0F``); what the
module really computes is checked, like every version, in the built artifacts before any upload.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..errors import ConfigError
from ..textfiles import read_text
from .base import VersionSource

__all__ = ["PartsVersion", "find_parts"]

_ALIASES = {"PATCH": "MICRO"}
_NUMBER = re.compile(
    r"^(?P<name>MAJOR|MINOR|MICRO|PATCH|RELEASELEVEL|SERIAL)[ \t]*=[ \t]*"
    r"(?P<value>0[xX][0-9A-Fa-f]+|\d+)[ \t]*(?:#[^\n]*)?$",
    re.M,
)
#: release level -> PEP 440 phase ("" final, "dev" a development version)
_LEVELS = {0xA: "a", 0xB: "b", 0xC: "rc", 0xF: "", 0x0: "dev"}
_PHASES = {phase: level for level, phase in _LEVELS.items()}


def find_parts(text: str, expression: str) -> dict[str, re.Match[str]] | None:
    """The named numbers ``expression`` is computed from in a module's ``text``, if any."""
    if not re.search(rf"^[ \t]*{re.escape(expression)}[ \t]*=[^\n]*\bMAJOR\b", text, re.M):
        return None
    found: dict[str, re.Match[str]] = {}
    for match in _NUMBER.finditer(text):
        found.setdefault(_ALIASES.get(match["name"], match["name"]), match)
    if not {"MAJOR", "MINOR", "MICRO"} <= set(found):
        return None
    level = found.get("RELEASELEVEL")
    if level is not None and (int(level["value"], 0) not in _LEVELS or "SERIAL" not in found):
        return None
    return found


class PartsVersion(VersionSource):
    """``MAJOR``/``MINOR``/``MICRO`` (and ``RELEASELEVEL``/``SERIAL``) in one module."""

    def __init__(self, root: Path, path: Path, *, expression: str, kind: str) -> None:
        super().__init__(root)
        self.path = path
        self.expression = expression
        self.kind = kind

    def _find(self) -> tuple[str, dict[str, re.Match[str]]]:
        text = read_text(self.path)
        found = find_parts(text, self.expression)
        if found is None:
            raise ConfigError(
                f"{self.path}: no MAJOR, MINOR and MICRO that {self.expression} is computed from",
                hint=f'write {self.expression} = "X.Y.Z" in that file',
            )
        return text, found

    def read(self) -> str:
        found = self._find()[1]
        numbers = ".".join(str(int(found[n]["value"], 0)) for n in ("MAJOR", "MINOR", "MICRO"))
        level = found.get("RELEASELEVEL")
        phase = _LEVELS[int(level["value"], 0)] if level else ""
        serial = int(found["SERIAL"]["value"], 0) if level else 0
        return str(Version(f"{numbers}{phase}{serial}" if phase else numbers))

    def files(self) -> tuple[Path, ...]:
        return (self.path,)

    def describe(self) -> str:
        rel = self.path.relative_to(self.root).as_posix()
        return f"{rel} ({self.kind}: MAJOR, MINOR, MICRO)"

    def cannot_hold(self, version: str) -> str | None:
        try:
            target = Version(version)
        except InvalidVersion:
            return f"{version!r} is not a PEP 440 version"
        leveled = "RELEASELEVEL" in self._find()[1]
        what = (
            "a post-release, a local version or an epoch"
            if target.post is not None or target.local or target.epoch
            else f"{len(target.release)} release numbers (it has MAJOR, MINOR and MICRO)"
            if len(target.release) != 3
            else "a pre-release of a development version"
            if target.pre and target.dev is not None
            else "a pre-release or development version (it has no RELEASELEVEL)"
            if (target.pre or target.dev is not None) and not leveled
            else None
        )
        if what is None:
            return None
        return (
            f"{self.path}: the version is MAJOR, MINOR and MICRO, which cannot express "
            f"{version}: {what}"
        )

    def write(self, version: str) -> None:
        reason = self.cannot_hold(version)
        if reason:
            raise ConfigError(reason, hint="choose a version the module can express")
        text, found = self._find()
        target = Version(version)
        values = dict(zip(("MAJOR", "MINOR", "MICRO"), target.release, strict=True))
        if "RELEASELEVEL" in found:
            phase = "dev" if target.dev is not None else target.pre[0] if target.pre else ""
            values["RELEASELEVEL"] = _PHASES[phase]
            values["SERIAL"] = (
                target.dev if target.dev is not None else target.pre[1] if target.pre else 0
            )
        for match in sorted(found.values(), key=lambda m: m.start(), reverse=True):
            name = _ALIASES.get(match["name"], match["name"])
            old = match["value"]
            new = values[name]
            spelled = (
                f"{old[:2]}{new:0{len(old) - 2}{'X' if old[2:].isupper() else 'x'}}"
                if old[:2].lower() == "0x"
                else str(new)
            )
            text = text[: match.start("value")] + spelled + text[match.end("value") :]
        self.path.write_bytes(text.encode("utf-8"))
