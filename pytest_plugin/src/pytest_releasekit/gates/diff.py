"""Diff coverage: the share of changed executable lines that the tests executed.

"Changed" means added or modified in the working tree (committed, staged or not) relative to the
merge-base of ``HEAD`` and the base ref (``--gate-base``, ``diff_base``, or the default branch:
``origin/HEAD``, else the first of ``origin/main``, ``origin/master``, ``main``, ``master``).
"Executable" means a statement in coverage.py's data; files coverage.py does not measure are
ignored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .. import _run
from ..settings import GateSettings, Key, percent, text
from ..verdict import Outcome, Verdict
from . import GateRun, Rule, Unmeasurable
from .coverage import meets

__all__ = ["DIFF_BASE", "DIFF_COVERAGE", "DiffRule", "changed_lines", "format_ranges"]

DIFF_COVERAGE: Key[float | None] = Key(
    "diff_coverage",
    percent,
    None,
    help="Minimum coverage of the executable lines changed since the base (diff coverage).",
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

_DEFAULT_CANDIDATES = ("origin/main", "origin/master", "main", "master")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Base:
    ref: str
    merge_base: str
    toplevel: Path


def _git(args: list[str], cwd: Path) -> _run.Completed:
    return _run.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd)


def _exists(ref: str, cwd: Path) -> bool:
    return _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd).ok


def _shallow(cwd: Path) -> bool:
    return _git(["rev-parse", "--is-shallow-repository"], cwd).stdout.strip() == "true"


def _default_branch(cwd: Path) -> str | None:
    head = _git(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd)
    if head.ok and head.stdout.strip():
        return head.stdout.strip()
    return next((ref for ref in _DEFAULT_CANDIDATES if _exists(ref, cwd)), None)


_FIX_SHALLOW = (
    "fetch more history: `git fetch --no-tags --unshallow origin` (or `--deepen=200`); on GitHub "
    "Actions set `fetch-depth: 0` in actions/checkout"
)


def resolve_base(rootdir: Path, ref: str | None) -> Base:
    """The base ref and its merge-base with HEAD; :class:`Unmeasurable` says what is missing."""
    top = _git(["rev-parse", "--show-toplevel"], rootdir)
    if not top.ok:
        if top.returncode == 127:
            raise Unmeasurable("git is not installed", "install git and put it on PATH")
        raise Unmeasurable(
            f"{rootdir} is not inside a git repository",
            "run the gate in a git checkout, or remove diff_coverage",
        )
    toplevel = Path(top.stdout.strip())
    if ref is None:
        ref = _default_branch(toplevel)
        if ref is None:
            raise Unmeasurable(
                "cannot find the default branch (no origin/HEAD, origin/main, origin/master, "
                "main or master)" + (" in this shallow clone" if _shallow(toplevel) else ""),
                "set diff_base in [tool.releasekit.gate] or pass --gate-base=REF"
                + (f"; or {_FIX_SHALLOW}" if _shallow(toplevel) else ""),
            )
    if not _exists(ref, toplevel):
        if _shallow(toplevel):
            raise Unmeasurable(
                f"base ref {ref!r} does not exist in this shallow clone",
                f"fetch it: `git fetch --no-tags origin {ref.removeprefix('origin/')}`, or "
                + _FIX_SHALLOW,
            )
        raise Unmeasurable(
            f"base ref {ref!r} does not exist",
            f"fetch it (`git fetch origin {ref.removeprefix('origin/')}`) or set diff_base / "
            "--gate-base to an existing branch, tag or commit",
        )
    merge_base = _git(["merge-base", "HEAD", ref], toplevel)
    if not merge_base.ok:
        if _shallow(toplevel):
            raise Unmeasurable(
                f"HEAD and {ref!r} have no common ancestor in this shallow clone", _FIX_SHALLOW
            )
        raise Unmeasurable(
            f"HEAD and {ref!r} have no common ancestor",
            "set diff_base / --gate-base to a ref this branch was created from",
        )
    return Base(ref, merge_base.stdout.strip(), toplevel)


def _unquote(path: str) -> str:
    if path.startswith('"') and path.endswith('"'):
        raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw.encode("latin-1").decode("utf-8", "replace")
    return path


def parse_diff(diff: str) -> dict[str, set[int]]:
    """``git diff -U0`` output -> {new path: added/modified line numbers}."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = _unquote(line[4:].rstrip("\t"))
            current = None if target == "/dev/null" else changed.setdefault(target[2:], set())
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, length = int(match[1]), int(match[2] or 1)
                current.update(range(start, start + length))
    return {path: lines for path, lines in changed.items() if lines}


