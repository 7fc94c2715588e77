"""The benchmark gate's two modes (and saving a baseline), from measuring to decided assessments.

- :func:`save_baseline`: measure the working tree, append one session per benchmark.
- :func:`stored`: measure the working tree, compare with the stored sessions.
- :func:`same_job`: measure a worktree of the base ref and the working tree, alternating.

Both comparing modes screen first (Holm at the looser ``screen_alpha``), re-measure the flagged
benchmarks, and decide at ``alpha`` on all their data: only a confirmed regression fails.
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import stats
from . import baseline as store
from .config import BenchSettings
from .decide import COMPARED, REGRESSION, Assessment, decide
from .fingerprint import Fingerprint, current, differences
from .runner import Measured, Measurer, tree_files, worktree
from .samples import Rounds, location

__all__ = ["PRIOR_DF", "Request", "Result", "same_job", "save_baseline", "stored"]

#: Same-job mode: degrees of freedom the suite's noise adds to each benchmark's own estimate.
PRIOR_DF = 4


@dataclass
class Request:
    rootdir: Path
    #: node ids of the benchmarks (tests using the ``benchmark`` fixture) in the session
    benchmarks: Sequence[str]
    #: threshold (fraction) per node id; missing ones use settings.max_regression
    thresholds: Mapping[str, float]
    settings: BenchSettings
    xdist: bool = False
    base_ref: str | None = None
    seed: int | None = None
    #: progress callback (a line of text), e.g. the terminal reporter's write_line
    progress: Callable[[str], None] = lambda _line: None


@dataclass
class Result:
    mode: str
    assessments: list[Assessment]
    notes: list[str] = field(default_factory=list)
    fingerprint: Fingerprint | None = None
    base_commit: str | None = None


def _measurer(req: Request) -> Measurer:
    s = req.settings
    return Measurer(
        pytest_args=tuple(s.pytest_args),
        autoload=s.plugin_autoload,
        xdist=req.xdist,
        pythonpath=tuple(s.pythonpath),
    )


def _files(nodes: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(n.split("::", 1)[0] for n in nodes))


def _threshold(req: Request, name: str) -> float:
    return req.thresholds.get(name, req.settings.max_regression / 100.0)


def _no_data(req: Request, name: str, run: Measured | None, where: str) -> Assessment:
    cmd = "pytest --benchmark-only " + name
    tail = run.tail() if run is not None else ""
    return Assessment(
        name=name,
        status="no-data",
        threshold=_threshold(req, name),
        reason=f"pytest-benchmark produced no samples for it in {where} "
        "(skipped, disabled or failed in the measuring process)",
        fix=f"run `{cmd}` and make it measure (not skip); the measuring process printed the "
        "output below",
        details=tuple(tail.splitlines()[-12:]),
    )


def _too_few(req: Request, name: str, got: str) -> Assessment:
    s = req.settings
    return Assessment(
        name=name,
        status="too-few-samples",
        threshold=_threshold(req, name),
        reason=f"too few samples for a decision ({got}; each process needs >= {s.min_samples})",
        fix=f"raise --benchmark-min-rounds to >= {s.min_samples} (benchmark_pytest_args) or "
        "make the benchmark faster; benchmark_rounds sets the number of processes",
    )


def _good(rounds: list[list[float]], min_samples: int) -> list[list[float]]:
    return [r for r in rounds if len(r) >= min_samples]


def _measure_rounds(
    req: Request, tree: Path, selection: Sequence[str], n: int, rng: random.Random
) -> tuple[Rounds, Measured | None]:
    m, rounds, last = _measurer(req), Rounds(), None
    for i in range(n):
        req.progress(f"benchmark gate: measuring round {i + 1}/{n} in {tree}")
        last = m.measure(tree, selection, seed=rng.randrange(2**31))
        rounds.add(last.samples)
    return rounds, last


# ------------------------------------------------------------------------------ save
def save_baseline(req: Request) -> Result:
    s, rng = req.settings, random.Random(req.seed)  # noqa: S311 - seeds, not secrets
    fp = current(s.fingerprint_packages)
    directory = req.rootdir / s.baseline_dir
    rounds, last = _measure_rounds(req, req.rootdir, _files(req.benchmarks), s.rounds, rng)
    out: list[Assessment] = []
    for name in req.benchmarks:
        good = _good(rounds.rounds.get(name, []), s.min_samples)
        if not rounds.rounds.get(name):
            out.append(_no_data(req, name, last, "the working tree"))
        elif not good:
            out.append(_too_few(req, name, f"{len(rounds.samples(name))} samples"))
        else:
            saved = store.save(directory, name, good, fp, keep=s.baseline_sessions)
            out.append(
                Assessment(
                    name=name,
                    status="saved",
                    threshold=_threshold(req, name),
                    reason=f"baseline saved: session {len(saved.sessions)} of at most "
                    f"{s.baseline_sessions} in {saved.path}",
                    current_estimate=math.exp(_session_loc(good)),
                    counts={"sessions": len(saved.sessions), "rounds": len(good)},
                )
            )
    return Result("save-baseline", out, fingerprint=fp)


# ------------------------------------------------------------------------------ stored
def _session_loc(rounds: Sequence[Sequence[float]]) -> float:
    return statistics.fmean(math.log(location(r)) for r in rounds)


def _stored_assess(
    req: Request,
    bases: Mapping[str, store.Baseline],
    cur: Rounds,
    names: Sequence[str],
    pooled: tuple[float, int],
) -> list[Assessment]:
    s, out = req.settings, []
    for name in names:
        good = _good(cur.rounds.get(name, []), s.min_samples)
        base = bases[name]
        sessions = [list(map(list, sess)) for sess in base.sessions]
        if not good:
            out.append(_too_few(req, name, f"{len(cur.samples(name))} current samples"))
            continue
        locs = [_session_loc(sess) for sess in sessions]
        c_logs = [math.log(location(r)) for r in good]
        within = statistics.variance(c_logs) / len(c_logs) if len(c_logs) >= 2 else 0.0
        effect = stats.session_effect(
            locs,
            statistics.fmean(c_logs),
            pooled_var=pooled[0],
            pooled_df=pooled[1],
            floor=s.noise_floor / 100.0,
            within_var=within,
        )
        base_samples = [x for sess in sessions for r in sess for x in r]
        cur_samples = [x for r in good for x in r]
        mw = stats.mann_whitney(base_samples, cur_samples)
        out.append(
            Assessment(
                name=name,
                status=COMPARED,
                threshold=_threshold(req, name),
                base_estimate=math.exp(statistics.fmean(locs)),
                current_estimate=math.exp(statistics.fmean(c_logs)),
                effect=effect,
                extra_p=mw.p_greater,
                counts={
                    "base_sessions": len(sessions),
                    "base_rounds": sum(len(x) for x in sessions),
                    "base_samples": len(base_samples),
                    "current_rounds": len(good),
                    "current_samples": len(cur_samples),
                },
                details=(f"Mann-Whitney on raw samples: p(slower) = {mw.p_greater:.3g}",),
            )
        )
    return out


def stored(req: Request) -> Result:
    s, rng = req.settings, random.Random(req.seed)  # noqa: S311 - seeds, not secrets
    fp = current(s.fingerprint_packages)
    directory = req.rootdir / s.baseline_dir
    result = Result("stored-baseline", [], fingerprint=fp)
    bases: dict[str, store.Baseline] = {}
    early: dict[str, Assessment] = {}
    for name in req.benchmarks:
        try:
            b = store.load(directory, name)
        except ValueError as exc:
            early[name] = Assessment(
                name,
                "error",
                _threshold(req, name),
                reason=str(exc),
                fix="delete the file and run `pytest --gate --gate-save-baseline`",
            )
            continue
        if b is None or not b.sessions:
            early[name] = Assessment(
                name,
                "missing-baseline",
                _threshold(req, name),
                reason=f"no stored baseline in {directory}",
                fix="run `pytest --gate --gate-save-baseline` on the reference code and commit "
                "or cache the directory, or use same-job mode (--gate-bench-base=REF)",
            )
        elif why := differences(b.fingerprint, fp):
            early[name] = Assessment(
                name,
                "incomparable",
                _threshold(req, name),
                reason="baseline measured on another machine or interpreter: " + "; ".join(why),
                fix="re-save the baseline here (--gate-save-baseline), use same-job mode "
                '(--gate-bench-base=REF), or set benchmark_incomparable = "warn"',
                details=(f"baseline: {b.fingerprint.describe()}", f"now: {fp.describe()}"),
            )
        else:
            bases[name] = b
    names = [n for n in req.benchmarks if n in bases]
    cur, last = (
        _measure_rounds(req, req.rootdir, _files(names), s.rounds, rng)
        if names
        else (Rounds(), None)
    )
    pooled = stats.pooled_session_variance(
        [[_session_loc(sess) for sess in bases[n].sessions] for n in names]
    )
    for n in names:
        if not cur.rounds.get(n):
            early[n] = _no_data(req, n, last, "the working tree")
    names = [n for n in names if n not in early]
    screened = decide(_stored_assess(req, bases, cur, names, pooled), s.screen_alpha)
    flagged = [a.name for a in screened if a.decision == REGRESSION]
    final = {a.name: a for a in screened}
    if flagged:
        result.notes.append(f"re-measuring {len(flagged)} flagged benchmark(s) to confirm")
        more, _ = _measure_rounds(req, req.rootdir, flagged, s.confirm_rounds, rng)
        for n in flagged:
            cur.rounds[n] = cur.rounds.get(n, []) + more.rounds.get(n, [])
        # Every compared benchmark is in the family; the unflagged count with p = 1.
        again = _stored_assess(req, bases, cur, names, pooled)
        confirmed = decide(again, s.alpha, only=set(flagged))
        for a in confirmed:
            if a.name in flagged:
                final[a.name] = replace(a, confirmed=a.decision == REGRESSION)
    result.assessments = [early.get(n) or final[n] for n in req.benchmarks]
    return result


# ------------------------------------------------------------------------------ same-job
@dataclass
class _Pairs:
    base: list[float] = field(default_factory=list)
    current: list[float] = field(default_factory=list)
    order: list[int] = field(default_factory=list)
    base_samples: int = 0
    current_samples: int = 0


def _alternate(
    req: Request,
    trees: Mapping[str, Path],
    selection: Mapping[str, Sequence[str]],
    n: int,
    rng: random.Random,
    pairs: dict[str, _Pairs],
    start: int,
) -> dict[str, Measured]:
    m, last = _measurer(req), {}
    for i in range(start, start + n):
        seed = rng.randrange(2**31)
        sides = ("base", "current") if i % 2 == 0 else ("current", "base")
        got: dict[str, Measured] = {}
        for side in sides:
            req.progress(f"benchmark gate: round {i + 1}, {side} tree")
            got[side] = last[side] = m.measure(trees[side], selection[side], seed=seed)
        for name in set(got["base"].samples) & set(got["current"].samples):
            b, c = got["base"].samples[name], got["current"].samples[name]
            if min(len(b), len(c)) < req.settings.min_samples:
                continue
            p = pairs.setdefault(name, _Pairs())
            p.base.append(location(b))
            p.current.append(location(c))
            p.order.append(1 if sides[1] == "current" else -1)
            p.base_samples += len(b)
            p.current_samples += len(c)
    return last


def _same_job_assess(
    req: Request, pairs: Mapping[str, _Pairs], names: Sequence[str]
) -> list[Assessment]:
    fits = {
        n: stats.paired_fit(pairs[n].base, pairs[n].current, pairs[n].order)
        for n in names
        if len(pairs[n].base) >= 2
    }
    # Noise model learned across the suite: the median residual variance (robust to one
    # benchmark hit by a burst, which must not blur every other benchmark). Each benchmark's
    # own variance is moderated towards it with PRIOR_DF degrees of freedom, at most as many
    # as the other benchmarks measured (a lone benchmark stands on its own rounds).
    total = sum(f[2] for f in fits.values())
    suite = statistics.median(f[1] for f in fits.values()) if fits else 0.0
    out = []
    for n in names:
        p = pairs[n]
        if n not in fits:
            out.append(_too_few(req, n, f"{len(p.base)} usable round(s)"))
            continue
        prior = (suite, float(min(PRIOR_DF, total - fits[n][2])))
        effect = stats.paired_rounds(p.base, p.current, order=p.order, prior=prior)
        out.append(
            Assessment(
                name=n,
                status=COMPARED,
                threshold=_threshold(req, n),
                base_estimate=math.exp(statistics.fmean(math.log(x) for x in p.base)),
                current_estimate=math.exp(statistics.fmean(math.log(x) for x in p.current)),
                effect=effect,
                counts={
                    "rounds": len(p.base),
                    "base_samples": p.base_samples,
                    "current_samples": p.current_samples,
                },
            )
        )
    return out


def same_job(req: Request) -> Result:
    s, rng = req.settings, random.Random(req.seed)  # noqa: S311 - seeds, not secrets
    if not req.base_ref:
        raise ValueError("same-job mode needs a base ref")
    result = Result("same-job", [], fingerprint=current(s.fingerprint_packages))
    early: dict[str, Assessment] = {}
    with worktree(req.rootdir, req.base_ref) as (base_tree, sha):
        result.base_commit = sha
        present, absent = tree_files(base_tree, req.benchmarks)
        for n in absent:
            early[n] = Assessment(
                n,
                "missing-in-base",
                _threshold(req, n),
                reason=f"its file does not exist in the base ref {req.base_ref} ({sha[:12]})",
                fix="a new benchmark has nothing to compare with yet; set "
                'benchmark_missing = "warn" to accept new benchmarks',
            )
        trees = {"base": base_tree, "current": req.rootdir}
        pairs: dict[str, _Pairs] = {}
        sel = {"base": _files(present), "current": _files(present)}
        last = _alternate(req, trees, sel, s.rounds, rng, pairs, 0) if present else {}
        for n in present:
            if n not in pairs:
                no_base = not last.get("base") or n not in last["base"].samples
                no_cur = not last.get("current") or n not in last["current"].samples
                if no_base and not no_cur:
                    early[n] = replace(
                        _no_data(req, n, last.get("base"), f"base ref {req.base_ref}"),
                        status="missing-in-base",
                    )
                elif no_cur:
                    early[n] = _no_data(req, n, last.get("current"), "the working tree")
                else:
                    early[n] = _too_few(req, n, "no round with enough samples")
        names = [n for n in present if n not in early]
        screened = decide(_same_job_assess(req, pairs, names), s.screen_alpha)
        flagged = [a.name for a in screened if a.decision == REGRESSION]
        final = {a.name: a for a in screened}
        if flagged:
            result.notes.append(f"re-measuring {len(flagged)} flagged benchmark(s) to confirm")
            _alternate(
                req,
                trees,
                {"base": flagged, "current": flagged},
                s.confirm_rounds,
                rng,
                pairs,
                s.rounds,
            )
            confirmed = decide(_same_job_assess(req, pairs, names), s.alpha, only=set(flagged))
            for a in confirmed:
                if a.name in flagged:
                    final[a.name] = replace(a, confirmed=a.decision == REGRESSION)
    result.assessments = [early.get(n) or final[n] for n in req.benchmarks]
    return result
