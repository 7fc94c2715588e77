"""Synthetic but well-formed history: gate records as ``gatehistory.gate_record`` writes them and
release records as ``releasekit.history`` writes them (for the HTML report's tests and bench)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pytest_releasekit.history import new_id

START = datetime(2026, 6, 1, tzinfo=UTC)
BENCHMARKS = ("test_parse", "test_render")
#: the runs where test_parse is flagged (every 10th run)
FLAGGED_EVERY = 10


def gate_runs(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        when = START + timedelta(hours=6 * i)
        flagged = i % FLAGGED_EVERY == FLAGGED_EVERY - 1
        out.append(
            {
                "kind": "gate",
                "id": new_id(when.timestamp()),
                "time": when.isoformat(timespec="seconds"),
                "commit": f"{i:040x}",
                "branch": "main",
                "verdict": "fail" if flagged else "pass",
                "exit_status": 6 if flagged else 0,
                "duration_s": 30.0 + i % 7,
                "rules": [
                    {
                        "rule": "coverage_total",
                        "verdict": "pass",
                        "measured": 90.0 + i % 5,
                        "threshold": 85.0,
                        "unit": "%",
                    },
                ],
                "coverage": {
                    "total": 90.0 + (i % 5),
                    "files": {"src/pkg/a.py": 100.0, "src/pkg/b.py": 70.0 + i % 20},
                },
                "benchmarks": {
                    name: {
                        "estimate_s": 0.001 * (1 + k) * (1.3 if flagged and k == 0 else 1.0),
                        "base_s": 0.001 * (1 + k),
                        "ratio": 1.3 if flagged and k == 0 else 1.0,
                        "low": 0.95,
                        "high": 1.05,
                        "decision": "regression" if flagged and k == 0 else "no-change",
                        "flagged": flagged and k == 0,
                    }
                    for k, name in enumerate(BENCHMARKS)
                },
                "tiers": {"unit": {"passed": 100 + i}, "e2e": {"passed": 10, "failed": i % 2}},
                "durations": {"unit": 5.0 + i * 0.01, "e2e": 20.0},
                "flaky": ["tests/test_net.py::test_retry"] if i % 3 == 0 else [],
            }
        )
    return out


def releases(n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        started = START + timedelta(days=3 * i)
        outcome = "rolled-back" if i == 1 else "released"
        out.append(
            {
                "kind": "release",
                "id": new_id(started.timestamp()),
                "version": f"1.{i}.0",
                "previous_version": f"1.{i - 1}.0" if i else "0.9.0",
                "outcome": outcome,
                "started": started.isoformat(timespec="seconds"),
                "finished": (started + timedelta(minutes=2)).isoformat(timespec="seconds"),
                "duration_s": 120.0,
                "commit": f"{i:040x}",
                "steps": [
                    {"name": "gate", "state": "done", "duration_s": 60.0},
                    {"name": "build", "state": "done", "duration_s": 20.0},
                    {"name": "publish", "state": "done", "duration_s": 10.0 + i},
                ],
            }
        )
    return out
