"""Test durations: recorded by each shard, merged by ``combine``, read by the next run's split.

A shard (``pytest --gate-shard=K/N``) records how long each of its tests took (setup + call +
teardown, as pytest reports them) in its evidence file. ``pytest-releasekit combine`` merges
every shard's durations into the durations file (``--gate-durations=PATH``, default
``.releasekit-gate/durations.json``)::

    {"kind": "pytest-releasekit durations", "schema": 1,
     "durations": {"tests/test_a.py::test_one": 0.0123, ...}}

The next run's shards read that file (cache it in CI) and split by duration instead of by test
count (:func:`pytest_releasekit.shards.plan`). Tests measured in this run replace their old
entries; tests that did not run (deselected, another shard missing) keep theirs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import jsonfile
from .shards import DEFAULT_DIR, ShardError

__all__ = ["DEFAULT_PATH", "KIND", "Recorder", "load", "merge_into"]

KIND = "pytest-releasekit durations"
SCHEMA = 1
DEFAULT_PATH = f"{DEFAULT_DIR}/durations.json"


@dataclass
class Recorder:
    """The seconds each test took in this process. Registered as a plugin (the hook)."""

    seconds: dict[str, float] = field(default_factory=dict)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration

    def merge(self, other: Mapping[str, float]) -> None:
        for nodeid, seconds in other.items():
            self.seconds[nodeid] = self.seconds.get(nodeid, 0.0) + float(seconds)


def _bad(path: Path, why: object) -> ShardError:
    return ShardError(
        f"{path}: not a durations file of `pytest-releasekit combine` ({why}); delete it (the "
        "next split is by test count) or restore the file combine wrote"
    )


def load(path: Path) -> dict[str, float] | None:
    """The durations in ``path``; None when there is no such file (the split is by count)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise _bad(path, exc) from None
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise _bad(path, exc) from None
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise _bad(path, "no durations header")
    if doc.get("schema") != SCHEMA:
        raise _bad(path, f"schema {doc.get('schema')!r}; this version reads {SCHEMA}")
    table = doc.get("durations")
    if not isinstance(table, dict):
        raise _bad(path, "'durations' is not a table")
    out: dict[str, float] = {}
    for nodeid, seconds in table.items():
        if (
            isinstance(seconds, bool)
            or not isinstance(seconds, int | float)
            or not math.isfinite(seconds)
            or seconds < 0
        ):
            raise _bad(path, f"{nodeid!r}: {seconds!r} is not a number of seconds")
        out[str(nodeid)] = float(seconds)
    return out


def merge_into(path: Path, measured: Mapping[str, float]) -> dict[str, Any]:
    """Write ``measured`` over the durations already in ``path``; return the new document.

    Raises :class:`ShardError` when ``path`` exists but is no durations file (nothing written)."""
    merged = dict(load(path) or {})
    merged.update({nodeid: round(seconds, 6) for nodeid, seconds in measured.items()})
    table = dict(sorted(merged.items()))
    doc: dict[str, Any] = {"kind": KIND, "schema": SCHEMA, "durations": table}
    jsonfile.write(path, doc, indent=0)
    return doc
