"""The git operations release steps use. Every call goes through :mod:`releasekit.process`."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from . import process
from .errors import PreflightError, ProcessError

__all__ = ["Git"]

STATE_DIR = ".releasekit"


class Git:
    """git in one repository."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, *args: str, what: str | None = None, check: bool = True) -> str:
        done = process.run(
            ["git", *args], cwd=self.root, what=what or f"git {args[0]}", check=check
        )
        return done.stdout.strip()

    def ok(self, *args: str) -> bool:
        return process.run(["git", *args], cwd=self.root, check=False).returncode == 0

    # -------------------------------------------------------------- queries
    def is_repo(self) -> bool:
        return self.ok("rev-parse", "--git-dir")

    def head(self) -> str:
        return self.run("rev-parse", "HEAD")

    def branch(self) -> str | None:
        name = self.run("rev-parse", "--abbrev-ref", "HEAD")
        return None if name == "HEAD" else name

    def dirty_paths(self) -> list[str]:
        """Changed or untracked paths, ignoring releasekit's own state directory."""
        out = process.run(
            ["git", "status", "--porcelain", "--untracked-files=all"],
            cwd=self.root,
            what="git status",
        ).stdout  # not stripped: columns matter
        paths = [line[3:] for line in out.splitlines() if line.strip()]
        return [p for p in paths if not p.startswith(f"{STATE_DIR}/")]

    def commit_exists(self, sha: str) -> bool:
        return self.ok("cat-file", "-e", f"{sha}^{{commit}}")

    def commit_timestamp(self, sha: str) -> int:
        return int(self.run("show", "-s", "--format=%ct", sha))

    def commit_subject(self, sha: str) -> str:
        return self.run("show", "-s", "--format=%s", sha)

    def tag_sha(self, tag: str) -> str | None:
        """The commit a local tag points at, or None."""
        done = process.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}"],
            cwd=self.root,
            check=False,
        )
        return done.stdout.strip() or None

    def has_remote(self, remote: str) -> bool:
        return remote in self.run("remote").split()

    def remote_url(self, remote: str) -> str:
        return self.run("remote", "get-url", remote)

    def remote_refs(self, remote: str, *patterns: str) -> dict[str, str]:
        """``{ref: sha}`` on the remote (tags peeled to their commit)."""
        try:
            out = self.run(
                "ls-remote", remote, *patterns, what=f"reading refs of remote {remote!r}"
            )
        except ProcessError as exc:
            raise PreflightError(
                f"cannot reach git remote {remote!r}: {exc.message.splitlines()[-1]}",
                hint="check the remote's URL with `git remote -v` and your access to it",
            ) from None
        refs: dict[str, str] = {}
        for line in out.splitlines():
            sha, _, ref = line.partition("\t")
            if ref.endswith("^{}"):
                refs[ref[:-3]] = sha
            else:
                refs.setdefault(ref, sha)
        return refs

    def remote_tag_sha(self, remote: str, tag: str) -> str | None:
        return self.remote_refs(remote, f"refs/tags/{tag}").get(f"refs/tags/{tag}")

    def remote_branch_sha(self, remote: str, branch: str) -> str | None:
        return self.remote_refs(remote, f"refs/heads/{branch}").get(f"refs/heads/{branch}")

    def user_configured(self) -> bool:
        return bool(self.run("config", "user.email", check=False)) and bool(
            self.run("config", "user.name", check=False)
        )

    # -------------------------------------------------------------- changes
    def commit_all(self, message: str) -> str:
        self.run("add", "--all", "--", ".", f":(exclude){STATE_DIR}")
        self.run("commit", "--no-verify", "--quiet", "-m", message, what="committing the release")
        return self.head()

    def reset_hard(self, sha: str) -> None:
        self.run("reset", "--quiet", "--hard", sha, what=f"resetting to {sha[:12]}")

    def remove_untracked(self, paths: list[str]) -> None:
        for rel in paths:
            (self.root / rel).unlink(missing_ok=True)

    def create_tag(self, tag: str, sha: str, message: str) -> None:
        self.run("tag", "--annotate", "--message", message, tag, sha, what=f"creating tag {tag}")

    def delete_tag(self, tag: str) -> None:
        self.run("tag", "--delete", tag, what=f"deleting tag {tag}")

    def push(self, remote: str, *refspecs: str, force_with_lease: str | None = None) -> None:
        args = ["push", "--atomic", "--quiet"]
        if force_with_lease:
            args.append(f"--force-with-lease={force_with_lease}")
        self.run(*args, remote, *refspecs, what=f"pushing to {remote}")

    def delete_remote_ref(self, remote: str, ref: str) -> None:
        self.run("push", "--quiet", remote, f":{ref}", what=f"deleting {ref} on {remote}")


def branch_allowed(branch: str | None, patterns: list[str]) -> bool:
    return branch is not None and any(fnmatch.fnmatchcase(branch, p) for p in patterns)


def _git_out(root: Path, *args: str) -> str | None:
    done = process.run(["git", *args], cwd=root, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def detect_remote(root: Path) -> tuple[str, str]:
    """``(remote, how it was chosen)``: the branch's upstream, else origin, else the only one."""
    branch = _git_out(root, "symbolic-ref", "--quiet", "--short", "HEAD")
    if branch:
        upstream = _git_out(root, "config", "--get", f"branch.{branch}.remote")
        if upstream and upstream != ".":
            return upstream, f"detected: upstream of branch {branch}"
    remotes = (_git_out(root, "remote") or "").split()
    if "origin" in remotes or not remotes:
        return "origin", "default"
    if len(remotes) == 1:
        return remotes[0], "detected: the only git remote"
    return "origin", "default"


def remote_default_branch(root: Path, remote: str) -> str | None:
    """The remote's default branch (``refs/remotes/REMOTE/HEAD``), if git knows it."""
    ref = _git_out(root, "symbolic-ref", "--quiet", f"refs/remotes/{remote}/HEAD")
    prefix = f"refs/remotes/{remote}/"
    return ref[len(prefix) :] if ref and ref.startswith(prefix) else None


def ensure_state_dir(root: Path) -> Path:
    """Create ``.releasekit/`` with a ``.gitignore`` of ``*`` so it never dirties the tree."""
    state = root / STATE_DIR
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# releasekit's journal, lock and work files\n*\n", encoding="utf-8")
    return state
