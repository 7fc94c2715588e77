"""Coverage rules: total, statement and branch percentages, and a per-file minimum.

Percentages are coverage.py's own (see :mod:`pytest_releasekit.measure`) and are compared the way
``coverage report --fail-under`` compares them: rounded to two decimals, except that 100 means
exactly 100.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..globs import compile_glob
from ..measure import CoverageReport, FileCoverage
from ..settings import GateSettings, Key, glob_pattern, globs, percent, table_of
from ..verdict import Outcome, Verdict
from . import GateRun, Rule, Unmeasurable

__all__ = [
    "COVERAGE_BRANCH",
    "COVERAGE_LINES",
    "COVERAGE_PER_FILE",
    "COVERAGE_PER_FILE_EXCLUDE",
    "COVERAGE_PER_FILE_OVERRIDES",
    "COVERAGE_TOTAL",
    "CoverageRule",
    "meets",
]

COVERAGE_TOTAL: Key[float | None] = Key(
    "coverage_total",
    percent,
    None,
    help="Minimum total coverage: coverage.py's TOTAL (statements, plus branches when measured).",
    example="coverage_total = 90",
)
COVERAGE_LINES: Key[float | None] = Key(
    "coverage_lines",
    percent,
    None,
    help="Minimum statement coverage (covered statements / statements), ignoring branches.",
    example="coverage_lines = 90",
)
COVERAGE_BRANCH: Key[float | None] = Key(
    "coverage_branch",
    percent,
    None,
    help="Minimum branch coverage (covered branches / branches); needs branch measurement.",
    example="coverage_branch = 80",
)
COVERAGE_PER_FILE: Key[float | None] = Key(
    "coverage_per_file",
    percent,
    None,
    help="Minimum coverage of every measured file (coverage.py's per-file Cover).",
    example="coverage_per_file = 75",
)
COVERAGE_PER_FILE_OVERRIDES: Key[dict[str, float]] = Key(
    "coverage_per_file_overrides",
    table_of(percent, keys=glob_pattern),
    {},
    help="Per-file minimum for files matching a glob (the first matching glob wins).",
    example='coverage_per_file_overrides = {"src/pkg/legacy/*.py" = 40}',
    table=True,
)
COVERAGE_PER_FILE_EXCLUDE: Key[tuple[str, ...]] = Key(
    "coverage_per_file_exclude",
    globs,
    (),
    help="Files the per-file rule does not check (they still count in the totals).",
    example='coverage_per_file_exclude = ["src/pkg/_vendor/**"]',
)

_FIX_SOURCE = "point `--cov=PKG` or `[tool.coverage.run] source` at the code under test"
_GATING = (
    COVERAGE_TOTAL,
    COVERAGE_LINES,
    COVERAGE_BRANCH,
    COVERAGE_PER_FILE,
    COVERAGE_PER_FILE_OVERRIDES,
)


def meets(measured: float, threshold: float) -> bool:
    """coverage.py's fail-under comparison at two decimals; 100 must really be 100."""
    if threshold >= 100.0:
        return measured >= 100.0
    return round(measured, 2) >= threshold


def _pct(part: int, whole: int) -> float:
    return 100.0 * part / whole


def _judge(rule: str, measured: float, threshold: float, summary: str, **data: Any) -> Verdict:
    return Verdict(
        rule,
        Outcome.PASS if meets(measured, threshold) else Outcome.FAIL,
        measured=measured,
        threshold=threshold,
        unit="%",
        op=">=",
        summary=summary,
        data=data,
    )


def _relative(file: FileCoverage, run: GateRun) -> str:
    try:
        return Path(file.path).relative_to(run.rootdir).as_posix()
    except ValueError:
        return file.name


