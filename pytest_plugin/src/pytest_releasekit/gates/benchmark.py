"""The benchmark gate: pytest-benchmark tests judged statistically, one verdict per benchmark.

Modes (see docs/gate/benchmark.md):

- stored baseline (default): ``pytest --gate --gate-save-baseline`` records sessions of raw
  samples with the machine's fingerprint; ``pytest --gate`` compares against them;
- same job (recommended on shared CI runners): ``pytest --gate --gate-bench-base=REF`` measures a
  worktree of REF and the working tree in alternating rounds.

The heavy lifting lives in :mod:`pytest_releasekit.bench`, imported lazily in :meth:`evaluate`.
"""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Any

from ..settings import OFF_SOURCE, Invalid, Key, count, one_of, percent, table_of, text
from ..verdict import Outcome, Verdict
from . import GateRun, Rule

if TYPE_CHECKING:
    import pytest

__all__ = ["MARKER", "BenchmarkRule"]

#: ``@pytest.mark.benchmark_gate(max_regression=15)``: a per-benchmark threshold, in percent.
MARKER = "benchmark_gate"


def _strings(value: Any) -> tuple[str, ...]:
    items = shlex.split(value) if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise Invalid("must be a list of strings")
    return tuple(items)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid("must be true or false")


def _optional_text(value: Any) -> str | None:
    return None if value in (None, "") else text(value)


MAX_REGRESSION: Key[float] = Key(
    "benchmark_max_regression",
    percent,
    5.0,
    help="Smallest slowdown of a benchmark that matters, in percent: a benchmark fails when it "
    "is significantly slower and a regression this large cannot be ruled out.",
    example="benchmark_max_regression = 10",
)
OVERRIDES: Key[dict[str, float]] = Key[dict[str, float]](
    "benchmark_overrides",
    table_of(percent),
    {},
    help="Per-benchmark thresholds for benchmarks known to be noisy: {node-id glob = percent}.",
    example='benchmark_overrides = {"tests/perf/test_io.py::*" = 15}',
    table=True,
)
FALSE_ALARM: Key[float] = Key(
    "benchmark_false_alarm_rate",
    percent,
    1.0,
    help="Family-wise false-alarm rate of the whole benchmark gate (all benchmarks), in percent.",
    example="benchmark_false_alarm_rate = 1",
)
ROUNDS: Key[int] = Key(
    "benchmark_rounds",
    count,
    4,
    help="Measuring processes per side in the first pass (same-job: per tree).",
    example="benchmark_rounds = 8",
)
CONFIRM_ROUNDS: Key[int] = Key(
    "benchmark_confirm_rounds",
    count,
    4,
    help="Extra measuring processes per side for benchmarks flagged by the first pass.",
    example="benchmark_confirm_rounds = 6",
)
BASELINE_DIR: Key[str] = Key(
    "benchmark_baseline_dir",
    text,
    ".benchmarks/releasekit",
    help="Directory of stored baselines (relative to the rootdir); commit or cache it in CI.",
    example='benchmark_baseline_dir = ".benchmarks/releasekit"',
)
BASELINE_SESSIONS: Key[int] = Key(
    "benchmark_baseline_sessions",
    count,
    5,
    help="Sessions kept per stored baseline; the noise model learns from their spread.",
    example="benchmark_baseline_sessions = 5",
)
NOISE_FLOOR: Key[float] = Key(
    "benchmark_noise_floor",
    percent,
    2.0,
    help="Smallest session-to-session spread (standard deviation, percent) assumed in "
    "stored-baseline mode, whatever the stored sessions show.",
    example="benchmark_noise_floor = 2",
)
INCOMPARABLE: Key[str] = Key(
    "benchmark_incomparable",
    one_of("error", "warn"),
    "error",
    help="Verdict for a baseline measured on another machine or interpreter.",
    example='benchmark_incomparable = "warn"',
)
MISSING: Key[str] = Key(
    "benchmark_missing",
    one_of("error", "warn"),
    "error",
    help="Verdict for a benchmark without a baseline or absent from the base ref.",
    example='benchmark_missing = "warn"',
)
MIN_SAMPLES: Key[int] = Key(
    "benchmark_min_samples",
    count,
    5,
    help="Fewest samples a measuring process must yield for a benchmark.",
    example="benchmark_min_samples = 10",
)
PYTEST_ARGS: Key[tuple[str, ...]] = Key(
    "benchmark_pytest_args",
    _strings,
    (),
    help="Extra arguments of the measuring pytest processes (e.g. pytest-benchmark options).",
    example='benchmark_pytest_args = ["--benchmark-max-time=0.2"]',
)
AUTOLOAD: Key[bool] = Key(
    "benchmark_plugin_autoload",
    _flag,
    True,
    help="Load all installed pytest plugins in measuring processes; false loads only "
    "pytest-benchmark (faster start when the benchmarks need no other plugin).",
    example="benchmark_plugin_autoload = false",
)
PACKAGES: Key[tuple[str, ...]] = Key(
    "benchmark_fingerprint_packages",
    _strings,
    (),
    help="Distributions whose versions are part of a baseline's fingerprint.",
    example='benchmark_fingerprint_packages = ["numpy"]',
)
PYTHONPATH: Key[tuple[str, ...]] = Key(
    "benchmark_pythonpath",
    _strings,
    ("src",),
    help="Directories of a tree put first on PYTHONPATH when measuring it (src layout).",
    example='benchmark_pythonpath = ["src"]',
)
BASE: Key[str | None] = Key(
    "benchmark_base",
    _optional_text,
    None,
    help="Same-job mode: git ref to compare with (the twin of --gate-bench-base).",
    example='benchmark_base = "origin/main"',
)
SAVE: Key[bool] = Key(
    "benchmark_save_baseline",
    _flag,
    False,
    help="Record a baseline session instead of comparing (the twin of --gate-save-baseline).",
    example="benchmark_save_baseline = true",
)

