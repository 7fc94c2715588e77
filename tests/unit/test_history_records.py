"""Release records distilled from journals: outcome, step durations, commit, redacted error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from releasekit.history import release_record
from releasekit.journal import Journal
from releasekit.redact import register_secret


def _journal(*events: tuple[float, str, str, dict[str, Any]]) -> Journal:
    start = {
        "ts": 1000.0,
        "step": "release",
        "event": "start",
        "release_id": "20261201T100000-abcdef",
        "version": "1.1.0",
        "previous_version": "1.0.0",
        "bump": "minor",
        "target": "local",
    }
    records = [start] + [{"ts": ts, "step": s, "event": e, **data} for ts, s, e, data in events]
    return Journal(path=Path("journal.jsonl"), records=records)


def test_a_completed_release() -> None:
    record = release_record(
        _journal(
            (1001.0, "preflight", "begin", {}),
            (1003.5, "preflight", "done", {"facts": {"base": "b" * 40}}),
            (1004.0, "commit", "begin", {}),
            (1005.0, "commit", "done", {"facts": {"sha": "c" * 40}}),
            (1005.0, "image", "skipped", {"reason": "no Dockerfile"}),
            (1006.0, "tag", "begin", {}),
            (1010.0, "tag", "done", {"facts": {"tags": ["v1.1.0"], "pushed": True}}),
            (1010.0, "release", "complete", {}),
        )
    )
    assert record["outcome"] == "released"
    assert record["commit"] == "c" * 40
    assert record["tags"] == ["v1.1.0"]
    assert record["duration_s"] == 10.0
    assert record["started"] == "1970-01-01T00:16:40+00:00"
    assert [(s["name"], s["state"], s["duration_s"]) for s in record["steps"]] == [
        ("preflight", "done", 2.5),
        ("commit", "done", 1.0),
        ("image", "skipped", None),
        ("tag", "done", 4.0),
    ]


def test_a_rolled_back_release_keeps_the_base_commit_and_the_error() -> None:
    token = "pypi-" + "A" * 40
    register_secret(token)
    record = release_record(
        _journal(
            (1001.0, "preflight", "done", {"facts": {"base": "b" * 40}}),
            (1002.0, "publish", "begin", {}),
            (1003.0, "publish", "failed", {"error": f"upload refused for {token}"}),
            (1004.0, "publish", "undone", {}),
            (1005.0, "release", "rolled-back", {}),
        )
    )
    assert record["outcome"] == "rolled-back"
    assert record["commit"] == "b" * 40
    assert token not in str(record) and record["error"].startswith("upload refused for")
    assert record["steps"][-1] == {"name": "publish", "state": "undone", "duration_s": 1.0}


@pytest.mark.parametrize("last", ["begin", "failed"])
def test_a_stopped_release_is_failed(last: str) -> None:
    record = release_record(_journal((1002.0, "build", "begin", {}), (1003.0, "build", last, {})))
    assert record["outcome"] == "failed"
