"""A journal is bound to its repository and state: ``--resume`` and ``--rollback`` refuse, in one
line and changing nothing, a journal that does not match reality."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import Sandbox, assert_one_error_line, git, make_sandbox

KILL = {"RELEASEKIT_TEST_KILL_AT": "before:build"}  # after the release commit, before the build


def _unfinished(sandbox: Sandbox) -> Path:
    """A release killed (SIGKILL) after its commit: an unfinished journal."""
    done = sandbox.run("release", "minor", "--yes", env=KILL)
    assert done.returncode == -9, done.stderr
    journal = sandbox.repo / ".releasekit" / "journal.jsonl"
    assert journal.is_file()
    return journal


def _refused(sandbox: Sandbox, command: str, *needles: str) -> None:
    journal = sandbox.repo / ".releasekit" / "journal.jsonl"
    before, saved = sandbox.snapshot(), journal.read_bytes()
    done = sandbox.run("release", command)
    assert_one_error_line(done, *needles)
    assert done.returncode == 7, done.stderr
    assert sandbox.snapshot() == before
    assert journal.read_bytes() == saved


def _copy_journal(source: Path, sandbox: Sandbox) -> None:
    state = sandbox.repo / ".releasekit"
    state.mkdir(exist_ok=True)
    (state / ".gitignore").write_text("*\n")
    shutil.copy(source, state / "journal.jsonl")


@pytest.fixture
def killed(sandbox: Sandbox) -> Sandbox:
    _unfinished(sandbox)
    return sandbox


def test_journal_from_another_repository_is_refused(killed: Sandbox, tmp_path: Path) -> None:
    other = make_sandbox(tmp_path / "other", "workspace")
    _copy_journal(killed.repo / ".releasekit" / "journal.jsonl", other)
    for command in ("--resume", "--rollback"):
        _refused(other, command, "a release of another repository", "remove")


def test_journal_copied_into_another_clone_is_refused(killed: Sandbox, tmp_path: Path) -> None:
    clone = make_sandbox(tmp_path / "clone", "simple")  # same history, another repository
    assert clone.git("rev-parse", "HEAD") == killed.git("rev-parse", "HEAD~1")
    _copy_journal(killed.repo / ".releasekit" / "journal.jsonl", clone)
    for command in ("--resume", "--rollback"):
        _refused(clone, command, f"written in the repository at {killed.repo}", "a copy")


def test_stale_journal_copied_back_after_rollback_is_refused(killed: Sandbox) -> None:
    journal = killed.repo / ".releasekit" / "journal.jsonl"
    saved = journal.read_bytes()
    killed.run("release", "--rollback", check=True)
    journal.write_bytes(saved)
    for command in ("--resume", "--rollback"):
        _refused(killed, command, "is already over", "stale copy")


def test_head_moved_since_the_release_commit_is_refused(killed: Sandbox) -> None:
    (killed.repo / "LATER.md").write_text("later\n")
    killed.git("add", "LATER.md")
    killed.git("commit", "-qm", "later")
    for command in ("--resume", "--rollback"):
        _refused(killed, command, "HEAD is at", "neither the release's base")


def test_remote_branch_moved_by_someone_else(killed: Sandbox) -> None:
    other = killed.base / "other"
    git(killed.base, "clone", "-q", str(killed.remote), str(other))
    (other / "THEIRS.md").write_text("theirs\n")
    git(other, "add", "THEIRS.md")
    git(other, "-c", "user.name=O", "-c", "user.email=o@example.invalid", "commit", "-qm", "x")
    git(other, "push", "-q", "origin", "main")
    _refused(killed, "--resume", "origin/main moved since the release started", "--rollback")
    # nothing was pushed: rolling back touches only this machine, so it is allowed
    killed.run("release", "--rollback", check=True)
    assert killed.git("log", "--format=%s") == "Initial commit"


@pytest.mark.parametrize(
    "content",
    [bytes(range(256)) * 4, b'{"step": "release", "event": "start", "release_id": "x"}\n'],
    ids=["binary", "no-binding"],
)  # more shapes of garbage: tests/unit/test_journal_garbage.py
def test_garbage_journal_is_one_error_line(sandbox: Sandbox, content: bytes) -> None:
    state = sandbox.repo / ".releasekit"
    state.mkdir()
    (state / ".gitignore").write_text("*\n")
    (state / "journal.jsonl").write_bytes(content)
    for command in ("--resume", "--rollback"):
        _refused(sandbox, command, "journal.jsonl")


def test_garbage_lock_is_cleared(killed: Sandbox) -> None:
    (killed.repo / ".releasekit" / "lock").write_bytes(bytes(range(256)))
    killed.run("release", "--rollback", check=True)
    assert killed.git("log", "--format=%s") == "Initial commit"
