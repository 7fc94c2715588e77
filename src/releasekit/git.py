"""The git operations release steps use. Every call goes through :mod:`releasekit.process`."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

from . import process
from .errors import JournalError, PreflightError, ProcessError, StepFailed

__all__ = ["Git"]

STATE_DIR = ".releasekit"
#: the file PEP 832 tools (tox 4.5x+) write at a project root to name its virtual environment
VENV_REDIRECT = ".venv"
#: Talking to a remote never waits for a password typed at a terminal: it fails instead.
NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}


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
        return self.refusal() is None

    def refusal(self) -> str | None:
        """Why git will not work in this directory (its own first line, ``fatal:`` dropped), or
        None where it does: no repository, or one git refuses as another user's."""
        done = process.run(["git", "rev-parse", "--git-dir"], cwd=self.root, check=False)
        if done.returncode == 0:
            return None
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        return (lines[0] if lines else "git rev-parse failed").removeprefix("fatal: ")

    def is_shallow(self) -> bool:
        """A shallow clone (``git clone --depth``, CI's default checkout): its history is cut."""
        return self.run("rev-parse", "--is-shallow-repository") == "true"

    def has_commits(self) -> bool:
        """A git repository whose HEAD is a commit (``git init`` alone has none)."""
        return self.ok("rev-parse", "--verify", "--quiet", "HEAD^{commit}")

    def head(self) -> str:
        return self.run("rev-parse", "HEAD")

    def branch(self) -> str | None:
        name = self.run("rev-parse", "--abbrev-ref", "HEAD")
        return None if name == "HEAD" else name

    def dirty_paths(self, *pathspecs: str) -> list[str]:
        """Changed, deleted or untracked paths (relative to the top level), ignoring releasekit's
        own state directory; limited to ``pathspecs`` when given."""
        return [path for _, path in self._status(pathspecs)]

    def changes(self) -> tuple[list[str], list[str]]:
        """:meth:`dirty_paths` in two, from one ``git status``: the tracked paths changed or
        deleted, and the untracked files (new files git does not ignore)."""
        entries = self._status(())
        return [p for c, p in entries if c != "??"], [p for c, p in entries if c == "??"]

    def tracked_files(self) -> list[str]:
        """The files git tracks below the root (relative to it)."""
        listed = process.run(["git", "ls-files", "-z"], cwd=self.root, what="git ls-files")
        return list(filter(None, listed.stdout.split("\0")))  # not stripped: names may have spaces

    def tracked_links(self, *pathspecs: str) -> list[str]:
        """The symbolic links git tracks below the root (relative to it), limited to
        ``pathspecs`` when given."""
        listed = process.run(
            ["git", "ls-files", "-s", "-z", "--", *pathspecs], cwd=self.root, what="git ls-files"
        )
        entries = (entry.partition("\t") for entry in listed.stdout.split("\0") if entry)
        return list(dict.fromkeys(path for meta, _, path in entries if meta.startswith("120000 ")))

    def _status(self, pathspecs: tuple[str, ...]) -> list[tuple[str, str]]:
        out = process.run(
            ["git", "status", "--porcelain", "-z", "--untracked-files=all", "--", *pathspecs],
            cwd=self.root,
            what="git status",
        ).stdout  # not stripped: columns matter
        entries = iter(out.split("\0"))
        found = []
        for entry in entries:
            if len(entry) < 4:
                continue
            found.append((entry[:2], entry[3:]))
            if entry[0] in "RC":
                next(entries, None)  # a rename's source follows its destination
        return [
            (code, path)
            for code, path in found
            if not path.startswith(f"{STATE_DIR}/") and not self._env_redirect(path)
        ]

    def _env_redirect(self, path: str) -> bool:
        """A PEP 832 ``.venv`` redirect file that tox (or nox) wrote, pointing at one of its own
        environments: tool state like ``.tox/`` itself, not a change to the project."""
        if path.rsplit("/", 1)[-1] != VENV_REDIRECT:
            return False
        top = Path(self.run("rev-parse", "--show-toplevel"))
        file = top / path
        if not file.is_file() or file.stat().st_size > 4096:
            return False
        target = file.read_text(encoding="utf-8", errors="replace").strip()
        return any(part in {".tox", ".nox"} for part in Path(target).parts)

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
            out = process.run(
                ["git", "ls-remote", remote, *patterns],
                cwd=self.root,
                env=NO_PROMPT,
                what=f"reading refs of remote {remote!r}",
            ).stdout.strip()
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

    def fetch_branch(self, remote: str, branch: str) -> str | None:
        """The remote's ``branch`` tip, fetched (objects only: no local branch or remote-tracking
        ref changes), or None when the remote has no such branch."""
        if f"refs/heads/{branch}" not in self.remote_refs(remote, f"refs/heads/{branch}"):
            return None
        try:
            process.run(
                ["git", "fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--refmap=",
                 remote, f"refs/heads/{branch}"],
                cwd=self.root,
                env=NO_PROMPT,
                what=f"fetching {branch} from {remote}",
            )  # fmt: skip
        except ProcessError as exc:
            raise PreflightError(
                f"cannot fetch {branch} from git remote {remote!r}: {exc.message.splitlines()[0]}",
                hint="check the remote's URL with `git remote -v` and your access to it",
            ) from None
        return self.run("rev-parse", "--verify", "FETCH_HEAD^{commit}")

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.ok("merge-base", "--is-ancestor", older, newer)

    def count(self, revisions: str) -> int:
        return int(self.run("rev-list", "--count", revisions))

    def push_refused(self, remote: str, *refspecs: str) -> str | None:
        """Why ``git push --dry-run --atomic`` of ``refspecs`` would be refused, or None.

        A dry run reaches the remote's receive-pack (authentication, write access, a read-only
        service, existing refs) without sending anything; it does NOT run the remote's hooks,
        so a pre-receive hook's verdict cannot be known before the real push.
        """
        done = process.run(
            ["git", "push", "--dry-run", "--atomic", "--porcelain", remote, *refspecs],
            cwd=self.root,
            env=NO_PROMPT,
            check=False,
        )
        if done.returncode == 0:
            return None
        lines = [line.strip() for line in done.output.splitlines() if line.strip()]
        rejected = [line for line in lines if line.startswith("!")]
        reasons = rejected or [line for line in lines if "fatal" in line or "error" in line]
        return (reasons or lines or [f"exit {done.returncode}"])[-1]

    def identity(self) -> dict[str, Any]:
        """What makes this repository itself: its git directory, top level and root commits."""
        return {
            "git_dir": self.run("rev-parse", "--absolute-git-dir"),
            "toplevel": self.run("rev-parse", "--show-toplevel"),
            "roots": sorted(self.run("rev-list", "--max-parents=0", "HEAD").split()),
        }

    def user_configured(self) -> bool:
        return bool(self.run("config", "user.email", check=False)) and bool(
            self.run("config", "user.name", check=False)
        )

    def ignored(self, paths: list[str]) -> list[str]:
        """Those of ``paths`` that are untracked and git-ignored."""
        done = process.run(
            ["git", "check-ignore", "-z", "--stdin"],
            cwd=self.root,
            input="\0".join(paths) + "\0",
            check=False,
        )
        return [p for p in done.stdout.split("\0") if p]

    # -------------------------------------------------------------- changes
    def stage_exactly(self, paths: list[str]) -> None:
        """Stage exactly ``paths`` (new, changed or deleted); refuse if anything else is staged.

        Never ``git add --all``: a release commit holds what the release changed, not whatever
        else a test suite left in the tree.
        """
        present = [p for p in paths if (self.root / p).exists() or (self.root / p).is_symlink()]
        gone = [p for p in paths if p not in present]
        if present:
            self.run("add", "--", *present, what="staging the release files")
        if gone:
            self.run(
                "rm", "--cached", "--quiet", "--ignore-unmatch", "--", *gone,
                what="staging the removed release files",
            )  # fmt: skip
        staged = self.run("diff", "--cached", "--name-only", "-z").split("\0")
        extra = sorted(set(filter(None, staged)) - set(paths))
        if extra:
            raise StepFailed(
                f"files other than the release's are staged: {', '.join(extra[:5])}",
                hint="unstage them (`git restore --staged PATH`) and resume the release",
            )

    def commit(self, message: str) -> str:
        """Commit what is staged (see :meth:`stage_exactly`); return the new HEAD."""
        self.run("commit", "--no-verify", "--quiet", "-m", message, what="committing the release")
        return self.head()

    def reset_hard(self, sha: str) -> None:
        self.run("reset", "--quiet", "--hard", sha, what=f"resetting to {sha[:12]}")

    def restore(self, paths: list[str]) -> None:
        """Put tracked ``paths`` back as the last commit has them (worktree and index)."""
        self.run("checkout", "HEAD", "--", *paths, what=f"restoring {', '.join(paths)}")

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
    if state.exists() and not state.is_dir():
        raise JournalError(
            f"{state} is not a directory",
            hint="releasekit keeps its journal and lock there; move that file away",
        )
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# releasekit's journal, lock and work files\n*\n", encoding="utf-8")
    return state
