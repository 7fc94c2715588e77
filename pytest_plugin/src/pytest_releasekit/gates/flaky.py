"""Flakiness: tests that passed only on a rerun (pytest-rerunfailures) are counted and gated."""

from __future__ import annotations

from ..settings import Key, count
from ..verdict import Outcome, Verdict
from . import GateRun, Rule

__all__ = ["MAX_FLAKY", "FlakyRule"]

MAX_FLAKY: Key[int | None] = Key(
    "max_flaky",
    count,
    None,
    help="Most tests allowed to pass only on a rerun (needs pytest-rerunfailures). When unset, "
    "any such test fails the gate.",
    example="max_flaky = 0",
)


class FlakyRule(Rule):
    name = "flaky"
    keys = (MAX_FLAKY,)

    def evaluate(self, run: GateRun) -> list[Verdict]:
        limit = run.settings.get(MAX_FLAKY)
        if "rerunfailures" not in run.plugins:
            if limit is None:
                return []
            return [
                Verdict(
                    MAX_FLAKY.name,
                    Outcome.ERROR,
                    threshold=limit,
                    op="<=",
                    summary="pytest-rerunfailures is not active, so flaky tests cannot be detected",
                    fix="install pytest-rerunfailures and run with --reruns N, or drop max_flaky",
                )
            ]
        flaky = sorted(set(run.tally.flaky))
        if limit is None and not flaky:
            return []
        threshold = 0 if limit is None else limit
        return [
            Verdict(
                MAX_FLAKY.name,
                Outcome.PASS if len(flaky) <= threshold else Outcome.FAIL,
                measured=len(flaky),
                threshold=threshold,
                op="<=",
                summary=f"{len(flaky)} tests passed only on a rerun ({run.tally.reruns} reruns)",
                details=tuple(flaky),
                fix=None
                if len(flaky) <= threshold
                else "fix the flaky tests, or tolerate them explicitly with max_flaky = N",
                data={"flaky": flaky, "reruns": run.tally.reruns},
            )
        ]


RULES = (FlakyRule(),)
