"""Overhead of pytest-releasekit's gate, reported as ratios (run by ``nox -s bench``).

1. ``pytest --gate`` (no coverage rules) vs ``pytest -p no:releasekit`` on a generated suite of
   5,000 trivial tests (target <= 1.03x);
2. ``pytest --cov --gate`` with coverage rules vs plain ``pytest --cov`` (target <= 1.05x);
3. evaluating the per-file + diff rules on coverage data of ~200,000 statements (target < 1 s)
   for a pull request whose CI restored the memo of coverage.py's per-file results left by the
   default branch's run (5 % of the files changed), with the same rules without a memo and
   ``coverage report`` for scale.

Timings are best-of-N with the variants interleaved, in fresh processes; the ratios use CPU time
(user + sys of the pytest process), which other jobs on a shared machine disturb far less than
wall time (also shown). Not a test: numbers depend on the machine; the JSON (``--json``) is for
comparing runs on the same machine.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

# plugins installed in the dev environment that have nothing to do with what is measured
UNRELATED = [
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:benchmark",
    "-p",
    "no:anyio",
    "-p",
    "no:randomly",
    "-p",
    "no:cacheprovider",
]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_suite(root: Path, tests: int) -> None:
    """``tests`` trivial tests over 50 files, exercising a small package (for coverage)."""
    files = 50
    per_file = max(1, tests // files)
    for m in range(10):
        write(
            root / f"src/benchpkg/mod{m}.py",
            "".join(
                f"def f{j}(x):\n    if x > {j}:\n        return x - {j}\n    return x + {j}\n\n\n"
                for j in range(20)
            ),
        )
    write(root / "src/benchpkg/__init__.py", "")
    for t in range(files):
        module = t % 10
        body = [f"from benchpkg import mod{module}\n\n"]
        body += [
            f"def test_{t}_{i}():\n    assert mod{module}.f{i % 20}({i % 40}) is not None\n\n"
            for i in range(per_file)
        ]
        write(root / f"tests/test_bench_{t}.py", "".join(body))
    write(
        root / "pyproject.toml",
        textwrap.dedent("""
        [tool.pytest.ini_options]
        pythonpath = ["src"]
        testpaths = ["tests"]

        [tool.coverage.run]
        source = ["src"]
        branch = true

        [tool.releasekit.gate]
        min_tests = {unit = 100}
    """),
    )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(argv: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + sys) of one run of ``argv``."""
    cpu = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(list(argv), cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(argv)} failed ({done.returncode}):\n{done.stdout[-3000:]}"
            f"\n{done.stderr[-3000:]}"
        )
    return elapsed, _children_cpu() - cpu


def compare(variants: dict[str, list[str]], cwd: Path, rounds: int) -> dict[str, dict[str, float]]:
    """Run each variant ``rounds`` times, interleaved; best and median wall and CPU times.

    CPU time (user + sys of the pytest process) is the figure the ratios use: on a shared
    machine it is far less disturbed by other jobs than wall time, which is reported too."""
    wall: dict[str, list[float]] = {name: [] for name in variants}
    cpu: dict[str, list[float]] = {name: [] for name in variants}
    for argv in variants.values():  # warm-up: imports, .pyc files
        timed(argv, cwd)
    for _ in range(rounds):
        for name, argv in variants.items():
            w, c = timed(argv, cwd)
            wall[name].append(w)
            cpu[name].append(c)
    return {
        name: {
            "best": min(cpu[name]),
            "median": statistics.median(cpu[name]),
            "wall_best": min(wall[name]),
            "wall_median": statistics.median(wall[name]),
            "runs": len(cpu[name]),
        }
        for name in variants
    }


def run_overhead(tests: int, rounds: int) -> dict[str, Any]:
    pytest = [sys.executable, "-m", "pytest", "-q", *UNRELATED]
    with tempfile.TemporaryDirectory(prefix="bench-gate-") as tmp:
        root = Path(tmp)
        make_suite(root, tests)
        plain = compare(
            {
                "pytest -p no:releasekit": [*pytest, "-p", "no:releasekit"],
                "pytest --gate": [*pytest, "--gate"],
            },
            root,
            rounds,
        )
        cov = compare(
            {
                "pytest --cov": [*pytest, "--cov", "-p", "no:releasekit"],
                "pytest --cov --gate (coverage rules)": [
                    *pytest,
                    "--cov",
                    "--gate",
                    "--gate-set",
                    "coverage_total=40",
                    "--gate-set",
                    "coverage_per_file=10",
                    "--gate-set",
                    "coverage_branch=0",
                ],
            },
            root,
            rounds,
        )
    return {"gate": plain, "cov": cov}


