"""The statistics behind benchmark verdicts, in pure Python (stdlib only).

The plugin stays light: no numpy/scipy. Everything here is a pure function of its inputs; the
random ones (bootstrap) take a seed, so a verdict is reproducible from the stored samples.

Conventions: ``base`` is the reference (stored baseline or the base git ref), ``current`` is the
code under test. A *log effect* is ``ln(current / base)`` of a location estimate (median); a
positive effect means the current code is slower.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "LogEffect",
    "MannWhitney",
    "benjamini_hochberg",
    "bootstrap_log_median_var",
    "bootstrap_ratio_ci",
    "holm",
    "mann_whitney",
    "median",
    "paired_fit",
    "paired_rounds",
    "pooled_session_variance",
    "session_effect",
    "t_cdf",
    "t_ppf",
]

_NORMAL = statistics.NormalDist()


def median(xs: Sequence[float]) -> float:
    if not xs:
        raise ValueError("median of no samples")
    return statistics.median(xs)


# ------------------------------------------------------------------------- Student's t
def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the regularized incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-14:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(ln_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom (``inf``: the normal)."""
    if math.isinf(df):
        return _NORMAL.cdf(t)
    if df <= 0:
        raise ValueError(f"degrees of freedom must be positive, got {df}")
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_ppf(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (bisection on :func:`t_cdf`)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"quantile level must be in (0, 1), got {p}")
    if math.isinf(df):
        return _NORMAL.inv_cdf(p)
    lo, hi = -1e6, 1e6
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-10:
            break
    return (lo + hi) / 2.0


# ------------------------------------------------------------------------- effects
@dataclass(frozen=True)
class LogEffect:
    """An estimate of ``d = ln(current / base)`` with its standard error and degrees of freedom.

    ``p_slower`` is the one-sided p-value of "current is slower" (H0: d <= 0).
    """

    d: float
    se: float
    df: float
    method: str

    @property
    def ratio(self) -> float:
        return math.exp(self.d)

    @property
    def p_slower(self) -> float:
        if self.se <= 0.0:
            return 0.0 if self.d > 0 else 1.0
        return 1.0 - t_cdf(self.d / self.se, self.df)

    def interval(self, alpha_one_sided: float) -> tuple[float, float]:
        """Ratio interval with ``alpha_one_sided`` in each tail (level 1 - 2*alpha)."""
        q = t_ppf(1.0 - alpha_one_sided, self.df)
        return math.exp(self.d - q * self.se), math.exp(self.d + q * self.se)


def paired_fit(
    base: Sequence[float], current: Sequence[float], order: Sequence[int] | None = None
) -> tuple[float, float, int, float]:
    """Fit the per-round log ratios of alternating rounds.

    Round ``i`` ran ``base[i]`` and ``current[i]`` back to back, so slow drift of the machine
    cancels in ``d_i = ln(current[i] / base[i])``. ``order[i]`` is +1 when the current tree ran
    second in round ``i`` and -1 when it ran first: with both orders present the model is
    ``d_i = delta + gamma * order[i] + e_i``, which removes a systematic "second process is
    slower" effect from the noise instead of leaving it in the variance.

    Returns ``(delta, residual variance, degrees of freedom, factor)`` with
    ``Var(delta) = residual variance * factor``.
    """
    if len(base) != len(current):
        raise ValueError("paired rounds need as many base as current rounds")
    n = len(base)
    if n < 2:
        raise ValueError("paired rounds need at least two rounds")
    diffs = [math.log(c / b) for b, c in zip(base, current, strict=True)]
    if order is not None:
        plus = [d for d, o in zip(diffs, order, strict=True) if o > 0]
        minus = [d for d, o in zip(diffs, order, strict=True) if o <= 0]
        if plus and minus and n >= 3:
            mp, mm = statistics.fmean(plus), statistics.fmean(minus)
            ss = sum((d - mp) ** 2 for d in plus) + sum((d - mm) ** 2 for d in minus)
            factor = (1.0 / len(plus) + 1.0 / len(minus)) / 4.0
            return (mp + mm) / 2.0, ss / (n - 2), n - 2, factor
    return statistics.fmean(diffs), statistics.variance(diffs), n - 1, 1.0 / n


