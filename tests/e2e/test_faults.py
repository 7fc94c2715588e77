"""Atomic releases, proven by killing the release (SIGKILL, for real) at every step boundary and
inside the upload, then resuming -- or, from the same killed state, rolling back."""

from __future__ import annotations

import datetime
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pytest_releasekit.history import GitStore
from releasekit.context import KILL_ENV, TRACE_ENV
from releasekit.pipeline import default_steps

from ..conftest import FIXED_DATE, Sandbox, assert_one_error_line, make_sandbox

STEPS = [
    "preflight",
    "gate",
    "version",
    "changelog",
    "commit",
    "build",
    "supply",
    "verify",
    "publish",
    "verify-published",
    "tag",
]
INSIDE = {
    "publish": [
        "publish:creating-index",  # the reference release's index directory does not exist yet
        "publish:uploading:1",
        "publish:uploaded-unrecorded:1",
        "publish:uploaded:1",
        "publish:uploading:2",
        "publish:uploaded-unrecorded:2",
        "publish:uploaded:2",
    ],
    "tag": ["tag:tagged", "tag:pushing", "tag:pushed"],
}
# "applied:<step>": the step's work is done but not yet journaled -- the hardest case to resume.
KILL_POINTS = [
    p for s in STEPS for p in (f"before:{s}", *INSIDE.get(s, []), f"applied:{s}", f"after:{s}")
]
KILL_POINTS.append("complete")
# Points whose killed state equals the point just before them: nothing happens between one
# step's "after" and the next step's "before" when the two are neighbours in the pipeline (no
# step, not even a skipped one, journals anything between them), so each such pair runs once.
_ORDER = [step.name for step in default_steps()]
SAME_AS_PREVIOUS = {
    f"before:{b}" for a, b in itertools.pairwise(STEPS) if _ORDER.index(b) == _ORDER.index(a) + 1
}
FRESH_AFTER_ROLLBACK = {"after:commit", "publish:uploaded-unrecorded:2", "tag:pushed"}


def _sandbox(base: Path, project: str) -> Sandbox:
    """A sandbox whose changelog date is fixed: a release and its resumed twin run minutes (and
    maybe a midnight) apart, and must make byte-identical files."""
    sandbox = make_sandbox(base, project)
    epoch = datetime.datetime.fromisoformat(FIXED_DATE).timestamp()
    sandbox.env["SOURCE_DATE_EPOCH"] = str(int(epoch))
    return sandbox


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """conftest's sandbox, with the changelog date fixed as above."""
    return _sandbox(tmp_path, "simple")


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """An uninterrupted release: the files it puts on the index and every checkpoint it passes."""
    sandbox = _sandbox(tmp_path_factory.mktemp("reference"), "simple")
    trace = sandbox.base / "checkpoints.txt"
    sandbox.run("release", "minor", "--yes", env={TRACE_ENV: str(trace)}, check=True)
    return {
        "index": sandbox.index_files(),
        "points": trace.read_text().split(),
        "head": sandbox.git("rev-parse", "HEAD"),
    }


def test_kill_points_cover_every_checkpoint(reference: dict[str, object]) -> None:
    """If a checkpoint is added to the pipeline, this fails until the kill tests cover it."""
    assert reference["points"] == KILL_POINTS
    print(f"kill points covered: {len(KILL_POINTS)} of {len(reference['points'])}")


def _recorded(sandbox: Sandbox) -> list[str]:
    """The outcomes of the releases in the history store (refs/releasekit/history)."""
    return [r["outcome"] for r in GitStore(sandbox.repo).records("release")]


def _killed(tmp_path: Path, name: str, point: str) -> tuple[Sandbox, dict[str, object]]:
    sandbox = _sandbox(tmp_path / name, "simple")
    before = sandbox.snapshot()
    done = sandbox.run("release", "minor", "--yes", env={KILL_ENV: point})
    assert done.returncode == -signal.SIGKILL, done.stderr
    return sandbox, before


def _restore(sandbox: Sandbox, saved: Path) -> None:
    """Put the killed state back where it was, byte for byte (repository, journal and lock,
    remote, index): at the same paths, so nothing in it refers to another place."""
    shutil.rmtree(sandbox.base)
    shutil.copytree(saved, sandbox.base, symlinks=True)


