"""Stored baselines: one JSON file per benchmark, raw samples plus the machine's fingerprint.

Layout (the directory is the gate key ``benchmark_baseline_dir``, default
``.benchmarks/releasekit``; commit it or cache it in CI)::

    .benchmarks/releasekit/<slug>.json
    {"schema": 1, "benchmark": "<node id>", "fingerprint": {...},
     "sessions": [{"saved_at": "...", "rounds": [[seconds, ...], ...]}, ...]}

Each ``pytest --gate --gate-save-baseline`` appends one *session* (several measuring
processes) with the time it was saved; the last ``keep`` sessions are kept, each with its own
``saved_at``. Repeated sessions are what the noise model
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
    #: saved_at[i]: when sessions[i] was saved (UTC, ISO 8601); None in files that lack it
    saved_at: tuple[str | None, ...] = ()

    def session_docs(self) -> list[dict[str, Any]]:
        """The sessions as stored: each with its rounds and, when known, its ``saved_at``."""
        docs = []
        for i, session in enumerate(self.sessions):
            when = self.saved_at[i] if i < len(self.saved_at) else None
            doc: dict[str, Any] = {} if when is None else {"saved_at": when}
            doc["rounds"] = [list(r) for r in session]
            docs.append(doc)
        return docs

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "benchmark": self.benchmark,
            "fingerprint": self.fingerprint.to_json(),
            "sessions": self.session_docs(),
        }


def slug(name: str) -> str:
    """A file name for a benchmark node id: readable, unique, portable."""
    readable = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[-80:]
    digest = hashlib.sha256(name.encode()).hexdigest()[:10]
    return f"{readable}-{digest}.json"


def _parse(path: Path, doc: Mapping[str, Any]) -> Baseline:
    if doc.get("schema") != SCHEMA:
        raise ValueError(f"unsupported baseline schema {doc.get('schema')!r} (expected {SCHEMA})")
    kept = [
        (tuple(tuple(float(x) for x in r) for r in s["rounds"] if r), s.get("saved_at"))
        for s in doc["sessions"]
    ]
    kept = [(rounds, when) for rounds, when in kept if rounds]
    return Baseline(
        benchmark=str(doc["benchmark"]),
        fingerprint=Fingerprint.from_json(doc["fingerprint"]),
        sessions=tuple(rounds for rounds, _ in kept),
        path=path,
        saved_at=tuple(None if when is None else str(when) for _, when in kept),
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
        sessions = old.session_docs()
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
