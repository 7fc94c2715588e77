"""The coverage ratchet: a stored per-file baseline end to end, the base run's ``coverage json``
report, and the comparison and its errors on the library."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from gate_helpers import SOURCES, TESTS, Project

from pytest_releasekit.covbaseline import load
from pytest_releasekit.gates import GateRun, Unmeasurable
from pytest_releasekit.gates.ratchet import RatchetRule
from pytest_releasekit.measure import CoverageSource
from pytest_releasekit.settings import load_settings
from pytest_releasekit.tiers import Tally
from pytest_releasekit.verdict import EXIT_GATE_FAILED, Outcome, Verdict

BASELINE = ".releasekit-gate/coverage-baseline.json"


def test_stored_baseline_end_to_end(project: Project) -> None:
    project.configure("coverage_max_drop = 1")
    project.write({**SOURCES, **TESTS})
    gate = ("--gate", "--gate-report=gate-report.json")
    run = project.run(*gate, "--gate-save-coverage-baseline", subprocess=True)
    assert run.ret == 0, run.out
    verdict = run.rule("coverage_max_drop")
    assert verdict["verdict"] == "pass"
    assert verdict["summary"] == f"baseline saved: per-file coverage of 4 files in {BASELINE}"
    stored = json.loads((project.path / BASELINE).read_text(encoding="utf-8"))
    assert stored["kind"] == "releasekit-coverage-baseline"
    assert stored["files"]["src/pkg/core.py"]["percent"] == 100.0
    assert stored["saved_at"].endswith("Z")
    # nothing changed: nothing dropped
    run = project.run(*gate, subprocess=True)
    assert run.rule("coverage_max_drop")["summary"].startswith(
        "4 files compared with the stored baseline coverage-baseline.json; none dropped"
    )
    # a test removed: core.py's `return -1` no longer runs
    test_core = project.path / "tests/test_core.py"
    test_core.write_text(test_core.read_text().replace("def test_sign_neg", "def _sign_neg"))
    run = project.run(*gate, subprocess=True)
    assert run.ret == EXIT_GATE_FAILED
    verdict = run.rule("coverage_max_drop")
    assert verdict["verdict"] == "fail"
    assert verdict["measured"] == pytest.approx(12.5)  # 8 statements, 7 covered
    assert verdict["details"] == ["src/pkg/core.py: 100.00% -> 87.50% (-12.50)"]
    assert verdict["data"]["dropped"] == {
        "src/pkg/core.py": {"old": 100.0, "new": 87.5, "drop": 12.5}
    }
    run.result.stdout.fnmatch_lines(
        ["coverage_max_drop * 12.50% * <= 1% * FAIL * 1 of 4 files dropped more than 1 points*"]
    )


# ------------------------------------------------------------------ the library, no test runs
def _report(files: dict[str, float], *, branch: bool = False) -> dict[str, Any]:
    """A coverage.py JSON report with these per-file percentages (numbers consistent enough)."""
    return {
        "meta": {"branch_coverage": branch, "timestamp": "2026-12-01T10:00:00"},
        "files": {
            name: {
                "summary": {"percent_covered": pct, "num_statements": 100, "covered_lines": pct},
                "executed_lines": [],
                "missing_lines": [],
            }
            for name, pct in files.items()
        },
        "totals": {"percent_covered": 0.0},
    }


def _judge(tmp_path: Path, base: dict[str, Any], now: dict[str, Any], limit: float) -> Verdict:
    (tmp_path / "base.json").write_text(json.dumps(base), encoding="utf-8")
    (tmp_path / "now.json").write_text(json.dumps(now), encoding="utf-8")
    rule = RatchetRule()
    table = {"coverage_max_drop": limit, "coverage_baseline": "base.json"}
    run = GateRun(
        settings=load_settings(table, (), rule.keys),
        tally=Tally(),
        coverage=CoverageSource(
            "test", "unused", cwd=tmp_path, json_file=str(tmp_path / "now.json")
        ),
        rootdir=tmp_path,
        invocation_dir=tmp_path,
    )
    (verdict,) = rule.evaluate(run)
    return verdict


def test_coverage_json_report_as_base(tmp_path: Path) -> None:
    base = _report({"src/a.py": 90.0, "src/b.py": 80.0, "src/gone.py": 50.0})
    now = _report({"src/a.py": 89.0, "src/b.py": 70.0, "src/new.py": 0.0})
    verdict = _judge(tmp_path, base, now, 1)
    assert verdict.outcome is Outcome.FAIL
    assert verdict.details == ("src/b.py: 80.00% -> 70.00% (-10.00)",)
    assert verdict.data["compared"] == 2
    assert verdict.data["new_files"] == 1
    assert verdict.data["origin"] == "coverage.py JSON report"
    # a drop of exactly the allowed amount passes; rounding as coverage.py rounds
    assert _judge(tmp_path, base, now, 10).outcome is Outcome.PASS
    now = _report({"src/a.py": 89.004, "src/b.py": 81.0})
    verdict = _judge(tmp_path, base, now, 0.99)
    assert verdict.outcome is Outcome.FAIL  # 0.996 rounds to 1.00 > 0.99
    assert _judge(tmp_path, base, now, 1).outcome is Outcome.PASS


def test_incomparable_bases_are_errors(tmp_path: Path) -> None:
    with pytest.raises(Unmeasurable, match="measured without branches, this run with"):
        _judge(tmp_path, _report({"a.py": 1.0}), _report({"a.py": 1.0}, branch=True), 1)
    with pytest.raises(Unmeasurable, match="no file of the coverage baseline"):
        _judge(tmp_path, _report({"a.py": 1.0}), _report({"b.py": 1.0}), 1)


def test_unusable_baseline_files(tmp_path: Path) -> None:
    with pytest.raises(Unmeasurable, match="does not exist") as missing:
        load(tmp_path / "nope.json")
    assert "--gate-save-coverage-baseline" in missing.value.fix
    data = tmp_path / ".coverage"
    sqlite3.connect(data).execute("create table t (x)").connection.commit()
    with pytest.raises(Unmeasurable, match=r"is a coverage\.py data file") as sqlite:
        load(data)
    assert "coverage json -o FILE" in sqlite.value.fix
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    with pytest.raises(Unmeasurable, match="unreadable coverage baseline"):
        load(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"files": []}', encoding="utf-8")
    with pytest.raises(Unmeasurable, match="neither a stored coverage baseline"):
        load(tmp_path / "other.json")


def test_save_flag_without_the_ratchet_is_an_error(project: Project) -> None:
    project.configure()
    project.write({"tests/test_a.py": "def test_a(): pass\n"})
    run = project.run("--gate-save-coverage-baseline", "--gate-report=gate-report.json")
    assert run.ret == EXIT_GATE_FAILED
    verdict = run.rule("ratchet")
    assert verdict["verdict"] == "error"
    assert "coverage_max_drop" in verdict["fix"]
