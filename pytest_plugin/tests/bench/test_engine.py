"""Both modes end to end at the engine level: real git, real pytest-benchmark processes.

The benchmark sleeps (2 ms, or 4 ms for a 2x slowdown) so that the outcome does not depend on
the load of the machine running the tests.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from pytest_releasekit.bench import baseline, engine, fingerprint
from pytest_releasekit.bench.config import BenchSettings
from pytest_releasekit.bench.runner import WorktreeError
from pytest_releasekit.bench.verdicts import to_verdicts
from pytest_releasekit.verdict import Outcome

from .conftest import FAST, set_factor

SLEEP = "perf/test_tiny.py::test_sleep"
SKIPPED = "perf/test_tiny.py::test_skipped"
SETTINGS = BenchSettings(
    rounds=2,
    confirm_rounds=2,
    pytest_args=FAST,
    plugin_autoload=False,
    min_samples=5,
    baseline_sessions=3,
)


def _req(root: Path, names: list[str], **kw: object) -> engine.Request:
    return engine.Request(
        rootdir=root, benchmarks=names, thresholds={}, settings=SETTINGS, seed=1, **kw
    )  # type: ignore[arg-type]


def _outcomes(result: engine.Result) -> dict[str, Outcome]:
    return {v.data["benchmark"]: v.outcome for v in to_verdicts(result.assessments, SETTINGS, "x")}


def test_stored_baseline_mode(tiny_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    names = [SLEEP, SKIPPED]
    missing = engine.stored(_req(tiny_project, names))
    assert {a.status for a in missing.assessments} == {"missing-baseline"}

    saved = engine.save_baseline(_req(tiny_project, names))
    engine.save_baseline(_req(tiny_project, names))
    assert _outcomes(saved) == {SLEEP: Outcome.PASS, SKIPPED: Outcome.ERROR}
    stored = baseline.load(tiny_project / SETTINGS.baseline_dir, SLEEP)
    assert stored is not None
    assert len(stored.sessions) == 2
    assert all(len(r) >= 5 for s in stored.sessions for r in s)

    same = engine.stored(_req(tiny_project, [SLEEP]))
    (a,) = same.assessments
    assert a.status == "compared", a.reason
    assert a.decision != "regression"
    assert a.counts["base_sessions"] == 2

    monkeypatch.setenv("TINY_FACTOR", "2")
    slower = engine.stored(_req(tiny_project, [SLEEP]))
    (b,) = slower.assessments
    assert b.decision == "regression"
    assert b.confirmed is True
    assert b.ratio is not None
    assert b.ratio > 1.5
    (v,) = to_verdicts(slower.assessments, SETTINGS, slower.mode)
    assert v.outcome is Outcome.FAIL
    assert json.loads(json.dumps(v.to_json()))["data"]["ci_low"] > 1.0


def test_incomparable_baseline_is_explicit(tiny_project: Path) -> None:
    other = replace(fingerprint.current(), cpu_model="A different CPU")
    baseline.save(tiny_project / SETTINGS.baseline_dir, SLEEP, [[1e-3] * 10], other)
    (a,) = engine.stored(_req(tiny_project, [SLEEP])).assessments
    assert a.status == "incomparable"
    assert "cpu_model" in a.reason
    warn = replace(SETTINGS, incomparable="warn")
    (v,) = to_verdicts([a], warn, "stored-baseline")
    assert v.outcome is Outcome.WARN


def test_same_job_mode(tiny_project: Path) -> None:
    new = """
def test_new(benchmark):
    benchmark(work)
"""
    (tiny_project / "perf" / "test_added.py").write_text(
        "import time\n\ndef test_added(benchmark):\n    benchmark(time.sleep, 0.001)\n",
        encoding="utf-8",
    )
    set_factor(tiny_project, 2.0, extra=new)
    names = [SLEEP, SKIPPED, "perf/test_tiny.py::test_new", "perf/test_added.py::test_added"]
    result = engine.same_job(_req(tiny_project, names, base_ref="main"))
    by = {a.name: a for a in result.assessments}
    assert result.base_commit
    assert by[SLEEP].decision == "regression"
    assert by[SLEEP].confirmed is True
    assert by[SLEEP].counts["rounds"] == 4
    assert by[SKIPPED].status == "no-data"
    assert by["perf/test_tiny.py::test_new"].status == "missing-in-base"
    assert by["perf/test_added.py::test_added"].status == "missing-in-base"
    # the temporary worktree is gone
    worktrees = tiny_project / ".git" / "worktrees"
    assert not worktrees.exists() or not any(worktrees.iterdir())


def test_same_job_identical_code_passes(tiny_project: Path) -> None:
    result = engine.same_job(_req(tiny_project, [SLEEP], base_ref="HEAD"))
    (a,) = result.assessments
    assert a.status == "compared"
    assert a.decision != "regression"


def test_same_job_unknown_ref(tiny_project: Path) -> None:
    with pytest.raises(WorktreeError, match="fetch"):
        engine.same_job(_req(tiny_project, [SLEEP], base_ref="no-such-ref"))
