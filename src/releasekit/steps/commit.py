"""commit: one release commit holding exactly the files the version and changelog steps changed.

The files come from those steps' facts (``files``: paths relative to the repository root,
deleted fragments included); nothing else in the tree is ever committed. When there is nothing
to commit (a version taken from the tag and no changelog) there is no release commit: the facts
name the base commit, and the build and the tag use it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import StepFailed
from ..git import Git
from .base import Facts, Plan, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["CommitStep", "release_files"]


def release_files(ctx: Context) -> list[str]:
    """The paths the release commit holds: the version and changelog steps' ``files``."""
    files = {str(f) for f in ctx.facts.get("version", {}).get("files", [])}
    files.update(str(f) for f in ctx.facts.get("changelog", {}).get("files", []))
    return sorted(files)


class CommitStep(Step):
    name = "commit"

    def message(self, ctx: Context) -> str:
        return ctx.config.commit_message.format(version=ctx.version)

    def plan(self, ctx: Context) -> Plan:
        return Plan(
            self.name,
            f"commit {self.message(ctx)!r}",
            actions=("exactly the files the version and changelog steps changed",),
        )

    def _facts(self, repo: Git, sha: str, base: str, files: list[str]) -> Facts:
        return {
            "sha": sha,
            "base": base,
            "timestamp": repo.commit_timestamp(sha),
            "committed": sha != base,
            "files": files,
        }

    def apply(self, ctx: Context) -> Facts:
        repo = Git(ctx.root)
        base = ctx.facts["preflight"]["base"]
        files = release_files(ctx)
        if not files:
            return self._facts(repo, base, base, [])  # nothing changed: the tag goes on base
        ignored = repo.ignored(files)
        if ignored:
            raise StepFailed(
                f"the release changed {ignored[0]}, but .gitignore ignores it",
                hint=f"stop ignoring it (`git check-ignore -v {ignored[0]}` shows the rule), "
                "then `releasekit release --resume`",
            )
        repo.stage_exactly(files)
        sha = repo.commit(self.message(ctx))
        return self._facts(repo, sha, base, files)

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        repo = Git(ctx.root)
        base = ctx.facts["preflight"]["base"]
        head = repo.head()
        if (
            head != base
            and repo.run("rev-parse", f"{head}^") == base
            and repo.commit_subject(head) == self.message(ctx)
        ):
            changed = repo.run("diff-tree", "--no-commit-id", "--name-only", "-r", "-z", head)
            return self._facts(repo, head, base, sorted(filter(None, changed.split("\0"))))
        return None

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        repo = Git(ctx.root)
        sha, base = record.facts.get("sha"), ctx.facts["preflight"]["base"]
        if record.facts.get("committed") is False:
            return []  # there was no release commit
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