def paired_rounds(
    base: Sequence[float],
    current: Sequence[float],
    *,
    order: Sequence[int] | None = None,
    prior: tuple[float, float] | None = None,
) -> LogEffect:
    """Same-job effect from alternating rounds (see :func:`paired_fit`).

    The rounds are the independent units (samples within one process share its memory layout,
    hash seed, ...), so the t interval uses the rounds' spread. With a handful of rounds the
    benchmark's own residual variance rests on 2-4 degrees of freedom, which makes a t test
    nearly powerless; ``prior = (s0², d0)`` moderates it (Smyth 2004, the "moderated t"): the
    suite's noise ``s0²`` counts as ``d0`` extra degrees of freedom,
    ``s² = (d0·s0² + df·own) / (d0 + df)`` on ``d0 + df`` degrees of freedom. A benchmark
    noisier than the suite keeps most of its own variance; a quiet one is not judged by the
    noisiest.
    """
    d, var, df, factor = paired_fit(base, current, order)
    dof = float(df)
    if prior is not None and prior[1] > 0:
        s0, d0 = prior
        var, dof = (d0 * s0 + df * var) / (d0 + df), d0 + df
    return LogEffect(d=d, se=math.sqrt(var * factor), df=dof, method="paired-rounds")


def pooled_session_variance(
    sessions_by_benchmark: Sequence[Sequence[float]],
) -> tuple[float, int]:
    """Noise model: variance of a session's log location, pooled over benchmarks.

    Each inner sequence holds one benchmark's per-session log locations from repeated baseline
    runs. Returns (pooled variance, degrees of freedom); (0.0, 0) when no benchmark has two
    sessions.
    """
    ss, df = 0.0, 0
    for sessions in sessions_by_benchmark:
        if len(sessions) >= 2:
            mean = statistics.fmean(sessions)
            ss += sum((s - mean) ** 2 for s in sessions)
            df += len(sessions) - 1
    return (ss / df, df) if df else (0.0, 0)


def session_effect(
    baseline_sessions: Sequence[float],
    current: float,
    *,
    pooled_var: float,
    pooled_df: int,
    floor: float,
    within_var: float = 0.0,
) -> LogEffect:
    """Stored-baseline effect: the current session against ``k`` baseline sessions.

    ``baseline_sessions`` are per-session log locations of one benchmark, ``current`` the
    current session's. A session's log location varies by sigma^2 (machine state, process
    layout, load); sigma^2 is the largest of this benchmark's own between-session variance,
    the pooled one (:func:`pooled_session_variance`), ``floor**2`` and ``within_var`` (the
    current session's own sampling variance, e.g. :func:`bootstrap_log_median_var`). Then
    Var(d) = sigma^2 * (1 + 1/k). Degrees of freedom are those of the pooled estimate, or
    infinite when only the floor or within-session variance is known (one baseline session).
    """
    k = len(baseline_sessions)
    if k < 1:
        raise ValueError("no baseline session")
    own = statistics.variance(baseline_sessions) if k >= 2 else 0.0
    var = max(own, pooled_var, floor**2, within_var)
    df = float(pooled_df) if pooled_df and var in (own, pooled_var) else math.inf
    d = current - statistics.fmean(baseline_sessions)
    return LogEffect(d=d, se=math.sqrt(var * (1.0 + 1.0 / k)), df=df, method="session-noise")


# ------------------------------------------------------------------------- rank test
@dataclass(frozen=True)
class MannWhitney:
    u: float
    z: float
    #: One-sided p-value of "current tends to be larger (slower) than base".
    p_greater: float


