"""Runs release steps in order: plan (dry-run), apply with journaling, resume, rollback.

Like nox's workflow, every step yields a Result (ok / skipped / failed / resumed, reason,
duration). A failure stops the run and leaves the journal for ``--resume`` or ``--rollback``.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Sequence

from .alerts import alerting
from .context import Context
from .errors import Interrupted, ReleasekitError, UsageError
from .events import release_events
from .steps.base import Plan, Result, Status, Step
from .steps.build import BuildStep
from .steps.changelog import ChangelogStep
from .steps.commit import CommitStep
from .steps.docs import DocsStep
from .steps.forge import ForgeDraftStep, ForgePublishStep
from .steps.gate import GateStep
from .steps.image import ImageStep
from .steps.preflight import PreflightStep
from .steps.promote import PromoteStep
from .steps.publish import PublishStep
from .steps.stage import StageStep
from .steps.supply import SupplyStep
from .steps.tag import TagStep
from .steps.verify import VerifyStep
from .steps.verify_published import VerifyPublishedStep
from .steps.version import VersionStep

__all__ = ["SKIPPABLE", "Pipeline", "default_steps"]

#: Steps without side effects: a release failing in them leaves nothing behind, not even a journal.
READ_ONLY = frozenset({"preflight", "gate"})
SKIPPABLE = frozenset(
    {"gate", "changelog", "verify", "image", "docs", "publish", "verify-published", "promote"}
    | {"forge-draft", "forge-publish"}
)


def default_steps() -> list[Step]:
    """The release, in order. Irreversible steps come after everything that can fail."""
    return [
        PreflightStep(),
        GateStep(),
        VersionStep(),
        ChangelogStep(),
        CommitStep(),
        BuildStep(),
        SupplyStep(),
        VerifyStep(),
        ImageStep(),
        DocsStep(),
        ForgeDraftStep(),
        StageStep(),
        PublishStep(),
        VerifyPublishedStep(),
        TagStep(),
        ForgePublishStep(),
        PromoteStep(),
    ]


class Pipeline:
    def __init__(self, ctx: Context, steps: Sequence[Step], skip: Sequence[str] = ()) -> None:
        names = [s.name for s in steps]
        unknown = sorted(set(skip) - set(names))
        if unknown:
            raise UsageError(
                f"--skip {unknown[0]}: no such step", hint=f"steps are: {', '.join(names)}"
            )
        fixed = sorted(set(skip) - SKIPPABLE)
        if fixed:
            raise UsageError(
                f"--skip {fixed[0]}: this step cannot be skipped",
                hint=f"skippable steps: {', '.join(sorted(SKIPPABLE & set(names)))}",
            )
        self.ctx = ctx
        self.steps = list(steps)
        self.skip = set(skip)
        ctx.skip = frozenset(skip)

    def skip_reason(self, step: Step) -> str | None:
        if step.name in self.skip:
            return "--skip " + step.name
        return step.skip_reason(self.ctx)

    def plans(self) -> list[Plan]:
        plans = []
        for step in self.steps:
            reason = self.skip_reason(step)
            plans.append(Plan(step.name, "", skip_reason=reason) if reason else step.plan(self.ctx))
        return plans

    def run(self) -> list[Result]:
        """Apply every step not yet done (per the journal), reconciling one left in flight."""
        with alerting(self.ctx), release_events(self.ctx):
            return self._run()

    def _run(self) -> list[Result]:
        ctx, journal = self.ctx, self.ctx.journal
        records = journal.steps()
        results: list[Result] = []
        for step in self.steps:
            record = records.get(step.name)
            if record and record.state == "done":
                ctx.facts[step.name] = record.facts
                results.append(Result(step.name, Status.RESUMED, "done before"))
                continue
            reason = self.skip_reason(step)
            if reason:
                if not record:
                    journal.append(step.name, "skipped", reason=reason)
                results.append(Result(step.name, Status.SKIPPED, reason))
                continue
            started = time.monotonic()
            if record and record.state == "in flight":
                facts = step.reconcile(ctx, record)
                if facts is not None:
                    journal.append(step.name, "done", facts=facts, reconciled=True)
                    ctx.facts[step.name] = facts
                    result = Result(
                        step.name, Status.RESUMED, "found complete", time.monotonic() - started
                    )
                    ctx.reporter.result(result)
                    results.append(result)
                    continue
            results.append(self._apply(step, started))
        journal.append("release", "complete", version=ctx.version)
        ctx.checkpoint("complete")
        for scratch in ("venv-verify", "from-index"):  # keep dist/, drop throwaway venvs
            shutil.rmtree(ctx.release_dir / scratch, ignore_errors=True)
        return results

    def _apply(self, step: Step, started: float) -> Result:
        ctx, journal = self.ctx, self.ctx.journal
        ctx.checkpoint(f"before:{step.name}")
        journal.append(step.name, "begin")
        try:
            with ctx.reporter.step(step.name, step.plan(ctx).summary):
                facts = step.apply(ctx)
        except KeyboardInterrupt:
            journal.append(step.name, "failed", error="interrupted")
            ctx.reporter.result(
                Result(step.name, Status.FAILED, "interrupted", time.monotonic() - started)
            )
            raise Interrupted(f"interrupted during {step.name}") from None
        except ReleasekitError as exc:
            journal.append(step.name, "failed", error=exc.message.splitlines()[0])
            ctx.reporter.result(Result(step.name, Status.FAILED, "", time.monotonic() - started))
            raise
        ctx.checkpoint(f"applied:{step.name}")  # done, but the journal does not know yet
        journal.append(step.name, "done", facts=facts)
        ctx.facts[step.name] = facts
        result = Result(step.name, Status.OK, "", time.monotonic() - started, facts)
        ctx.reporter.result(result)
        ctx.checkpoint(f"after:{step.name}")
        return result

    def rollback(self) -> list[str]:
        """Undo, newest first, every step the journal says began; return what stays manual."""
        ctx, journal = self.ctx, self.ctx.journal
        ctx.reporter.events.release_id = journal.release_id
        records = journal.steps()
        by_name = {s.name: s for s in self.steps}
        for name, record in records.items():
            if record.state == "done":
                ctx.facts[name] = record.facts
        manual: list[str] = []
        for name in reversed(list(records)):
            record = records[name]
            step = by_name.get(name)
            if step is None or record.state not in {"done", "in flight"}:
                continue
            with ctx.reporter.step(name, "undoing"):
                notes = step.undo(ctx, record)
            journal.append(name, "undone", manual=notes)
            ctx.reporter.result(Result(name, Status.OK, "undone"))
            manual.extend(notes)
        journal.append("release", "rolled-back", manual=manual)
        ctx.reporter.events.emit(
            "release-rolled-back", step="release", message="rolled back", manual=manual
        )
        return manual