class CoverageRule(Rule):
    name = "coverage"
    keys = (*_GATING, COVERAGE_PER_FILE_EXCLUDE)

    def needs_coverage(self, settings: GateSettings) -> bool:
        return any(settings.is_set(key) for key in _GATING)

    def evaluate(self, run: GateRun) -> list[Verdict]:
        if not self.needs_coverage(run.settings):
            return []
        report = run.coverage.report()
        verdicts = [*self._totals(run.settings, report), *self._per_file(run, report)]
        if verdicts and report.warnings:
            first = verdicts[0]
            verdicts[0] = Verdict(
                first.rule,
                first.outcome,
                first.measured,
                first.threshold,
                first.summary,
                first.details + tuple(f"coverage.py: {w}" for w in report.warnings),
                first.fix,
                first.data,
                first.unit,
            )
        return verdicts

    def _totals(self, settings: GateSettings, report: CoverageReport) -> list[Verdict]:
        origin = {"data_file": report.data_file, "origin": report.origin}
        verdicts = []
        threshold = settings.get(COVERAGE_TOTAL)
        if threshold is not None:
            what = f"{report.covered} of {report.statements} statements"
            if report.has_branches:
                what += f", {report.covered_branches} of {report.branches} branches"
            verdicts.append(
                _judge(
                    COVERAGE_TOTAL.name,
                    report.percent,
                    threshold,
                    f"{what} ({report.origin})",
                    statements=report.statements,
                    covered=report.covered,
                    branches=report.branches,
                    covered_branches=report.covered_branches,
                    **origin,
                )
            )
        threshold = settings.get(COVERAGE_LINES)
        if threshold is not None:
            if not report.statements:
                raise Unmeasurable("the coverage data has no statements", _FIX_SOURCE)
            verdicts.append(
                _judge(
                    COVERAGE_LINES.name,
                    _pct(report.covered, report.statements),
                    threshold,
                    f"{report.covered} of {report.statements} statements",
                    statements=report.statements,
                    covered=report.covered,
                    **origin,
                )
            )
        threshold = settings.get(COVERAGE_BRANCH)
        if threshold is not None:
            verdicts.append(self._branch(report, threshold, origin))
        return verdicts

    def _branch(self, report: CoverageReport, threshold: float, origin: dict[str, str]) -> Verdict:
        if not report.has_branches:
            return Verdict(
                COVERAGE_BRANCH.name,
                Outcome.ERROR,
                threshold=threshold,
                unit="%",
                op=">=",
                summary=f"{report.data_file} has no branch data",
                fix="measure branches: set `branch = true` in [tool.coverage.run] (or pass "
                "--cov-branch), or remove coverage_branch",
                data=origin,
            )
        if not report.branches:
            return Verdict(
                COVERAGE_BRANCH.name,
                Outcome.PASS,
                threshold=threshold,
                unit="%",
                op=">=",
                summary="the measured code has no branches",
                data=origin,
            )
        return _judge(
            COVERAGE_BRANCH.name,
            _pct(report.covered_branches, report.branches),
            threshold,
            f"{report.covered_branches} of {report.branches} branches",
            branches=report.branches,
            covered_branches=report.covered_branches,
            **origin,
        )

    def _per_file(self, run: GateRun, report: CoverageReport) -> list[Verdict]:
        base = run.settings.get(COVERAGE_PER_FILE)
        overrides = [
            (compile_glob(g), t) for g, t in run.settings.get(COVERAGE_PER_FILE_OVERRIDES).items()
        ]
        excludes = [compile_glob(g) for g in run.settings.get(COVERAGE_PER_FILE_EXCLUDE)]
        if base is None and not overrides:
            return []
        used: set[str] = set()
        checked: list[tuple[str, float, float]] = []
        for file in report.files:
            name = _relative(file, run)
            if any(glob.match(name) for glob in excludes):
                continue
            threshold = base
            for glob, value in overrides:
                if glob.match(name):
                    threshold = value
                    used.add(glob.pattern)
                    break
            if threshold is not None:
                checked.append((name, file.percent, threshold))
        shown: float | str = base if base is not None else "per glob"
        if not checked:
            return [
                Verdict(
                    COVERAGE_PER_FILE.name,
                    Outcome.ERROR,
                    threshold=shown,
                    unit="%",
                    op=">=",
                    summary="no measured file is subject to the per-file rule",
                    fix="check coverage_per_file_exclude / coverage_per_file_overrides globs "
                    "(they match paths relative to the rootdir)",
                )
            ]
        failing = sorted((c for c in checked if not meets(c[1], c[2])), key=lambda c: (c[1], c[0]))
        lowest = min(checked, key=lambda c: (c[1], c[0]))
        details = [f"{name}: {pct:.2f}% < {limit:g}%" for name, pct, limit in failing]
        details += [
            f"override {g.pattern!r} matched no measured file"
            for g, _ in overrides
            if g.pattern not in used
        ]
        return [
            Verdict(
                COVERAGE_PER_FILE.name,
                Outcome.FAIL if failing else Outcome.PASS,
                measured=lowest[1],
                threshold=shown,
                unit="%",
                op=">=",
                summary=(
                    f"{len(failing)} of {len(checked)} files below their minimum"
                    if failing
                    else f"{len(checked)} files checked; lowest {lowest[0]}"
                ),
                details=tuple(details),
                data={
                    "checked": len(checked),
                    "lowest": lowest[0],
                    "failing": {
                        name: {"measured": pct, "threshold": limit} for name, pct, limit in failing
                    },
                },
            )
        ]


RULES = (CoverageRule(),)
