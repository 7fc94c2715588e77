"""The staged publish's library parts: which Pythons a release is installed on, where it is
staged, what the stage step's check refuses, what its undo removes, and the 14-day window
``releasekit status`` shows for a release left half-published on PyPI. PyPI itself cannot be
reached here: the half-published release is a journal of uploads to it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sys
from pathlib import Path

import pytest
from packaging.version import Version

from releasekit import cli
from releasekit.context import Context
from releasekit.errors import IndexUnavailable
from releasekit.interpreters import Interpreter, found_interpreters, supported
from releasekit.journal import Journal
from releasekit.staging import stage_setting, staging_dir
from releasekit.steps.base import StepRecord
from releasekit.steps.stage import StageStep
from releasekit.targets import resolve_target
from releasekit.upload_window import upload_deadline, window_note

from ..conftest import PROJECTS, RemoteIndex, step_context
from .test_preflight_target import pypi_token


def _py(version: str) -> Interpreter:
    return Interpreter(Version(version), f"/opt/python{version}/bin/python")


@pytest.mark.parametrize(
    ("requires", "allowed"),
    [
        ([], ["3.9.1", "3.11.7", "3.13.0", "3.14.0rc1"]),
        ([">=3.11"], ["3.11.7", "3.13.0", "3.14.0rc1"]),
        ([">=3.10", "<3.13"], ["3.11.7"]),  # every package's requires-python at once
        (["~=3.9.0"], ["3.9.1"]),
        ([">=3.12,!=3.13.*"], ["3.14.0rc1"]),  # a pre-release interpreter counts
        ([">=4"], []),
    ],
)
def test_supported_pythons_are_requires_python_intersected(
    requires: list[str], allowed: list[str]
) -> None:
    found = [_py(v) for v in ("3.9.1", "3.11.7", "3.13.0", "3.14.0rc1")]
    chosen, excluded = supported(found, requires)
    assert [str(i.version) for i in chosen] == allowed
    assert len(chosen) + len(excluded) == len(found)


def test_an_invalid_requires_python_is_named() -> None:
    with pytest.raises(ValueError, match=r"'>=3\.x'"):
        supported([_py("3.11.7")], [">=3.x"])


def test_the_running_python_is_always_found() -> None:
    found = found_interpreters()
    running = f"{sys.version_info[0]}.{sys.version_info[1]}"
    assert running in [i.minor for i in found]
    assert len({i.minor for i in found}) == len(found)  # one per X.Y


@pytest.fixture
def ctx(tmp_path: Path) -> Context:
    root = tmp_path / "simple"
    shutil.copytree(PROJECTS / "simple", root)
    context = step_context(root)
    context.config = context.config.model_copy(update={"stage": True})
    return context


def _problems(ctx: Context) -> list[str]:
    return [what for what, _ in StageStep().check(ctx)]


def test_stage_off_skips_the_step_and_the_journal_outranks_the_config(ctx: Context) -> None:
    step = StageStep()
    assert step.skip_reason(ctx) is None
    assert _problems(ctx) == []
    ctx.config = ctx.config.model_copy(update={"stage": False})
    assert "not staged" in str(step.skip_reason(ctx))
    # a resumed release stages as it started, whatever the configuration says now
    ctx.journal = Journal.in_memory(stage="testpypi")
    assert stage_setting(ctx) == "testpypi"
    assert step.skip_reason(ctx) is None


def test_a_resumed_release_finds_the_staging_credentials_the_journal_left_out(
    ctx: Context,
) -> None:
    url = "https://uploader:s3cret-stage-pass@staging.example/legacy/"
    ctx.config = ctx.config.model_copy(update={"stage": url})
    ctx.journal = Journal.in_memory(stage=url)  # written redacted, as every journal line is
    assert "s3cret-stage-pass" not in str(ctx.journal.header["stage"])
    assert stage_setting(ctx) == url


@pytest.mark.parametrize(
    ("stage", "needle"),
    [
        ("testpypi", "is the release target itself"),  # released with --to testpypi
        ("local", "not a staging index"),
        ("prod", "unknown release target 'prod'"),
        ("testpypi", "no credentials for the staging target 'testpypi'"),
    ],
)
def test_check_refuses_a_staging_target_that_cannot_work(
    ctx: Context, stage: str, needle: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("TESTPYPI_TOKEN", "TWINE_PASSWORD", "ACTIONS_ID_TOKEN_REQUEST_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    ctx.config = ctx.config.model_copy(update={"stage": stage})
    if "target itself" in needle:
        ctx.target = resolve_target("testpypi", ctx.config)
    assert any(needle in what for what in _problems(ctx)), _problems(ctx)


def test_check_never_sends_a_pypi_token_to_the_staging_index(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TESTPYPI_TOKEN", raising=False)
    monkeypatch.setenv("TWINE_PASSWORD", pypi_token("pypi.org"))  # the real target's token
    ctx.config = ctx.config.model_copy(update={"stage": "testpypi"})
    (problem,) = _problems(ctx)
    assert "was issued by pypi.org, but staging uploads to https://test.pypi.org/legacy/" in problem


def test_check_asks_a_named_staging_index_once(
    ctx: Context, remote_index: RemoteIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWINE_PASSWORD", remote_index.password)
    ctx.config = ctx.config.model_copy(update={"stage": remote_index.url})
    assert _problems(ctx) == []
    ctx.config = ctx.config.model_copy(update={"stage": "http://127.0.0.1:9/"})  # nobody there
    with pytest.raises(IndexUnavailable, match="cannot reach the package index"):
        _problems(ctx)


def test_check_refuses_when_no_python_here_is_supported(ctx: Context) -> None:
    pyproject = ctx.root / "pyproject.toml"
    text = pyproject.read_text().replace('requires-python = ">=3.11"', 'requires-python = ">=3.99"')
    pyproject.write_text(text)
    (problem,) = _problems(ctx)
    assert "no Python interpreter here satisfies requires-python >=3.99" in problem


def test_undo_removes_the_staged_files_and_only_them(ctx: Context) -> None:
    directory = staging_dir(ctx)
    directory.mkdir(parents=True)
    for name in ("pkg-1.1.0.tar.gz", "pkg-1.1.0-py3-none-any.whl"):
        (directory / name).write_bytes(b"staged")
    record = StepRecord(
        "stage",
        "in flight",
        effects=[
            {"action": "creating-index", "directory": str(directory)},
            {"action": "uploading", "filename": "pkg-1.1.0.tar.gz"},
            {"action": "uploading", "filename": "pkg-1.1.0-py3-none-any.whl"},
        ],
    )
    assert StageStep().undo(ctx, record) == []
    assert not directory.exists()  # created by this release, and empty again

    directory.mkdir(parents=True)
    (directory / "other-0.1.tar.gz").write_bytes(b"not this release's")
    (directory / "pkg-1.1.0.tar.gz").write_bytes(b"staged")
    record.effects = record.effects[1:2]
    StageStep().undo(ctx, record)
    assert [p.name for p in directory.iterdir()] == ["other-0.1.tar.gz"]


def test_reconcile_trusts_the_journal_only_while_the_staged_files_are_there(ctx: Context) -> None:
    """Killed after the stage's work was done but before the journal said so: resume takes the
    journal's record of the tests, after checking the staging index (served for real)."""
    directory = staging_dir(ctx)
    directory.mkdir(parents=True)
    files = []
    for name in ("simple_pkg-1.1.0.tar.gz", "simple_pkg-1.1.0-py3-none-any.whl"):
        (directory / name).write_bytes(name.encode())
        digest = hashlib.sha256(name.encode()).hexdigest()
        files.append({"filename": name, "path": f"dist/{name}", "sha256": digest})
    ctx.facts["build"] = {"files": files}
    pythons, _ = supported(found_interpreters(), [">=3.11"])
    tested = [{"action": "tested", "python": i.minor, "smoke": "python -c pass"} for i in pythons]
    checked = {"action": "upgrade-checked", "result": "from 1.0.0"}
    step = StageStep()

    facts = step.reconcile(ctx, StepRecord("stage", "in flight", effects=[*tested, checked]))
    assert facts is not None
    assert facts["files"] == {f["filename"]: f["sha256"] for f in files}
    assert facts["upgrade"] == "from 1.0.0"
    assert facts["pythons"] == [i.minor for i in pythons]
    # the upgrade test did not finish: run the step again
    assert step.reconcile(ctx, StepRecord("stage", "in flight", effects=tested)) is None
    # a staged file is not the built one any more: run the step again
    (directory / files[0]["filename"]).write_bytes(b"other bytes")
    assert step.reconcile(ctx, StepRecord("stage", "in flight", effects=[*tested, checked])) is None