KEYS = (
    MAX_REGRESSION,
    OVERRIDES,
    FALSE_ALARM,
    ROUNDS,
    CONFIRM_ROUNDS,
    BASELINE_DIR,
    BASELINE_SESSIONS,
    NOISE_FLOOR,
    INCOMPARABLE,
    MISSING,
    MIN_SAMPLES,
    PYTEST_ARGS,
    AUTOLOAD,
    PACKAGES,
    PYTHONPATH,
    BASE,
    SAVE,
)


def _option(config: pytest.Config | None, name: str) -> Any:
    if config is None:
        return None
    try:
        return config.getoption(name)
    except ValueError:  # the option is not registered
        return None


class BenchmarkRule(Rule):
    name = "benchmark"
    keys = KEYS
    implies_gate = ("gate_save_baseline", "gate_bench_base")

    def add_options(self, group: pytest.OptionGroup) -> None:
        group.addoption(
            "--gate-save-baseline",
            action="store_true",
            dest="gate_save_baseline",
            default=False,
            help="record this run's benchmark samples and machine fingerprint as a baseline "
            "session instead of comparing; implies --gate (config twin: benchmark_save_baseline)",
        )
        group.addoption(
            "--gate-bench-base",
            metavar="REF",
            dest="gate_bench_base",
            default=None,
            help="same-job mode: measure git REF in a temporary worktree and the working tree "
            "alternately, and compare; implies --gate (config twin: benchmark_base)",
        )

    def collect(self, config: pytest.Config) -> Any:
        """The session's benchmarks (tests using the ``benchmark`` fixture) and their markers."""
        session = config.pluginmanager.get_plugin("session")
        found = []
        for item in getattr(session, "items", []) or []:
            if "benchmark" not in getattr(item, "fixturenames", ()):
                continue
            marker = item.get_closest_marker(MARKER)
            limit = marker.kwargs.get("max_regression") if marker else None
            found.append({"id": item.nodeid, "max_regression": limit})
        return {"benchmarks": found}

    def evaluate(self, run: GateRun) -> list[Verdict]:
        base = _option(run.config, "gate_bench_base") or run.settings.get(BASE)
        save = bool(_option(run.config, "gate_save_baseline")) or run.settings.get(SAVE)
        marked = self._benchmarks(run)
        if not (self.configured(run.settings) or base or save):
            # like every rule: off until one of its keys (or a mode flag) is set
            return self._unused_baselines(run, marked)
        if not marked:
            if not (base or save):
                return []
            return [
                Verdict(
                    MAX_REGRESSION.name,
                    Outcome.ERROR,
                    summary="no benchmark ran in this session (no test uses the benchmark fixture)",
                    fix="select the performance tier (benchmarks are pytest-benchmark tests)",
                )
            ]
        if "benchmark" not in run.plugins:
            return [
                Verdict(
                    MAX_REGRESSION.name,
                    Outcome.ERROR,
                    summary="pytest-benchmark is not active, so benchmarks cannot be measured",
                    fix="pip install 'pytest-releasekit[benchmark]' (and drop -p no:benchmark)",
                )
            ]
        from ..bench.gate import run_gate  # lazy: heavy, only when benchmarks ran

        return run_gate(run, marked, base_ref=base, save=save)

    def _benchmarks(self, run: GateRun) -> dict[str, float | None]:
        """{benchmark that ran in this session: its marker's threshold}."""
        marked: dict[str, float | None] = {}
        for piece in run.collected.get(self.name, ()):
            for bench in (piece or {}).get("benchmarks", ()):
                marked.setdefault(bench["id"], bench.get("max_regression"))
        return marked

    def _unused_baselines(self, run: GateRun, marked: dict[str, float | None]) -> list[Verdict]:
        """The rule is off, yet this session's benchmarks have stored baselines: say so in one
        line rather than compare nothing in silence (unless a key was switched off on purpose)."""
        if not marked or any(run.settings.sources.get(k.name) == OFF_SOURCE for k in self.keys):
            return []
        from ..bench.baseline import slug

        directory = run.rootdir / BASELINE_DIR.default
        stored = [name for name in marked if (directory / slug(name)).is_file()]
        if not stored:
            return []
        return [
            Verdict(
                self.name,
                Outcome.WARN,
                summary=f"{len(stored)} of {len(marked)} benchmarks have a stored baseline in "
                f"{BASELINE_DIR.default}, but no benchmark rule is configured, so nothing was "
                "compared (set benchmark_max_regression; --gate-set "
                "benchmark_max_regression=off silences this)",
                data={"baseline_dir": BASELINE_DIR.default, "stored": sorted(stored)},
            )
        ]


RULES = (BenchmarkRule(),)
