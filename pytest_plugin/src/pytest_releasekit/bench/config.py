"""The benchmark gate's settings, as plain typed values (the gate keys live in
``gates/benchmark.py``; this module has no pytest dependency so the engine is testable alone)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase

__all__ = ["BenchSettings", "threshold_for"]


@dataclass(frozen=True)
class BenchSettings:
    #: benchmark_max_regression: the smallest slowdown that matters, in percent.
    max_regression: float = 5.0
    #: benchmark_overrides: {node-id glob: percent}, for benchmarks known to be noisy.
    overrides: Mapping[str, float] = field(default_factory=dict)
    #: benchmark_false_alarm_rate: family-wise false-alarm rate of the whole gate, in percent.
    false_alarm_rate: float = 1.0
    #: benchmark_rounds: measuring processes per side in the first pass.
    rounds: int = 4
    #: benchmark_confirm_rounds: extra processes per side for benchmarks flagged by the first pass.
    confirm_rounds: int = 4
    baseline_dir: str = ".benchmarks/releasekit"
    #: benchmark_baseline_sessions: stored sessions kept per benchmark (the noise model's data).
    baseline_sessions: int = 5
    #: benchmark_noise_floor: smallest session-to-session spread assumed, in percent.
    noise_floor: float = 2.0
    #: "error" or "warn": a baseline from another machine/interpreter.
    incomparable: str = "error"
    #: "error" or "warn": a benchmark without a baseline (or absent from the base ref).
    missing: str = "error"
    #: benchmark_min_samples: fewest samples a measuring process must yield per benchmark.
    min_samples: int = 5
    pytest_args: Sequence[str] = ()
    plugin_autoload: bool = True
    fingerprint_packages: Sequence[str] = ()
    pythonpath: Sequence[str] = ("src",)

    @property
    def alpha(self) -> float:
        return self.false_alarm_rate / 100.0

    @property
    def screen_alpha(self) -> float:
        """Family-wise level of the first pass: a looser screen that only selects what is
        re-measured; the verdict is decided at :attr:`alpha` on the confirmed data."""
        return min(0.25, 10 * self.alpha)


def threshold_for(name: str, settings: BenchSettings, marker_percent: float | None = None) -> float:
    """The threshold (a fraction) of benchmark ``name``: the marker argument, else the first
    matching ``benchmark_overrides`` glob (fnmatch on the node id), else the global key."""
    if marker_percent is not None:
        return marker_percent / 100.0
    for pattern, percent in settings.overrides.items():
        if fnmatchcase(name, pattern) or name.endswith("::" + pattern):
            return percent / 100.0
    return settings.max_regression / 100.0
