"""Reports: terminal table, JSON, Markdown step summary and JUnit properties render any verdict."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from gate_helpers import Project

from pytest_releasekit import report
from pytest_releasekit.verdict import EXIT_GATE_FAILED, GateResult, Outcome, Verdict

CUSTOM = GateResult.of(
    [
        Verdict(
            "coverage_total",
            Outcome.PASS,
            measured=91.234,
            threshold=90.0,
            unit="%",
            op=">=",
            summary="120 of 130 statements",
        ),
        Verdict(
            "benchmark.parse",
            Outcome.FAIL,
            measured="+12.5 %",
            threshold="+5 %",
            summary="slower",
            details=tuple(f"round {i}" for i in range(12)),
            data={"p_value": 0.001, "samples": [1, 2, 3]},
        ),
        Verdict(
            "diff_coverage",
            Outcome.ERROR,
            threshold=80.0,
            unit="%",
            op=">=",
            summary="base ref 'x|y' does not exist",
            fix="fetch it",
        ),
        Verdict("api", Outcome.WARN, measured=3, summary="3 deprecations"),
    ]
)


def test_terminal_table_is_generic() -> None:
    lines = [text for text, _ in report.terminal_lines(CUSTOM, EXIT_GATE_FAILED)]
    header = lines[0].split()
    assert header == ["rule", "measured", "threshold", "verdict"]
    assert lines[1].split()[:5] == ["coverage_total", "91.23%", ">=", "90%", "PASS"]
    assert "benchmark.parse" in lines[2]
    assert "+12.5 %" in lines[2]
    assert "FAIL" in lines[2]
    assert lines[3:13] == [f"    round {i}" for i in range(10)]
    assert lines[13] == "    ... 2 more (-v)"
    assert "    p_value: 0.001" in lines
    assert "    samples: [1, 2, 3]" in lines
    assert "    fix: fetch it" in lines
    assert any(line.startswith("api ") and "WARN" in line for line in lines)
    assert lines[-1] == "gate: FAILED - 1 failed, 1 could not be measured (exit status 6)"
    verbose = [text for text, _ in report.terminal_lines(CUSTOM, 6, verbose=1)]
    assert "    round 11" in verbose


def test_markdown_is_generic() -> None:
    text = report.markdown(CUSTOM, EXIT_GATE_FAILED)
    assert text.startswith("### ❌ releasekit gate: FAILED")
    assert "| `coverage_total` | 91.23% | >= 90% | ✅ pass | 120 of 130 statements |" in text
    assert "base ref 'x\\|y' does not exist" in text  # pipes escaped inside the table
    assert "**Fix:** fetch it" in text
    assert "- round 11" in text
    assert '"p_value": 0.001' in text
    assert "<details open><summary><code>benchmark.parse</code> fail</summary>" in text


def test_json_round_trip() -> None:
    document = report.to_json(CUSTOM, exit_status=6, pytest_exit_status=0, extra={"x": 1})
    assert document["verdict"] == "fail"
    assert document["x"] == 1
    assert document["rules"][1] == {
        "rule": "benchmark.parse",
        "verdict": "fail",
        "measured": "+12.5 %",
        "threshold": "+5 %",
        "unit": "",
        "op": "",
        "summary": "slower",
        "details": [f"round {i}" for i in range(12)],
        "fix": None,
        "data": {"p_value": 0.001, "samples": [1, 2, 3]},
    }
    assert json.loads(json.dumps(document)) == document


TESTS = {"tests/test_it.py": "def test_a(): pass\ndef test_b(): pass\n"}


def test_step_summary_json_and_junit_from_a_run(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.configure("min_tests = {unit = 2, e2e = 0}")
    project.write(TESTS)
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    run = project.run(
        "--gate",
        "--gate-report=out/gate.json",
        "--junitxml=junit.xml",
        "--gate-set",
        "min_tests.unit=3",
    )
    assert run.ret == EXIT_GATE_FAILED
    # JSON
    document = json.loads((project.path / "out/gate.json").read_text())
    assert document["verdict"] == "fail"
    assert document["exit_status"] == EXIT_GATE_FAILED
    assert [r["rule"] for r in document["rules"]] == ["tests", "min_tests.unit", "min_tests.e2e"]
    assert document["settings"]["min_tests"] == {
        "value": {"unit": 3, "e2e": 0},
        "source": "--gate-set",
    }
    # Markdown appended, not overwritten
    text = summary.read_text()
    assert text.startswith("previous step\n### ❌ releasekit gate: FAILED")
    assert "| `min_tests.unit` | 2 | >= 3 | ❌ fail | 2 unit tests passed |" in text
    # JUnit: the gate's results as testsuite properties, test cases untouched
    root = ET.parse(project.path / "junit.xml").getroot()  # noqa: S314 - pytest's own output
    suite = root.find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iterfind("properties/property")}
    assert props["releasekit.gate"] == "fail"
    assert props["releasekit.gate.min_tests.unit.verdict"] == "fail"
    assert props["releasekit.gate.min_tests.unit.measured"] == "2"
    assert props["releasekit.gate.min_tests.unit.threshold"] == ">= 3"
    assert props["releasekit.gate.tests.verdict"] == "pass"
    assert len(suite.findall("testcase")) == 2


def test_junit_keeps_existing_properties(project: Project) -> None:
    project.configure()
    project.write(
        {
            "tests/test_prop.py": """
        def test_a(record_testsuite_property):
            record_testsuite_property("build", "42")
    """
        }
    )
    run = project.run("--gate", "--junitxml=junit.xml")
    assert run.ret == 0
    tree = ET.parse(project.path / "junit.xml")  # noqa: S314 - pytest's own output
    suite = tree.getroot().find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") for p in suite.iterfind("properties/property")}
    assert props["build"] == "42"
    assert props["releasekit.gate"] == "pass"


def test_unreadable_junit_file_is_reported_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "junit.xml"
    bad.write_text("<testsuites><testsuite>")
    seen: list[str] = []
    report.add_junit_properties(bad, CUSTOM, warn=seen.append)
    assert seen
    assert "cannot add gate properties" in seen[0]