# ----------------------------------------------------------------------- rule evaluation
def git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@invalid",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@invalid",
    }
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def make_big_project(root: Path, statements: int) -> Callable[[str], None]:
    """~``statements`` statements in 1,000-ish files on branch ``main``, and a branch
    ``feature`` changing 5 % of the files. Returns ``checkout(branch)``, which switches the work
    tree and writes coverage data of a test run there (about three quarters of the lines)."""
    from coverage import CoverageData

    funcs_per_file = 50  # 4 statements each
    files = max(1, statements // (funcs_per_file * 4))
    changed = set(range(0, files, 20))

    def source(extra: bool) -> str:
        text = "".join(
            f"def f{j}(x):\n    if x > {j}:\n        return x + {j}\n    return x - {j}\n"
            for j in range(funcs_per_file)
        )
        if extra:
            text += "def changed(x):\n    if x:\n        return 1\n    return 2\n"
        return text

    for i in range(files):
        write(root / f"src/big/m{i}.py", source(extra=False))
    write(root / "pyproject.toml", "[tool.coverage.run]\nsource = ['src']\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    for i in changed:
        write(root / f"src/big/m{i}.py", source(extra=True))
    git(root, "commit", "-q", "-am", "feature")

    def checkout(branch: str) -> None:
        git(root, "checkout", "-q", branch)
        (root / ".coverage").unlink(missing_ok=True)
        data = CoverageData(str(root / ".coverage"))
        lines: dict[str, list[int]] = {}
        for i in range(files):
            executed: list[int] = []
            for j in range(funcs_per_file):
                b = 4 * j + 1
                executed += [b, b + 1, b + 2 if (i + j) % 3 else b + 3]
            if branch == "feature" and i in changed:
                b = 4 * funcs_per_file + 1
                executed += [b, b + 1, b + 2]
            lines[str(root / f"src/big/m{i}.py")] = executed
        data.add_lines(lines)
        data.write()

    return checkout


def run_evaluation(statements: int, rounds: int) -> dict[str, Any]:
    """Evaluating the per-file + diff rules on a pull request's coverage data, three ways:

    - ``no_memo``: coverage.py analyses every file (no memo: first run, or no pytest cache);
    - ``warm``: the memo left by the ``main`` branch's run (a CI cache restored from it), the
      pull request changing 5 % of the files: only those are analysed again;
    - ``rules_only``: the gate's own rule logic, on analysis already done.
    """
    import coverage

    from pytest_releasekit.gates import GateRun, all_keys, evaluate
    from pytest_releasekit.gates.coverage import CoverageRule
    from pytest_releasekit.gates.diff import DiffRule
    from pytest_releasekit.measure import CoverageSource
    from pytest_releasekit.settings import load_settings
    from pytest_releasekit.tiers import Tally

    with tempfile.TemporaryDirectory(prefix="bench-eval-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        checkout = make_big_project(root, statements)
        settings = load_settings(
            {
                "coverage_per_file": 70,
                "coverage_per_file_overrides": {"src/big/m1*.py": 60},
                "coverage_per_file_exclude": ["src/big/m99*.py"],
                "diff_coverage": 80,
                "diff_base": "main",
            },
            (),
            all_keys(),
        )
        selected = [CoverageRule(), DiffRule()]

        def timed_evaluate(memo: Path | None) -> tuple[float, GateRun, Any]:
            source = CoverageSource("bench", str(root / ".coverage"), cwd=root, memo_dir=memo)
            run = GateRun(settings, Tally(), source, root, root)
            start = time.perf_counter()
            result = evaluate(run, selected)
            return time.perf_counter() - start, run, result

        times: dict[str, list[float]] = {"no_memo": [], "main_run": [], "warm": [], "rules": []}
        verdicts: list[dict[str, Any]] = []
        for r in range(rounds):
            memo = Path(tmp) / f"memo-{r}"
            checkout("main")
            times["main_run"].append(timed_evaluate(memo)[0])  # leaves the memo behind
            checkout("feature")
            times["no_memo"].append(timed_evaluate(None)[0])
            seconds, run, result = timed_evaluate(memo)
            times["warm"].append(seconds)
            start = time.perf_counter()  # again, on the analysis already done
            evaluate(run, selected)
            times["rules"].append(time.perf_counter() - start)
            verdicts = [
                {"rule": v.rule, "verdict": v.outcome.value, "measured": v.measured}
                for v in result.verdicts
            ]
            assert verdicts == [
                {"rule": v.rule, "verdict": v.outcome.value, "measured": v.measured}
                for v in timed_evaluate(None)[2].verdicts
            ]
        report = run.coverage.report()
        reference: list[float] = []
        for _ in range(rounds):  # what `coverage report` costs on the same data, for scale
            start = time.perf_counter()
            cov = coverage.Coverage(data_file=str(root / ".coverage"), config_file=False)
            cov.load()
            cov.report(file=io.StringIO())
            reference.append(time.perf_counter() - start)
    return {
        "coverage_report_best": min(reference),
        "statements": report.statements,
        "files": len(report.files),
        "no_memo_best": min(times["no_memo"]),
        "main_run_best": min(times["main_run"]),
        "warm_best": min(times["warm"]),
        "warm_median": statistics.median(times["warm"]),
        "rules_only_best": min(times["rules"]),
        "verdicts": verdicts,
    }


# ----------------------------------------------------------------------- output
def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smaller inputs and fewer rounds (a smoke run, not a measurement)",
    )
    parser.add_argument("--json", type=Path, help="write the figures to this JSON file")
    parser.add_argument("--rounds", type=int, help="timed runs per variant (default 5; quick 2)")
    args = parser.parse_args(argv)
    rounds = args.rounds or (2 if args.quick else 5)
    tests = 500 if args.quick else 5000
    statements = 20_000 if args.quick else 200_000

    overhead = run_overhead(tests, rounds)
    evaluation = run_evaluation(statements, max(1, rounds // 2))
    gate, cov = overhead["gate"], overhead["cov"]
    ratios = {
        "gate_vs_disabled": gate["pytest --gate"]["best"] / gate["pytest -p no:releasekit"]["best"],
        "gate_cov_vs_cov": cov["pytest --cov --gate (coverage rules)"]["best"]
        / cov["pytest --cov"]["best"],
        "gate_vs_disabled_wall": gate["pytest --gate"]["wall_best"]
        / gate["pytest -p no:releasekit"]["wall_best"],
        "gate_cov_vs_cov_wall": cov["pytest --cov --gate (coverage rules)"]["wall_best"]
        / cov["pytest --cov"]["wall_best"],
    }
    rows = [
        (
            f"pytest --gate vs -p no:releasekit ({tests} tests), CPU",
            f"{ratios['gate_vs_disabled']:.3f}x",
            "<= 1.03x",
            ratios["gate_vs_disabled"] <= 1.03,
        ),
        ("  same, wall clock", f"{ratios['gate_vs_disabled_wall']:.3f}x", "", None),
        (
            "pytest --cov --gate (coverage rules) vs pytest --cov, CPU",
            f"{ratios['gate_cov_vs_cov']:.3f}x",
            "<= 1.05x",
            ratios["gate_cov_vs_cov"] <= 1.05,
        ),
        ("  same, wall clock", f"{ratios['gate_cov_vs_cov_wall']:.3f}x", "", None),
        (
            f"per-file + diff rules, {evaluation['statements']:,} statements, pull request "
            "(memo from main's run, 5 % of files changed)",
            f"{evaluation['warm_best']:.2f} s",
            "< 1 s",
            evaluation["warm_best"] < 1,
        ),
        ("  same, median of the rounds", f"{evaluation['warm_median']:.2f} s", "", None),
        (
            "  of which the gate's rule logic",
            f"{evaluation['rules_only_best']:.3f} s",
            "",
            None,
        ),
        (
            "  same rules without a memo (coverage.py analyses every file)",
            f"{evaluation['no_memo_best']:.2f} s",
            "",
            None,
        ),
        (
            "  main's run (no memo yet; analyses and stores)",
            f"{evaluation['main_run_best']:.2f} s",
            "",
            None,
        ),
        (
            "  for scale: `coverage report` on the same data",
            f"{evaluation['coverage_report_best']:.2f} s",
            "",
            None,
        ),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>10}  {'target':>8}  met")
    for name, value, target, met in rows:
        mark = "" if met is None else ("yes" if met else "NO")
        print(f"{name.ljust(width)}  {value:>10}  {target:>8}  {mark}")
    print()
    for group in (gate, cov):
        for name, figures in group.items():
            print(
                f"  {name}: CPU best {figures['best']:.2f} s, median {figures['median']:.2f} s;"
                f" wall best {figures['wall_best']:.2f} s, median {figures['wall_median']:.2f} s"
                f" ({figures['runs']} runs)"
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps(
                {
                    "quick": args.quick,
                    "rounds": rounds,
                    "tests": tests,
                    "ratios": ratios,
                    "overhead": overhead,
                    "evaluation": evaluation,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
