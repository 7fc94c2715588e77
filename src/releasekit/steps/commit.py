"""commit: one release commit with the bumped version and the changelog."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import StepFailed
from ..git import Git
from .base import Facts, Plan, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["CommitStep"]


class CommitStep(Step):
    name = "commit"

    def message(self, ctx: Context) -> str:
        return ctx.config.commit_message.format(version=ctx.version)

    def plan(self, ctx: Context) -> Plan:
        return Plan(self.name, f"commit {self.message(ctx)!r}")

    def _facts(self, repo: Git, sha: str, base: str) -> Facts:
        return {"sha": sha, "base": base, "timestamp": repo.commit_timestamp(sha)}

    def apply(self, ctx: Context) -> Facts:
        repo = Git(ctx.root)
        base = ctx.facts["preflight"]["base"]
        sha = repo.commit_all(self.message(ctx))
        return self._facts(repo, sha, base)

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        repo = Git(ctx.root)
        base = ctx.facts["preflight"]["base"]
        head = repo.head()
        if (
            head != base
            and repo.run("rev-parse", f"{head}^") == base
            and repo.commit_subject(head) == self.message(ctx)
        ):
            return self._facts(repo, head, base)
        return None

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        repo = Git(ctx.root)
        sha, base = record.facts.get("sha"), ctx.facts["preflight"]["base"]
        head = repo.head()
        if sha and head == sha:
            repo.reset_hard(base)
        elif head != base:
            # in flight: the commit may or may not have happened
            if not sha and repo.commit_subject(head) == self.message(ctx):
                repo.reset_hard(base)
                return []
            raise StepFailed(
                f"HEAD moved to {head[:12]} since the release commit; refusing to reset it",
                hint=f"inspect the history and run `git reset --hard {base[:12]}` if it is safe",
            )
        else:
            repo.reset_hard(base)  # drop a half-made commit's staged changes
        return []
