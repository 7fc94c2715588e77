"""Preflight's questions to the git remote: is the branch up to date, would a push be accepted?

Both are asked without changing anything: the remote branch is fetched as objects only (no local
branch or remote-tracking ref moves), and the push is a ``--dry-run``. A dry run reaches the
remote's receive-pack, so a read-only service, missing write access or failed authentication is
known here; the remote's hooks (pre-receive, update) only run on a real push, so a hook that will
reject the push cannot be known in advance.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..git import Git
from .base import Problem

__all__ = ["remote_problems"]


def remote_problems(repo: Git, remote: str, branch: str, tags: list[str]) -> Iterator[Problem]:
    """Behind, diverged or push-refused: each with what to run. ``tags`` are the new tags."""
    head = repo.head()
    theirs = repo.fetch_branch(remote, branch)
    pull = f"`git pull --rebase {remote} {branch}`"
    if theirs is not None and not repo.is_ancestor(theirs, head):
        missing = repo.count(f"{head}..{theirs}")
        if repo.is_ancestor(head, theirs):
            yield (
                f"branch {branch!r} is behind {remote}/{branch} by {missing} commit(s)",
                f"run {pull}, then release",
            )
        else:
            extra = repo.count(f"{theirs}..{head}")
            yield (
                f"branch {branch!r} has diverged from {remote}/{branch} "
                f"({extra} local and {missing} remote commit(s) differ)",
                f"run {pull}, resolve any conflicts, then release",
            )
        return  # the push would be refused for this reason; no need to ask
    refspecs = [f"{head}:refs/heads/{branch}", *(f"{head}:refs/tags/{t}" for t in tags)]
    refused = repo.push_refused(remote, *refspecs)
    if refused:
        yield (
            f"git remote {remote!r} would refuse the release push: {refused}",
            f"check your write access to {repo.remote_url(remote)} "
            f"(`git push --dry-run {remote} {branch}` shows the same answer)",
        )
