"""The decision: a minimum effect that matters AND evidence that it is not noise, gate-wide.

For every benchmark with data on both sides an :class:`Assessment` holds a :class:`LogEffect`
(``ln(current / base)`` with its standard error). :func:`decide` then

1. computes each benchmark's one-sided p-value of "current is slower";
2. applies Holm's step-down procedure over all benchmarks of the gate, so the probability that
   *any* unchanged benchmark is flagged stays below ``alpha`` (family-wise error rate);
3. gives each benchmark a ratio interval at its Holm level (two-sided, ``1 - 2 * level``);
4. flags a **regression** when the slowdown is significant (Holm) AND the interval reaches
   ``1 + threshold``, i.e. a regression at least as large as the threshold cannot be ruled out.
   A significant slowdown whose whole interval stays under the threshold passes ("slower,
   within threshold").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..stats import LogEffect, holm

__all__ = ["Assessment", "decide"]

COMPARED = "compared"
REGRESSION = "regression"
SLOWER_OK = "slower-within-threshold"
NO_CHANGE = "no-significant-change"
FASTER = "faster"


@dataclass(frozen=True)
class Assessment:
    """One benchmark: what was measured and, after :func:`decide`, what it means."""

    name: str
    #: "compared" when there is an effect; otherwise an integrity status
    #: ("no-data", "missing-baseline", "missing-in-base", "incomparable", "too-few-samples",
    #: "measure-failed", "saved").
    status: str
    threshold: float
    reason: str = ""
    fix: str | None = None
    base_estimate: float | None = None
    current_estimate: float | None = None
    effect: LogEffect | None = None
    #: an extra p-value that must also be significant (e.g. a rank test on the raw samples).
    extra_p: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    details: tuple[str, ...] = ()
    # --- filled by decide()
    p_value: float | None = None
    level: float | None = None
    significant: bool = False
    low: float | None = None
    high: float | None = None
    decision: str | None = None
    confirmed: bool | None = None

    @property
    def ratio(self) -> float | None:
        return self.effect.ratio if self.effect else None

    def to_data(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None or not math.isfinite(x) else x

        return {
            "benchmark": self.name,
            "status": self.status,
            "decision": self.decision,
            "threshold_pct": round(self.threshold * 100, 3),
            "base_estimate_s": num(self.base_estimate),
            "current_estimate_s": num(self.current_estimate),
            "ratio": num(self.ratio),
            "ci_low": num(self.low),
            "ci_high": num(self.high),
            "ci_level": None if self.level is None else round(1 - 2 * self.level, 6),
            "p_value": num(self.p_value),
            "holm_level": self.level,
            "significant": self.significant,
            "confirmed": self.confirmed,
            "method": self.effect.method if self.effect else None,
            "df": num(self.effect.df) if self.effect else None,
            "counts": dict(self.counts),
        }


def _p(a: Assessment) -> float:
    if a.effect is None:
        raise ValueError(f"{a.name}: no effect to test")
    p = a.effect.p_slower
    # Intersection-union: both tests must reject, so the larger p-value is a valid one.
    return max(p, a.extra_p) if a.extra_p is not None else p


def decide(
    assessments: Sequence[Assessment], alpha: float, *, only: set[str] | None = None
) -> list[Assessment]:
    """Decide every compared assessment with Holm at family-wise level ``alpha``.

    The family is every compared benchmark of the gate. ``only`` restricts the *tests* to those
    names (e.g. the re-measured ones when confirming); the others count in the family with
    p = 1, which keeps Holm valid (it can only make it more conservative).
    """
    compared = [a for a in assessments if a.status == COMPARED and a.effect is not None]
    pvalues = [_p(a) if only is None or a.name in only else 1.0 for a in compared]
    levels = holm(pvalues, alpha) if compared else []
    decided: dict[str, Assessment] = {}
    for a, p, (rejected, level) in zip(compared, pvalues, levels, strict=True):
        if a.effect is None:
            continue
        low, high = a.effect.interval(level)
        if rejected and high >= 1.0 + a.threshold:
            decision = REGRESSION
        elif rejected:
            decision = SLOWER_OK
        elif high < 1.0:
            decision = FASTER
        else:
            decision = NO_CHANGE
        decided[a.name] = replace(
            a, p_value=p, level=level, significant=rejected, low=low, high=high, decision=decision
        )
    return [decided.get(a.name, a) for a in assessments]
