"""Test tiers: markers, ``--tier`` selection, auto-marking by directory, and the outcome tally.

A test's tiers are its tier markers (``unit``, ``integration``, ``e2e``, ``performance``,
``regression``); a test with none of them is in the ``unit`` tier. A test without an explicit tier
marker whose path matches an auto-mark glob gets that tier's marker; when ``-m`` names ``unit``,
a test left in the unit tier gets the ``unit`` marker, so ``-m unit`` selects every unit test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .globs import BadGlob, Glob, compile_glob

if TYPE_CHECKING:
    import pytest

__all__ = [
    "ALL_TIERS",
    "DEFAULT_AUTO_MARK",
    "MARKERS",
    "OTHER_MARKERS",
    "TIERS",
    "UNIT",
    "AutoMarker",
    "Tally",
    "parse_auto_mark",
    "parse_tiers",
]

UNIT = "unit"
TIERS = ("integration", "e2e", "performance", "regression")
ALL_TIERS = (UNIT, *TIERS)
MARKERS = {
    "unit": "unit: unit tier, also every test without another tier marker (pytest-releasekit; "
    "select with --tier or -m unit)",
    "integration": "integration: integration tier (pytest-releasekit; select with --tier)",
    "e2e": "e2e: end-to-end tier (pytest-releasekit; select with --tier)",
    "performance": "performance: performance tier (pytest-releasekit; select with --tier)",
    "regression": "regression: regression tier (pytest-releasekit; select with --tier)",
}
#: markers that are not tiers, registered alongside them so --strict-markers stays clean
OTHER_MARKERS = (
    "benchmark_gate(max_regression): per-benchmark threshold of the benchmark gate, in percent "
    "(pytest-releasekit)",
)
#: the ``releasekit_auto_mark`` ini default: ``tests/<tier>/**`` at any depth
DEFAULT_AUTO_MARK = [f"{tier}: **/tests/{tier}/**" for tier in TIERS]


def parse_tiers(value: str) -> frozenset[str]:
    """``"unit,e2e"`` -> ``{"unit", "e2e"}``; ValueError naming an unknown tier."""
    names = {part.strip() for part in value.split(",") if part.strip()}
    unknown = sorted(names - set(ALL_TIERS))
    if unknown or not names:
        raise ValueError(
            f"--tier={value!r}: unknown tier {', '.join(map(repr, unknown)) or '(empty)'}; "
            f"choose from {', '.join(ALL_TIERS)} (e.g. --tier=unit,integration)"
        )
    return frozenset(names)


def parse_auto_mark(lines: Iterable[str]) -> tuple[tuple[str, Glob], ...]:
    """``["e2e: tests/e2e/** tests/browser/**"]`` -> ``(("e2e", glob), ("e2e", glob))``."""
    rules: list[tuple[str, Glob]] = []
    for line in lines:
        tier, sep, patterns = line.partition(":")
        tier = tier.strip()
        if not sep or tier not in TIERS or not patterns.split():
            raise ValueError(
                f"releasekit_auto_mark: {line!r}: expected 'TIER: GLOB [GLOB ...]' with TIER "
                f"one of {', '.join(TIERS)} (e.g. 'e2e: tests/e2e/**')"
            )
        for pattern in patterns.split():
            try:
                rules.append((tier, compile_glob(pattern)))
            except BadGlob as exc:
                raise ValueError(f"releasekit_auto_mark: {line!r}: bad glob: {exc}") from None
    return tuple(rules)


class AutoMarker:
    """Maps a test file to the tier its directory implies (cached per file)."""

    def __init__(self, rules: Sequence[tuple[str, Glob]], rootdir: Path) -> None:
        self.rules = rules
        self.rootdir = rootdir
        self._cache: dict[Path, str | None] = {}

    def tier_for(self, path: Path) -> str | None:
        try:
            return self._cache[path]
        except KeyError:
            pass
        try:
            relative = path.relative_to(self.rootdir).as_posix()
        except ValueError:
            relative = path.as_posix()
        tier = next((tier for tier, glob in self.rules if glob.match(relative)), None)
        self._cache[path] = tier
        return tier


def item_tiers(
    item: pytest.Item, marker: AutoMarker | None, *, mark_unit: bool = False
) -> tuple[str, ...]:
    """The item's tiers, adding the auto-mark marker when it has no explicit tier marker (and
    the ``unit`` marker to a unit test when ``mark_unit``)."""
    explicit = {m.name for m in item.iter_markers() if m.name in MARKERS}
    if explicit:
        return tuple(sorted(explicit))
    if marker is not None and marker.rules:
        tier = marker.tier_for(item.path)
        if tier is not None:
            item.add_marker(tier)
            return (tier,)
    if mark_unit:
        item.add_marker(UNIT)
    return _UNIT_ONLY


_UNIT_ONLY = (UNIT,)

#: outcomes counted per tier
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


@dataclass(eq=False)  # identity: it is registered as a pytest plugin
class Tally:
    """Test outcomes per tier, and tests that passed only on a rerun (pytest-rerunfailures)."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    flaky: list[str] = field(default_factory=list)
    #: tests whose xdist worker crashed while running them (each also counted as failed)
    crashed: list[str] = field(default_factory=list)
    reruns: int = 0
    #: seconds spent per tier (setup, call and teardown of every test)
    durations: dict[str, float] = field(default_factory=dict)
    #: the tiers selected with --tier (None: all)
    selection: frozenset[str] | None = None
    #: tiers of each collected test that is not a unit test (unit is the default)
    tiers_by_nodeid: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _rerun: set[str] = field(default_factory=set, repr=False)

    def _add(self, nodeid: str, outcome: str) -> None:
        for tier in self.tiers_by_nodeid.get(nodeid, _UNIT_ONLY):
            per_tier = self.counts.setdefault(tier, {})
            per_tier[outcome] = per_tier.get(outcome, 0) + 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Count one report. Also the hook: registered as a plugin, the tally counts every
        report of its process (one call per report; this runs three times per test)."""
        outcome: str = report.outcome  # pytest-rerunfailures adds "rerun"
        when = report.when
        for tier in self.tiers_by_nodeid.get(report.nodeid, _UNIT_ONLY):
            self.durations[tier] = self.durations.get(tier, 0.0) + report.duration
        if when == "call":
            if outcome == "passed":
                self._add(report.nodeid, "xpassed" if hasattr(report, "wasxfail") else "passed")
                if self._rerun and report.nodeid in self._rerun:
                    self.flaky.append(report.nodeid)
            elif outcome == "failed":
                self._add(report.nodeid, "failed")
            elif outcome == "rerun":  # an attempt that failed and will be retried
                self._rerun_seen(report.nodeid)
            else:
                self._add(report.nodeid, "xfailed" if hasattr(report, "wasxfail") else "skipped")
        elif outcome == "passed":  # setup or teardown: nothing to count
            return
        elif outcome == "rerun":
            self._rerun_seen(report.nodeid)
        elif outcome == "failed":
            self._add(report.nodeid, "error")
        elif outcome == "skipped" and when == "setup":
            self._add(report.nodeid, "xfailed" if hasattr(report, "wasxfail") else "skipped")

    record = pytest_runtest_logreport

    def crash(self, nodeid: str, tiers: tuple[str, ...] = _UNIT_ONLY) -> None:
        """Count a test whose worker died while running it as failed (in ``tiers``)."""
        self.tiers_by_nodeid.setdefault(nodeid, tiers)
        self._add(nodeid, "failed")
        self.crashed.append(nodeid)

    def _rerun_seen(self, nodeid: str) -> None:
        self.reruns += 1
        self._rerun.add(nodeid)

    def get(self, tier: str, outcome: str) -> int:
        return self.counts.get(tier, {}).get(outcome, 0)

    def ran(self, tier: str) -> int:
        """Tests of ``tier`` that ran (any outcome but skipped)."""
        return sum(n for o, n in self.counts.get(tier, {}).items() if o != "skipped")

    def total(self, outcome: str) -> int:
        return sum(per_tier.get(outcome, 0) for per_tier in self.counts.values())

    def to_json(self) -> dict[str, Any]:
        return {
            "counts": self.counts,
            "flaky": sorted(self.flaky),
            "reruns": self.reruns,
            "durations": {tier: round(s, 6) for tier, s in self.durations.items()},
            "crashed": sorted(self.crashed),
        }

    def merge(self, data: Mapping[str, Any]) -> None:
        """Add a tally shipped by another process (``to_json`` output)."""
        for tier, outcomes in data.get("counts", {}).items():
            per_tier = self.counts.setdefault(tier, {})
            for outcome, number in outcomes.items():
                per_tier[outcome] = per_tier.get(outcome, 0) + int(number)
        self.flaky.extend(data.get("flaky", ()))
        self.crashed.extend(data.get("crashed", ()))
        self.reruns += int(data.get("reruns", 0))
        for tier, seconds in data.get("durations", {}).items():
            self.durations[tier] = self.durations.get(tier, 0.0) + float(seconds)
