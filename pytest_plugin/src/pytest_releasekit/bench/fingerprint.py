"""What a baseline was measured on: CPU, core count, interpreter and relevant package versions.

Timings are comparable only on the same kind of machine and interpreter. A stored baseline
carries the fingerprint it was measured with; a comparison against a different fingerprint is
refused with the reasons (see :func:`differences`), never done silently.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["Fingerprint", "cpu_model", "current", "differences"]

_CPUINFO = Path("/proc/cpuinfo")


def cpu_model() -> str:
    """The CPU model name (``/proc/cpuinfo`` on Linux, ``platform`` elsewhere)."""
    try:
        for line in _CPUINFO.read_text(encoding="utf-8", errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Hardware", "cpu model") and value.strip():
                return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 0


@dataclass(frozen=True)
class Fingerprint:
    cpu_model: str
    cpu_count: int
    machine: str
    system: str
    python_implementation: str
    python_version: str
    packages: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "cpu_model": self.cpu_model,
            "cpu_count": self.cpu_count,
            "machine": self.machine,
            "system": self.system,
            "python_implementation": self.python_implementation,
            "python_version": self.python_version,
            "packages": dict(sorted(self.packages.items())),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Fingerprint:
        return cls(
            cpu_model=str(data.get("cpu_model", "")),
            cpu_count=int(data.get("cpu_count", 0)),
            machine=str(data.get("machine", "")),
            system=str(data.get("system", "")),
            python_implementation=str(data.get("python_implementation", "")),
            python_version=str(data.get("python_version", "")),
            packages={str(k): str(v) for k, v in dict(data.get("packages", {})).items()},
        )

    def describe(self) -> str:
        return (
            f"{self.cpu_model} x{self.cpu_count}, {self.system}/{self.machine}, "
            f"{self.python_implementation} {self.python_version}"
        )


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def current(packages: Iterable[str] = ()) -> Fingerprint:
    """The fingerprint of this machine and interpreter; ``packages`` are distributions whose
    versions matter for the timings (e.g. numpy), recorded and compared."""
    return Fingerprint(
        cpu_model=cpu_model(),
        cpu_count=_cores(),
        machine=platform.machine(),
        system=platform.system(),
        python_implementation=platform.python_implementation(),
        python_version=".".join(map(str, sys.version_info[:3])),
        packages={name: _version(name) for name in packages},
    )


def differences(stored: Fingerprint, now: Fingerprint) -> list[str]:
    """Why a baseline measured on ``stored`` is not comparable with ``now``; empty if it is.

    Every field must match; a package is compared when both sides recorded it (a package added
    to the configured list later does not invalidate older baselines).
    """
    reasons: list[str] = []
    for name in (
        "cpu_model",
        "cpu_count",
        "machine",
        "system",
        "python_implementation",
        "python_version",
    ):
        a, b = getattr(stored, name), getattr(now, name)
        if a != b:
            reasons.append(f"{name}: baseline {a!r}, now {b!r}")
    for pkg in sorted(set(stored.packages) & set(now.packages)):
        if stored.packages[pkg] != now.packages[pkg]:
            reasons.append(f"{pkg}: baseline {stored.packages[pkg]}, now {now.packages[pkg]}")
    return reasons
