"""The Python interpreters on this machine, and those a release supports.

Found with uv (``uv python list --only-installed``: what is on PATH and uv's own installs) when
it is there, otherwise by trying ``python3.X`` on PATH; the running interpreter always counts.
One interpreter per ``X.Y`` (CPython preferred). A release supports the versions its packages'
``requires-python`` allows: the staged install runs on each of those found here.
"""

from __future__ import annotations

import functools
import json
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from . import process
from .errors import ProcessError
from .venv import uv_binary

__all__ = ["Interpreter", "found_interpreters", "supported"]

#: The minor versions tried on PATH when uv is not installed.
PROBED = tuple(f"3.{minor}" for minor in range(8, 16))


@dataclass(frozen=True, order=True)
class Interpreter:
    version: Version  # X.Y.Z
    path: str

    @property
    def minor(self) -> str:
        return f"{self.version.major}.{self.version.minor}"


def _running() -> Interpreter:
    info = sys.version_info
    return Interpreter(Version(f"{info.major}.{info.minor}.{info.micro}"), sys.executable)


def _from_uv(uv: str) -> list[Interpreter]:
    try:
        done = process.run(
            [uv, "python", "list", "--only-installed", "--output-format", "json"],
            what="listing the Python interpreters (uv python list)",
        )
        listed = json.loads(done.stdout)
    except (ProcessError, ValueError):
        return []
    found = []
    for item in listed if isinstance(listed, list) else []:
        try:
            if item.get("implementation", "cpython") == "cpython" and item.get("path"):
                found.append(Interpreter(Version(str(item["version"])), str(item["path"])))
        except (InvalidVersion, AttributeError):
            continue
    return found


def _from_path() -> list[Interpreter]:
    found = []
    for minor in PROBED:
        path = shutil.which(f"python{minor}")
        if not path:
            continue
        code = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
        done = process.run(
            [path, "-c", code], what=f"asking python{minor} for its version", check=False
        )
        if done.returncode == 0:  # a pyenv shim of a version that is not active fails
            try:
                found.append(Interpreter(Version(done.stdout.strip()), path))
            except InvalidVersion:
                continue
    return found


@functools.cache
def found_interpreters() -> tuple[Interpreter, ...]:
    """One interpreter per X.Y found here (the running one for its own X.Y), oldest first."""
    uv = uv_binary()
    candidates = [_running(), *(_from_uv(uv) if uv else _from_path())]
    chosen: dict[str, Interpreter] = {}
    for interpreter in candidates:
        chosen.setdefault(interpreter.minor, interpreter)
    return tuple(sorted(chosen.values()))


def supported(
    interpreters: Iterable[Interpreter], requires_python: Sequence[str]
) -> tuple[list[Interpreter], list[Interpreter]]:
    """Split ``interpreters`` into those every ``requires-python`` allows and the others.

    An invalid specifier raises :class:`ValueError` naming it (the build would refuse it too).
    """
    specifiers = SpecifierSet()
    for text in requires_python:
        try:
            specifiers &= SpecifierSet(text)
        except InvalidSpecifier:
            raise ValueError(f"requires-python = {text!r} is not a valid specifier") from None
    allowed: list[Interpreter] = []
    excluded: list[Interpreter] = []
    for interpreter in interpreters:
        ok = specifiers.contains(interpreter.version, prereleases=True)
        (allowed if ok else excluded).append(interpreter)
    return allowed, excluded
