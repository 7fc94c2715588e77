"""Per-file coverage of a base run, for the coverage ratchet: the gate's stored baseline, or the
base run's own ``coverage json`` report.

The stored baseline (written by ``pytest --gate --gate-save-coverage-baseline``; default
``.releasekit-gate/coverage-baseline.json``, commit it or cache it in CI like the benchmark
baselines)::

    {"schema": 1, "kind": "releasekit-coverage-baseline", "saved_at": "2026-12-02T15:00:00Z",
     "commit": "<HEAD when saved, or null>", "branch": true,
     "files": {"src/pkg/mod.py": {"percent": 87.5, "statements": 40, "covered": 35,
                                  "branches": 8, "covered_branches": 7}}}

File names are relative to the rootdir, as the ratchet compares them. A coverage.py JSON report
(``coverage json``) is read as it is: coverage.py's per-file ``percent_covered`` under the names it
reports (relative to the directory it ran in: run it from the rootdir). A coverage.py *data* file
cannot serve: its percentages depend on the base's sources, which are not here.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import jsonfile
from .gates import Unmeasurable

__all__ = ["KIND", "SCHEMA", "Baseline", "load", "save"]

SCHEMA = 1
KIND = "releasekit-coverage-baseline"
_SQLITE = b"SQLite format 3\x00"


@dataclass(frozen=True)
class Baseline:
    """Per-file percentages of the base run and where they come from."""

    path: Path
    percents: Mapping[str, float]
    branch: bool | None  #: whether branches were measured (None: unknown)
    origin: str  #: "stored baseline" or "coverage.py JSON report"
    commit: str | None = None
    saved_at: str | None = None


def _fix(path: Path) -> str:
    return (
        f"save a baseline on the base branch (`pytest --gate --gate-save-coverage-baseline`, "
        f"which writes {path}; cache it in CI), or point coverage_baseline at the base run's "
        "`coverage json` report"
    )


def load(path: Path) -> Baseline:
    """The baseline at ``path``; :class:`Unmeasurable` says what is wrong and how to fix it."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise Unmeasurable(f"no coverage baseline: {path} does not exist", _fix(path)) from None
    except OSError as exc:
        raise Unmeasurable(f"cannot read the coverage baseline {path}: {exc}", _fix(path)) from None
    if raw.startswith(_SQLITE):
        raise Unmeasurable(
            f"{path} is a coverage.py data file: its percentages depend on the base's sources, "
            "which are not in this checkout",
            "in the base run, write `coverage json -o FILE` (or save the gate's baseline with "
            "--gate-save-coverage-baseline) and point coverage_baseline at that file",
        )
    try:
        doc = json.loads(raw.decode("utf-8"))
        if doc.get("kind") == KIND:
            return _stored(path, doc)
        if isinstance(doc.get("meta"), dict) and isinstance(doc.get("files"), dict):
            return _coverage_json(path, doc)
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise Unmeasurable(
            f"unreadable coverage baseline {path}: {exc}", f"delete it, then {_fix(path)}"
        ) from None
    raise Unmeasurable(
        f"{path} is neither a stored coverage baseline nor a coverage.py JSON report",
        _fix(path),
    )


def _stored(path: Path, doc: Mapping[str, Any]) -> Baseline:
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"unsupported schema {doc.get('schema')!r} (expected {SCHEMA})")
    return Baseline(
        path=path,
        percents={str(name): float(f["percent"]) for name, f in doc["files"].items()},
        branch=bool(doc["branch"]),
        origin="stored baseline",
        commit=doc.get("commit"),
        saved_at=doc.get("saved_at"),
    )


def _coverage_json(path: Path, doc: Mapping[str, Any]) -> Baseline:
    branch = doc["meta"].get("branch_coverage")
    return Baseline(
        path=path,
        percents={
            str(name): float(f["summary"]["percent_covered"]) for name, f in doc["files"].items()
        },
        branch=None if branch is None else bool(branch),
        origin="coverage.py JSON report",
        saved_at=doc["meta"].get("timestamp"),
    )


def save(
    path: Path, files: Mapping[str, Mapping[str, Any]], *, branch: bool, commit: str | None
) -> None:
    """Store this run's per-file coverage (``{rootdir-relative name: numbers}``) at ``path``."""
    jsonfile.write(
        path,
        {
            "schema": SCHEMA,
            "kind": KIND,
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "commit": commit,
            "branch": branch,
            "files": {name: dict(numbers) for name, numbers in sorted(files.items())},
        },
        indent=1,
    )
