"""How long the HTML report of a 200-run history takes to render in headless Chromium.

Writes the report for 200 gate runs (2 benchmarks, 2 tiers, coverage, flaky tests) and 20
releases, opens it in Debian's Chromium (a fresh browser per round, driven by playwright), and
reads from the page itself the time from navigation start until every chart is drawn
(``performance.now()``), and the main thread's CPU time (Chrome's ThreadTime: what the page costs
without the other processes of a shared machine). Best and median of several rounds, against
the same page with plotly.js alone (the library's own start-up). Target: under 2 s.
Usage: python benchmarks/bench_html.py [--json PATH] [--runs N] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "pytest_plugin" / "tests"))

from browser import render
from history_data import gate_runs, releases

from pytest_releasekit.htmlreport import write_report

TARGET_MS = 2000.0


def _rounds(index: Path, rounds: int) -> dict[str, float]:
    seen = [render(index) for _ in range(rounds)]
    assert all(not r.errors for r in seen), seen[0].errors
    wall = [r.render_ms for r in seen]
    cpu = [r.cpu_ms for r in seen]
    return {
        "best_ms": round(min(wall)),
        "median_ms": round(statistics.median(wall)),
        "cpu_best_ms": round(min(cpu)),
        "cpu_median_ms": round(statistics.median(cpu)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        index = write_report(Path(tmp) / "report", gate_runs(args.runs) + releases(20))
        written_s = time.perf_counter() - started
        bare = Path(tmp) / "report" / "bare.html"
        bare.write_text('<!DOCTYPE html><script src="plotly.min.js"></script><p>bare</p>')
        report, bare_figures = _rounds(index, args.rounds), _rounds(bare, args.rounds)
    figures = {
        "runs": args.runs,
        "write_s": round(written_s, 3),
        "report": report,
        "plotly_js_alone": bare_figures,
    }
    print(f"HTML report of {args.runs} gate runs: written in {written_s:.2f} s")
    for name, f in (("report", report), ("plotly.js alone", bare_figures)):
        print(
            f"{name:16} rendered in {f['best_ms']:6.0f} ms best, {f['median_ms']:6.0f} ms median;"
            f" main-thread CPU {f['cpu_best_ms']:6.0f} ms best, {f['cpu_median_ms']:6.0f} median"
        )
    verdict = "meets" if report["cpu_median_ms"] <= TARGET_MS else "MISSES"
    print(f"median main-thread CPU {report['cpu_median_ms']} ms ({verdict} the 2 s target)")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
