"""Verdicts: the explicit result of one gate rule. The gate's exit status is derived from these."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EXIT_GATE_FAILED", "GateResult", "Outcome", "Verdict"]

#: Exit status of ``pytest --gate`` when every test passed but a rule failed or could not be
#: measured. pytest's own non-zero statuses (1 = tests failed, 2 = interrupted, 4 = usage error,
#: 5 = no tests collected) are never overwritten; 7 is pytest-rerunfailures' ``--fail-on-flaky``.
EXIT_GATE_FAILED = 6


class Outcome(enum.Enum):
    PASS = "pass"  # noqa: S105 - an outcome, not a password
    FAIL = "fail"
    #: The rule could not be measured (no coverage data, missing base ref, ...). Fails the gate.
    ERROR = "error"
    #: Measured, but reported only (e.g. an incomparable baseline configured to warn).
    WARN = "warn"


@dataclass(frozen=True)
class Verdict:
    """One rule's answer: what was measured, against what threshold, and why it passed or not.

    ``rule`` is the configuration key (or ``key.subkey``) the verdict is about, e.g.
    ``coverage_total`` or ``min_tests.e2e``. ``details`` are human lines (uncovered files, ...),
    ``fix`` says how to make an ERROR go away, ``data`` is free-form JSON-able detail for machines,
    ``unit`` is appended to ``measured``/``threshold`` when they are numbers (``"%"``), and ``op``
    (``">="``/``"<="``) tells readers which way the threshold goes.
    """

    rule: str
    outcome: Outcome
    measured: float | str | None = None
    threshold: float | str | None = None
    summary: str = ""
    details: tuple[str, ...] = ()
    fix: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    unit: str = ""
    #: how ``measured`` must relate to ``threshold`` for a pass, for display: ">=", "<=" or ""
    op: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.FAIL, Outcome.ERROR)

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "verdict": self.outcome.value,
            "measured": self.measured,
            "threshold": self.threshold,
            "unit": self.unit,
            "op": self.op,
            "summary": self.summary,
            "details": list(self.details),
            "fix": self.fix,
            "data": self.data,
        }


@dataclass(frozen=True)
class GateResult:
    """Every verdict of one gate evaluation, in report order."""

    verdicts: tuple[Verdict, ...]

    @classmethod
    def of(cls, verdicts: Sequence[Verdict]) -> GateResult:
        return cls(tuple(verdicts))

    @property
    def passed(self) -> bool:
        return not any(v.failed for v in self.verdicts)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for v in self.verdicts if v.outcome is outcome)

    def exit_status(self, pytest_status: int) -> int:
        """The session's exit status: pytest's when non-zero, else 6 when the gate failed."""
        if pytest_status != 0:
            return pytest_status
        return 0 if self.passed else EXIT_GATE_FAILED
