"""The verify pipeline, timed against the same steps done by hand, in one run.

releasekit:  build sdist + wheel (python -m build, uv installer) -> twine check --strict, content
             scan, fresh venv (uv) + install + smoke, the three in parallel.
baseline:    python -m build; twine check --strict dist/*; python -m venv; pip install the wheel;
             python -c "import <pkg>" -- one after the other, as a maintainer types them.

Rounds alternate between the two so machine drift hits both; the figure is the ratio of medians.
Target: <= 0.25x. Usage: python benchmarks/bench_release.py [--rounds N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from releasekit.config import load_config
from releasekit.steps.build import build_package
from releasekit.steps.verify import verify_artifacts
from releasekit.workspace import load_workspace

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "projects" / "simple"
EPOCH = 1_763_640_000


def releasekit_pipeline(source: Path, work: Path) -> float:
    started = time.perf_counter()
    (package,) = load_workspace(source, load_config(source)).packages
    files = build_package(package, source, work / "dist", epoch=EPOCH)
    verify_artifacts(files, workdir=work)
    return time.perf_counter() - started


def by_hand(source: Path, work: Path) -> float:
    def run(*argv: str | Path) -> None:
        subprocess.run([str(a) for a in argv], cwd=work, check=True, capture_output=True)

    started = time.perf_counter()
    run(sys.executable, "-m", "build", "--outdir", work / "dist", source)
    run(sys.executable, "-m", "twine", "check", "--strict", *sorted((work / "dist").iterdir()))
    run(sys.executable, "-m", "venv", work / "venv")
    wheel = next((work / "dist").glob("*.whl"))
    run(work / "venv" / "bin" / "python", "-m", "pip", "install", "--quiet", wheel)
    run(work / "venv" / "bin" / "python", "-c", "import simple_pkg")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2 rounds")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds
    times: dict[str, list[float]] = {"releasekit": [], "by hand": []}
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        source = Path(tmp) / "project"
        shutil.copytree(FIXTURE, source)
        # warm both paths once (caches of pip and uv), not counted
        for func in (releasekit_pipeline, by_hand):
            func(source, Path(tempfile.mkdtemp(dir=tmp)))
        for round_ in range(rounds):
            order = [("releasekit", releasekit_pipeline), ("by hand", by_hand)]
            for name, func in order if round_ % 2 == 0 else reversed(order):
                times[name].append(func(source, Path(tempfile.mkdtemp(dir=tmp))))
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["releasekit"] / medians["by hand"]
    print(f"{'pipeline':<12} {'median s':>9}  samples")
    for name, values in times.items():
        print(f"{name:<12} {medians[name]:>9.2f}  {', '.join(f'{v:.2f}' for v in values)}")
    verdict = "meets" if ratio <= 0.25 else "MISSES"
    print(f"ratio releasekit / by hand = {ratio:.3f}x ({verdict} the 0.25x target)")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "rounds": rounds,
                    "times": times,
                    "medians": medians,
                    "ratio": ratio,
                    "target": 0.25,
                },
                indent=2,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
