"""The redactor's cost per output line, against printing the same line.

Every line releasekit prints or journals passes ``releasekit.redact.redact``; this measures it on
typical lines (a plan action with a sha256, a journal record, a step result, a URL, a line with a
token) with a few secrets registered and secret-named variables in the environment, and compares
it with printing the line through rich (what the Reporter does with it anyway), in the same run.
Best of several rounds. Target: redacting costs at most 0.25x printing.
Usage: python benchmarks/bench_redact.py [--json PATH]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import timeit
from pathlib import Path

from rich.console import Console

from releasekit.redact import redact, register_secret

LINES = {
    "plan action": "  • simple_pkg-1.1.0-py3-none-any.whl  sha256 "
    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "journal record": '{"event": "effect", "filename": "simple_pkg-1.1.0.tar.gz", '
    '"point": "1", "step": "publish", "ts": 1764677000.123}',
    "step result": "✓ commit (0.1s) 3f2a1c9d8e7b6a5f4e3d2c1b0a9f8e7d6c5b4a39",
    "URL": "upload with twine to http://127.0.0.1:8765/ simple-pkg",
    "a token in it": "GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345 (from the env)",
}
TARGET_RATIO = 0.25


def _best_ns(func: object, number: int = 20_000, rounds: int = 7) -> float:
    timer = timeit.Timer(func)  # type: ignore[arg-type]
    return min(timer.repeat(repeat=rounds, number=number)) / number * 1e9


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    for number in range(3):
        register_secret(f"registered-secret-{number}-xyz")
        os.environ[f"BENCH_{number}_TOKEN"] = f"environment-secret-{number}"
    sink = io.StringIO()
    console = Console(file=sink, width=200, highlight=False, no_color=True)
    figures = {}
    for name, line in LINES.items():
        redacted = _best_ns(lambda line=line: redact(line))
        printed = _best_ns(lambda line=line: console.print(line, markup=False), number=2_000)
        sink.seek(0)
        sink.truncate()
        figures[name] = {"redact_ns": round(redacted), "print_ns": round(printed)}
        print(f"{name:16} redact {redacted:8.0f} ns   rich print {printed:8.0f} ns")
    ratio = max(f["redact_ns"] / f["print_ns"] for f in figures.values())
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"worst ratio redact / print = {ratio:.3f}x ({verdict} the {TARGET_RATIO}x target)")
    if args.json:
        document = {"lines": figures, "ratio": ratio, "target": TARGET_RATIO}
        args.json.write_text(json.dumps(document, indent=1))
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