def mann_whitney(base: Sequence[float], current: Sequence[float]) -> MannWhitney:
    """Mann-Whitney U of ``current`` vs ``base``: normal approximation, tie and continuity
    corrected. Adequate for n >= ~10 per side; callers refuse smaller samples."""
    n1, n2 = len(base), len(current)
    if n1 == 0 or n2 == 0:
        raise ValueError("Mann-Whitney needs samples on both sides")
    pooled = sorted([(x, 0) for x in base] + [(y, 1) for y in current])
    n = n1 + n2
    rank_sum_current = 0.0
    tie_term = 0.0
    i = 0
    while i < n:
        j = i
        while j + 1 < n and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        avg_rank = (i + j) / 2.0 + 1.0
        t = j - i + 1
        tie_term += t**3 - t
        rank_sum_current += avg_rank * sum(1 for k in range(i, j + 1) if pooled[k][1] == 1)
        i = j + 1
    u = rank_sum_current - n2 * (n2 + 1) / 2.0
    mean = n1 * n2 / 2.0
    var = n1 * n2 / 12.0 * ((n + 1) - tie_term / (n * (n - 1))) if n > 1 else 0.0
    if var <= 0:
        return MannWhitney(u=u, z=0.0, p_greater=0.5)
    z = (u - mean - 0.5) / math.sqrt(var)
    return MannWhitney(u=u, z=z, p_greater=1.0 - _NORMAL.cdf(z))


# ------------------------------------------------------------------------- bootstrap
def _resampled_medians(xs: Sequence[float], n_boot: int, rng: random.Random) -> list[float]:
    n = len(xs)
    return [statistics.median(rng.choices(xs, k=n)) for _ in range(n_boot)]


def bootstrap_ratio_ci(
    base: Sequence[float],
    current: Sequence[float],
    *,
    level: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Ratio of medians ``current / base`` with a percentile bootstrap interval (seeded)."""
    if not base or not current:
        raise ValueError("bootstrap needs samples on both sides")
    rng = random.Random(seed)  # noqa: S311 - statistics, not cryptography
    ratios = sorted(
        c / b
        for b, c in zip(
            _resampled_medians(base, n_boot, rng),
            _resampled_medians(current, n_boot, rng),
            strict=True,
        )
    )
    tail = (1.0 - level) / 2.0
    lo = ratios[max(0, math.floor(tail * n_boot))]
    hi = ratios[min(n_boot - 1, math.ceil((1.0 - tail) * n_boot) - 1)]
    return median(current) / median(base), lo, hi


def bootstrap_log_median_var(xs: Sequence[float], *, n_boot: int = 500, seed: int = 0) -> float:
    """Sampling variance of ``ln(median(xs))`` by the bootstrap (seeded)."""
    if len(xs) < 2:
        raise ValueError("need at least two samples")
    rng = random.Random(seed)  # noqa: S311 - statistics, not cryptography
    logs = [math.log(m) for m in _resampled_medians(xs, n_boot, rng)]
    return statistics.variance(logs)


# ------------------------------------------------------------------------- multiplicity
def holm(pvalues: Sequence[float], alpha: float) -> list[tuple[bool, float]]:
    """Holm's step-down procedure: controls the family-wise error rate at ``alpha``.

    Returns, per p-value (input order), whether it is rejected and the per-test level it was
    compared with (``alpha / (m - rank)``); levels of tests after the first acceptance are
    the level at their rank, reported for confidence intervals only.
    """
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    out: list[tuple[bool, float]] = [(False, alpha)] * m
    stopped = False
    for rank, i in enumerate(order):
        level = alpha / (m - rank)
        rejected = not stopped and pvalues[i] <= level
        stopped = stopped or not rejected
        out[i] = (rejected, level)
    return out


def benjamini_hochberg(pvalues: Sequence[float], alpha: float) -> list[bool]:
    """Benjamini-Hochberg step-up: controls the false discovery rate at ``alpha``."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    cutoff = -1
    for rank, i in enumerate(order):
        if pvalues[i] <= alpha * (rank + 1) / m:
            cutoff = rank
    rejected = [False] * m
    for rank, i in enumerate(order):
        rejected[i] = rank <= cutoff
    return rejected
