"""Flaky tests: real releases whose project runs its tests with nox (a real nox session). A test
that fails, then passes when the gate runs it again, is named in a WARNING and the release goes
on; one that fails again stops it; ``gate_reruns = 0`` stops at the first failure."""

from __future__ import annotations

from pathlib import Path

from ..conftest import PROJECTS, Sandbox, assert_one_error_line, make_sandbox

NOX = """\
import nox


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    session.run(
        "python", "-m", "pytest", "-p", "no:cacheprovider", *session.posargs,
        env={"PYTHONPATH": "src"}, external=True,
    )
"""
FLAKY = """\
import os
from pathlib import Path


def test_fails_the_first_time() -> None:
    counter = Path(os.environ["FLAKY_COUNTER"])  # outside the tree: the gate wants it clean
    runs = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(runs))
    assert runs > 1, "the first run fails"
"""
ALWAYS = """\
def test_always_fails() -> None:
    assert 1 + 1 == 3
"""
FLAKY_ID = "tests/test_flaky.py::test_fails_the_first_time"


def _sandbox(tmp_path: Path, test: str) -> Sandbox:
    sb = make_sandbox(tmp_path, "srclayout", edit={"noxfile.py": NOX, "tests/test_flaky.py": test})
    del sb.env["RELEASEKIT_GATE_COMMAND"]  # detected: the nox session
    sb.env["FLAKY_COUNTER"] = str(tmp_path / "runs.txt")
    return sb


def test_a_test_that_passes_when_run_again_is_flaky_and_the_release_goes_on(
    tmp_path: Path,
) -> None:
    sb = _sandbox(tmp_path, FLAKY)
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    output = done.stdout + done.stderr
    assert f"WARNING flaky: 1 test(s) failed, then passed when run again: {FLAKY_ID}" in output
    assert sb.step_facts("gate")["flaky"] == [FLAKY_ID]
    log = (sb.repo / ".releasekit" / "gate.log").read_text()
    assert f"-s tests -- {FLAKY_ID}  (the failed tests again)" in log  # only that test again
    assert "1 passed" in log.rsplit("(the failed tests again)", 1)[1]
    assert sb.remote_git("tag") != ""


NOX_COVERAGE_100 = NOX.replace(
    '"-p", "no:cacheprovider",', '"-p", "no:cacheprovider", "--cov=srclib", "--cov-fail-under=100",'
)


def test_a_flaky_test_rerun_alone_is_not_held_to_the_full_runs_coverage(tmp_path: Path) -> None:
    """h2's shape: ``fail_under = 100`` through pytest-cov, and a flaky Hypothesis test. Run
    again alone it passes, and a single test never covers everything: pytest-cov fails the
    rerun on coverage. The full run met the threshold, so the test is flaky, not the gate."""
    sb = _sandbox(tmp_path, "import srclib  # covers a line, not the function body\n" + FLAKY)
    (sb.repo / "noxfile.py").write_text(NOX_COVERAGE_100)
    sb.git("commit", "-qam", "coverage must be 100")
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sb.step_facts("gate")["flaky"] == [FLAKY_ID]
    rerun = (sb.repo / ".releasekit" / "gate.log").read_text().rsplit("(the failed tests again)")
    assert "Required test coverage of 100% not reached" in rerun[-1]
    assert "Required test coverage of 100% not reached" not in rerun[0]


def test_a_test_that_fails_again_stops_the_release(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, ALWAYS)
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert_one_error_line(done, "exited 1 (and again when rerun)", "test_always_fails")
    assert done.returncode == 4
    assert sb.index_files() == {}


def test_gate_reruns_0_stops_at_the_first_failure(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, FLAKY)
    done = sb.run("release", "patch", "--to", "local", "--yes", env={"RELEASEKIT_GATE_RERUNS": "0"})
    assert_one_error_line(done, "-s tests exited 1: FAILED " + FLAKY_ID)
    assert "again when rerun" not in done.stdout + done.stderr
    assert (tmp_path / "runs.txt").read_text() == "1"  # it ran once
    assert sb.index_files() == {}


FAILS_SECOND = FLAKY.replace('assert runs > 1, "the first run fails"', "assert runs != 2")


def test_a_test_flaky_against_the_wheel_is_run_again_in_verify(tmp_path: Path) -> None:
    """Run 1 (the gate) passes, run 2 (verify, against the wheel) fails, run 3 (verify again,
    only that test) passes: a WARNING, and the release goes on, as in the gate (click's pager)."""
    sb = _sandbox(tmp_path, FAILS_SECOND)
    del sb.env["RELEASEKIT_VERIFY_TESTS"]  # the default: the tests against the wheel
    done = sb.run("release", "patch", "--to", "local", "--yes")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert (
        "WARNING flaky: 1 test(s) against the installed wheel failed, then passed when run "
        f"again: {FLAKY_ID}" in output
    )
    assert (tmp_path / "runs.txt").read_text() == "3"
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert f"{FLAKY_ID}  (the failed tests again)" in log
    assert sb.remote_git("tag") != ""


def test_the_log_shows_the_rerun_as_a_user_would_type_it_in_the_gates_venv(
    tmp_path: Path,
) -> None:
    """No nox session: the gate's own venv runs ``python -m pytest``, and so does its rerun."""
    sb = make_sandbox(tmp_path, "srclayout", edit={"tests/test_flaky.py": FLAKY})
    del sb.env["RELEASEKIT_GATE_COMMAND"]
    sb.env["FLAKY_COUNTER"] = str(tmp_path / "runs.txt")
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    log = (sb.repo / ".releasekit" / "gate.log").read_text()
    assert log.startswith("$ python -m pytest")
    assert f"\n$ python -m pytest {FLAKY_ID}  (the failed tests again)" in log


def test_a_flaky_test_is_run_again_when_addopts_leave_failures_out_of_the_summary(
    tmp_path: Path,
) -> None:
    """uvicorn's ``addopts = "-rxXs"``: pytest's short summary had no FAILED line, so the ERROR
    line named no test and the flaky test was never run again: the release stopped."""
    pyproject = (PROJECTS / "srclayout" / "pyproject.toml").read_text()
    pyproject += '\n[tool.pytest.ini_options]\naddopts = "-rxXs"\n'
    edit = {"tests/test_flaky.py": FLAKY, "pyproject.toml": pyproject}
    sb = make_sandbox(tmp_path, "srclayout", edit=edit)
    del sb.env["RELEASEKIT_GATE_COMMAND"]
    sb.env["FLAKY_COUNTER"] = str(tmp_path / "runs.txt")
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert sb.step_facts("gate")["flaky"] == [FLAKY_ID]
    log = (sb.repo / ".releasekit" / "gate.log").read_text()
    assert log.startswith("$ python -m pytest -rxXsfE\n")
