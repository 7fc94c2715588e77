"""Preflight runs every non-skipped step's ``check``: a release never fails later for a reason
a check could have known before it started."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit import pipeline
from releasekit.context import Context
from releasekit.errors import PreflightError
from releasekit.steps.base import Facts, Plan, Problem, Step
from releasekit.steps.preflight import PreflightStep, problems

from ..conftest import make_sandbox, step_context


class NeedsTool(Step):
    """A step whose prerequisite is missing (as a step with a missing tool would report it)."""

    name = "needs-tool"

    def check(self, ctx: Context) -> Iterator[Problem]:
        yield ("frobnicate is not installed", "pip install frobnicate")

    def plan(self, ctx: Context) -> Plan:
        return Plan(self.name, "frobnicate")

    def apply(self, ctx: Context) -> Facts:
        raise AssertionError("preflight should have refused before this step ran")


def _context(root: Path) -> Context:
    return step_context(root, dry_run=True)


@pytest.fixture
def ctx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Context:
    sandbox = make_sandbox(tmp_path, "simple")
    monkeypatch.setattr(
        pipeline, "default_steps", lambda: [PreflightStep(), NeedsTool()], raising=True
    )
    return _context(sandbox.repo)


def test_default_check_finds_nothing(ctx: Context) -> None:
    assert list(PreflightStep().check(ctx)) == []


def test_problems_include_every_steps_check(ctx: Context) -> None:
    assert problems(ctx) == [("frobnicate is not installed", "pip install frobnicate")]
    with pytest.raises(PreflightError, match="frobnicate is not installed") as info:
        PreflightStep().apply(ctx)
    assert info.value.hint == "pip install frobnicate"


def test_a_skipped_step_is_not_checked(ctx: Context) -> None:
    ctx.skip = frozenset({"needs-tool"})
    assert problems(ctx) == []
    facts = PreflightStep().apply(ctx)
    assert set(facts) >= {"base", "branch"}
