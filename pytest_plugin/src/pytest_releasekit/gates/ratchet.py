"""The coverage ratchet: no file's coverage may drop below the base's by more than
``coverage_max_drop`` percentage points (coverage.py issue #717).

The base's per-file coverage comes from :mod:`pytest_releasekit.covbaseline`: the baseline the
gate stored on the base branch (``--gate-save-coverage-baseline``) or the base run's
``coverage json`` report (``coverage_baseline``). Files new since the base, and files gone, are
not compared; a file that exists on both sides and dropped further than allowed fails the rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import GateSettings, Key, percent, text
from ..verdict import Outcome, Verdict
from . import GateRun, Rule, Unmeasurable

if TYPE_CHECKING:
    import pytest

    from ..covbaseline import Baseline
    from ..measure import FileCoverage

__all__ = ["COVERAGE_BASELINE", "COVERAGE_MAX_DROP", "RatchetRule"]

COVERAGE_MAX_DROP: Key[float | None] = Key(
    "coverage_max_drop",
    percent,
    None,
    help="Largest drop of any file's coverage below the base's, in percentage points "
    "(the coverage ratchet).",
    example="coverage_max_drop = 1",
)
COVERAGE_BASELINE: Key[str] = Key(
    "coverage_baseline",
    text,
    ".releasekit-gate/coverage-baseline.json",
    help="The base's per-file coverage (relative to the rootdir): the baseline the gate stores "
    "with --gate-save-coverage-baseline, or the base run's `coverage json` report.",
    example='coverage_baseline = "base-coverage.json"',
)
_SAVE = "gate_save_coverage_baseline"


def _relative(path: str, name: str, rootdir: Path) -> str:
    try:
        return Path(path).relative_to(rootdir).as_posix()
    except ValueError:
        return name


def _saving(run: GateRun) -> bool:
    if run.config is None:
        return False
    try:
        return bool(run.config.getoption(_SAVE))
    except ValueError:  # not registered (e.g. the plugin's hooks not loaded)
        return False


def _drop(old: float, new: float) -> float:
    """The drop in points, rounded like coverage.py rounds its comparisons."""
    return round(old - new, 2)


class RatchetRule(Rule):
    name = "ratchet"
    keys = (COVERAGE_MAX_DROP, COVERAGE_BASELINE)
    implies_gate = (_SAVE,)

    def needs_coverage(self, settings: GateSettings) -> bool:
        return settings.is_set(COVERAGE_MAX_DROP)

    def add_options(self, group: pytest.OptionGroup) -> None:
        group.addoption(
            "--gate-save-coverage-baseline",
            action="store_true",
            dest=_SAVE,
            default=False,
            help="store this run's per-file coverage as the coverage ratchet's baseline "
            "(coverage_baseline) instead of comparing; implies --gate",
        )

    def evaluate(self, run: GateRun) -> list[Verdict]:
        limit = run.settings.get(COVERAGE_MAX_DROP)
        saving = _saving(run)
        if limit is None:
            if not saving:
                return []
            raise Unmeasurable(
                "--gate-save-coverage-baseline needs the coverage ratchet configured",
                "set coverage_max_drop in [tool.releasekit.gate] (e.g. coverage_max_drop = 1)",
            )
        path = run.rootdir / run.settings.get(COVERAGE_BASELINE)
        report = run.coverage.report()
        # named as the stored baseline names them: relative to the rootdir
        current = {_relative(f.path, f.name, run.rootdir): f for f in report.files}
        if saving:
            return [self._save(run, path, current, report.has_branches, limit)]
        from ..covbaseline import load

        return [self._compare(load(path), current, report.has_branches, limit)]

    def _save(
        self, run: GateRun, path: Path, current: dict[str, FileCoverage], branch: bool, limit: float
    ) -> Verdict:
        from ..covbaseline import save
        from ..gitdiff import head_commit

        commit = head_commit(run.rootdir)
        save(
            path,
            {
                name: {
                    "percent": f.percent,
                    "statements": f.statements,
                    "covered": f.covered,
                    "branches": f.branches,
                    "covered_branches": f.covered_branches,
                }
                for name, f in current.items()
            },
            branch=branch,
            commit=commit,
        )
        return Verdict(
            COVERAGE_MAX_DROP.name,
            Outcome.PASS,
            threshold=limit,
            unit="%",
            op="<=",
            summary=f"baseline saved: per-file coverage of {len(current)} files in "
            f"{run.settings.get(COVERAGE_BASELINE)}"
            + (f" (commit {commit[:10]})" if commit else ""),
            data={"saved": str(path), "files": len(current), "commit": commit},
        )

    def _compare(
        self, base: Baseline, current: dict[str, FileCoverage], branch: bool, limit: float
    ) -> Verdict:
        if base.branch is not None and base.branch != branch:
            raise Unmeasurable(
                f"the coverage baseline {base.path} was measured "
                f"{'with' if base.branch else 'without'} branches, this run "
                f"{'with' if branch else 'without'}: the percentages are not comparable",
                "measure both the same way ([tool.coverage.run] branch), then save the baseline "
                "again on the base branch",
            )
        common = sorted(base.percents.keys() & current.keys())
        if not common:
            raise Unmeasurable(
                f"no file of the coverage baseline {base.path} is in this run's coverage data",
                "file names must be relative to the rootdir (run `coverage json` there), and the "
                "baseline must come from this project",
            )
        drops = {name: _drop(base.percents[name], current[name].percent) for name in common}
        failing = sorted((n for n in common if drops[n] > limit), key=lambda n: (-drops[n], n))
        worst = max(common, key=lambda n: (drops[n], n))
        source = f"{base.origin} {base.path.name}" + (
            f" of {base.commit[:10]}" if base.commit else ""
        )
        if failing:
            summary = (
                f"{len(failing)} of {len(common)} files dropped more than {limit:g} points "
                f"below the {source}"
            )
        else:
            summary = f"{len(common)} files compared with the {source}; " + (
                f"largest drop: {worst}" if drops[worst] > 0 else "none dropped"
            )
        return Verdict(
            COVERAGE_MAX_DROP.name,
            Outcome.FAIL if failing else Outcome.PASS,
            measured=max(drops[worst], 0.0),
            threshold=limit,
            unit="%",
            op="<=",
            summary=summary,
            details=tuple(
                f"{n}: {base.percents[n]:.2f}% -> {current[n].percent:.2f}% (-{drops[n]:.2f})"
                for n in failing
            ),
            data={
                "baseline": str(base.path),
                "origin": base.origin,
                "commit": base.commit,
                "saved_at": base.saved_at,
                "compared": len(common),
                "new_files": len(current.keys() - base.percents.keys()),
                "dropped": {
                    n: {"old": base.percents[n], "new": current[n].percent, "drop": drops[n]}
                    for n in failing
                },
            },
        )


RULES = (RatchetRule(),)
