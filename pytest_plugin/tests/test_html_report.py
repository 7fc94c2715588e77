"""The HTML report, opened in Debian's Chromium (headless, driven by playwright): it renders with
no console error and no request leaving the disk, and each trend plot has the expected points."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser import render
from gate_helpers import SOURCES, TESTS, Project
from history_data import BENCHMARKS, FLAGGED_EVERY, gate_runs, releases

from pytest_releasekit.history import open_store
from pytest_releasekit.htmlreport import BASIC_TRACES, VENDORED_PLOTLYJS, plotly_js, write_report

RUNS, RELEASES = 24, 3
#: where the screenshot is kept: CI's artifact directory, else pytest's tmp dir
ARTIFACTS = os.environ.get("RELEASEKIT_TEST_ARTIFACTS")


def _screenshot(tmp_path: Path, name: str) -> Path:
    directory = Path(ARTIFACTS) if ARTIFACTS else tmp_path
    directory.mkdir(parents=True, exist_ok=True)
    return directory / name


def test_history_report_renders_every_trend_in_chromium(tmp_path: Path) -> None:
    metrics = {
        "figures": [{"name": "change_failure_rate", "value": 0.25, "unit": "ratio", "help": "x"}],
        "releases": [{"version": f"1.{i}.0", "lead_time_h": 5.0 + i} for i in range(RELEASES)],
    }
    index = write_report(tmp_path / "report", gate_runs(RUNS) + releases(RELEASES), metrics=metrics)
    assert sorted(p.name for p in index.parent.iterdir()) == ["index.html", "plotly.min.js"]
    shot = _screenshot(tmp_path, "html-report.png")
    page = render(index, screenshot=shot)
    print(f"screenshot: {shot}")
    assert page.errors == []
    assert all(url.startswith("file://") for url in page.requests), page.requests  # offline
    flagged = len(range(FLAGGED_EVERY - 1, RUNS, FLAGGED_EVERY))
    # band high, band low, estimate, flagged points
    assert page.points == {
        "plot-coverage": [RUNS],
        "plot-bench-0": [RUNS, RUNS, RUNS, flagged],
        "plot-bench-1": [RUNS, RUNS, RUNS, 0],
        "plot-tests": [RUNS, RUNS],  # e2e, unit
        "plot-durations": [RUNS, RUNS],
        "plot-flaky": [RUNS],
        "plot-releases": [RELEASES - 1, 1],  # released, rolled-back
        "plot-release-steps": [RELEASES] * 3,
        "plot-lead-time": [RELEASES],
    }
    assert f"{RUNS} gate run(s), {RELEASES} release(s)" in page.text
    assert all(name in page.text for name in ("change_failure_rate", "test_net.py::test_retry"))
    assert BENCHMARKS[0] in index.read_text(encoding="utf-8")
    assert shot.stat().st_size > 10_000
    # every trace was drawn as the type it was written as, by the basic bundle the page loads
    drawn = {pair[1] for pairs in page.types.values() for pair in pairs}
    assert all(written == used for pairs in page.types.values() for written, used in pairs)
    assert drawn <= BASIC_TRACES, page.types
    assert {"scatter", "bar"} <= drawn, page.types
    assert "plotly.js (basic - minified)" in (index.parent / "plotly.min.js").read_text()[:200]


def test_the_page_loads_the_vendored_basic_bundle_of_the_figures_plotlyjs() -> None:
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    script = plotly_js()
    header = script[:200]
    assert f"plotly.js (basic - minified) v{VENDORED_PLOTLYJS}" in header
    # the installed plotly makes figures for this plotly.js: same major (else the full bundle)
    assert get_plotlyjs_version().split(".")[0] == VENDORED_PLOTLYJS.split(".")[0]
    assert len(script) < len(get_plotlyjs()) / 3


def test_another_plotlyjs_major_gets_plotlys_own_full_bundle(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import plotly.offline

    # a plotly release bundling another major plotly.js (not installable next to this one)
    monkeypatch.setattr(plotly.offline, "get_plotlyjs_version", lambda: "99.0.0")
    assert plotly_js() == plotly.offline.get_plotlyjs()


def test_gate_records_each_run_and_writes_the_report(project: Project, tmp_path: Path) -> None:
    """Two real gate runs with --gate-history and --gate-html: both recorded (coverage total and
    per file, tiers, durations), and the second report plots both."""
    project.configure("coverage_total = 50\nmin_tests.unit = 1")
    project.write({**SOURCES, **TESTS})
    for _ in range(2):
        run = project.run(
            "--gate-history=.history",
            "--gate-html=html",
            "--gate-report=gate-report.json",
            subprocess=True,
        )
        assert run.ret == 0, run.out
    assert "gate run recorded in" in run.out
    assert "HTML report written to" in run.out
    records = open_store(".history", project.path).records("gate")
    assert len(records) == 2
    latest = records[-1]
    assert latest["verdict"] == "pass"
    assert latest["tiers"] == {"unit": {"passed": 5}}
    assert latest["durations"]["unit"] > 0
    measured = run.rule("coverage_total")["measured"]
    assert latest["coverage"]["total"] == pytest.approx(measured, abs=1e-3)
    assert latest["coverage"]["files"]["src/pkg/never.py"] == 0.0
    page = (project.path / "html" / "index.html").read_text(encoding="utf-8")
    assert "2 gate run(s), 0 release(s)" in page
    assert 'id="plot-coverage"' in page
    assert (project.path / "html" / "plotly.min.js").is_file()
