"""Verdicts: the explicit result of one gate rule. The gate's exit status is derived from these."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Outcome", "Verdict"]


class Outcome(enum.Enum):
    PASS = "pass"
    FAIL = "fail"
    #: The rule could not be measured (no coverage data, missing base ref, ...). Fails the gate.
    ERROR = "error"
    #: Measured, but reported only (e.g. an incomparable baseline configured to warn).
    WARN = "warn"


@dataclass(frozen=True)
class Verdict:
    """One rule's answer: what was measured, against what threshold, and why it passed or not."""

    rule: str
    outcome: Outcome
    measured: float | str | None = None
    threshold: float | str | None = None
    summary: str = ""
    details: tuple[str, ...] = ()
    fix: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.FAIL, Outcome.ERROR)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "verdict": self.outcome.value,
            "measured": self.measured,
            "threshold": self.threshold,
            "summary": self.summary,
            "details": list(self.details),
            "fix": self.fix,
            "data": self.data,
        }
