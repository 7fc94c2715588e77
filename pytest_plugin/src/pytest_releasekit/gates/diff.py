"""Diff coverage: how much of the code changed since the base the tests executed.

Changed lines come from :mod:`pytest_releasekit.gitdiff` (the working tree against the
merge-base of ``HEAD`` and the base ref; untracked files count throughout unless
``diff_untracked = "ignore"``). Of those, the *executable* ones are statements in coverage.py's
data; files coverage.py does not measure are ignored.

With branch data, the changed lines' branches count too, exactly as coverage.py counts a file:
(covered statements + covered branches) / (statements + branches), over the changed statements
and the arcs that start on them. A changed line that ran but whose arcs did not all run is
*partly* covered (coverage.py's partial branch); its missed arcs are listed as coverage.py's
``coverage report -m`` lists them (``12->14``, ``12->exit``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..gitdiff import (
    Base,
    all_lines,
    changed_lines,
    format_ranges,
    resolve_base,
    untracked_files,
)
from ..measure import FileCoverage
from ..settings import GateSettings, Key, count, one_of, percent, text
from ..verdict import Outcome, Verdict
from . import GateRun, Rule, Unmeasurable
from .coverage import meets

__all__ = [
    "DIFF_BASE",
    "DIFF_COVERAGE",
    "DIFF_MAX_UNCOVERED",
    "DIFF_MIN_STATEMENTS",
    "DIFF_UNTRACKED",
    "ChangedCode",
    "DiffRule",
    "decide",
    "measure_file",
]

DIFF_COVERAGE: Key[float | None] = Key(
    "diff_coverage",
    percent,
    None,
    help="Minimum coverage of the executable lines (and, with branch data, their branches) "
    "changed since the base (diff coverage).",
    example="diff_coverage = 80",
)
DIFF_BASE: Key[str | None] = Key(
    "diff_base",
    text,
    None,
    help="Ref the diff is taken against (its merge-base with HEAD). Default: the default branch. "
    "--gate-base overrides it.",
    example='diff_base = "origin/main"',
)
DIFF_UNTRACKED: Key[str] = Key(
    "diff_untracked",
    one_of("include", "ignore"),
    "include",
    help="Untracked (not ignored) files: every line counts as changed (include), or they do "
    "not count (ignore).",
    example='diff_untracked = "ignore"',
)
DIFF_MIN_STATEMENTS: Key[int] = Key(
    "diff_min_statements",
    count,
    0,
    help="Fewest changed statements for the percentage to apply; a smaller diff with uncovered "
    "lines is a warning (or judged by diff_max_uncovered when set).",
    example="diff_min_statements = 10",
)
DIFF_MAX_UNCOVERED: Key[int | None] = Key(
    "diff_max_uncovered",
    count,
    None,
    help="Changed lines allowed to be not (or only partly) covered whatever the percentage.",
    example="diff_max_uncovered = 2",
)


@dataclass(frozen=True)
class ChangedCode:
    """The changed part of one measured file, as coverage.py measured it."""

    statements: int
    missing: tuple[int, ...]  #: changed statements that did not run
    branches: int  #: arcs starting on a changed statement
    covered_branches: int
    partial: tuple[int, ...]  #: changed lines that ran but not all of whose arcs ran
    #: missed arcs shown (``report -m``'s rule: not from a missing line, not to a shown one)
    arcs: tuple[tuple[int, int], ...]

    @property
    def uncovered(self) -> int:
        """Changed lines not, or only partly, covered."""
        return len(self.missing) + len(self.partial)

    def describe(self) -> str:
        """``"7, 9->11, 12-14, 15->exit"``, ordered by line like ``coverage report -m``."""
        spans = format_ranges(self.missing).split(", ") if self.missing else []
        items = [(int(span.split("-")[0]), span) for span in spans]
        items += [(a, _arc(a, b)) for a, b in self.arcs]
        return ", ".join(text for _, text in sorted(items))


def _arc(start: int, end: int) -> str:
    return f"{start}->{end if end > 0 else 'exit'}"


def measure_file(file: FileCoverage, lines: set[int]) -> ChangedCode:
    """What coverage.py measured on ``lines`` of ``file``."""
    statements = lines & (file.executed | file.missing)
    missing = lines & file.missing
    ran = [arc for arc in file.executed_branches if arc[0] in lines]
    missed = [arc for arc in file.missing_branches if arc[0] in lines]
    return ChangedCode(
        statements=len(statements),
        missing=tuple(sorted(missing)),
        branches=len(ran) + len(missed),
        covered_branches=len(ran),
        partial=tuple(sorted({a for a, _ in missed if a not in file.missing})),
        arcs=tuple(sorted((a, b) for a, b in missed if a not in file.missing and b not in missing)),
    )


def decide(
    measured: float,
    threshold: float,
    *,
    statements: int,
    uncovered: int,
    min_statements: int,
    max_uncovered: int | None,
) -> tuple[Outcome, str]:
    """The verdict on a diff with ``statements`` changed statements, ``uncovered`` of its lines
    not (or partly) covered and ``measured`` percent covered; and why, when not the percentage."""
    if meets(measured, threshold):
        return Outcome.PASS, ""
    if max_uncovered is not None and uncovered <= max_uncovered:
        return Outcome.PASS, f"{uncovered} uncovered changed lines allowed (diff_max_uncovered)"
    if statements < min_statements:
        note = f"under diff_min_statements = {min_statements}, the percentage does not apply"
        if max_uncovered is not None:
            return Outcome.FAIL, f"{note}; more than diff_max_uncovered = {max_uncovered} uncovered"
        return Outcome.WARN, note
    return Outcome.FAIL, ""


def _error(summary: str, fix: str, threshold: float) -> Verdict:
    return Verdict(
        DIFF_COVERAGE.name,
        Outcome.ERROR,
        threshold=threshold,
        unit="%",
        op=">=",
        summary=summary,
        fix=fix,
    )


def _display(path: str, base: Base, fallback: str) -> str:
    try:
        return Path(path).relative_to(base.toplevel).as_posix()
    except ValueError:
        return fallback


class DiffRule(Rule):
    name = "diff"
    keys = (DIFF_COVERAGE, DIFF_BASE, DIFF_UNTRACKED, DIFF_MIN_STATEMENTS, DIFF_MAX_UNCOVERED)

    def needs_coverage(self, settings: GateSettings) -> bool:
        return settings.is_set(DIFF_COVERAGE)

    def evaluate(self, run: GateRun) -> list[Verdict]:
        threshold = run.settings.get(DIFF_COVERAGE)
        if threshold is None:
            return []
        try:
            base = resolve_base(run.rootdir, run.settings.get(DIFF_BASE))
            changed = changed_lines(base)
            untracked = (
                set(untracked_files(base))
                if run.settings.get(DIFF_UNTRACKED) == "include"
                else set()
            )
        except Unmeasurable as exc:
            return [_error(exc.reason, exc.fix, threshold)]
        report = run.coverage.report(paths=sorted(changed.keys() | untracked))
        measured: dict[str, ChangedCode] = {}
        for file in report.files:
            real = os.path.realpath(file.path)
            lines = all_lines(real) if real in untracked else changed.get(real)
            if lines:
                measured[_display(file.path, base, file.name)] = measure_file(file, lines)
        return [self._judge(run, base, measured, threshold, report.has_branches)]

    def _judge(
        self,
        run: GateRun,
        base: Base,
        measured: dict[str, ChangedCode],
        threshold: float,
        branch: bool,
    ) -> Verdict:
        statements = sum(c.statements for c in measured.values())
        covered = statements - sum(len(c.missing) for c in measured.values())
        branches = sum(c.branches for c in measured.values())
        covered_branches = sum(c.covered_branches for c in measured.values())
        uncovered = sum(c.uncovered for c in measured.values())
        shown = {name: c for name, c in sorted(measured.items()) if c.missing or c.arcs}
        data = {
            "base": base.ref,
            "merge_base": base.merge_base,
            "branch": branch,
            "changed_files": len(measured),
            "changed_lines": statements,
            "covered_lines": covered,
            "changed_branches": branches,
            "covered_branches": covered_branches,
            "uncovered": {n: list(c.missing) for n, c in shown.items() if c.missing},
            "partial": {n: list(c.partial) for n, c in sorted(measured.items()) if c.partial},
            "missed_arcs": {n: [_arc(*a) for a in c.arcs] for n, c in shown.items() if c.arcs},
        }
        since = f"since {base.ref} ({base.merge_base[:10]})"
        if not statements:
            return Verdict(
                DIFF_COVERAGE.name,
                Outcome.PASS,
                threshold=threshold,
                unit="%",
                op=">=",
                summary=f"no changed executable lines {since}",
                data=data,
            )
        percent_ = 100.0 * (covered + covered_branches) / (statements + branches)
        what = f"{covered} of {statements} changed executable lines"
        if branch:
            what += f" and {covered_branches} of {branches} of their branches"
        summary = f"{what} covered {since}"
        outcome, note = decide(
            percent_,
            threshold,
            statements=statements,
            uncovered=uncovered,
            min_statements=run.settings.get(DIFF_MIN_STATEMENTS),
            max_uncovered=run.settings.get(DIFF_MAX_UNCOVERED),
        )
        if note:
            summary += f"; {note}"
        return Verdict(
            DIFF_COVERAGE.name,
            outcome,
            measured=percent_,
            threshold=threshold,
            unit="%",
            op=">=",
            summary=summary,
            details=tuple(f"{name}: {c.describe()}" for name, c in shown.items()),
            data=data,
        )


RULES = (DiffRule(),)
