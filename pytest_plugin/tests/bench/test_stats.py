"""The statistics on known distributions: seeded samples with known shifts, and scipy as oracle."""

from __future__ import annotations

import math
import random
import statistics

import pytest
import scipy.stats as scipy_stats  # the reference the stdlib implementation is checked against

from pytest_releasekit import stats
from pytest_releasekit.bench.decide import REGRESSION, Assessment, decide


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - seeded test data, not secrets


@pytest.mark.parametrize("df", [1, 2, 4, 9, 30, 200])
@pytest.mark.parametrize("t", [-3.5, -1.0, 0.0, 0.7, 2.0, 6.0])
def test_t_cdf_matches_scipy(t: float, df: int) -> None:
    assert stats.t_cdf(t, df) == pytest.approx(scipy_stats.t.cdf(t, df), abs=1e-9)


@pytest.mark.parametrize("df", [1, 3, 7, 25, math.inf])
@pytest.mark.parametrize("p", [0.0005, 0.025, 0.5, 0.9, 0.999])
def test_t_ppf_matches_scipy(p: float, df: float) -> None:
    assert stats.t_ppf(p, df) == pytest.approx(scipy_stats.t.ppf(p, df), rel=1e-6, abs=1e-7)


def test_mann_whitney_matches_scipy_with_ties() -> None:
    rng = _rng(7)
    base = [round(rng.gauss(10, 1), 1) for _ in range(40)]
    cur = [round(rng.gauss(10.4, 1), 1) for _ in range(35)]
    ours = stats.mann_whitney(base, cur)
    ref = scipy_stats.mannwhitneyu(cur, base, alternative="greater", method="asymptotic")
    assert ours.u == pytest.approx(ref.statistic)
    assert ours.p_greater == pytest.approx(ref.pvalue, rel=1e-6)


def test_mann_whitney_direction() -> None:
    rng = _rng(1)
    base = [rng.lognormvariate(0, 0.05) for _ in range(30)]
    slower = [x * 1.10 for x in (rng.lognormvariate(0, 0.05) for _ in range(30))]
    assert stats.mann_whitney(base, slower).p_greater < 1e-4
    assert stats.mann_whitney(slower, base).p_greater > 0.99


def test_bootstrap_ratio_ci_covers_known_shift() -> None:
    rng = _rng(3)
    base = [rng.lognormvariate(0, 0.03) for _ in range(60)]
    cur = [1.08 * rng.lognormvariate(0, 0.03) for _ in range(60)]
    ratio, lo, hi = stats.bootstrap_ratio_ci(base, cur, seed=11)
    assert lo < 1.08 < hi
    assert lo > 1.0
    assert ratio == pytest.approx(statistics.median(cur) / statistics.median(base))
    # seeded: the same inputs give the same interval
    assert stats.bootstrap_ratio_ci(base, cur, seed=11) == (ratio, lo, hi)


def test_bootstrap_log_median_var_scales_with_n() -> None:
    rng = _rng(5)
    small = [rng.lognormvariate(0, 0.05) for _ in range(20)]
    large = [rng.lognormvariate(0, 0.05) for _ in range(320)]
    assert stats.bootstrap_log_median_var(large) < stats.bootstrap_log_median_var(small)


def test_holm_and_bh_on_textbook_example() -> None:
    p = [0.01, 0.04, 0.03, 0.005]
    assert [r for r, _ in stats.holm(p, 0.05)] == [True, False, False, True]
    assert stats.holm(p, 0.05)[3][1] == pytest.approx(0.05 / 4)
    assert stats.benjamini_hochberg(p, 0.05) == [True, True, True, True]
    assert stats.benjamini_hochberg([0.2, 0.5], 0.05) == [False, False]


def _rounds(rng: random.Random, n: int, shift: float, noise: float) -> tuple[list[float], ...]:
    base = [math.exp(rng.gauss(0, noise)) for _ in range(n)]
    cur = [math.exp(rng.gauss(math.log(shift), noise)) for _ in range(n)]
    order = [1 if i % 2 else -1 for i in range(n)]
    return base, cur, order  # type: ignore[return-value]


