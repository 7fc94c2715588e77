"""The tier rules (tests, min_tests) and the exit status, under every execution mode."""

from __future__ import annotations

import pytest
from gate_helpers import MODES, SOURCES, Project
from gate_helpers import TESTS as PKG_TESTS

from pytest_releasekit.verdict import EXIT_GATE_FAILED

TESTS = {
    "tests/test_unit.py": """
        def test_one(): pass
        def test_two(): pass
    """,
    "tests/e2e/test_flow.py": "def test_flow(): pass\n",
    "tests/test_skips.py": """
        import pytest

        @pytest.mark.integration
        @pytest.mark.skip(reason="needs a database")
        def test_db(): pass

        @pytest.mark.xfail(reason="known bug", strict=True)
        def test_known_bug(): assert False
    """,
}


@pytest.mark.parametrize("mode", MODES)
def test_min_tests_pass(project: Project, mode: str) -> None:
    project.configure("min_tests = {unit = 2, e2e = 1}")
    project.write(TESTS)
    run = project.run("--gate", "--gate-report=gate-report.json", mode=mode)
    assert run.ret == 0
    assert run.verdicts() == {"tests": "pass", "min_tests.unit": "pass", "min_tests.e2e": "pass"}
    assert run.rule("min_tests.unit")["measured"] == 2
    assert run.rule("min_tests.e2e")["measured"] == 1
    assert run.report["tiers"]["counts"] == {
        "unit": {"passed": 2, "xfailed": 1},
        "e2e": {"passed": 1},
        "integration": {"skipped": 1},
    }
    assert run.report["verdict"] == "pass"
    run.result.stdout.fnmatch_lines(
        ["*= releasekit gate =*", "min_tests.e2e * 1 * >= 1 * PASS*", "gate: PASSED (3 rules)"]
    )


@pytest.mark.parametrize("mode", MODES)
def test_min_tests_fail_sets_exit_status_although_tests_pass(project: Project, mode: str) -> None:
    project.configure("min_tests = {unit = 3}")
    project.write(TESTS)
    run = project.run("--gate", "--gate-report=gate-report.json", mode=mode)
    run.result.assert_outcomes(passed=3, skipped=1, xfailed=1)
    assert run.ret == EXIT_GATE_FAILED
    verdict = run.rule("min_tests.unit")
    assert (verdict["verdict"], verdict["measured"], verdict["threshold"]) == ("fail", 2, 3)
    assert run.report["exit_status"] == EXIT_GATE_FAILED
    assert run.report["pytest_exit_status"] == 0
    run.result.stdout.fnmatch_lines(
        ["min_tests.unit * 2 * >= 3 * FAIL *", "gate: FAILED - 1 failed (exit status 6)"]
    )


@pytest.mark.parametrize("mode", MODES)
def test_required_tier_without_tests_is_an_error(project: Project, mode: str) -> None:
    project.configure("min_tests = {integration = 1, regression = 1}")
    project.write(TESTS)
    run = project.run("--gate", "--gate-report=gate-report.json", mode=mode)
    assert run.ret == EXIT_GATE_FAILED
    # the integration test exists but was skipped: nothing ran in that tier
    for tier in ("integration", "regression"):
        verdict = run.rule(f"min_tests.{tier}")
        assert verdict["verdict"] == "error"
        assert verdict["summary"] == f"no {tier} test ran"
        assert f"@pytest.mark.{tier}" in verdict["fix"]
    assert "Traceback" not in run.out


def test_required_tier_deselected_by_tier_option_says_so(project: Project) -> None:
    project.configure("min_tests = {e2e = 1}")
    project.write(TESTS)
    run = project.run("--gate", "--tier=unit", "--gate-report=gate-report.json")
    assert run.ret == EXIT_GATE_FAILED
    verdict = run.rule("min_tests.e2e")
    assert verdict["verdict"] == "error"
    assert "(--tier=unit excludes it)" in verdict["summary"]
    run.result.stdout.fnmatch_lines(["*fix: run the e2e tests*"])


@pytest.mark.parametrize("mode", MODES)
def test_failing_test_keeps_pytest_exit_status(project: Project, mode: str) -> None:
    project.configure("min_tests = {unit = 1}")
    project.write(
        {
            "tests/test_bad.py": """
        import pytest

        def test_ok(): pass
        def test_bad(): assert False

        @pytest.fixture
        def broken():
            raise RuntimeError("setup")

        def test_error(broken): pass
    """
        }
    )
    run = project.run("--gate", "--gate-report=gate-report.json", mode=mode)
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    tests = run.rule("tests")
    assert tests["verdict"] == "fail"
    assert tests["measured"] == "1 passed, 1 failed, 1 error"
    assert run.rule("min_tests.unit")["verdict"] == "pass"
    assert run.report["exit_status"] == 1


def test_gate_without_rules_still_reports_tests(project: Project) -> None:
    project.configure()
    project.write(TESTS)
    run = project.run("--gate")
    assert run.ret == 0
    run.result.stdout.fnmatch_lines(
        ["tests * 3 passed, 1 skipped, 1 xfailed * no failures * PASS*"]
    )


