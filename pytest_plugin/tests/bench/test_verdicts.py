"""Integrity verdicts and the report formats (verdict JSON data, Markdown, terminal table)."""

from __future__ import annotations

import json
import math

import pytest

from pytest_releasekit.bench.config import BenchSettings, threshold_for
from pytest_releasekit.bench.decide import Assessment, decide
from pytest_releasekit.bench.samples import parse_benchmark_json
from pytest_releasekit.bench.verdicts import markdown, terminal_lines, to_verdicts
from pytest_releasekit.stats import LogEffect
from pytest_releasekit.verdict import Outcome

S = BenchSettings()


def _compared(name: str, ratio: float, se: float) -> Assessment:
    return Assessment(
        name=name,
        status="compared",
        threshold=0.05,
        base_estimate=1e-3,
        current_estimate=1e-3 * ratio,
        effect=LogEffect(d=math.log(ratio), se=se, df=12, method="paired-rounds"),
        counts={"rounds": 5},
    )


@pytest.mark.parametrize(
    ("status", "settings", "outcome"),
    [
        ("no-data", S, Outcome.ERROR),
        ("too-few-samples", S, Outcome.ERROR),
        ("missing-baseline", S, Outcome.ERROR),
        ("missing-in-base", S, Outcome.ERROR),
        ("incomparable", S, Outcome.ERROR),
        ("error", S, Outcome.ERROR),
        ("incomparable", BenchSettings(incomparable="warn"), Outcome.WARN),
        ("missing-baseline", BenchSettings(missing="warn"), Outcome.WARN),
        ("saved", S, Outcome.PASS),
    ],
)
def test_integrity_outcomes_are_never_a_pass(
    status: str, settings: BenchSettings, outcome: Outcome
) -> None:
    a = Assessment(name="t.py::test_a", status=status, threshold=0.05, reason="why", fix="how")
    (v,) = to_verdicts([a], settings, "stored-baseline")
    assert v.outcome is outcome
    assert v.summary == "why"
    assert v.fix == "how"
    assert v.data["status"] == status


def test_compared_verdicts_carry_estimates_ratio_and_interval() -> None:
    decided = decide(
        [_compared("t.py::test_fast", 1.0, 0.01), _compared("t.py::test_slow", 1.2, 0.01)], 0.01
    )
    ok, bad = to_verdicts(decided, S, "same-job")
    assert ok.outcome is Outcome.PASS
    assert bad.outcome is Outcome.FAIL
    assert bad.rule == "benchmark_max_regression.test_slow"
    assert bad.measured == pytest.approx(20.0)
    assert bad.threshold == 5.0
    assert bad.fix
    assert "benchmark_overrides" in bad.fix
    data = json.loads(json.dumps(bad.to_json()))["data"]
    assert data["mode"] == "same-job"
    assert data["decision"] == "regression"
    assert data["base_estimate_s"] == pytest.approx(1e-3)
    assert data["current_estimate_s"] == pytest.approx(1.2e-3)
    assert data["ci_low"] < 1.2 < data["ci_high"]
    assert 0 < data["ci_level"] < 1
    assert "regression" in bad.summary
    assert "+20.0%" in bad.summary


def test_markdown_and_terminal_tables() -> None:
    verdicts = to_verdicts(
        [
            *decide([_compared("a.py::test_x", 1.2, 0.01)], 0.01),
            Assessment(name="b.py::test_x", status="no-data", threshold=0.05, reason="r"),
        ],
        S,
        "stored-baseline",
    )
    md = markdown(verdicts).splitlines()
    assert md[0].startswith("| benchmark | baseline | current | change | interval")
    assert "a.py::test_x" in md[2]
    assert "FAIL" in md[2]
    assert "+20.0%" in md[2]
    assert "ERROR" in md[3]
    assert "no-data" in md[3]
    lines = terminal_lines(verdicts)
    assert len(lines) == 3
    assert lines[1].index("+20.0%") == lines[0].index("change")


def test_thresholds_marker_then_overrides_then_global() -> None:
    s = BenchSettings(max_regression=5, overrides={"tests/io/*": 20, "test_noisy": 12})
    assert threshold_for("tests/io/test_a.py::test_b", s) == pytest.approx(0.20)
    assert threshold_for("tests/x.py::test_noisy", s) == pytest.approx(0.12)
    assert threshold_for("tests/x.py::test_other", s) == pytest.approx(0.05)
    assert threshold_for("tests/io/test_a.py::test_b", s, marker_percent=30) == pytest.approx(0.3)


def test_parse_benchmark_json_normalises_per_call() -> None:
    doc = {
        "benchmarks": [
            {
                "fullname": "t.py::a",
                "stats": {"data": [2.0, 4.0, 6.0], "median": 0.4, "iterations": 10},
            },
            {"fullname": "t.py::b", "stats": {"data": [1.0, 2.0, 3.0], "median": 2.0}},
            {"fullname": "t.py::c", "stats": {"data": [], "median": 1.0}},
        ]
    }
    out = parse_benchmark_json(doc)
    assert out["t.py::a"] == pytest.approx([0.2, 0.4, 0.6])
    assert out["t.py::b"] == [1.0, 2.0, 3.0]
    assert "t.py::c" not in out
