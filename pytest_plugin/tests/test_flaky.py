"""Flakiness: with pytest-rerunfailures, tests that passed only on a rerun are counted and gated."""

from __future__ import annotations

import pytest
from gate_helpers import MODES, Project

from pytest_releasekit.verdict import EXIT_GATE_FAILED

TESTS = {
    "tests/test_sometimes.py": """
        import pathlib

        def test_flaky():
            marker = pathlib.Path(__file__).with_name("ran-once")
            if not marker.exists():
                marker.write_text("x")
                raise AssertionError("first attempt fails")

        def test_stable(): pass
    """,
}


def gate(project: Project, *args: str, mode: str = "plain"):  # type: ignore[no-untyped-def]
    return project.run(
        "--gate",
        "--gate-report=gate-report.json",
        *args,
        mode=mode,
        plugins=("pytest_rerunfailures",),
    )


@pytest.mark.parametrize("mode", MODES)
def test_flaky_test_fails_the_gate_by_default(project: Project, mode: str) -> None:
    project.configure()
    project.write(TESTS)
    run = gate(project, "--reruns=1", mode=mode)
    assert run.result.parseoutcomes() | {"warnings": 0} == {"passed": 2, "rerun": 1, "warnings": 0}
    assert run.ret == EXIT_GATE_FAILED
    verdict = run.rule("max_flaky")
    assert (verdict["verdict"], verdict["measured"], verdict["threshold"]) == ("fail", 1, 0)
    assert verdict["details"] == ["tests/test_sometimes.py::test_flaky"]
    assert verdict["data"]["reruns"] == 1
    run.result.stdout.fnmatch_lines(
        [
            "max_flaky * 1 * <= 0 * FAIL * 1 tests passed only on a rerun*",
            "    tests/test_sometimes.py::test_flaky",
        ]
    )


@pytest.mark.parametrize("mode", ["plain", "xdist"])
def test_max_flaky_tolerates(project: Project, mode: str) -> None:
    project.configure("max_flaky = 1")
    project.write(TESTS)
    run = gate(project, "--reruns=1", mode=mode)
    assert run.rule("max_flaky")["verdict"] == "pass"
    assert run.ret == 0


def test_no_reruns_no_verdict_unless_configured(project: Project) -> None:
    project.configure()
    project.write({"tests/test_ok.py": "def test_ok(): pass\n"})
    run = gate(project)
    assert "max_flaky" not in run.verdicts()
    run = gate(project, "--gate-set", "max_flaky=0")
    assert run.rule("max_flaky")["verdict"] == "pass"
    assert run.rule("max_flaky")["measured"] == 0


def test_max_flaky_without_rerunfailures_is_an_error(project: Project) -> None:
    project.configure("max_flaky = 0")
    project.write({"tests/test_ok.py": "def test_ok(): pass\n"})
    run = gate(project, "-p", "no:rerunfailures")
    verdict = run.rule("max_flaky")
    assert verdict["verdict"] == "error"
    assert "pytest-rerunfailures is not active" in verdict["summary"]
    assert "install pytest-rerunfailures" in verdict["fix"]
    assert run.ret == EXIT_GATE_FAILED
