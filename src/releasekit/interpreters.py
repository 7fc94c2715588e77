"""The Python interpreters on this machine, and those a release supports.

Found by asking each ``python3.X`` on PATH for its version (a pyenv shim of a version that is
not active answers with an error and does not count); the running interpreter always counts.
One interpreter per ``X.Y``. A release supports the versions its packages'
``requires-python`` allows: the staged install runs on each of those found here.
"""

from __future__ import annotations

import functools
import shutil
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from . import process

__all__ = ["Interpreter", "found_interpreters", "lowest_allowed", "running", "supported"]

#: The versions tried on PATH.
PROBED = tuple(f"3.{minor}" for minor in range(8, 16))


@dataclass(frozen=True, order=True)
class Interpreter:
    version: Version  # X.Y.Z
    path: str

    @property
    def minor(self) -> str:
        return f"{self.version.major}.{self.version.minor}"


def running() -> Interpreter:
    """The interpreter releasekit runs on."""
    info = sys.version_info
    return Interpreter(Version(f"{info.major}.{info.minor}.{info.micro}"), sys.executable)


def _probe(minor: str) -> Interpreter | None:
    path = shutil.which(f"python{minor}")
    if not path:
        return None
    code = "import sys; print('%d.%d.%d' % sys.version_info[:3])"
    done = process.run([path, "-c", code], what=f"asking python{minor} its version", check=False)
    if done.returncode != 0:  # e.g. a pyenv shim of a version that is not active
        return None
    try:
        return Interpreter(Version(done.stdout.strip()), path)
    except InvalidVersion:
        return None


@functools.cache
def found_interpreters() -> tuple[Interpreter, ...]:
    """One interpreter per X.Y found here (the running one for its own X.Y), oldest first."""
    here = running()
    others = [minor for minor in PROBED if minor != here.minor]
    with ThreadPoolExecutor(max_workers=4) as pool:
        probed = [found for found in pool.map(_probe, others) if found is not None]
    return tuple(sorted([here, *probed]))


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


def lowest_allowed(requires_python: Sequence[str]) -> str | None:
    """The oldest ``3.X`` of :data:`PROBED` that every ``requires-python`` allows."""
    versions = [Interpreter(Version(f"{minor}.0"), "") for minor in PROBED]
    allowed, _ = supported(versions, requires_python)
    return allowed[0].minor if allowed else None