def changed_lines(base: Base) -> dict[str, set[int]]:
    """{absolute real path: changed lines} of the working tree relative to ``base.merge_base``."""
    diff = _git(
        [
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--find-renames",
            "--unified=0",
            base.merge_base,
            "--",
        ],
        base.toplevel,
    )
    if not diff.ok:
        raise Unmeasurable(
            f"`git diff {base.merge_base}` failed: {diff.stderr.strip()}",
            "check the repository with `git status`",
        )
    return {
        os.path.realpath(base.toplevel / path): lines
        for path, lines in parse_diff(diff.stdout).items()
    }


def format_ranges(lines: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    spans: list[list[int]] = []
    for number in sorted(lines):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


class DiffRule(Rule):
    name = "diff"
    keys = (DIFF_COVERAGE, DIFF_BASE)

    def needs_coverage(self, settings: GateSettings) -> bool:
        return settings.is_set(DIFF_COVERAGE)

    def evaluate(self, run: GateRun) -> list[Verdict]:
        threshold = run.settings.get(DIFF_COVERAGE)
        if threshold is None:
            return []
        rule = DIFF_COVERAGE.name
        try:
            base = resolve_base(run.rootdir, run.settings.get(DIFF_BASE))
        except Unmeasurable as exc:
            return [
                Verdict(
                    rule,
                    Outcome.ERROR,
                    threshold=threshold,
                    unit="%",
                    op=">=",
                    summary=exc.reason,
                    fix=exc.fix,
                )
            ]
        changed = changed_lines(base)
        report = run.coverage.report(paths=sorted(changed))
        total = covered = 0
        uncovered: dict[str, list[int]] = {}
        for file in report.files:
            lines = changed.get(os.path.realpath(file.path))
            if not lines:
                continue
            executable = lines & (file.executed | file.missing)
            missed = sorted(lines & file.missing)
            total += len(executable)
            covered += len(executable) - len(missed)
            if missed:
                uncovered[
                    Path(file.path).relative_to(base.toplevel).as_posix()
                    if file.path.startswith(str(base.toplevel))
                    else file.name
                ] = missed
        data = {
            "base": base.ref,
            "merge_base": base.merge_base,
            "changed_files": len(changed),
            "changed_lines": total,
            "covered_lines": covered,
            "uncovered": uncovered,
        }
        since = f"since {base.ref} ({base.merge_base[:10]})"
        if not total:
            return [
                Verdict(
                    rule,
                    Outcome.PASS,
                    threshold=threshold,
                    unit="%",
                    op=">=",
                    summary=f"no changed executable lines {since}",
                    data=data,
                )
            ]
        measured = 100.0 * covered / total
        return [
            Verdict(
                rule,
                Outcome.PASS if meets(measured, threshold) else Outcome.FAIL,
                measured=measured,
                threshold=threshold,
                unit="%",
                op=">=",
                summary=f"{covered} of {total} changed executable lines covered {since}",
                details=tuple(
                    f"{name}: {format_ranges(lines)}" for name, lines in sorted(uncovered.items())
                ),
                data=data,
            )
        ]


RULES = (DiffRule(),)
