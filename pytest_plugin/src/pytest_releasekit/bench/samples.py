"""Raw benchmark samples, read from pytest-benchmark's documented JSON output.

A measuring process runs ``pytest --benchmark-json=FILE``; the file's ``benchmarks[].stats.data``
holds every round's timing (pytest-benchmark always includes the data in ``--benchmark-json``).
Samples are normalised to seconds per call of the benchmarked function.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Rounds", "location", "parse_benchmark_json", "read_benchmark_json"]


def location(samples: Sequence[float]) -> float:
    """The per-process location estimate: the minimum.

    Interference on a shared machine only ever adds time, so the fastest sample of a process is
    the least disturbed estimate of the code's own cost (Chen & Revels, "Robust benchmarking
    in noisy environments", 2016). Processes are then compared in pairs or against the spread
    of whole sessions, which absorbs the minimum's own process-to-process variation.
    """
    if not samples:
        raise ValueError("no samples")
    return min(samples)


def parse_benchmark_json(doc: Mapping[str, Any]) -> dict[str, list[float]]:
    """``{fullname: samples}`` from a pytest-benchmark JSON document."""
    out: dict[str, list[float]] = {}
    for bench in doc.get("benchmarks", []):
        stats = bench.get("stats") or {}
        data = [float(x) for x in stats.get("data") or [] if x is not None]
        if not data:
            continue
        # ``data`` holds one value per round; normalise to per-call times with the reported
        # median whatever the iterations per round were.
        reported = stats.get("median")
        raw_median = statistics.median(data)
        if reported and raw_median > 0 and not math.isclose(reported, raw_median, rel_tol=1e-9):
            scale = float(reported) / raw_median
            data = [x * scale for x in data]
        out[str(bench.get("fullname") or bench.get("name"))] = data
    return out


def read_benchmark_json(path: Path) -> dict[str, list[float]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return parse_benchmark_json(doc)


@dataclass
class Rounds:
    """Samples of many benchmarks over several measuring processes ("rounds").

    ``rounds[name]`` is a list with one entry per round in which the benchmark produced data.
    """

    rounds: dict[str, list[list[float]]] = field(default_factory=dict)

    def add(self, measured: Mapping[str, list[float]]) -> None:
        for name, samples in measured.items():
            self.rounds.setdefault(name, []).append(list(samples))

    def samples(self, name: str) -> list[float]:
        return [x for r in self.rounds.get(name, []) for x in r]
