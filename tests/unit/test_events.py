"""Structured logs at the library level: every line is one JSON object valid under the shipped
schema, redacted, tied together by the release id; the CLI options and environment variables
choose where it goes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema
import pytest
from rich.console import Console

from releasekit.errors import StepFailed, UsageError
from releasekit.events import (
    FORMAT_ENV,
    LOG_FILE_ENV,
    EventLog,
    open_event_log,
    release_events,
    schema,
)
from releasekit.journal import Journal
from releasekit.redact import register_secret
from releasekit.steps.base import Result, Status
from releasekit.ui import Reporter


def validate_lines(text: str) -> list[dict[str, object]]:
    """Every line of ``text`` is a JSON object valid under the log schema."""
    validator = jsonschema.Draft202012Validator(schema())
    records = []
    for line in text.splitlines():
        record = json.loads(line)
        validator.validate(record)
        records.append(record)
    return records


def test_the_schema_is_itself_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_reporter_and_context_events_validate_and_are_redacted() -> None:
    register_secret("s3cr3t-Value-99")
    out = io.StringIO()
    log = EventLog(out)
    log.release_id = "20261202T120000-abcdef"
    reporter = Reporter(console=Console(file=io.StringIO()), events=log)
    with reporter.step("build", "build wheel and sdist with s3cr3t-Value-99"):
        pass
    reporter.result(Result("build", Status.OK, "", 1.25, {"files": ["dist/x.whl"], "n": 2}))
    reporter.result(Result("publish", Status.FAILED, "", 0.5))
    reporter.warn("careful with s3cr3t-Value-99")
    log.emit(
        "effect",
        step="tag",
        message="tag-created",
        action="tag-created",
        data={
            "url": "https://u:s3cr3t-Value-99@example.com/",
            "nested": [{"k": "s3cr3t-Value-99"}],
        },
    )
    log.emit("verdict", step="gate", message="passed", passed=True, command="pytest", returncode=0)
    records = validate_lines(out.getvalue())
    assert [r["event"] for r in records] == [
        "step-begin",
        "step-end",
        "step-failed",
        "warning",
        "effect",
        "verdict",
    ]
    assert {r["release_id"] for r in records} == {"20261202T120000-abcdef"}
    assert records[1]["duration_s"] == 1.25 and records[1]["facts"] == {
        "files": ["dist/x.whl"],
        "n": 2,
    }
    assert records[2]["level"] == "error" and records[2]["status"] == "failed"
    assert "s3cr3t-Value-99" not in out.getvalue()


def test_a_line_missing_what_its_event_needs_is_invalid() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    base = {"ts": "2026-12-02T12:00:00.000Z", "level": "info", "release_id": None, "message": ""}
    assert not validator.is_valid({**base, "event": "step-end", "step": "build"})  # no duration
    assert not validator.is_valid({**base, "event": "nonsense", "step": None})
    assert not validator.is_valid({**base, "event": "error", "step": None, "ts": "yesterday"})


def test_json_on_stderr_suppresses_the_human_output(capsys: pytest.CaptureFixture[str]) -> None:
    log, human = open_event_log("json", None, {})
    assert not human and log.writing
    log.emit("error", level="error", message="boom")
    assert json.loads(capsys.readouterr().err)["message"] == "boom"


def test_a_log_file_keeps_the_terminal_and_env_vars_choose(tmp_path: Path) -> None:
    path = tmp_path / "release.jsonl"
    log, human = open_event_log(None, None, {LOG_FILE_ENV: str(path)})
    assert human
    log.emit("warning", level="warning", message="one")
    log.close()
    log, human = open_event_log(None, path, {FORMAT_ENV: "json"})
    log.emit("warning", level="warning", message="two")
    log.close()
    assert [r["message"] for r in validate_lines(path.read_text(encoding="utf-8"))] == [
        "one",
        "two",
    ]
    log, human = open_event_log(None, None, {})
    assert human and not log.writing


@pytest.mark.parametrize(
    ("fmt", "file", "env", "needle"),
    [
        (None, None, {FORMAT_ENV: "yaml"}, "environment variable RELEASEKIT_LOG_FORMAT"),
        ("text", Path("x.jsonl"), {}, "the log file is JSON lines"),
        (None, Path("/nonexistent-dir/x.jsonl"), {}, "cannot open it for writing"),
    ],
)
def test_bad_log_options_are_usage_errors(
    fmt: str | None, file: Path | None, env: dict[str, str], needle: str
) -> None:
    with pytest.raises(UsageError, match=needle):
        open_event_log(fmt, file, env)


def _ctx(log: EventLog, journal: Journal) -> Any:
    """What release_events reads of a Context (a real one needs a whole project)."""
    reporter = Reporter(console=Console(file=io.StringIO()), events=log)
    return SimpleNamespace(
        reporter=reporter, journal=journal, version="1.1.0", target=SimpleNamespace(name="local")
    )


def test_a_release_is_framed_by_start_and_complete_with_the_journal_id() -> None:
    out = io.StringIO()
    journal = Journal.in_memory(version="1.1.0")
    with release_events(_ctx(EventLog(out), journal)):
        pass
    start, complete = validate_lines(out.getvalue())
    assert (start["event"], complete["event"]) == ("release-start", "release-complete")
    assert start["release_id"] == complete["release_id"] == journal.release_id
    assert start["resumed"] is False


def test_a_resumed_release_that_fails_names_the_step_and_exit_status() -> None:
    out = io.StringIO()
    journal = Journal.in_memory(version="1.1.0")
    journal.append("build", "begin")  # an earlier run began it: this is a --resume
    journal.append("build", "failed", error="hatchling exited 1")
    with pytest.raises(StepFailed), release_events(_ctx(EventLog(out), journal)):
        raise StepFailed("the build failed: hatchling exited 1\nmore output")
    start, failed = validate_lines(out.getvalue())
    assert start["resumed"] is True and start["message"] == "resuming the release of 1.1.0"
    assert failed["event"] == "release-failed" and failed["step"] == "build"
    assert failed["error"] == "the build failed: hatchling exited 1"
    assert failed["exit_code"] == StepFailed.exit_code and failed["level"] == "error"


def test_a_log_that_cannot_be_written_stops_without_failing(
    capsys: pytest.CaptureFixture[str],
) -> None:
    stream = io.StringIO()
    log = EventLog(stream)
    stream.close()
    log.emit("warning", level="warning", message="one")  # does not raise
    log.emit("warning", level="warning", message="two")
    assert not log.writing
    assert capsys.readouterr().err.count("WARNING structured log stopped") == 1
