import json
from pathlib import Path

import pytest

from releasekit.errors import JournalError, LockHeld
from releasekit.journal import Journal, ReleaseLock
from releasekit.redact import register_secret


def test_append_fold_and_reload(tmp_path: Path) -> None:
    journal = Journal.start(tmp_path, version="1.1.0")
    journal.append("build", "begin")
    journal.append("build", "done", facts={"files": ["a.whl"]})
    journal.append("publish", "begin")
    journal.append("publish", "effect", action="uploading", filename="a.whl")
    loaded = Journal.load(tmp_path)
    assert loaded is not None and not loaded.torn
    steps = loaded.steps()
    assert steps["build"].state == "done" and steps["build"].facts == {"files": ["a.whl"]}
    assert steps["publish"].state == "in flight"
    assert steps["publish"].effects[0]["filename"] == "a.whl"
    with pytest.raises(JournalError, match="already exists"):
        Journal.start(tmp_path, version="1.2.0")


def test_torn_last_line_is_dropped_and_repaired(tmp_path: Path) -> None:
    journal = Journal.start(tmp_path, version="1.0.1")
    journal.append("version", "begin")
    with (tmp_path / "journal.jsonl").open("a") as handle:
        handle.write('{"step": "version", "ev')
    loaded = Journal.load(tmp_path)
    assert loaded is not None and loaded.torn
    assert loaded.steps()["version"].state == "in flight"
    loaded.repair()
    loaded.append("version", "done", facts={})
    lines = (tmp_path / "journal.jsonl").read_text().splitlines()
    assert [json.loads(line)["event"] for line in lines] == ["start", "begin", "done"]


def test_corruption_before_the_last_line_is_an_error(tmp_path: Path) -> None:
    Journal.start(tmp_path, version="1.0.1")
    with (tmp_path / "journal.jsonl").open("a") as handle:
        handle.write('garbage\n{"step": "x", "event": "begin"}\n')
    with pytest.raises(JournalError, match="corrupt"):
        Journal.load(tmp_path)


def test_secrets_are_redacted_before_writing(tmp_path: Path) -> None:
    register_secret("hunter2-is-my-token")
    journal = Journal.start(tmp_path, version="1")
    journal.append("publish", "failed", error="401 for hunter2-is-my-token")
    assert "hunter2" not in (tmp_path / "journal.jsonl").read_text()


def test_lock_names_holder_and_clears_stale(tmp_path: Path) -> None:
    (tmp_path / "lock").write_text('{"pid": 999999, "command": "releasekit release"}')
    first = ReleaseLock(tmp_path)
    first.acquire("releasekit release minor")
    assert first.stale_holder == {"pid": 999999, "command": "releasekit release"}
    with pytest.raises(LockHeld, match="pid"):
        ReleaseLock(tmp_path).acquire("releasekit release")
    first.release()
    again = ReleaseLock(tmp_path)
    again.acquire("x")
    assert again.stale_holder is None
    again.release()
