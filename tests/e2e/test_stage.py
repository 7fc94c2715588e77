"""Staged publish, for real: the release goes to a staging index first (the embedded one, or a
named index -- here a password-protected pypiserver standing in for TestPyPI), is installed from
there into fresh venvs and upgraded from the previous release taken from the real index, and
only then are the same bytes published. Killed inside the stage step, it resumes; killed at its
boundary, it rolls back; a failing staged install stops it before the real index is touched."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from releasekit.context import KILL_ENV, TRACE_ENV

from ..conftest import PROJECTS, RemoteIndex, Sandbox, assert_one_error_line, make_sandbox

#: The checkpoints a staged release passes up to the kill, the first file staged.
STAGE_POINTS = ["before:stage", "stage:creating-index", "stage:uploading:1", "stage:uploaded:1"]


def _staged(sandbox: Sandbox) -> dict[str, str]:
    """The files on the embedded staging index(es) of the sandbox's releases, with sha256."""
    work = sandbox.repo / ".releasekit" / "work"
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(work.glob("*/staging-index/*"))
    }


def _journal(sandbox: Sandbox) -> list[dict[str, object]]:
    state = sandbox.repo / ".releasekit"
    path = state / "journal.jsonl"
    if not path.exists():
        path = sorted((state / "history").glob("*.jsonl"))[-1]
    return [json.loads(line) for line in path.read_text().splitlines()]


def _previous_release_on_the_index(sandbox: Sandbox) -> str:
    """1.0.0 (the fixture as committed), built for real and put on the real local index."""
    sandbox.index.mkdir()
    uv = shutil.which("uv")
    argv = [uv, "build", "--wheel", "--quiet", "--out-dir", str(sandbox.index), "."] if uv else None
    argv = argv or [sys.executable, "-m", "build", "--wheel", "--outdir", str(sandbox.index), "."]
    subprocess.run(argv, cwd=sandbox.repo, env=sandbox.env, check=True, capture_output=True)
    for leftover in sandbox.index.glob(".*"):  # uv build leaves a .gitignore
        leftover.unlink()
    (wheel,) = sandbox.index_files()
    return wheel


def test_killed_in_stage_resumes_and_publishes_the_staged_bytes(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    previous = _previous_release_on_the_index(sandbox)
    trace = sandbox.base / "checkpoints.txt"
    killed = sandbox.run(
        "release",
        "minor",
        "--yes",
        "--stage",
        env={KILL_ENV: "stage:uploaded:1", TRACE_ENV: str(trace)},
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert trace.read_text().split()[-4:] == STAGE_POINTS
    assert list(sandbox.index_files()) == [previous]  # nothing reached the real index
    assert len(_staged(sandbox)) == 1

    # --resume needs no --stage: the journal says the release is staged
    resumed = sandbox.run("release", "--resume", check=True)
    assert "Python found here: 3." in resumed.stderr
    assert "upgrade from 1.0.0 passed" in resumed.stderr
    staged = _staged(sandbox)
    published = {k: v for k, v in sandbox.index_files().items() if k != previous}
    assert sorted(staged) == ["simple_pkg-1.1.0-py3-none-any.whl", "simple_pkg-1.1.0.tar.gz"]
    assert published == staged  # identical bytes on the staging index and the real one
    records = _journal(sandbox)
    facts = next(r["facts"] for r in records if r["step"] == "stage" and r["event"] == "done")
    assert facts["files"] == staged
    assert facts["upgrade"] == "from 1.0.0"
    assert f"{sys.version_info[0]}.{sys.version_info[1]}" in facts["pythons"]
    staged_uploads = [
        r["filename"] for r in records if r["step"] == "stage" and r.get("action") == "uploading"
    ]
    assert sorted(staged_uploads) == sorted(staged)  # the first one was not staged twice
    assert sandbox.remote_git("tag") == "v1.1.0"


def test_named_staging_target_kill_rollback_and_a_failed_staged_install(
    tmp_path: Path, remote_index: RemoteIndex
) -> None:
    """Staging on another index (a password-protected pypiserver, as TestPyPI would be): killed
    at the step boundary, rolled back; then a staged install that fails stops the release with
    the real index untouched. Files on a named staging index cannot be deleted: rollback says so."""
    pyproject = (PROJECTS / "simple" / "pyproject.toml").read_text()
    staged = pyproject.replace(
        "[tool.releasekit]\n", f'[tool.releasekit]\nstage = "{remote_index.url}"\n'
    )
    sandbox = make_sandbox(tmp_path, "simple", edit={"pyproject.toml": staged})
    sandbox.env.update(TWINE_USERNAME=remote_index.username, TWINE_PASSWORD=remote_index.password)
    before = sandbox.snapshot()

    # killed when the stage was done but not yet journaled; rollback leaves the real index as it was
    killed = sandbox.run("release", "minor", "--yes", env={KILL_ENV: "applied:stage"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    on_staging = sorted(p.name for p in remote_index.directory.iterdir())
    assert on_staging == ["simple_pkg-1.1.0-py3-none-any.whl", "simple_pkg-1.1.0.tar.gz"]
    assert not sandbox.index.exists()
    undone = sandbox.run("release", "--rollback", check=True)
    assert f"simple_pkg-1.1.0.tar.gz stays on the staging index {remote_index.url}" in undone.stderr
    assert sandbox.snapshot() == before

    # the same release again (the staged files are already there, same bytes), with a smoke
    # command that fails against the staged install; verify, which runs it too, is skipped
    failing = f"{sys.executable} -c 'raise SystemExit(3)'"
    done = sandbox.run(
        "release", "minor", "--yes", "--skip", "verify", env={"RELEASEKIT_SMOKE_COMMAND": failing}
    )
    assert done.returncode == 5
    line = assert_one_error_line(done, "the staged install failed (Python 3.", "smoke test")
    assert "nothing was uploaded to local" in line
    # this run uploaded nothing anywhere (staging had the files): it rolled itself back
    assert "rolled back automatically" in line
    assert sandbox.snapshot() == before  # the real index: untouched (not even created)
    assert sorted(p.name for p in remote_index.directory.iterdir()) == on_staging
