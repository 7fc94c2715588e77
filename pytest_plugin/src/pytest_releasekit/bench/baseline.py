"""Stored baselines: one JSON file per benchmark, raw samples plus the machine's fingerprint.

Layout (the directory is the gate key ``benchmark_baseline_dir``, default
``.benchmarks/releasekit``; commit it or cache it in CI)::

    .benchmarks/releasekit/<slug>.json
    {"schema": 1, "benchmark": "<node id>", "fingerprint": {...},
     "sessions": [{"saved_at": "...", "rounds": [[seconds, ...], ...]}, ...]}

Each ``pytest --gate --gate-save-baseline`` appends one *session* (several measuring
processes); the last ``keep`` sessions are kept. Repeated sessions are what the noise model
learns the session-to-session spread from. A save on a different fingerprint starts over.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import jsonfile
from .fingerprint import Fingerprint

__all__ = ["SCHEMA", "Baseline", "load", "load_all", "save", "slug"]

SCHEMA = 1


@dataclass(frozen=True)
class Baseline:
    benchmark: str
    fingerprint: Fingerprint
    #: sessions[i] is a list of rounds, each a list of samples (seconds per call).
    sessions: tuple[tuple[tuple[float, ...], ...], ...]
    path: Path

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "benchmark": self.benchmark,
            "fingerprint": self.fingerprint.to_json(),
            "sessions": [{"rounds": [list(r) for r in s]} for s in self.sessions],
        }


def slug(name: str) -> str:
    """A file name for a benchmark node id: readable, unique, portable."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[-80:]
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{readable}-{digest}.json"


def _parse(path: Path, doc: Mapping[str, Any]) -> Baseline:
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"unsupported baseline schema {doc.get('schema')!r} (expected {SCHEMA})")
    sessions = tuple(
        tuple(tuple(float(x) for x in r) for r in s["rounds"] if r) for s in doc["sessions"]
    )
    return Baseline(
        benchmark=str(doc["benchmark"]),
        fingerprint=Fingerprint.from_json(doc["fingerprint"]),
        sessions=tuple(s for s in sessions if s),
        path=path,
    )


def load(directory: Path, name: str) -> Baseline | None:
    """The stored baseline of benchmark ``name``; None if there is none.

    Raises ValueError for an unreadable file (the caller turns it into an error verdict).
    """
    path = directory / slug(name)
    if not path.is_file():
        return None
    try:
        return _parse(path, json.loads(path.read_text(encoding="utf-8")))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path}: unreadable baseline ({exc}); delete it and save again") from exc


def load_all(directory: Path) -> dict[str, Baseline]:
    out: dict[str, Baseline] = {}
    for path in sorted(directory.glob("*.json")) if directory.is_dir() else []:
        try:
            base = _parse(path, json.loads(path.read_text(encoding="utf-8")))
        except (KeyError, TypeError, ValueError):
            continue
        out[base.benchmark] = base
    return out


def save(
    directory: Path,
    name: str,
    rounds: Sequence[Sequence[float]],
    fingerprint: Fingerprint,
    *,
    keep: int = 5,
) -> Baseline:
    """Append one session of ``rounds`` for ``name``; start over on a new fingerprint."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / slug(name)
    sessions: list[dict[str, Any]] = []
    try:
        old = load(directory, name)
    except ValueError:
        old = None
    if old is not None and old.fingerprint == fingerprint:
        sessions = [{"rounds": [list(r) for r in s]} for s in old.sessions]
    sessions.append(
        {
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "rounds": [list(r) for r in rounds if r],
        }
    )
    sessions = sessions[-max(1, keep) :]
    doc = {
        "schema": SCHEMA,
        "benchmark": name,
        "fingerprint": fingerprint.to_json(),
        "sessions": sessions,
    }
    jsonfile.write(path, doc, indent=1)
    return _parse(path, doc)
