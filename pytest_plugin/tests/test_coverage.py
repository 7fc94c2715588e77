"""Coverage rules, measured by the gate itself or by pytest-cov, under every execution mode.

The gate's numbers must be coverage.py's: each run is checked against ``coverage json`` and
``coverage report`` on the same data file.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from gate_helpers import BRANCH, MODES, SOURCES, TESTS, Project, Run

from pytest_releasekit.verdict import EXIT_GATE_FAILED


def coverage_cli(project: Project, *args: str) -> str:
    result = project.pytester.run("coverage", *args)
    assert result.ret == 0, result.stderr.str()
    return result.stdout.str()


def coverage_json(project: Project) -> dict[str, Any]:
    coverage_cli(project, "json", "-o", "cov.json")
    loaded: dict[str, Any] = json.loads((project.path / "cov.json").read_text())
    return loaded


def gate_run(project: Project, source: str, mode: str, *args: str) -> Run:
    extra = ("--cov", "--cov-report=") if source == "pytest-cov" else ()
    plugins = ("pytest_cov.plugin",) if source == "pytest-cov" else ()
    return project.run(
        "--gate",
        "--gate-report=gate-report.json",
        *extra,
        *args,
        mode=mode,
        subprocess=True,
        plugins=plugins,
    )


@pytest.mark.parametrize("source", ["gate", "pytest-cov"])
@pytest.mark.parametrize("mode", MODES)
def test_total_and_per_file_agree_with_coverage_py(
    project: Project, mode: str, source: str
) -> None:
    project.configure("coverage_total = 60\ncoverage_per_file = 80", coverage=BRANCH)
    project.write({**SOURCES, **TESTS})
    run = gate_run(project, source, mode)
    run.result.assert_outcomes(passed=5)
    assert run.ret == EXIT_GATE_FAILED, run.out
    reference = coverage_json(project)
    total = run.rule("coverage_total")
    assert total["verdict"] == "pass"
    assert total["measured"] == reference["totals"]["percent_covered"]  # exactly coverage.py's
    report_total = coverage_cli(project, "report", "--format=total", "--precision=2").strip()
    assert f"{total['measured']:.2f}" == report_total
    origin = "pytest-cov" if source == "pytest-cov" else "measured by the gate"
    assert total["data"]["origin"] == origin
    per_file = run.rule("coverage_per_file")
    assert per_file["verdict"] == "fail"
    legacy = reference["files"]["src/pkg/legacy.py"]["summary"]["percent_covered"]
    assert reference["files"]["src/pkg/never.py"]["summary"]["percent_covered"] == 0.0
    assert per_file["measured"] == 0.0
    assert per_file["details"] == [
        "src/pkg/never.py: 0.00% < 80%",
        f"src/pkg/legacy.py: {legacy:.2f}% < 80%",
    ]
    assert list(per_file["data"]["failing"]) == ["src/pkg/never.py", "src/pkg/legacy.py"]
    # conftest-imported module lines (def statements) count as covered in every mode
    assert reference["files"]["src/pkg/core.py"]["summary"]["percent_covered"] == 100.0
    run.result.stdout.fnmatch_lines(
        ["coverage_per_file * FAIL *", "    src/pkg/legacy.py: *% < 80%"]
    )


def test_xdist_gives_the_same_verdicts_as_a_plain_run(project: Project) -> None:
    project.configure(
        "coverage_total = 60\ncoverage_branch = 50\ncoverage_per_file = 80\nmin_tests = {unit = 5}",
        coverage=BRANCH,
    )
    project.write({**SOURCES, **TESTS})
    plain = gate_run(project, "gate", "plain").report["rules"]
    (project.path / ".coverage").unlink()
    distributed = gate_run(project, "gate", "xdist").report["rules"]
    assert distributed == plain
    assert [r["verdict"] for r in plain] == ["pass", "pass", "pass", "pass", "fail"]


def test_lines_and_branch_rules(project: Project) -> None:
    project.configure("coverage_lines = 65\ncoverage_branch = 90", coverage=BRANCH)
    project.write({**SOURCES, **TESTS})
    run = gate_run(project, "gate", "plain")
    reference = coverage_json(project)["totals"]
    lines = run.rule("coverage_lines")
    assert lines["verdict"] == "pass"
    assert lines["measured"] == pytest.approx(
        100 * reference["covered_lines"] / reference["num_statements"]
    )
    branch = run.rule("coverage_branch")
    assert branch["verdict"] == "fail"
    assert branch["measured"] == pytest.approx(
        100 * reference["covered_branches"] / reference["num_branches"]
    )
    assert run.ret == EXIT_GATE_FAILED


@pytest.mark.parametrize("mode", ["plain", "xdist"])
def test_branch_rule_without_branch_data_is_an_error(project: Project, mode: str) -> None:
    project.configure("coverage_total = 10\ncoverage_branch = 50")
    project.write({**SOURCES, **TESTS})
    run = gate_run(project, "gate", mode)
    assert run.ret == EXIT_GATE_FAILED
    assert run.rule("coverage_total")["verdict"] == "pass"
    branch = run.rule("coverage_branch")
    assert branch["verdict"] == "error"
    assert "has no branch data" in branch["summary"]
    assert "branch = true" in branch["fix"]
    run.result.stdout.fnmatch_lines(["coverage_branch * ERROR *", "    fix: measure branches*"])


def test_per_file_overrides_and_excludes(project: Project) -> None:
    project.configure(
        """
        coverage_per_file = 80
        coverage_per_file_overrides = {"src/pkg/leg*.py" = 40, "src/gone/*.py" = 10}
        coverage_per_file_exclude = ["**/__init__.py", "never.py"]
    """,
        coverage=BRANCH,
    )
    project.write({**SOURCES, **TESTS})
    run = gate_run(project, "gate", "plain")
    per_file = run.rule("coverage_per_file")
    assert per_file["verdict"] == "pass"
    assert per_file["data"]["checked"] == 2  # core + legacy; __init__ excluded
    assert "override 'src/gone/*.py' matched no measured file" in per_file["details"]
    assert run.ret == 0
    # everything excluded: the rule cannot judge anything
    run = gate_run(project, "gate", "plain", "--gate-set", "coverage_per_file_exclude=['src/**']")
    per_file = run.rule("coverage_per_file")
    assert per_file["verdict"] == "error"
    assert "no measured file is subject to the per-file rule" in per_file["summary"]


@pytest.mark.parametrize("source", ["gate", "pytest-cov"])
def test_no_coverage_data_is_an_error_not_a_pass(project: Project, source: str) -> None:
    project.configure("coverage_total = 0")
    project.write({**SOURCES, **TESTS})
    project.write(
        {
            "pyproject.toml": (project.path / "pyproject.toml")
            .read_text()
            .replace('source = ["src"]', 'source = ["nothere"]')
        }
    )
    args = ("--cov=nothere",) if source == "pytest-cov" else ()
    run = gate_run(project, source, "plain", *args)
    assert run.ret == EXIT_GATE_FAILED
    total = run.rule("coverage_total")
    assert total["verdict"] == "error"
    assert total["summary"].startswith("no coverage data")
    assert "source" in total["fix"]
    assert "Traceback" not in run.out + run.result.stderr.str()


def test_gate_coverage_file_option(project: Project) -> None:
    project.configure("coverage_total = 60", coverage=BRANCH)
    project.write({**SOURCES, **TESTS})
    assert gate_run(project, "gate", "plain").ret == 0
    (project.path / ".coverage").rename(project.path / "saved.coverage")
    # in-process: no measurement, only the saved data is judged
    run = project.run(
        "--gate-coverage-file=saved.coverage",
        "--gate-report=gate-report.json",
        "tests/test_legacy.py",
    )
    total = run.rule("coverage_total")
    assert total["verdict"] == "pass"
    assert total["data"]["origin"] == "--gate-coverage-file"
    assert not (project.path / ".coverage").exists()
    run = project.run("--gate-coverage-file=missing.coverage", "--gate-report=gate-report.json")
    assert run.rule("coverage_total")["verdict"] == "error"
    assert "missing.coverage does not exist" in run.rule("coverage_total")["summary"]
    assert run.ret == EXIT_GATE_FAILED


def test_coverage_run_around_pytest_is_an_explicit_error(project: Project) -> None:
    project.configure("coverage_total = 10")
    project.write({**SOURCES, **TESTS})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        result = project.pytester.run(
            "coverage",
            "run",
            "-m",
            "pytest",
            "-p",
            "pytest_releasekit.plugin",
            "--gate",
            "--gate-report=gate-report.json",
        )
    run = Run(result, project.path / "gate-report.json")
    assert run.ret == EXIT_GATE_FAILED
    total = run.rule("coverage_total")
    assert total["verdict"] == "error"
    assert "`coverage run`" in total["summary"]


def test_no_cov_with_coverage_rules_is_an_error_and_off_switches_them_off(project: Project) -> None:
    project.configure("coverage_total = 10\nmin_tests = {unit = 1}")
    project.write({**SOURCES, **TESTS})
    run = gate_run(project, "pytest-cov", "plain", "--no-cov")
    total = run.rule("coverage_total")
    assert total["verdict"] == "error"
    assert total["summary"] == "coverage measurement is disabled (--no-cov)"
    assert not (project.path / ".coverage").exists()  # and the gate did not measure either
    run = gate_run(project, "pytest-cov", "plain", "--no-cov", "--gate-set", "coverage_total=off")
    assert run.verdicts() == {"tests": "pass", "min_tests.unit": "pass"}
    assert run.ret == 0


def test_pytest_cov_json_report_is_reused(project: Project) -> None:
    """With --cov-report=json, the gate reads pytest-cov's fresh JSON instead of analysing twice."""
    project.configure("coverage_total = 60\ncoverage_per_file = 80", coverage=BRANCH)
    project.write({**SOURCES, **TESTS})
    run = gate_run(project, "pytest-cov", "xdist", "--cov-report=json:out/cov.json")
    written = json.loads((project.path / "out/cov.json").read_text())
    assert run.rule("coverage_total")["measured"] == written["totals"]["percent_covered"]
    assert run.rule("coverage_per_file")["verdict"] == "fail"
    assert (
        run.rule("coverage_total")["measured"]
        == coverage_json(project)["totals"]["percent_covered"]
    )


def test_coverage_source_reads_a_given_json_report(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pytest_releasekit.measure import CoverageSource

    document = {
        "meta": {"branch_coverage": False},
        "totals": {"percent_covered": 42.5, "num_statements": 40, "covered_lines": 17},
        "files": {
            "src/a.py": {
                "summary": {"percent_covered": 42.5, "num_statements": 40, "covered_lines": 17},
                "executed_lines": [1, 2],
                "missing_lines": [3],
            }
        },
    }
    (tmp_path / "cov.json").write_text(json.dumps(document))
    source = CoverageSource(
        "pytest-cov",
        str(tmp_path / "no-such-data-file"),
        cwd=tmp_path,
        json_file=str(tmp_path / "cov.json"),
    )
    report = source.report()
    assert report.percent == 42.5
    assert report.files[0].path == str(tmp_path / "src/a.py")
    assert report.files[0].missing == frozenset({3})
