"""What ties a release journal to its repository, and the check of reality against it.

The journal's start record holds the repository's identity (git directory, top level, root
commits), the base commit and branch, the remote (name and URL) and the remote branch's commit
when the release started. ``--resume`` and ``--rollback`` refuse, changing nothing, a journal that
does not match: one from another repository or clone, a stale copy of a release that is already
over, a HEAD that is neither the base nor the release commit, a remote branch someone else moved.
"""

from __future__ import annotations

from typing import Any

from .config import Config
from .errors import JournalError, PreflightError
from .git import Git
from .journal import Journal

__all__ = ["bind", "verify"]

#: The binding's keys in the start record (``Journal.require_header`` checks the release's own).
REQUIRED = ("repository", "base")


def bind(repo: Git, config: Config) -> dict[str, Any]:
    """The binding recorded in a new journal's start record (the remote part when pushing)."""
    binding: dict[str, Any] = {
        "repository": repo.identity(),
        "base": repo.head(),
        "branch": repo.branch(),
    }
    if config.push and repo.has_remote(config.remote) and binding["branch"]:
        binding.update(remote=config.remote, remote_url=repo.remote_url(config.remote))
        try:
            binding["remote_sha"] = repo.remote_branch_sha(config.remote, binding["branch"])
        except PreflightError:  # unreachable: preflight will refuse, and no journal is kept
            del binding["remote"]
    return binding


def _refuse(journal: Journal, what: str, hint: str) -> JournalError:
    return JournalError(f"{journal.path}: {what}", hint=hint)


def verify(journal: Journal, repo: Git, *, rollback: bool) -> None:
    """Raise JournalError unless ``journal`` belongs to this repository in its current state."""
    header = journal.header
    missing = [key for key in REQUIRED if key not in header]
    remove = f"remove {journal.path} if no release is in progress here"
    if missing:
        raise _refuse(
            journal,
            f"the start record lacks {', '.join(missing)}: not a journal of this "
            "releasekit, or edited by hand",
            remove,
        )
    _same_repository(journal, repo, remove)
    _not_archived(journal, remove)
    _same_commit(journal, repo)
    if "remote" in header and (not rollback or _pushed(journal)):
        _remote_unmoved(journal, repo)


def _same_repository(journal: Journal, repo: Git, remove: str) -> None:
    recorded = journal.header["repository"]
    here = repo.identity()
    if not isinstance(recorded, dict) or not set(recorded.get("roots") or ()) & set(here["roots"]):
        raise _refuse(
            journal,
            f"the journal records a release of another repository (root commit "
            f"{_short(recorded)} is not in {here['toplevel']})",
            remove,
        )
    if recorded.get("git_dir") != here["git_dir"]:
        raise _refuse(
            journal,
            f"the journal was written in the repository at {recorded.get('toplevel')}, "
            f"not in {here['toplevel']} (a copy or another clone)",
            f"resume or roll it back there; {remove}",
        )


def _short(recorded: object) -> str:
    roots = recorded.get("roots") if isinstance(recorded, dict) else None
    return str(roots[0])[:12] if isinstance(roots, list) and roots else "(none)"


def _not_archived(journal: Journal, remove: str) -> None:
    if journal.path is None:
        return
    archived = journal.path.parent / "history" / f"{journal.release_id}.jsonl"
    if archived.exists():
        raise _refuse(
            journal,
            f"release {journal.release_id} is already over (it is archived in "
            f"{archived}); this journal is a stale copy",
            remove.replace(" if no", ": no"),
        )


def _release_commit(journal: Journal) -> str | None:
    record = journal.steps().get("commit")
    sha = record.facts.get("sha") if record else None
    return str(sha) if sha else None


def _same_commit(journal: Journal, repo: Git) -> None:
    header = journal.header
    base, commit = str(header["base"]), _release_commit(journal)
    branch = header.get("branch")
    if branch and repo.branch() != branch:
        raise _refuse(
            journal,
            f"the release is on branch {branch!r}, but "
            f"{repo.branch() or 'a detached HEAD'!r} is checked out",
            f"`git switch {branch}`, then run the command again",
        )
    head = repo.head()
    allowed = {base, commit}
    if commit is None and "commit" in journal.steps():  # in flight: it may have been made
        parent = repo.run("rev-parse", "--verify", "--quiet", f"{head}^", check=False)
        if parent == base:
            allowed.add(head)
    if head not in allowed:
        where = f"its release commit {commit[:12]}" if commit else "a release commit"
        raise _refuse(
            journal,
            f"HEAD is at {head[:12]}, neither the release's base {base[:12]} nor "
            f"{where}: the history changed since the release started",
            f"put HEAD back (`git reset --hard {(commit or base)[:12]}`) if that is safe, "
            "or remove the journal and undo the release's changes by hand",
        )


def _pushed(journal: Journal) -> bool:
    record = journal.steps().get("tag")
    return record is not None and any(e.get("action") == "pushing" for e in record.effects)


def _remote_unmoved(journal: Journal, repo: Git) -> None:
    header = journal.header
    remote, branch = str(header["remote"]), str(header["branch"])
    now = repo.remote_branch_sha(remote, branch)
    allowed = {header.get("remote_sha")}
    if _pushed(journal):
        allowed.add(_release_commit(journal) or str(header["base"]))
    if now not in allowed:
        was = str(header.get("remote_sha") or "(no branch)")[:12]
        raise _refuse(
            journal,
            f"{remote}/{branch} moved since the release started (now "
            f"{(now or '(deleted)')[:12]}, was {was}): someone else pushed",
            "roll the release back (`releasekit release --rollback`), `git pull --rebase`, "
            "and release again",
        )