@pytest.mark.parametrize("point", [p for p in KILL_POINTS if p not in SAME_AS_PREVIOUS])
def test_kill_then_resume_or_rollback(
    point: str, tmp_path: Path, reference: dict[str, object]
) -> None:
    sandbox, before = _killed(tmp_path, "release", point)
    saved = tmp_path / "killed"
    shutil.copytree(sandbox.base, saved, symlinks=True)

    # --resume finishes exactly the release an uninterrupted run makes
    resumed = sandbox.run("release", "--resume", check=True)
    if point != "complete":
        assert "cleared a stale lock" in resumed.stderr
    assert sandbox.index_files() == reference["index"]  # same files, same sha256, once each
    assert sandbox.remote_git("log", "--format=%s", "main") == "Release 1.1.0\nInitial commit"
    assert sandbox.remote_git("tag") == "v1.1.0"
    assert sandbox.git("rev-parse", "HEAD") == reference["head"]
    assert sandbox.git("status", "--porcelain") == ""
    assert _recorded(sandbox) == ["released"]  # the history store, even when killed at "complete"

    # from the same killed state, --rollback restores everything as it was before the release
    _restore(sandbox, saved)
    undone = sandbox.run("release", "--rollback")
    if point == "complete":  # nothing to undo: the release had finished
        assert_one_error_line(undone, "no unfinished release to roll back", "it completed")
        return
    assert undone.returncode == 0, undone.stderr
    assert sandbox.snapshot() == before
    changed_nothing = point.rsplit(":", 1)[-1] in ("preflight", "gate") or point == "before:version"
    assert _recorded(sandbox) == ([] if changed_nothing else ["rolled-back"])
    assert not sandbox.remote_git("tag")
    if point in FRESH_AFTER_ROLLBACK:  # and after a rollback a fresh release starts clean
        sandbox.run("release", "minor", "--yes", check=True)
        assert sandbox.index_files() == reference["index"]


def test_same_name_different_bytes_refused_before_any_upload(tmp_path: Path) -> None:
    sandbox, _ = _killed(tmp_path, "race", "before:publish")
    lines = (sandbox.repo / ".releasekit" / "journal.jsonl").read_text().splitlines()
    build = next(json.loads(x) for x in lines if '"build"' in x and '"done"' in x)
    sdist = next(f["filename"] for f in build["facts"]["files"] if f["kind"] == "sdist")
    sandbox.index.mkdir(exist_ok=True)
    (sandbox.index / sdist).write_bytes(b"not the bytes releasekit built")
    before = sandbox.snapshot()
    done = sandbox.run("release", "--resume")
    assert done.returncode == 5
    assert_one_error_line(done, sdist, "different content", "new version", "nothing was uploaded")
    assert sandbox.snapshot() == before  # the wheel was not uploaded either


def test_torn_last_journal_line_is_recovered(tmp_path: Path, reference: dict[str, object]) -> None:
    sandbox, _ = _killed(tmp_path, "torn", "publish:uploading:2")
    journal = sandbox.repo / ".releasekit" / "journal.jsonl"
    with journal.open("ab") as handle:
        handle.write(b'{"ts": 1763726400.0, "step": "publish", "event": "eff')  # power loss
    done = sandbox.run("release", "--resume", check=True)
    assert "torn" in done.stderr
    assert sandbox.index_files() == reference["index"]
    assert all(json.loads(line) for line in journal.read_text().splitlines())


def _start_release(
    sandbox: Sandbox, env: dict[str, str], *, start_new_session: bool = False
) -> subprocess.Popen[str]:
    """`releasekit release minor --yes` in the background, output captured."""
    return subprocess.Popen(
        [sys.executable, "-c", _DEFAULT_SIGINT, "-m", "releasekit", "release", "minor", "--yes"],
        cwd=sandbox.repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=start_new_session,
    )


#: Ctrl-C as on a terminal: a suite started in the background (`cmd &` in a script) inherits an
#: ignored SIGINT, and Python then installs no KeyboardInterrupt handler. Reset it, then exec.
_DEFAULT_SIGINT = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])"
)


