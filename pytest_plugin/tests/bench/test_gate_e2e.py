"""``pytest --gate`` end to end with pytester: both modes on a tiny suite, under the real plugin.

The benchmarks sleep (2 ms; 4 ms when slowed 2x) so that verdicts do not depend on the load of
the machine. The measuring processes are real pytest-benchmark runs.
"""

from __future__ import annotations

import json
import os

import pytest

from conftest import Project
from pytest_releasekit.bench import CHILD_ENV, baseline
from pytest_releasekit.bench.fingerprint import current
from pytest_releasekit.verdict import EXIT_GATE_FAILED

from .conftest import FAST, git

SUITE = """
    import os, time
    import pytest

    FACTOR = {factor}

    def work():
        time.sleep(0.002 * float(os.environ.get("TINY_FACTOR", FACTOR)))

    def test_sleep(benchmark):
        benchmark(work)

    @pytest.mark.benchmark_gate(max_regression=400)
    def test_tolerant(benchmark):
        benchmark(work)
"""


def _configure(project: Project) -> None:
    project.write(
        {
            "pyproject.toml": f"""
        [tool.pytest.ini_options]
        addopts = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
        markers = ["benchmark_gate(max_regression): per-benchmark threshold"]

        [tool.releasekit.gate]
        benchmark_rounds = 2
        benchmark_confirm_rounds = 2
        benchmark_plugin_autoload = false
        benchmark_pytest_args = {json.dumps(list(FAST))}
    """
        }
    )


