"""Shards balanced by duration vs by test count, on this project's own suite (``nox -s bench``).

The split of ``pytest --gate-shard=K/4`` is computed both ways from the same collection:

* **by duration** from the durations of a previous run (``benchmarks/data/durations.json``, the
  file ``pytest-releasekit combine`` writes; re-record it with
  ``--record tests/unit pytest_plugin/tests``). The committed file holds real runs on a
  2-core development machine: tests/unit recorded by ``--record``, pytest_plugin/tests
  converted from the JUnit XML of one run (the same setup + call + teardown seconds);
* **by count** (what the shards do when there is no durations file).

For each it reports every shard's time, the slowest shard and the ideal (total / 4). Target: the
slowest shard of the duration split is at most 1.10x the ideal. Two ways of measuring:

* default: **predicted** shard times of the recorded suite, the recorded durations summed per
  shard (instant);
* ``--run PATH``: **real** shard times: the 4 shards of PATH run one after another by count, then
  by duration, split by the durations the count run recorded (the previous run); each shard's
  time is the seconds its tests took (from its evidence file). Its CPU time is shown too, less
  start-up and collection: on a shared machine the tests' wall seconds swing with the other
  jobs, CPU time far less. Minutes; the shards run one at a time.

Not a test: the figures depend on the machine; ``--json`` keeps them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest_releasekit import durations
from pytest_releasekit.shards import plan

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data" / "durations.json"
SHARDS = 4
TARGET = 1.10
#: the inner runs: no cache, none of the dev environment's unrelated plugins
QUIET = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:hypothesispytest"]


def cpu_of(argv: Sequence[str]) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run ``argv``; its CPU time (user + sys of it and the tools it ran)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def collect(paths: Sequence[str]) -> tuple[list[str], float]:
    """The node ids of ``paths`` and the CPU time of start-up + collection (every shard pays it:
    it collects everything, then deselects the other shards' tests)."""
    done, cpu = cpu_of([sys.executable, "-m", "pytest", "--collect-only", *QUIET, *paths])
    done.check_returncode()
    return [line for line in done.stdout.splitlines() if "::" in line], cpu


def summary(name: str, times: Sequence[float]) -> dict[str, Any]:
    ideal = sum(times) / len(times)
    slowest = max(times)
    return {
        "split": name,
        "shards": [round(t, 2) for t in times],
        "slowest": round(slowest, 2),
        "ideal": round(ideal, 2),
        "ratio": round(slowest / ideal, 3) if ideal else 1.0,
    }


def predicted(nodeids: Sequence[str], recorded: Mapping[str, float]) -> list[dict[str, Any]]:
    """Both splits' shard times from the recorded durations (the count split's shards are timed
    with the same durations, so both columns are seconds)."""
    known = plan(nodeids, SHARDS, recorded)
    fallback = known.fallback or 0.0
    seconds = [recorded.get(n, fallback) for n in nodeids]
    rows = []
    for name, durations_ in (("duration", recorded), ("count", None)):
        split = plan(nodeids, SHARDS, durations_)
        rows.append(summary(name, [sum(seconds[i] for i in part) for part in split.parts]))
    return rows


def run_shard(paths: Sequence[str], k: int, durations_file: Path, tmp: str) -> dict[str, Any]:
    """Run shard ``k``: its tests' seconds (from its evidence), wall and CPU time."""
    start = time.perf_counter()
    _, cpu = cpu_of(
        [
            *(sys.executable, "-m", "pytest", *QUIET, *paths),
            f"--gate-shard={k}/{SHARDS}",
            f"--gate-shard-dir={tmp}",
            f"--gate-durations={durations_file}",
        ]
    )
    wall = time.perf_counter() - start
    evidence = json.loads(Path(tmp, f"shard-{k}-of-{SHARDS}.json").read_text())
    tests = sum(evidence["durations"].values())
    return {"tests": tests, "wall": wall, "cpu": cpu, "durations": evidence["durations"]}


def run_both(paths: Sequence[str], overhead: float) -> list[dict[str, Any]]:
    """The 4 shards by count first; then the 4 shards by duration, split by the durations the
    count run just recorded (merged over the committed ones, as ``combine`` does): "durations
    from a previous run" on this machine, as in CI. ``overhead``: the CPU seconds of start-up
    and collection, taken off each shard's CPU time (it would flatten both ratios towards 1)."""
    runs: dict[str, list[dict[str, Any]]] = {"count": [], "duration": []}
    with tempfile.TemporaryDirectory(prefix="bench-shards-") as tmp:
        previous = Path(tmp, "durations.json")
        previous.write_bytes(DATA.read_bytes())
        for name, durations_file in (("count", Path(tmp, "none.json")), ("duration", previous)):
            for k in range(1, SHARDS + 1):
                with tempfile.TemporaryDirectory(dir=tmp) as out:
                    run = run_shard(paths, k, durations_file, out)
                runs[name].append(run)
                print(
                    f"  by {name} {k}/{SHARDS}: {run['tests']:.1f} s of tests, "
                    f"wall {run['wall']:.1f} s, cpu {run['cpu']:.1f} s"
                )
            if name == "count":
                durations.merge_into(
                    previous, {n: s for r in runs[name] for n, s in r["durations"].items()}
                )
    rows = []
    for name in ("duration", "count"):
        shards = runs[name]
        row = summary(name, [r["tests"] for r in shards])
        cpu = summary(name, [max(r["cpu"] - overhead, 0.0) for r in shards])
        row["wall"] = [round(r["wall"], 2) for r in shards]
        row["cpu"] = {key: cpu[key] for key in ("shards", "slowest", "ideal", "ratio")}
        row["measured_durations"] = [r["durations"] for r in shards]
        rows.append(row)
    return rows


def record(paths: Sequence[str]) -> None:
    """Re-record the durations with the plugin itself: one shard of one, then combine."""
    with tempfile.TemporaryDirectory(prefix="bench-shards-") as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                *QUIET,
                *paths,
                "--gate-shard=1/1",
                f"--gate-shard-dir={tmp}",
                f"--gate-durations={tmp}/none.json",
            ],
            cwd=ROOT,
            check=False,
        )
        DATA.unlink(missing_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest_releasekit.combine",
                "combine",
                tmp,
                f"--gate-durations={DATA}",
            ],
            cwd=ROOT,
            check=False,
        )
    print(f"recorded {len(durations.load(DATA) or {})} durations in {DATA.relative_to(ROOT)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", nargs="+", metavar="PATH", help="re-record the durations")
    parser.add_argument("--run", nargs="+", metavar="PATH", help="measure real shard times")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    if args.record:
        record(args.record)
    recorded = durations.load(DATA)
    if not recorded:
        print(f"no recorded durations in {DATA}: run with --record PATH first")
        return 2
    # predicted: the recorded suite itself (no collection, so no test dependencies needed)
    nodeids, overhead = collect(args.run) if args.run else (sorted(recorded), 0.0)
    if not nodeids:
        print(f"no tests collected from {' '.join(args.run)}")
        return 2
    unknown = sum(n not in recorded for n in nodeids)
    print(f"{len(nodeids)} tests ({unknown} never recorded), {len(recorded)} recorded durations")
    if args.run:
        print(f"start-up + collection: {overhead:.1f} s CPU per shard (taken off its CPU time)")
        rows = run_both(args.run, overhead)
        kind = "measured: each shard's tests' seconds in a real run"
    else:
        rows = predicted(nodeids, recorded)
        kind = "predicted: recorded durations summed per shard"
    print(f"split in {SHARDS} ({kind})")
    for row in rows:
        print(
            f"  by {row['split']:<8} shards {row['shards']}  slowest {row['slowest']:.1f} s  "
            f"ideal {row['ideal']:.1f} s  slowest/ideal {row['ratio']:.3f}x"
        )
        if "cpu" in row:
            cpu = row["cpu"]
            print(
                f"           CPU {cpu['shards']}  slowest {cpu['slowest']:.1f} s  "
                f"ideal {cpu['ideal']:.1f} s  slowest/ideal {cpu['ratio']:.3f}x"
            )
    ratio = rows[0]["ratio"]
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(
        f"{verdict}: by duration {ratio:.3f}x the ideal (target <= {TARGET:.2f}x), "
        f"by count {rows[1]['ratio']:.3f}x"
    )
    if args.json:
        args.json.write_text(json.dumps({"kind": kind, "rows": rows}, indent=2) + "\n")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    os.environ.setdefault("NO_COLOR", "1")
    raise SystemExit(main())