FIRST_UPLOAD = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def _half_published(state: Path, target: str) -> Journal:
    """A release to ``target`` killed after its first file reached the index."""
    ts = FIRST_UPLOAD.timestamp()
    lines = [
        {"ts": ts - 60, "step": "release", "event": "start", "release_id": "r1", "version": "1.2.0",
         "bump": "minor", "target": target, "previous_version": "1.1.0"},
        {"ts": ts - 1, "step": "publish", "event": "begin"},
        {"ts": ts, "step": "publish", "event": "effect", "action": "uploading", "filename": "a"},
        {"ts": ts + 5, "step": "publish", "event": "effect", "action": "uploaded", "filename": "a"},
    ]  # fmt: skip
    state.mkdir(parents=True, exist_ok=True)
    (state / "journal.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    journal = Journal.load(state)
    assert journal is not None
    return journal


def test_the_14_day_window_of_a_half_published_release(tmp_path: Path) -> None:
    journal = _half_published(tmp_path / ".releasekit", "pypi")
    assert upload_deadline(journal) == dt.datetime(2026, 12, 9, 9, 30, tzinfo=dt.UTC)
    note = window_note(journal, now=dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC))
    assert note is not None
    assert "pypi refuses new files of 1.2.0 after 2026-12-09 09:30 UTC" in note
    assert "7 days left" in note and "--resume" in note
    late = window_note(journal, now=dt.datetime(2026, 12, 10, tzinfo=dt.UTC))
    assert late is not None and "can no longer be uploaded" in late and "yank 1.2.0" in late

    other = _half_published(tmp_path / "elsewhere" / ".releasekit", "local")
    assert upload_deadline(other) is None  # only PyPI and TestPyPI have the limit
    by_url = _half_published(tmp_path / "by-url" / ".releasekit", "https://test.pypi.org/legacy/")
    assert upload_deadline(by_url) == upload_deadline(journal)
    journal.append("release", "complete")
    assert upload_deadline(journal) is None  # finished: nothing is missing


def test_status_shows_the_deadline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _half_published(tmp_path / ".releasekit", "pypi")
    assert cli.main(["-C", str(tmp_path), "status"]) == 0
    flat = " ".join(capsys.readouterr().err.split())  # however the terminal wraps it
    assert "unfinished" in flat
    assert "WARNING pypi refuses new files of 1.2.0 after 2026-12-09 09:30 UTC" in flat
