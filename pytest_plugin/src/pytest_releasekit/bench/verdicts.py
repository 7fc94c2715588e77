"""Assessments as verdicts (one per benchmark), and their rendering as table rows.

``Verdict.data`` carries the per-benchmark report for machines: baseline and current estimates,
the ratio and its interval, the p-value and Holm level, the decision and the sample counts.
:func:`rows` / :func:`markdown` / :func:`terminal_lines` render the same facts for people.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..verdict import Outcome, Verdict
from .config import BenchSettings
from .decide import COMPARED, FASTER, NO_CHANGE, REGRESSION, SLOWER_OK, Assessment

__all__ = ["KEY", "markdown", "rows", "terminal_lines", "to_verdict", "to_verdicts"]

KEY = "benchmark_max_regression"

_WHY = {
    REGRESSION: "slower beyond noise and a regression >= the threshold cannot be ruled out",
    SLOWER_OK: "slower beyond noise, but the whole interval is under the threshold",
    NO_CHANGE: "no slowdown distinguishable from noise",
    FASTER: "faster",
}


def _time(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _pct(ratio: float | None) -> str:
    return "-" if ratio is None else f"{(ratio - 1) * 100:+.1f}%"


def short_names(names: Sequence[str]) -> dict[str, str]:
    """The test part of each node id when unique, else the whole node id."""
    tails = [n.split("::", 1)[-1] for n in names]
    return {n: t if tails.count(t) == 1 else n for n, t in zip(names, tails, strict=True)}


def _outcome(a: Assessment, settings: BenchSettings) -> Outcome:
    if a.status == COMPARED:
        return Outcome.FAIL if a.decision == REGRESSION else Outcome.PASS
    if a.status == "saved":
        return Outcome.PASS
    if a.status == "incomparable" and settings.incomparable == "warn":
        return Outcome.WARN
    if a.status in ("missing-baseline", "missing-in-base") and settings.missing == "warn":
        return Outcome.WARN
    return Outcome.ERROR


def summary(a: Assessment) -> str:
    if a.status != COMPARED:
        return a.reason
    ci = f"[{_pct(a.low)}, {_pct(a.high)}]"
    text = (
        f"{_time(a.base_estimate)} -> {_time(a.current_estimate)}: {_pct(a.ratio)} {ci}, "
        f"p={a.p_value:.2g}; {a.decision}: {_WHY.get(a.decision or '', '')}"
    )
    if a.confirmed is not None:
        text += " (confirmed on re-measure)" if a.confirmed else " (not confirmed on re-measure)"
    return text


def to_verdict(a: Assessment, settings: BenchSettings, label: str, mode: str) -> Verdict:
    outcome = _outcome(a, settings)
    data: dict[str, Any] = {"mode": mode, **a.to_data()}
    fix = a.fix
    if outcome is Outcome.FAIL:
        fix = (
            "find the slowdown (e.g. pytest --benchmark-only --benchmark-histogram), or, for a "
            "benchmark known to be noisy, raise its threshold (benchmark_overrides or "
            "@pytest.mark.benchmark_gate(max_regression=N))"
        )
    return Verdict(
        rule=f"{KEY}.{label}",
        outcome=outcome,
        measured=None if a.ratio is None else round((a.ratio - 1) * 100, 2),
        threshold=round(a.threshold * 100, 3),
        unit="%",
        summary=summary(a),
        details=a.details,
        fix=fix,
        data=data,
    )


def to_verdicts(
    assessments: Sequence[Assessment], settings: BenchSettings, mode: str
) -> list[Verdict]:
    labels = short_names([a.name for a in assessments])
    return [to_verdict(a, settings, labels[a.name], mode) for a in assessments]


# ------------------------------------------------------------------------------ rendering
HEADER = ("benchmark", "baseline", "current", "change", "interval", "threshold", "verdict", "why")


def rows(verdicts: Sequence[Verdict]) -> list[tuple[str, ...]]:
    """One row per benchmark verdict (``HEADER`` order)."""
    out: list[tuple[str, ...]] = []
    for v in verdicts:
        d = v.data
        ratio, low, high = d.get("ratio"), d.get("ci_low"), d.get("ci_high")
        interval = "-" if low is None or high is None else f"[{_pct(low)}, {_pct(high)}]"
        out.append(
            (
                v.rule.removeprefix(KEY + "."),
                _time(d.get("base_estimate_s")),
                _time(d.get("current_estimate_s")),
                _pct(ratio),
                interval,
                f"{v.threshold}%",
                v.outcome.value.upper(),
                str(d.get("decision") or d.get("status") or ""),
            )
        )
    return out


def markdown(verdicts: Sequence[Verdict]) -> str:
    """A Markdown table (e.g. for ``$GITHUB_STEP_SUMMARY``)."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += [
        "| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows(verdicts)
    ]
    return "\n".join(lines) + "\n"


def terminal_lines(verdicts: Sequence[Verdict]) -> list[str]:
    """Aligned plain-text table lines (for the terminal summary)."""
    table = [HEADER, *rows(verdicts)]
    widths = [max(len(r[i]) for r in table) for i in range(len(HEADER))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in table]
