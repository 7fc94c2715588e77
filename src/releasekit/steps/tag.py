"""tag: annotated tag(s) on the release commit, then one atomic push of the branch and tags.

This is the last step that can fail, on purpose: a tag on the remote announces a release, so it
is only made after everything else has passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import StepFailed
from ..git import Git
from ..tags import tag_names
from .base import Facts, Plan, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["TagStep"]


class TagStep(Step):
    external = True
    name = "tag"

    def plan(self, ctx: Context) -> Plan:
        tags = tag_names(ctx)
        actions = [f"git tag -a {t}" for t in tags]
        if ctx.config.push:
            actions.append(f"git push --atomic {ctx.config.remote} <branch> {' '.join(tags)}")
        return Plan(self.name, "tag the release commit and push (last)", actions=tuple(actions))

    def apply(self, ctx: Context) -> Facts:
        repo = Git(ctx.root)
        sha = ctx.facts["commit"]["sha"]
        tags = tag_names(ctx)
        for tag in tags:
            existing = repo.tag_sha(tag)
            if existing and existing != sha:
                raise StepFailed(
                    f"tag {tag} exists and points at {existing[:12]}, not the "
                    f"release commit {sha[:12]}",
                    hint=f"inspect it: git show {tag}",
                )
            if not existing:
                repo.create_tag(tag, sha, f"Release {ctx.version}")
                ctx.effect(self.name, "tagged", tag=tag)
        facts: Facts = {"tags": tags, "pushed": False}
        if ctx.config.push:
            remote, branch = ctx.config.remote, ctx.facts["preflight"]["branch"]
            previous = repo.remote_branch_sha(remote, branch)
            ctx.effect(self.name, "pushing", remote=remote, branch=branch, previous=previous)
            repo.push(remote, f"{sha}:refs/heads/{branch}", *(f"refs/tags/{t}" for t in tags))
            ctx.effect(self.name, "pushed", remote=remote, branch=branch)
            facts.update(pushed=True, remote=remote, branch=branch, previous=previous)
        return facts

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        repo = Git(ctx.root)
        sha, tags = ctx.facts["commit"]["sha"], tag_names(ctx)
        if any(repo.tag_sha(t) != sha for t in tags):
            return None
        if not ctx.config.push:
            return {"tags": tags, "pushed": False}
        remote, branch = ctx.config.remote, ctx.facts["preflight"]["branch"]
        refs = repo.remote_refs(remote)
        if refs.get(f"refs/heads/{branch}") == sha and all(
            refs.get(f"refs/tags/{t}") == sha for t in tags
        ):
            previous = next(
                (e.get("previous") for e in record.effects if e.get("action") == "pushing"), None
            )
            return {
                "tags": tags,
                "pushed": True,
                "remote": remote,
                "branch": branch,
                "previous": previous,
            }
        return None

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        repo = Git(ctx.root)
        sha = ctx.facts.get("commit", {}).get("sha")
        tags = tag_names(ctx)
        pushing = next((e for e in record.effects if e.get("action") == "pushing"), None)
        if pushing:
            remote, branch = pushing["remote"], pushing["branch"]
            refs = repo.remote_refs(remote)
            for tag in tags:
                if refs.get(f"refs/tags/{tag}") == sha:
                    repo.delete_remote_ref(remote, f"refs/tags/{tag}")
            if sha and refs.get(f"refs/heads/{branch}") == sha:
                previous = pushing.get("previous")
                if previous:
                    repo.push(
                        remote,
                        f"{previous}:refs/heads/{branch}",
                        force_with_lease=f"refs/heads/{branch}:{sha}",
                    )
                else:
                    repo.delete_remote_ref(remote, f"refs/heads/{branch}")
        for tag in tags:
            if sha and repo.tag_sha(tag) == sha:
                repo.delete_tag(tag)
        return []
