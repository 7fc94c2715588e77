"""A gate run as a history record, distilled from the JSON report (``report.to_json``), and what
``--gate-history`` / ``--gate-html`` do with it at the end of the session.

Gate record (``kind: gate``), every field JSON:

- ``id``, ``time`` (ISO 8601 UTC), ``commit`` and ``branch`` (None outside git)
- ``verdict`` (pass / fail / not-evaluated), ``exit_status``, ``duration_s``
- ``rules``: ``[{rule, verdict, measured, threshold, unit}]``
- ``coverage``: ``{total, files: {path: percent}}`` when a coverage rule analysed data
- ``benchmarks``: ``{name: {estimate_s, base_s, ratio, low, high, flagged, decision}}``
- ``tiers``: ``{tier: {outcome: count}}``, ``durations``: ``{tier: seconds}``, ``flaky``: node ids
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import _run
from .history import HistoryError, new_id, open_store
from .measure import CoverageReport

__all__ = ["coverage_summary", "gate_record", "git_position", "record_and_render"]

_BENCH = "benchmark_max_regression."


def coverage_summary(report: CoverageReport, rootdir: Path) -> dict[str, Any]:
    """Total and per-file coverage, paths relative to ``rootdir`` where they are under it."""
    files = {}
    for file in report.files:
        try:
            name = Path(file.path).relative_to(rootdir).as_posix()
        except ValueError:
            name = file.name
        files[name] = round(file.percent, 3)
    return {"total": round(report.percent, 3), "files": files}


def git_position(root: Path) -> tuple[str | None, str | None]:
    """(commit, branch) of the repository at ``root``; None for what is unknown."""
    commit = _run.run(["git", "rev-parse", "HEAD"], cwd=root)
    branch = _run.run(["git", "rev-parse", "--abbrev-ref", "HEAD"], cwd=root)
    return (
        commit.stdout.strip() if commit.ok else None,
        branch.stdout.strip() if branch.ok and branch.stdout.strip() != "HEAD" else None,
    )


def _benchmarks(rules: list[Mapping[str, Any]]) -> dict[str, Any]:
    out = {}
    for rule in rules:
        name = str(rule.get("rule", ""))
        if not name.startswith(_BENCH):
            continue
        data = rule.get("data") or {}
        out[name.removeprefix(_BENCH)] = {
            "estimate_s": data.get("current_estimate_s"),
            "base_s": data.get("base_estimate_s"),
            "ratio": data.get("ratio"),
            "low": data.get("ci_low"),
            "high": data.get("ci_high"),
            "decision": data.get("decision") or data.get("status"),
            "flagged": rule.get("verdict") in ("fail", "error"),
        }
    return out


def gate_record(
    document: Mapping[str, Any],
    *,
    commit: str | None = None,
    branch: str | None = None,
    when: float | None = None,
) -> dict[str, Any]:
    """The history record of one gate run from its JSON report."""
    stamp = datetime.now(UTC) if when is None else datetime.fromtimestamp(when, UTC)
    rules = list(document.get("rules", []))
    tiers = document.get("tiers") or {}
    return {
        "id": new_id(stamp.timestamp()),
        "time": stamp.isoformat(timespec="seconds"),
        "commit": commit,
        "branch": branch,
        "verdict": document.get("verdict"),
        "exit_status": document.get("exit_status"),
        "duration_s": document.get("duration_s"),
        "rules": [
            {k: r.get(k) for k in ("rule", "verdict", "measured", "threshold", "unit")}
            for r in rules
        ],
        "coverage": document.get("coverage"),
        "benchmarks": _benchmarks(rules),
        "tiers": tiers.get("counts", {}),
        "durations": tiers.get("durations", {}),
        "flaky": list(tiers.get("flaky", [])),
    }


def record_and_render(
    document: Mapping[str, Any], root: Path, *, history: str | None, html: Path | None
) -> list[str]:
    """Append this run to the ``history`` store and write the HTML report to ``html``; return
    lines for the terminal. A store or report that cannot be written is reported, never raised:
    it must not change the gate's verdict."""
    notes: list[str] = []
    commit, branch = git_position(root)
    record = gate_record(document, commit=commit, branch=branch)
    records: list[dict[str, Any]] = []
    try:
        if history:
            store = open_store(history, root)
            if document.get("verdict") != "not-evaluated":
                store.append("gate", record)
                notes.append(f"releasekit: gate run recorded in {store.label}")
            records = store.records()
    except HistoryError as exc:
        notes.append(f"releasekit: cannot use the history store: {exc}")
    if html is not None:
        if not any(r.get("id") == record["id"] for r in records):
            records.append({**record, "kind": "gate"})
        try:
            from .htmlreport import write_report

            index = write_report(html, records, current=document)
        except ImportError:
            notes.append(
                "releasekit: cannot write the HTML report: it needs plotly "
                "(pip install 'pytest-releasekit[html]')"
            )
        except OSError as exc:
            notes.append(f"releasekit: cannot write the HTML report to {html}: {exc}")
        else:
            notes.append(f"releasekit: HTML report written to {index}")
    return notes