def test_no_tests_collected_keeps_exit_5_and_reports_error(project: Project) -> None:
    project.configure()
    project.write({"tests/test_none.py": "x = 1\n"})
    run = project.run("--gate", "--gate-report=gate-report.json")
    assert run.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    assert run.rule("tests")["verdict"] == "error"


def test_without_gate_nothing_is_evaluated(project: Project) -> None:
    project.configure("min_tests = {unit = 100}")
    project.write(TESTS)
    run = project.run()
    assert run.ret == 0
    assert "releasekit gate" not in run.out
    assert not run.report_path.exists()


def test_gate_ini_twin_and_report_ini(project: Project) -> None:
    project.configure(
        "min_tests = {unit = 100}",
        pytest_ini='releasekit_gate = true\nreleasekit_gate_report = "gate-report.json"',
    )
    project.write(TESTS)
    run = project.run()
    assert run.ret == EXIT_GATE_FAILED
    assert run.report["verdict"] == "fail"


def test_collect_only_is_not_evaluated(project: Project) -> None:
    project.configure("min_tests = {unit = 100}")
    project.write(TESTS)
    run = project.run("--gate", "--co", "--gate-report=gate-report.json")
    assert run.ret == 0
    assert run.report["verdict"] == "not-evaluated"
    assert run.report["reason"] == "collect-only run"
    run.result.stdout.fnmatch_lines(["gate: not evaluated (collect-only run)"])


def test_entry_point_registration_in_a_fresh_process(project: Project) -> None:
    """Autoloading on: the plugin comes from the pytest11 entry point, and -p no:releasekit
    turns it off."""
    project.configure("min_tests = {unit = 100}")
    project.write(TESTS)
    run = project.run("--gate", subprocess=True, autoload=True)
    assert run.ret == EXIT_GATE_FAILED
    # without the plugin its tier markers are unknown, which --strict-markers rejects (pytest
    # 9.2 checks them at collection), so the disabled run leaves out the file that uses one
    (project.path / "tests" / "test_skips.py").unlink()
    run = project.run("-p", "no:releasekit", "-p", "no:xdist", subprocess=True, autoload=True)
    assert run.ret == 0
    assert "releasekit gate" not in run.out


def test_crashed_worker_is_an_error_and_its_test_a_failure(project: Project) -> None:
    """A test that kills its worker fails in the ``tests`` row (in the tier its path implies),
    and the worker's missing data is an error."""
    project.configure("min_tests = {unit = 1}")
    project.write(
        {
            "tests/test_unit.py": "def test_ok(): pass\n",
            "tests/e2e/test_boom.py": "import os\n\ndef test_boom(): os._exit(3)\n",
        }
    )
    run = project.run("--gate", "--gate-report=gate-report.json", mode="xdist")
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    workers = run.rule("workers")
    assert workers["verdict"] == "error"
    assert "no gate data from gw" in workers["summary"]
    tests = run.rule("tests")
    assert tests["verdict"] == "fail"
    assert tests["summary"] == "1 failed or errored"
    assert tests["data"]["counts"]["e2e"] == {"failed": 1}
    assert tests["data"]["crashed"] == ["tests/e2e/test_boom.py::test_boom"]
    assert "crashed: tests/e2e/test_boom.py::test_boom (its xdist worker died)" in tests["details"]


def test_coverage_fail_under_failing_the_session_is_the_gate_verdict(project: Project) -> None:
    """pytest-cov's fail_under fails a session whose tests all passed: the gate must say FAILED
    and why, never PASSED over exit status 1 (issue 11)."""
    project.configure(coverage="[tool.coverage.report]\nfail_under = 99\n")
    project.write({**SOURCES, **PKG_TESTS})
    run = project.run(
        "--gate",
        "--gate-report=gate-report.json",
        "--cov=pkg",
        subprocess=True,
        plugins=("pytest_cov.plugin",),
    )
    assert run.ret == pytest.ExitCode.TESTS_FAILED
    assert run.report["verdict"] == "fail"
    assert run.report["exit_status"] == 1
    verdict = run.rule("pytest")
    assert verdict["verdict"] == "fail"
    assert "fail_under = 99" in verdict["summary"]
    assert "gate: PASSED" not in run.out
    run.result.stdout.fnmatch_lines(["gate: FAILED - 1 failed (exit status 1)"])


def test_a_plugin_setting_the_exit_status_is_reported(project: Project) -> None:
    project.configure()
    project.write(
        {
            **TESTS,
            "conftest.py": """
                def pytest_sessionfinish(session):
                    session.exitstatus = 1
            """,
        }
    )
    run = project.run("--gate", "--gate-report=gate-report.json")
    assert run.report["verdict"] == "fail"
    assert "a plugin or conftest.py set it" in run.rule("pytest")["summary"]


def test_a_collection_error_is_named_as_the_reason(project: Project) -> None:
    project.configure()
    project.write({**TESTS, "tests/test_broken.py": "import no_such_module_here\n"})
    run = project.run("--gate", "--gate-report=gate-report.json")
    assert run.ret == pytest.ExitCode.INTERRUPTED
    assert run.report["verdict"] == "not-evaluated"
    assert "1 error(s) during collection" in run.report["reason"]
    assert "gate: PASSED" not in run.out
