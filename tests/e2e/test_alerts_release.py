"""Two real releases with alerts and structured logs: a webhook receiver on 127.0.0.1 gets the
alert (through apprise's json:// URL), every log line validates against the shipped schema, the
lines share the journal's release id, and the secrets in the alert URL and in the environment
appear nowhere -- not in the alert, the terminal, the log, or .releasekit/. A dead receiver (a
closed port, one that never answers) changes neither the outcome nor the exit status."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from releasekit.journal import Journal

from ..conftest import Sandbox, make_sandbox
from ..unit.test_events import validate_lines
from ..webhook import Received, closed_port, hanging_port, receiver

URL_PASSWORD = "Pw-Wq93kLmZx7"  # fake credentials, planted to prove they are redacted
TOKEN = "tok-4hF9zQ2mXw81"  # in DEPLOY_TOKEN, a secret-named environment variable


def _gate(exit_status: int) -> str:
    code = (
        "import os; print('the token is', os.environ['DEPLOY_TOKEN']); "
        f"raise SystemExit({exit_status})"
    )
    return f'{sys.executable} -c "{code}"'


def _assert_no_secret(sandbox: Sandbox, texts: list[str], bodies: list[Received]) -> None:
    state = sorted(p for p in (sandbox.repo / ".releasekit").rglob("*") if p.is_file())
    everything = [
        *texts,
        *(r.body.decode() for r in bodies),
        *(p.read_text(encoding="utf-8", errors="replace") for p in state),
    ]
    for text in everything:
        assert URL_PASSWORD not in text and TOKEN not in text


def test_release_success_alerts_and_logs_every_step(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    log = tmp_path / "release.jsonl"
    with receiver() as hook:
        env = {
            "RELEASEKIT_ALERT_URLS": hook.url("/releases", userinfo=f"alerts:{URL_PASSWORD}"),
            "DEPLOY_TOKEN": TOKEN,
            "RELEASEKIT_GATE_COMMAND": _gate(0),
        }
        done = sandbox.run("-v", "--log-file", str(log), "release", "minor", "--yes", env=env)
        assert done.returncode == 0, done.stderr
        (got,) = hook.wait_for(1, seconds=1)  # delivered before the release ended
    text = log.read_text(encoding="utf-8")
    records = validate_lines(text)
    events = [r["event"] for r in records]
    assert events[0] == "release-start" and events[-1] == "release-complete"
    assert {"step-begin", "step-end", "effect", "verdict"} <= set(events)
    journal = Journal.load(sandbox.repo / ".releasekit")
    assert journal is not None and journal.complete
    assert {r["release_id"] for r in records} == {journal.release_id}
    ended = [r["step"] for r in records if r["event"] == "step-end"]
    assert ended[:3] == ["preflight", "gate", "version"] and "tag" in ended
    (verdict,) = [r for r in records if r["event"] == "verdict"]
    assert verdict["passed"] is True and verdict["step"] == "gate"
    assert any(r["event"] == "effect" and r["step"] == "tag" for r in records)
    assert "the token is ********" in done.stderr  # -v shows the gate's output, redacted
    assert "Released simple-pkg 1.1.0" in done.stderr  # the terminal keeps its human output
    body = got.json()
    assert body["type"] == "success" and "simple-pkg 1.1.0 released" in body["title"]
    assert f"release_id: {journal.release_id}" in body["message"]
    _assert_no_secret(sandbox, [done.stdout, done.stderr, text], [got])


def test_gate_failure_alerts_despite_dead_receivers_and_keeps_its_exit_status(
    tmp_path: Path,
) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    pyproject = sandbox.repo / "pyproject.toml"
    # the receiver that hangs holds its delivery to the end of the timeout; the live one needs
    # little of it, but 2 s were too few for it on a loaded CI machine (3 workers on 2 CPUs)
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8") + "\n[tool.releasekit.alerts]\ntimeout = 5\n",
        encoding="utf-8",
    )
    sandbox.git("commit", "-qam", "alerts")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.git("remote", "set-head", "origin", "main")  # main is the default branch
    before = sandbox.snapshot()
    with receiver() as hook, hanging_port() as hanging:
        urls = [
            hook.url("/gate", userinfo=f"alerts:{URL_PASSWORD}"),
            f"json://127.0.0.1:{closed_port()}/dead",
            f"json://127.0.0.1:{hanging}/hangs",
        ]
        env = {
            "RELEASEKIT_ALERT_URLS": " ".join(urls),
            "DEPLOY_TOKEN": TOKEN,
            "RELEASEKIT_GATE_COMMAND": _gate(1),
            "RELEASEKIT_LOG_FORMAT": "json",
        }
        done = sandbox.run("release", "patch", "--yes", env=env)
        got = hook.wait_for(1, seconds=1)
    assert done.returncode == 4, done.stderr  # the gate's exit status, whatever the alerts did
    assert sandbox.snapshot() == before
    records = validate_lines(done.stderr)  # stderr is nothing but JSON lines
    by_event = {r["event"]: r for r in records}
    assert by_event["verdict"]["passed"] is False
    assert by_event["step-failed"]["step"] == "gate"
    failed = by_event["release-failed"]
    assert failed["step"] == "gate" and failed["exit_code"] == 4
    assert "exited 1" in failed["error"] and "the token is ********" in failed["error"]
    warnings = [r for r in records if r["level"] == "warning"]
    assert len(warnings) == 1 and "alert gate-failed not delivered" in warnings[0]["message"]
    assert [r["event"] for r in records if r["level"] == "error"][-1] == "error"  # the ERROR line
    (alert,) = got
    body = alert.json()
    assert body["type"] == "failure"
    assert "simple-pkg 1.0.1 quality gate failed on the default branch" in body["title"]
    assert "step: gate" in body["message"] and "exit_code: 4" in body["message"]
    assert "exited 1" in body["message"]
    _assert_no_secret(sandbox, [done.stdout, done.stderr, json.dumps(records)], got)


def test_a_failed_step_alerts_and_logs_the_automatic_rollback(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    log = tmp_path / "release.jsonl"
    before = sandbox.snapshot()
    with receiver() as hook:
        env = {
            "RELEASEKIT_ALERT_URLS": hook.url("/failed"),
            "RELEASEKIT_SMOKE_COMMAND": f'{sys.executable} -c "raise SystemExit(3)"',
        }
        done = sandbox.run("--log-file", str(log), "release", "patch", "--yes", env=env)
        (got,) = hook.wait_for(1, seconds=1)
    assert done.returncode == 5, done.stderr
    assert sandbox.snapshot() == before  # only local changes: rolled back automatically
    records = validate_lines(log.read_text(encoding="utf-8"))
    events = [(r["event"], r["step"]) for r in records if r["event"] != "step-begin"]
    failed_at = events.index(("release-failed", "verify"))
    assert events[failed_at - 1] == ("step-failed", "verify")
    assert ("release-rolled-back", "release") in events[failed_at:]
    undone = [r["step"] for r in records if r.get("reason") == "undone"]
    assert undone[0] == "verify" and undone[-1] == "preflight"
    assert len({r["release_id"] for r in records}) == 1
    body = got.json()
    assert body["type"] == "failure" and "simple-pkg 1.0.1 release failed" in body["title"]
    assert "step: verify" in body["message"] and "smoke test" in body["message"]
    assert "exit_code: 5" in body["message"]