def test_paired_rounds_recovers_known_shift() -> None:
    rng = _rng(2)
    base, cur, order = _rounds(rng, 10, 1.10, 0.01)
    effect = stats.paired_rounds(base, cur, order=order)
    assert effect.ratio == pytest.approx(1.10, rel=0.02)
    assert effect.p_slower < 1e-6
    lo, hi = effect.interval(0.005)
    assert lo < 1.10 < hi


def test_paired_fit_removes_an_order_effect() -> None:
    # The second process of each round is 3% slower: the order model absorbs it.
    base, cur, order = [], [], []
    rng = _rng(4)
    for i in range(8):
        second_is_current = i % 2 == 1
        b, c = math.exp(rng.gauss(0, 0.002)), math.exp(rng.gauss(0, 0.002))
        (c := c * 1.03) if second_is_current else (b := b * 1.03)
        base.append(b)
        cur.append(c)
        order.append(1 if second_is_current else -1)
    d, var, df, _ = stats.paired_fit(base, cur, order)
    _, var0, _, _ = stats.paired_fit(base, cur)
    assert abs(d) < 0.005
    assert df == 6
    assert var < var0 / 10


def test_paired_rounds_moderates_its_variance_towards_the_suite() -> None:
    rng = _rng(8)
    base, cur, order = _rounds(rng, 6, 1.0, 0.001)
    _, own_var, own_df, factor = stats.paired_fit(base, cur, order)
    own = stats.paired_rounds(base, cur, order=order)
    assert own.df == own_df == 4
    assert own.se == pytest.approx(math.sqrt(own_var * factor))
    suite = 0.02**2
    moderated = stats.paired_rounds(base, cur, order=order, prior=(suite, 4.0))
    # Smyth's moderated variance: the suite's noise counts as 4 more degrees of freedom.
    assert moderated.df == 8
    assert moderated.se == pytest.approx(math.sqrt((4 * suite + 4 * own_var) / 8 * factor))
    assert own.se < moderated.se < math.sqrt(suite * factor)
    # no prior degrees of freedom: the benchmark's own rounds alone
    assert stats.paired_rounds(base, cur, order=order, prior=(suite, 0.0)) == own


def test_moderated_t_is_calibrated_when_the_prior_is_right() -> None:
    """A/A: benchmarks whose noise differs 4x around the suite's level (a spread of variances
    like the one the experiment measured); the moderated t keeps its nominal level. The prior is
    the suite's typical per-round variance of ``d``: twice a side's variance."""
    rng = _rng(99)
    hits = trials = 0
    for _ in range(4000):
        sd = 0.02 * math.sqrt(rng.choice([0.5, 1.0, 2.0]))
        base, cur, order = _rounds(rng, 4, 1.0, sd)
        effect = stats.paired_rounds(base, cur, order=order, prior=(2 * 0.02**2, 4.0))
        trials += 1
        hits += effect.p_slower < 0.05
    assert hits / trials < 0.05 + 0.01  # nominal 5%, Monte Carlo error ~0.35%


def test_session_effect_uses_floor_and_session_spread() -> None:
    effect = stats.session_effect([0.0], math.log(1.03), pooled_var=0.0, pooled_df=0, floor=0.01)
    assert effect.df == math.inf
    assert effect.se == pytest.approx(0.01 * math.sqrt(2))
    spread = stats.session_effect([0.0, 0.05, -0.05], 0.0, pooled_var=0.0, pooled_df=0, floor=0.01)
    assert spread.se == pytest.approx(0.05 * math.sqrt(1 + 1 / 3))
    _, df = stats.pooled_session_variance([[0.0, 0.02], [0.01, 0.01, 0.04], [0.3]])
    assert df == 3


def _assess(name: str, effect: stats.LogEffect) -> Assessment:
    return Assessment(name=name, status="compared", threshold=0.05, effect=effect)


def test_gate_false_alarm_rate_is_controlled_across_many_benchmarks() -> None:
    """A/A on simulated paired rounds: the whole gate (8 benchmarks) flags < ~alpha."""
    rng = _rng(12345)
    runs, flagged = 1500, 0
    for _ in range(runs):
        family = []
        for j in range(8):
            base, cur, order = _rounds(rng, 6, 1.0, 0.03)
            family.append(_assess(f"b{j}", stats.paired_rounds(base, cur, order=order)))
        decided = decide(family, 0.05)
        flagged += any(a.decision == REGRESSION for a in decided)
    # Holm controls the family-wise rate at 5%; allow Monte Carlo error.
    assert flagged / runs < 0.065


