"""Releases in the history store (``pytest_releasekit.history``, shared with the gate's runs).

A release record (``kind: release``) is distilled from the journal:

- ``id`` (the journal's release id), ``version``, ``previous_version``, ``bump``, ``target``
- ``outcome``: ``released`` / ``rolled-back`` / ``failed`` (stopped, resumable)
- ``started``, ``finished`` (ISO 8601 UTC), ``duration_s``
- ``commit`` (the release commit, else the base commit), ``tags``, ``error`` (first line)
- ``steps``: ``[{name, state, duration_s}]``

:func:`record_release` writes one after a release finishes, stops or is rolled back, and pushes
the ``git`` store to the release's remote after a pushed release. It never fails the release: a
store that cannot be written is a warning.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pytest_releasekit.history import GitStore, HistoryError, Store, open_store

from .config import Config
from .errors import ConfigError
from .journal import Journal
from .pipeline import READ_ONLY
from .redact import redact
from .ui import Reporter

__all__ = ["OFF", "record_release", "release_record", "store_for"]

OFF = "off"


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def release_record(journal: Journal) -> dict[str, Any]:
    """The history record of the release in ``journal``."""
    header = journal.header
    begun: dict[str, float] = {}
    steps: dict[str, dict[str, Any]] = {}
    error = None
    for rec in journal.records[1:]:
        name, event, ts = rec["step"], rec["event"], float(rec.get("ts", 0.0))
        if name == "release":
            continue
        step = steps.setdefault(name, {"name": name, "state": "not started", "duration_s": None})
        if event == "begin":
            begun[name] = ts
            step["state"] = "in flight"
        elif event in ("done", "failed", "skipped"):
            step["state"] = {"done": "done", "failed": "failed", "skipped": "skipped"}[event]
            if name in begun:
                step["duration_s"] = round(ts - begun.pop(name), 3)
            if event == "failed":
                error = str(rec.get("error", ""))
        elif event == "undone":
            step["state"] = "undone"
    facts = {n: s.facts for n, s in journal.steps().items()}
    started = float(header.get("ts", 0.0))
    last = float(journal.records[-1].get("ts", started))
    outcome = "released" if journal.complete else "rolled-back" if journal.rolled_back else "failed"
    return {
        "id": journal.release_id,
        "version": header.get("version"),
        "previous_version": header.get("previous_version"),
        "bump": header.get("bump"),
        "target": header.get("target"),
        "outcome": outcome,
        "started": _iso(started),
        "finished": _iso(last),
        "duration_s": round(last - started, 3),
        "commit": facts.get("commit", {}).get("sha") or facts.get("preflight", {}).get("base"),
        "tags": list(facts.get("tag", {}).get("tags", [])),
        "error": redact(error) if error else None,
        "steps": list(steps.values()),
    }


def store_for(root: Path, config: Config) -> Store | None:
    """The store ``history`` names (None when it is ``off``)."""
    if config.history == OFF:
        return None
    try:
        return open_store(config.history, root)
    except HistoryError as exc:
        raise ConfigError(
            f"pyproject.toml [tool.releasekit] history = {config.history!r}: {exc}",
            hint="use `git`, `git:refs/releasekit/NAME`, a directory, or `off`",
        ) from None


def record_release(root: Path, config: Config, journal: Journal, reporter: Reporter) -> None:
    """Append the release in ``journal`` to the store; push a ``git`` store after a pushed
    release. Problems are warnings: recording never changes the release's outcome."""
    began = {n for n, r in journal.steps().items() if r.state != "skipped"}
    if journal.path is None or began <= READ_ONLY:  # --dry-run, or nothing was changed
        return
    try:
        store = store_for(root, config)
        if store is None:
            return
        store.append("release", release_record(journal))
        pushed = journal.steps().get("tag")
        if isinstance(store, GitStore) and pushed and pushed.facts.get("pushed"):
            store.sync(str(pushed.facts.get("remote") or config.remote))
    except (HistoryError, ConfigError) as exc:
        reporter.warn(f"the release was not recorded in the history store: {exc}")