def test_two_concurrent_releases_exactly_one_proceeds(sandbox: Sandbox) -> None:
    slow_gate = f"{sys.executable} -c 'import time; time.sleep(4)'"
    env = {**sandbox.env, "RELEASEKIT_GATE_COMMAND": slow_gate}
    first = _start_release(sandbox, env)
    lock = sandbox.repo / ".releasekit" / "lock"
    deadline = time.monotonic() + 30
    while not (lock.exists() and lock.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    second = sandbox.run("release", "minor", "--yes")
    _, first_err = first.communicate(timeout=120)
    assert first.returncode == 0, first_err
    assert second.returncode == 8
    assert_one_error_line(second, "another release is running", f"pid {first.pid}")
    assert sandbox.remote_git("tag") == "v1.1.0"
    assert len(sandbox.index_files()) == 2


def test_ctrl_c_stops_journals_and_resumes(sandbox: Sandbox, reference: dict[str, object]) -> None:
    slow_smoke = f"{sys.executable} -c 'import time; time.sleep(30)'"
    env = {**sandbox.env, "RELEASEKIT_SMOKE_COMMAND": slow_smoke}
    proc = _start_release(sandbox, env, start_new_session=True)
    journal = sandbox.repo / ".releasekit" / "journal.jsonl"
    deadline = time.monotonic() + 240  # a loaded 2-core runner: the gate and build come first
    while not (journal.exists() and '"step": "verify"' in journal.read_text()):
        assert time.monotonic() < deadline and proc.poll() is None, "verify never started"
        time.sleep(0.05)
    time.sleep(0.5)  # inside the smoke test
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "--resume" in err and "--rollback" in err
    status = sandbox.run("status", check=True)
    assert "unfinished" in status.stderr
    assert "verify" in status.stderr and "in flight" in status.stderr
    sandbox.run("release", "--resume", check=True)
    assert sandbox.index_files() == reference["index"]


def test_status_without_any_release(sandbox: Sandbox) -> None:
    assert "No release recorded" in sandbox.run("status", check=True).stderr


def test_a_file_missing_from_the_index_after_upload_fails_at_once(tmp_path: Path) -> None:
    """verify-published asks the embedded index once: a file it does not list after the upload is
    a definite answer, reported as such -- not six pip retries over ~40 s."""
    sandbox = _sandbox(tmp_path, "simple")
    killed = sandbox.run("release", "minor", "--yes", env={KILL_ENV: "after:publish"})
    assert killed.returncode == -signal.SIGKILL
    wheel = next(name for name in sandbox.index_files() if name.endswith(".whl"))
    (sandbox.index / wheel).unlink()  # someone removed it from the index
    done = sandbox.run("release", "--resume")
    line = assert_one_error_line(done, f"local does not list {wheel} after the upload")
    assert "--resume" in line
    assert done.returncode == 5
    assert sandbox.remote_git("tag") == ""  # nothing tagged or pushed


def test_verify_published_downloads_from_the_target_index_only(tmp_path: Path) -> None:
    """A pip.conf with find-links or extra-index-url (a company mirror; this machine's
    wheelhouse has tomli 2.4.1) gave pip that place's wheel of the version just released, more
    specific than the uploaded py3-none-any one, and the check called it someone else's
    upload. pip now reads no configuration file there, and no variable adds a place to look."""
    sandbox = _sandbox(tmp_path, "simple")
    wheelhouse = tmp_path / "wheelhouse"
    wheelhouse.mkdir()
    other = "simple_pkg-1.1.0-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
    (wheelhouse / other).write_bytes(b"a wheel that was never uploaded")
    config = tmp_path / "pip.conf"
    config.write_text(f"[global]\nfind-links = {wheelhouse}\n")
    env = {"PIP_CONFIG_FILE": str(config), "PIP_FIND_LINKS": str(wheelhouse)}
    sandbox.run("release", "minor", "--yes", env=env, check=True)
    assert "v1.1.0" in sandbox.remote_git("tag")
    verified = sandbox.step_facts("verify-published")["verified"]
    assert verified and other not in verified
