"""pytest-releasekit: test tiers and one explainable quality-gate verdict (``pytest --gate``)."""

from __future__ import annotations

from .verdict import EXIT_GATE_FAILED, GateResult, Outcome, Verdict

__all__ = ["EXIT_GATE_FAILED", "GateResult", "Outcome", "Verdict"]
