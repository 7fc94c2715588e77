"""pytest-releasekit: test tiers and one explainable quality-gate verdict (``pytest --gate``)."""

from __future__ import annotations

from .verdict import Outcome, Verdict

__all__ = ["Outcome", "Verdict"]
