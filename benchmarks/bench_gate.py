"""The benchmark-gate experiment (``nox -s bench-gate``): is the gate right on a noisy machine?

Runs the gate as a user does (separate ``pytest`` invocations, real pytest-benchmark benchmarks,
no simulated samples) on ``bench_gate_suite/``, a small JSON + sort workload whose work is scaled
by ``FACTOR`` in ``workload.py`` or the ``BENCH_GATE_WORK`` environment variable:

- same-job mode: ``pytest --gate --gate-bench-base=HEAD`` with the working tree's ``FACTOR`` at
  1.00 (A/A), 1.05 or 1.10 (A/B);
- stored-baseline mode: ``pytest --gate --gate-save-baseline`` (several sessions) at the start,
  then ``pytest --gate`` with ``BENCH_GATE_WORK`` at 1.00, 1.05 or 1.10; every ``--resave-every``
  stored runs one more baseline session is saved (the last 5 are kept), as the documented CI
  set-up does on every run of the main branch, so the noise model sees the machine over time;
- pytest-benchmark alone: ``--benchmark-save`` at the start and at every re-save, then
  ``--benchmark-compare --benchmark-compare-fail=mean:5%`` against the latest saved run, with
  the same work factors.

Conditions are interleaved (A/A, +10%, +5%, A/A, ...) so that the machine's load hits them alike.
The table (mode, change, runs, flagged %) is printed and written to
``docs/gate/benchmark-results.md``; every run is kept as a JSON line next to it (``--raw``).

Usage: ``python benchmarks/bench_gate.py [--runs-aa 100] [--runs-ab 50] [--quick] [--jobs 1]``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITE = HERE / "bench_gate_suite"
RESULTS = HERE.parent / "docs" / "gate" / "benchmark-results.md"

CHANGES = {"A/A": 1.0, "+10%": 1.10, "+5%": 1.05}
#: pytest-benchmark options of the gate's measuring processes: short, many processes instead.
MEASURE_ARGS = ["--benchmark-max-time=0.05", "--benchmark-min-rounds=15", "--benchmark-warmup=off"]

PYPROJECT = """\
[tool.pytest.ini_options]
pythonpath = ["."]
addopts = ["-p", "no:cacheprovider"]

[tool.releasekit.gate]
benchmark_max_regression = 5
benchmark_plugin_autoload = false
benchmark_pytest_args = {args}
"""


@dataclass
class Outcome:
    mode: str
    change: str
    flagged: bool
    failed: int
    errors: int
    seconds: float
    ratios: dict[str, float | None]
    exit_status: int
    at: float = 0.0  #: when the run ended (Unix time), for looking at drift afterwards


def git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=bench@example.invalid", "-c", "user.name=bench", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


def make_project(root: Path, keys: Sequence[str] = ()) -> Path:
    """The experiment's project; ``keys`` are extra lines of its gate table (``--gate-key``)."""
    root.mkdir(parents=True)
    for name in ("workload.py", "test_workload.py"):
        shutil.copy(SUITE / name, root / name)
    (root / "pyproject.toml").write_text(
        PYPROJECT.format(args=json.dumps(MEASURE_ARGS)) + "".join(f"{k}\n" for k in keys),
        encoding="utf-8",
    )
    git(root, "init", "-q", "-b", "main")
    git(root, "add", ".")
    git(root, "commit", "-qm", "workload at FACTOR = 1.0")
    return root