def test_decision_needs_effect_and_significance() -> None:
    precise_small = stats.LogEffect(d=math.log(1.02), se=0.002, df=30, method="t")
    noisy_big = stats.LogEffect(d=math.log(1.20), se=0.2, df=30, method="t")
    clear = stats.LogEffect(d=math.log(1.10), se=0.01, df=30, method="t")
    at_threshold = stats.LogEffect(d=math.log(1.045), se=0.008, df=30, method="t")
    faster = stats.LogEffect(d=math.log(0.8), se=0.01, df=30, method="t")
    out = {
        a.name: a
        for a in decide(
            [
                _assess("small", precise_small),
                _assess("noisy", noisy_big),
                _assess("clear", clear),
                _assess("edge", at_threshold),
                _assess("fast", faster),
            ],
            0.01,
        )
    }
    assert out["small"].decision == "slower-within-threshold"
    assert out["noisy"].decision == "no-significant-change"
    assert out["clear"].decision == REGRESSION
    assert out["edge"].decision == REGRESSION  # a 5% regression cannot be ruled out
    assert out["fast"].decision == "faster"
    assert out["clear"].low is not None
    assert out["clear"].low > 1.0


def test_decide_only_counts_the_others_with_p_one() -> None:
    e = stats.LogEffect(d=math.log(1.10), se=0.02, df=20, method="t")
    family = [_assess("a", e), _assess("b", e), _assess("c", e)]
    full = decide(family, 0.01)
    only = decide(family, 0.01, only={"a"})
    assert [a.decision for a in full] == [REGRESSION] * 3
    assert only[0].decision == REGRESSION
    assert only[1].p_value == 1.0


def _suite_rounds(rng: random.Random, sds: list[float], n: int, shift: float) -> dict[str, object]:
    from pytest_releasekit.bench.engine import _Pairs

    pairs = {}
    for j, sd in enumerate(sds):
        base, cur, order = _rounds(rng, n, shift, sd)
        pairs[f"b{j}"] = _Pairs(base=base, current=cur, order=order)
    return pairs


def _suite_flag_rate(sds: list[float], rounds: int, shift: float, runs: int, seed: int) -> float:
    """How often the same-job noise model (moderated variances, then Holm at 5%) flags a
    simulated suite: one benchmark per standard deviation in ``sds``."""
    from pytest_releasekit.bench.config import BenchSettings
    from pytest_releasekit.bench.engine import Request, _same_job_assess

    names = [f"b{j}" for j in range(len(sds))]
    req = Request(rootdir=None, benchmarks=names, thresholds={}, settings=BenchSettings())  # type: ignore[arg-type]
    rng = _rng(seed)
    hits = 0
    for _ in range(runs):
        pairs = _suite_rounds(rng, sds, rounds, shift)
        decided = decide(_same_job_assess(req, pairs, names), 0.05)  # type: ignore[arg-type]
        hits += any(a.decision == REGRESSION for a in decided)
    return hits / runs


@pytest.mark.parametrize("rounds", [4, 8])
def test_moderated_suite_keeps_the_false_alarm_rate_with_unequal_noise(rounds: int) -> None:
    """A/A: a suite whose benchmarks' variances differ 36x is flagged in fewer than 5% of runs."""
    rate = _suite_flag_rate([0.005, 0.01, 0.03], rounds, 1.0, 3000, seed=2024)
    assert rate < 0.05 + 0.01  # nominal 5%; Monte Carlo error ~0.4%


def test_moderation_gives_power_a_few_rounds_alone_lack(monkeypatch: pytest.MonkeyPatch) -> None:
    """With 4 rounds a benchmark's own variance has 2 degrees of freedom; borrowing the suite's
    noise catches a 3% slowdown far more often than the own variance alone does."""
    from pytest_releasekit.bench import engine

    sds = [0.01, 0.014, 0.022]
    moderated = _suite_flag_rate(sds, 4, 1.03, 500, seed=7)
    monkeypatch.setattr(engine, "PRIOR_DF", 0)
    alone = _suite_flag_rate(sds, 4, 1.03, 500, seed=7)
    assert moderated > alone + 0.15
