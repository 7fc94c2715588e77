"""The gate's rules and their registry.

A **rule** is a small object that owns some keys of ``[tool.releasekit.gate]`` and turns the facts
of a finished test run (a :class:`GateRun`) into :class:`~pytest_releasekit.verdict.Verdict`
objects. The gate's verdict (and the exit status) is derived from those verdicts only.

Adding a rule (e.g. ``gates/benchmark.py``) takes one module in this package, no registration::

    from pytest_releasekit.gates import GateRun, Rule
    from pytest_releasekit.settings import Key, percent
    from pytest_releasekit.verdict import Outcome, Verdict

    MAX_REGRESSION: Key[float | None] = Key(
        "benchmark_max_regression", percent, None,
        help="Largest allowed slow-down of any benchmark versus the baseline, in percent.",
        example="benchmark_max_regression = 10",
    )

    class BenchmarkRule(Rule):
        name = "benchmark"
        keys = (MAX_REGRESSION,)

        def collect(self, config):          # optional: runs where the tests ran (each xdist worker)
            return {...}                    # JSON-able; arrives in run.collected["benchmark"]

        def evaluate(self, run):
            limit = run.settings.get(MAX_REGRESSION)
            if limit is None:
                return []                   # not configured: no verdict
            ...
            return [Verdict("benchmark_max_regression", Outcome.PASS, measured=3.2,
                            threshold=limit, unit="%", summary="slowest: test_parse +3.2 %")]

    RULES = (BenchmarkRule(),)

A rule that needs command-line options adds them in :meth:`Rule.add_options` (they join the
``releasekit`` group; read them in ``evaluate`` with ``run.config.getoption``).

Every module of this package that defines ``RULES`` is loaded by :func:`rules`; their keys are
validated by :mod:`pytest_releasekit.settings` (unknown keys, wrong types and bad values become a
one-line ``pytest.UsageError``). Rules must import heavy modules lazily, inside ``evaluate``.

Integrity: a rule that is configured but cannot measure returns an ``Outcome.ERROR`` verdict with a
``fix`` text, or raises :class:`Unmeasurable` (the registry turns it into ERROR verdicts for every
configured key of the rule). It never returns PASS for something it did not measure.
"""

from __future__ import annotations

import abc
import functools
import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..settings import GateSettings, Key
from ..verdict import GateResult, Outcome, Verdict

if TYPE_CHECKING:
    import pytest

    from ..measure import CoverageSource
    from ..tiers import Tally

__all__ = ["GateRun", "Rule", "Unmeasurable", "all_keys", "evaluate", "rules"]


class Unmeasurable(Exception):
    """A rule cannot measure what it is configured to check. ``fix`` says how to make it work."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


@dataclass
class GateRun:
    """The facts of one finished test run, as seen by the process that decides (the controller).

    ``tally`` counts test outcomes per tier, merged over all xdist workers; ``coverage`` gives
    the combined coverage data (its ``report()`` raises :class:`Unmeasurable` when there is
    none); ``collected`` holds, per rule name, what :meth:`Rule.collect` returned in each process
    that ran tests; ``plugins`` names the relevant pytest plugins that are loaded (``"xdist"``,
    ``"pytest_cov"``, ``"rerunfailures"``, ``"benchmark"``); ``config`` is None outside pytest
    (e.g. when shards are combined).
    """

    settings: GateSettings
    tally: Tally
    coverage: CoverageSource
    rootdir: Path
    invocation_dir: Path
    plugins: frozenset[str] = frozenset()
    collected: Mapping[str, Sequence[Any]] = field(default_factory=dict)
    config: pytest.Config | None = None


class Rule(abc.ABC):
    """One family of checks. Subclass, set ``name`` and ``keys``, implement :meth:`evaluate`."""

    #: short name, unique among rules (used for ``collected`` and in error messages)
    name: ClassVar[str]
    #: the keys of ``[tool.releasekit.gate]`` this rule owns
    keys: ClassVar[tuple[Key[Any], ...]] = ()
    #: ``dest`` names of options from :meth:`add_options` that imply ``--gate`` when given
    implies_gate: ClassVar[tuple[str, ...]] = ()

    def configured(self, settings: GateSettings) -> bool:
        """Whether the user set any of this rule's keys."""
        return any(settings.is_set(key) for key in self.keys)

    def needs_coverage(self, settings: GateSettings) -> bool:
        """Whether this rule reads coverage data (then the gate makes sure it is measured)."""
        return False

    def add_options(self, group: pytest.OptionGroup) -> None:
        """Add command-line options this rule needs to the ``releasekit`` option group (called
        from ``pytest_addoption`` for every run, so keep it cheap). Default: none."""
        return

    def collect(self, config: pytest.Config) -> Any:
        """Called at the end of the session in every process that ran tests (each xdist worker,
        or the only process); the JSON-able result is shipped to the controller. Default: None."""
        return None

    @abc.abstractmethod
    def evaluate(self, run: GateRun) -> list[Verdict]:
        """Measure and judge; return [] when not configured, never raise for a known problem."""


#: Modules listed here come first, in this order (the order of the report); others follow by name.
_ORDER = ("tiers", "coverage", "diff", "flaky")


@functools.cache
def rules() -> tuple[Rule, ...]:
    """Every rule of this package, in report order."""
    names = sorted(
        (info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")),
        key=lambda name: (_ORDER.index(name) if name in _ORDER else len(_ORDER), name),
    )
    found: list[Rule] = []
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        found.extend(getattr(module, "RULES", ()))
    seen: dict[str, str] = {}
    for rule in found:
        for key in rule.keys:
            if key.name in seen:
                raise RuntimeError(
                    f"gate key {key.name!r} is owned by both {seen[key.name]} and {rule.name}"
                )
            seen[key.name] = rule.name
    return tuple(found)


def all_keys() -> tuple[Key[Any], ...]:
    """The schema of ``[tool.releasekit.gate]``: every key of every rule."""
    return tuple(key for rule in rules() for key in rule.keys)


def evaluate(run: GateRun, selected: Sequence[Rule] | None = None) -> GateResult:
    """Run every rule over ``run`` and collect their verdicts in report order."""
    verdicts: list[Verdict] = []
    for rule in rules() if selected is None else selected:
        try:
            verdicts.extend(rule.evaluate(run))
        except Unmeasurable as exc:
            configured = [key.name for key in rule.keys if run.settings.is_set(key)] or [rule.name]
            verdicts.extend(
                Verdict(name, Outcome.ERROR, summary=exc.reason, fix=exc.fix) for name in configured
            )
    return GateResult.of(verdicts)