def set_factor(root: Path, factor: float) -> None:
    path = root / "workload.py"
    text = re.sub(r"(?m)^FACTOR = .*$", f"FACTOR = {factor!r}", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")


def env(factor: float | None) -> dict[str, str]:
    out = {k: v for k, v in os.environ.items() if k != "BENCH_GATE_WORK"}
    if factor is not None:
        out["BENCH_GATE_WORK"] = str(factor)
    return out


def pytest(root: Path, args: list[str], factor: float | None = None) -> tuple[int, str, float]:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=root,
        env=env(factor),
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start


def flags(root: Path) -> tuple[list[str], list[str]]:
    """(same-job flags, save-baseline flags): the documented options, or their key twins."""
    _, help_text, _ = pytest(root, ["--help"])
    base = (
        ["--gate-bench-base=HEAD"]
        if "--gate-bench-base" in help_text
        else ["--gate-set", "benchmark_base=HEAD"]
    )
    save = (
        ["--gate-save-baseline"]
        if "--gate-save-baseline" in help_text
        else ["--gate-set", "benchmark_save_baseline=true"]
    )
    return base, save


def gate_outcome(
    mode: str, change: str, root: Path, args: list[str], factor: float | None
) -> Outcome:
    report = root / "gate-report.json"
    report.unlink(missing_ok=True)
    status, output, seconds = pytest(
        root, ["--gate", "--benchmark-disable", f"--gate-report={report}", "-q", *args], factor
    )
    try:
        doc = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(output[-3000:], file=sys.stderr)
        return Outcome(mode, change, True, 0, 1, seconds, {}, status)
    bench = [r for r in doc["rules"] if r["rule"].startswith("benchmark_max_regression")]
    failed = sum(r["verdict"] == "fail" for r in bench)
    errors = sum(r["verdict"] == "error" for r in bench) + (0 if bench else 1)
    ratios = {r["rule"].rsplit(".", 1)[-1]: r["data"].get("ratio") for r in bench}
    if errors:
        print(f"[{mode} {change}] gate error:\n" + output[-2000:], file=sys.stderr)
    return Outcome(mode, change, bool(failed or errors), failed, errors, seconds, ratios, status)


def pb_outcome(change: str, root: Path, storage: str) -> Outcome:
    status, output, seconds = pytest(
        root,
        [
            "--benchmark-only",
            f"--benchmark-storage={storage}",
            "--benchmark-compare",  # the latest saved run
            "--benchmark-compare-fail=mean:5%",
            "-q",
        ],
        CHANGES[change],
    )
    regressed = "Performance has regressed" in output
    if status not in (0, 1) or (status == 1 and not regressed):
        print(
            f"[pytest-benchmark {change}] unexpected exit {status}:\n{output[-2000:]}",
            file=sys.stderr,
        )
    return Outcome(
        "pytest-benchmark mean:5%",
        change,
        regressed,
        int(regressed),
        int(status not in (0, 1)),
        seconds,
        {},
        status,
    )


def schedule(aa: int, ab: int) -> Iterator[str]:
    """A/A, +10%, +5%, A/A, ... interleaved until every condition has its count."""
    for i in range(max(aa, ab)):
        if i < aa:
            yield "A/A"
        if i < ab:
            yield "+10%"
            yield "+5%"


def same_job_stream(
    work: Path, aa: int, ab: int, raw: Path, keys: Sequence[str]
) -> Iterator[Outcome]:
    root = make_project(work / "same-job", keys)
    base_flag, _ = flags(root)
    for change in schedule(aa, ab):
        set_factor(root, CHANGES[change])
        yield record(raw, gate_outcome("same-job", change, root, base_flag, None))


def save_baselines(root: Path, save_flag: list[str], storage: str, sessions: int) -> None:
    """Append ``sessions`` gate baseline sessions, and save one pytest-benchmark run (the code
    at FACTOR 1.0: the reference both compare with)."""
    for i in range(sessions):
        status, output, _ = pytest(root, ["--gate", "--benchmark-disable", "-q", *save_flag])
        if status != 0:
            raise SystemExit(f"saving baseline session {i + 1} failed:\n{output[-3000:]}")
    status, output, _ = pytest(
        root, ["--benchmark-only", f"--benchmark-storage={storage}", "--benchmark-save=base", "-q"]
    )
    if status != 0:
        raise SystemExit(f"pytest-benchmark --benchmark-save failed:\n{output[-3000:]}")


def stored_stream(
    work: Path,
    aa: int,
    ab: int,
    raw: Path,
    keys: Sequence[str],
    sessions: int,
    pb_every: int,
    resave_every: int,
) -> Iterator[Outcome]:
    root = make_project(work / "stored", keys)
    _, save_flag = flags(root)
    storage = f"file://{work / 'pb-storage'}"
    save_baselines(root, save_flag, storage, sessions)
    seen = dict.fromkeys(CHANGES, 0)
    for i, change in enumerate(schedule(aa, ab)):
        if resave_every and i and i % resave_every == 0:
            save_baselines(root, save_flag, storage, 1)
        yield record(raw, gate_outcome("stored-baseline", change, root, [], CHANGES[change]))
        if seen[change] % pb_every == 0:
            yield record(raw, pb_outcome(change, root, storage))
        seen[change] += 1


def interleave(*streams: Iterator[Outcome]) -> list[Outcome]:
    """Round-robin over the streams, so every mode sees the same stretch of machine load."""
    out: list[Outcome] = []
    live = list(streams)
    while live:
        for stream in list(live):
            try:
                out.append(next(stream))
            except StopIteration:
                live.remove(stream)
    return out


def record(raw: Path, outcome: Outcome) -> Outcome:
    outcome = replace(outcome, at=round(time.time(), 1))
    with raw.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(asdict(outcome)) + "\n")
    ratios = {k: None if v is None else round(v, 4) for k, v in outcome.ratios.items()}
    print(
        f"{outcome.mode:26} {outcome.change:5} flagged={int(outcome.flagged)} "
        f"errors={outcome.errors} {outcome.seconds:5.1f}s {ratios}",
        flush=True,
    )
    return outcome


