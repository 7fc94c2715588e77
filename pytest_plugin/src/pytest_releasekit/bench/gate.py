"""Glue between the gate registry (:class:`~pytest_releasekit.gates.GateRun`) and the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..gates import GateRun
from ..gates import benchmark as keys
from ..verdict import Outcome, Verdict
from . import engine
from .config import BenchSettings, threshold_for
from .runner import WorktreeError
from .verdicts import KEY, to_verdicts

__all__ = ["run_gate", "settings_from"]


def settings_from(run: GateRun) -> BenchSettings:
    s = run.settings
    overrides: dict[str, float] = s.get(keys.OVERRIDES)
    pytest_args: tuple[str, ...] = s.get(keys.PYTEST_ARGS)
    packages: tuple[str, ...] = s.get(keys.PACKAGES)
    pythonpath: tuple[str, ...] = s.get(keys.PYTHONPATH)
    return BenchSettings(
        max_regression=s.get(keys.MAX_REGRESSION),
        overrides=dict(overrides or {}),
        false_alarm_rate=s.get(keys.FALSE_ALARM),
        rounds=max(2, s.get(keys.ROUNDS)),
        confirm_rounds=s.get(keys.CONFIRM_ROUNDS),
        baseline_dir=s.get(keys.BASELINE_DIR),
        baseline_sessions=max(1, s.get(keys.BASELINE_SESSIONS)),
        noise_floor=s.get(keys.NOISE_FLOOR),
        incomparable=s.get(keys.INCOMPARABLE),
        missing=s.get(keys.MISSING),
        min_samples=s.get(keys.MIN_SAMPLES),
        pytest_args=pytest_args,
        plugin_autoload=s.get(keys.AUTOLOAD),
        fingerprint_packages=packages,
        pythonpath=pythonpath,
    )


def _progress(run: GateRun) -> Callable[[str], None]:
    reporter = run.config.pluginmanager.get_plugin("terminalreporter") if run.config else None
    if reporter is None or run.config is None or run.config.get_verbosity() < 1:
        return lambda _line: None
    return reporter.write_line  # type: ignore[no-any-return]


def run_gate(
    run: GateRun, marked: Mapping[str, float | None], *, base_ref: str | None, save: bool
) -> list[Verdict]:
    settings = settings_from(run)
    names = list(marked)
    req = engine.Request(
        rootdir=run.rootdir,
        benchmarks=names,
        thresholds={n: threshold_for(n, settings, marked[n]) for n in names},
        settings=settings,
        xdist="xdist" in run.plugins,
        base_ref=base_ref,
        progress=_progress(run),
    )
    if save:
        result = engine.save_baseline(req)
    elif base_ref:
        try:
            result = engine.same_job(req)
        except WorktreeError as exc:
            return [
                Verdict(
                    KEY,
                    Outcome.ERROR,
                    summary=str(exc),
                    fix="pass an existing ref to --gate-bench-base (fetch it in CI)",
                )
            ]
    else:
        result = engine.stored(req)
    verdicts = to_verdicts(result.assessments, settings, result.mode)
    for v in verdicts:
        v.data["base_commit"] = result.base_commit
        v.data["notes"] = list(result.notes)
    return verdicts