@pytest.fixture
def bench_project(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    monkeypatch.delenv("TINY_FACTOR", raising=False)
    _configure(project)
    project.write({"perf/test_tiny.py": SUITE.format(factor=1.0)})
    return project


def _bench(run_verdicts: dict[str, str]) -> dict[str, str]:
    return {
        k.rsplit(".", 1)[-1]: v
        for k, v in run_verdicts.items()
        if k.startswith("benchmark_max_regression")
    }


def test_stored_baseline_mode_end_to_end(
    bench_project: Project,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    summary = tmp_path_factory.mktemp("summary") / "step-summary.md"
    missing = bench_project.run("--gate", "--gate-report=gate-report.json", "--benchmark-disable")
    assert missing.ret == EXIT_GATE_FAILED
    assert set(_bench(missing.verdicts()).values()) == {"error"}
    assert "gate-save-baseline" in missing.rule("benchmark_max_regression.test_sleep")["fix"]

    # the flag the docs name (alone: it implies --gate), then its config twin
    saved = bench_project.run("--gate-save-baseline", "--benchmark-disable")
    assert saved.ret == 0, saved.out
    assert "baseline saved: session 1" in saved.out
    saved = bench_project.run(
        "--gate",
        "--gate-set",
        "benchmark_save_baseline=true",
        "--gate-report=gate-report.json",
        "--benchmark-disable",
    )
    assert saved.ret == 0, saved.out
    stored = list((bench_project.path / ".benchmarks" / "releasekit").glob("*.json"))
    assert len(stored) == 2
    doc = json.loads(stored[0].read_text(encoding="utf-8"))
    assert doc["fingerprint"]["cpu_count"] >= 1
    assert len(doc["sessions"]) == 2

    same = bench_project.run("--gate", "--gate-report=gate-report.json", "--benchmark-disable")
    assert same.ret == 0, same.out
    assert _bench(same.verdicts()) == {"test_sleep": "pass", "test_tolerant": "pass"}

    monkeypatch.setenv("TINY_FACTOR", "2")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    slower = bench_project.run("--gate", "--gate-report=gate-report.json", "--benchmark-disable")
    assert slower.ret == EXIT_GATE_FAILED
    assert _bench(slower.verdicts()) == {"test_sleep": "fail", "test_tolerant": "pass"}
    data = slower.rule("benchmark_max_regression.test_sleep")["data"]
    assert data["mode"] == "stored-baseline"
    assert data["confirmed"] is True
    assert data["ratio"] > 1.5
    assert data["ci_low"] > 1.0
    assert data["base_estimate_s"] > 0.0019
    tolerant = slower.rule("benchmark_max_regression.test_tolerant")
    assert tolerant["threshold"] == 400
    assert tolerant["data"]["decision"] == "slower-within-threshold"
    assert "benchmark_max_regression.test_sleep" in slower.out
    if summary.exists():  # the step summary is the report module's (colleague's) business
        assert "benchmark_max_regression.test_sleep" in summary.read_text(encoding="utf-8")


def test_same_job_mode_end_to_end(bench_project: Project) -> None:
    root = bench_project.path
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "A")
    bench_project.write({"perf/test_tiny.py": SUITE.format(factor=2.0)})
    alone = bench_project.run("--gate-bench-base=HEAD", "--benchmark-disable")  # implies --gate
    assert alone.ret == EXIT_GATE_FAILED, alone.out
    assert "benchmark_max_regression.test_sleep" in alone.out
    run = bench_project.run(
        "--gate", "--gate-bench-base=HEAD", "--gate-report=gate-report.json", "--benchmark-disable"
    )
    assert run.ret == EXIT_GATE_FAILED, run.out
    assert _bench(run.verdicts()) == {"test_sleep": "fail", "test_tolerant": "pass"}
    data = run.rule("benchmark_max_regression.test_sleep")["data"]
    assert data["mode"] == "same-job"
    assert data["counts"]["rounds"] == 4  # 2 rounds, then 2 to confirm
    assert len(data["base_commit"]) == 40

    bench_project.write({"perf/test_tiny.py": SUITE.format(factor=1.0)})
    same = bench_project.run(
        "--gate",
        "--gate-set",
        "benchmark_base=HEAD",
        "--gate-report=gate-report.json",
        "--benchmark-disable",
        "-n",
        "2",
        mode="plain",
    )
    assert same.ret == 0, same.out
    assert _bench(same.verdicts()) == {"test_sleep": "pass", "test_tolerant": "pass"}
    worktrees = root / ".git" / "worktrees"
    assert not worktrees.exists() or not os.listdir(worktrees)  # the worktree was removed


def test_measuring_processes_run_without_the_gate(
    bench_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ``--gate`` that reaches a measuring process (e.g. through addopts) is off there: no rule
    is evaluated and no coverage is measured, so nothing but the benchmark costs time."""
    bench_project.write({"test_plain.py": "def test_one():\n    assert True\n"})
    argv = ("--gate", "--gate-set", "coverage_total=100", "--gate-set", "min_tests.e2e=1")
    gated = bench_project.run(*argv, "--benchmark-disable")
    assert gated.ret == EXIT_GATE_FAILED, gated.out
    (bench_project.path / ".coverage").unlink()  # the gate measured coverage there
    monkeypatch.setenv(CHILD_ENV, "1")
    child = bench_project.run(*argv, "--benchmark-disable")
    assert child.ret == 0, child.out
    assert "releasekit gate" in gated.out
    assert "releasekit gate" not in child.out
    assert not (bench_project.path / ".coverage").exists()


def test_stored_baseline_without_a_benchmark_rule_says_so(project: Project) -> None:
    """Benchmarks ran, baselines are stored, no benchmark key is set: one warn line, not silence."""
    project.write(
        {
            "pyproject.toml": """
            [tool.pytest.ini_options]
            addopts = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest"]
            """,
            "perf/test_tiny.py": SUITE.format(factor=1.0),
        }
    )
    name = "perf/test_tiny.py::test_sleep"
    baseline.save(project.path / ".benchmarks/releasekit", name, [[0.002]], current())
    run = project.run("--gate", "--gate-report=gate-report.json", "--benchmark-disable")
    assert run.ret == 0
    verdict = run.rule("benchmark")
    assert verdict["verdict"] == "warn"
    assert verdict["summary"].startswith(
        "1 of 2 benchmarks have a stored baseline in .benchmarks/releasekit, but no benchmark "
        "rule is configured, so nothing was compared"
    )
    assert verdict["data"]["stored"] == [name]
    run.result.stdout.fnmatch_lines(["benchmark * n/a * - * WARN * 1 of 2 benchmarks have a*"])
    off = ("--gate-set", "benchmark_max_regression=off")
    run = project.run("--gate", "--gate-report=gate-report.json", "--benchmark-disable", *off)
    assert "benchmark" not in run.verdicts()