def table(outcomes: list[Outcome]) -> str:
    lines = [
        "| mode | change | runs | flagged | flagged % | of which errors | median s/run |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for mode in ("same-job", "stored-baseline", "pytest-benchmark mean:5%"):
        for change in CHANGES:
            rows = [o for o in outcomes if o.mode == mode and o.change == change]
            if not rows:
                continue
            n, flagged = len(rows), sum(o.flagged for o in rows)
            lines.append(
                f"| {mode} | {change} | {n} | {flagged} | {100 * flagged / n:.1f}% | "
                f"{sum(o.errors > 0 for o in rows)} | "
                f"{statistics.median(o.seconds for o in rows):.1f} |"
            )
    return "\n".join(lines) + "\n"


def floor_sweep(
    outcomes: list[Outcome], sessions: int, floors: tuple[float, ...] = (2, 3, 4, 5, 6, 8)
) -> str:
    """Stored-baseline mode re-decided at other noise floors, from the recorded estimates.

    When the floor dominates the noise model, a benchmark's standard error is
    ``floor * sqrt(1 + 1/k)``; this re-applies Holm (1%) and the 5% effect rule to the recorded
    ratios. An approximation (it ignores the confirmation pass and any larger learned spread),
    to show what the method reaches at <= 1% false alarms on this machine.
    """
    from pytest_releasekit.stats import holm, t_ppf  # the gate's own statistics

    stored = [o for o in outcomes if o.mode == "stored-baseline" and o.ratios]
    lines = [
        "| noise floor | " + " | ".join(f"{c} flagged" for c in CHANGES) + " |",
        "|---:|" + "---:|" * len(CHANGES),
    ]
    for floor in floors:
        se = floor / 100 * (1 + 1 / sessions) ** 0.5
        cells = []
        for change in CHANGES:
            runs = [o for o in stored if o.change == change]
            hits = 0
            for o in runs:
                ds = [math.log(r) for r in o.ratios.values() if r]
                ps = [1 - statistics.NormalDist().cdf(d / se) for d in ds]
                hits += any(
                    rej and math.exp(d + t_ppf(1 - lvl, math.inf) * se) >= 1.05
                    for d, (rej, lvl) in zip(ds, holm(ps, 0.01), strict=True)
                )
            cells.append(f"{100 * hits / len(runs):.0f}% of {len(runs)}" if runs else "-")
        lines.append(f"| {floor:g}% | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs-aa", type=int, default=100, help="A/A gate runs per mode")
    parser.add_argument("--runs-ab", type=int, default=50, help="runs per A/B change and mode")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 4 A/A, 2 A/B")
    parser.add_argument(
        "--jobs",
        type=int,
        choices=(1, 2),
        default=1,
        help="1 interleaves the modes run by run; 2 runs the same-job stream "
        "beside the stored one (more load: each stream is the other's noise)",
    )
    parser.add_argument("--sessions", type=int, default=5, help="baseline sessions saved")
    parser.add_argument(
        "--resave-every",
        type=int,
        default=10,
        help="save one more baseline session every N stored runs (0: only at the start)",
    )
    parser.add_argument(
        "--pb-every",
        type=int,
        default=2,
        help="run pytest-benchmark's comparison after every Nth stored run",
    )
    parser.add_argument(
        "--table-from",
        type=Path,
        default=None,
        help="only rebuild the table from the JSON lines of an earlier run",
    )
    parser.add_argument(
        "--gate-key",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a gate key (TOML) to add to the suite's [tool.releasekit.gate], e.g. "
        "benchmark_confirm_rounds=4; named in the results",
    )
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown table to write")
    parser.add_argument("--raw", type=Path, default=None, help="JSON lines of every run")
    args = parser.parse_args(argv)
    aa, ab = (4, 2) if args.quick else (args.runs_aa, args.runs_ab)
    keys = [k.replace("=", " = ", 1) for k in args.gate_key]
    started = time.time()
    if args.table_from:
        lines = args.table_from.read_text(encoding="utf-8").splitlines()
        outcomes = [Outcome(**json.loads(line)) for line in lines if line.strip()]
        minutes = sum(o.seconds for o in outcomes) / 60  # the runs, without set-up
    else:
        raw = args.raw or args.out.with_suffix(".jsonl")
        raw.parent.mkdir(parents=True, exist_ok=True)
        raw.write_text("", encoding="utf-8")
        with tempfile.TemporaryDirectory(prefix="bench-gate-") as tmp:
            work = Path(tmp)
            streams = (
                same_job_stream(work, aa, ab, raw, keys),
                stored_stream(
                    work, aa, ab, raw, keys, args.sessions, args.pb_every, args.resave_every
                ),
            )
            if args.jobs == 1:
                outcomes = interleave(*streams)
            else:
                with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
                    futures = [pool.submit(list, stream) for stream in streams]
                    outcomes = [o for f in futures for o in f.result()]
        minutes = sum(o.seconds for o in outcomes) / 60
    body = table(outcomes)
    header = (
        f"<!-- written by benchmarks/bench_gate.py; do not edit -->\n"
        f"Measured {time.strftime('%Y-%m-%d', time.gmtime(started))} on "
        f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores), Python "
        f"{platform.python_version()}; {minutes:.0f} min of gate runs, {args.jobs} stream(s) "
        f"at a time (modes interleaved run by run) on a "
        f"machine shared with other jobs. Gate: threshold 5%, family-wise false-alarm rate 1%, "
        f"{'; '.join(keys) or 'default rounds'}; "
        f"measuring processes with `{' '.join(MEASURE_ARGS)}`. Stored baseline: "
        f"{args.sessions} sessions saved at the start, then one more every "
        f"{args.resave_every} stored runs, the last 5 kept (as a main-branch CI job keeps it); "
        f"pytest-benchmark compares with its run saved at the same moments. "
        f'"flagged" = the gate (or pytest-benchmark) failed the run; errors are counted as '
        f"flagged.\n\n"
    )
    body += (
        "\nStored-baseline mode at other `benchmark_noise_floor` values, re-decided from the "
        "recorded estimates (an approximation: no confirmation pass; see `floor_sweep`):\n\n"
        + floor_sweep(outcomes, args.sessions)
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(header + body, encoding="utf-8")
    print("\n" + header + body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
