"""What changed since the base: the base ref and its merge-base with ``HEAD``, the changed lines
of tracked files (``git diff -U0``) and the untracked files.

"Changed" means added or modified in the working tree (committed, staged or not) relative to the
merge-base of ``HEAD`` and the base ref (``--gate-base``, ``diff_base``, or the default branch:
``origin/HEAD``, else the first of ``origin/main``, ``origin/master``, ``main``, ``master``).
A base whose merge-base with ``HEAD`` is ``HEAD`` itself (the branch compared with itself, or a
branch with no commit of its own) measures nothing, so it is :class:`Unmeasurable`, never an
empty diff.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import _run
from .gates import Unmeasurable

__all__ = [
    "BASE_ENV",
    "Base",
    "all_lines",
    "changed_lines",
    "format_ranges",
    "git_refusal",
    "head_commit",
    "parse_diff",
    "resolve_base",
    "untracked_files",
]

#: the environment twin of ``--gate-base`` (the option wins): releasekit's gate step sets it to
#: the last release's tag, since a release runs on the branch the default base would name
BASE_ENV = "RELEASEKIT_GATE_BASE"
_DEFAULT_CANDIDATES = ("origin/main", "origin/master", "main", "master")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class Base:
    ref: str
    merge_base: str
    toplevel: Path


def _git(args: list[str], cwd: Path) -> _run.Completed:
    return _run.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd)


def git_refusal(done: _run.Completed, where: Path) -> tuple[str, str] | None:
    """What to say when git refused ``where`` as another user's checkout (a CI container's
    mounted workspace: "detected dubious ownership"); None for any other failure."""
    if "dubious ownership" not in done.stderr:
        return None
    return (
        f"git refuses the repository at {where}: it belongs to another user than the one "
        "running the tests (git: detected dubious ownership)",
        f"if you trust it, `git config --global --add safe.directory {where}` (actions/checkout "
        "does this for its workspace), or run the tests as the checkout's owner",
    )


def _commit(ref: str, cwd: Path) -> str | None:
    done = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd)
    return (done.stdout.strip() or None) if done.ok else None


def head_commit(cwd: Path) -> str | None:
    """The commit ``HEAD`` names in the repository at ``cwd`` (None outside git)."""
    return _commit("HEAD", cwd)


def _shallow(cwd: Path) -> bool:
    return _git(["rev-parse", "--is-shallow-repository"], cwd).stdout.strip() == "true"


def _default_branch(cwd: Path) -> str | None:
    head = _git(["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"], cwd)
    if head.ok and head.stdout.strip():
        return head.stdout.strip()
    return next((ref for ref in _DEFAULT_CANDIDATES if _commit(ref, cwd)), None)


_FIX_SHALLOW = (
    "fetch more history: `git fetch --no-tags --unshallow origin` (or `--deepen=200`); on GitHub "
    "Actions set `fetch-depth: 0` in actions/checkout"
)
_FIX_SELF = (
    "compare with the branch this one was created from (--gate-base=REF or diff_base); on the "
    "default branch itself, switch the rule off (--gate-set diff_coverage=off) or compare with "
    "an earlier commit (--gate-base=HEAD~1, or the last release tag)"
)


def resolve_base(rootdir: Path, ref: str | None) -> Base:
    """The base ref and its merge-base with HEAD; :class:`Unmeasurable` says what is missing."""
    top = _git(["rev-parse", "--show-toplevel"], rootdir)
    if not top.ok:
        if top.returncode == 127:
            raise Unmeasurable("git is not installed", "install git and put it on PATH")
        refusal = git_refusal(top, rootdir)
        if refusal is not None:
            raise Unmeasurable(*refusal)
        raise Unmeasurable(
            f"{rootdir} is not inside a git repository",
            "run the gate in a git checkout, or remove diff_coverage",
        )
    toplevel = Path(top.stdout.strip())
    if ref is None:
        ref = _default_branch(toplevel)
        if ref is None:
            raise Unmeasurable(
                "cannot find the default branch (no origin/HEAD, origin/main, origin/master, "
                "main or master)" + (" in this shallow clone" if _shallow(toplevel) else ""),
                "set diff_base in [tool.releasekit.gate] or pass --gate-base=REF"
                + (f"; or {_FIX_SHALLOW}" if _shallow(toplevel) else ""),
            )
    commit = _commit(ref, toplevel)
    if commit is None:
        if _shallow(toplevel):
            raise Unmeasurable(
                f"base ref {ref!r} does not exist in this shallow clone",
                f"fetch it: `git fetch --no-tags origin {ref.removeprefix('origin/')}`, or "
                + _FIX_SHALLOW,
            )
        raise Unmeasurable(
            f"base ref {ref!r} does not exist",
            f"fetch it (`git fetch origin {ref.removeprefix('origin/')}`) or set diff_base / "
            "--gate-base to an existing branch, tag or commit",
        )
    merge_base = _git(["merge-base", "HEAD", ref], toplevel)
    found = merge_base.stdout.strip()
    if not merge_base.ok or not found:
        if _shallow(toplevel):
            raise Unmeasurable(
                f"HEAD and {ref!r} have no common ancestor in this shallow clone", _FIX_SHALLOW
            )
        raise Unmeasurable(
            f"HEAD and {ref!r} have no common ancestor",
            "set diff_base / --gate-base to a ref this branch was created from",
        )
    head = _commit("HEAD", toplevel)
    if commit == head:
        raise Unmeasurable(
            f"base ref {ref!r} resolves to HEAD itself ({commit[:10]}): the diff would compare "
            "the branch with itself",
            _FIX_SELF,
        )
    if found == head:
        raise Unmeasurable(
            f"HEAD ({found[:10]}) is already part of base ref {ref!r}: the branch has no commit "
            "of its own to measure",
            _FIX_SELF,
        )
    return Base(ref, found, toplevel)


def _unquote(path: str) -> str:
    if path.startswith('"') and path.endswith('"'):
        raw = path[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
        return raw.encode("latin-1").decode("utf-8", "replace")
    return path


def parse_diff(diff: str) -> dict[str, set[int]]:
    """``git diff -U0`` output -> {new path: added/modified line numbers}."""
    changed: dict[str, set[int]] = {}
    current: set[int] | None = None
    for line in diff.splitlines():
        if line.startswith("+++ "):
            target = _unquote(line[4:].rstrip("\t"))
            current = None if target == "/dev/null" else changed.setdefault(target[2:], set())
        elif line.startswith("@@") and current is not None:
            match = _HUNK.match(line)
            if match:
                start, length = int(match[1]), int(match[2] or 1)
                current.update(range(start, start + length))
    return {path: lines for path, lines in changed.items() if lines}


def changed_lines(base: Base) -> dict[str, set[int]]:
    """{absolute real path: changed lines} of tracked files relative to ``base.merge_base``."""
    diff = _git(
        [
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--find-renames",
            "--unified=0",
            base.merge_base,
            "--",
        ],
        base.toplevel,
    )
    if not diff.ok:
        raise Unmeasurable(
            f"`git diff {base.merge_base}` failed: {diff.stderr.strip()}",
            "check the repository with `git status`",
        )
    return {
        os.path.realpath(base.toplevel / path): lines
        for path, lines in parse_diff(diff.stdout).items()
    }


def untracked_files(base: Base) -> list[str]:
    """Absolute real paths of the files git does not track and does not ignore."""
    listed = _git(["ls-files", "--others", "--exclude-standard", "-z"], base.toplevel)
    if not listed.ok:
        raise Unmeasurable(
            f"`git ls-files --others` failed: {listed.stderr.strip()}",
            "check the repository with `git status`",
        )
    return [os.path.realpath(base.toplevel / p) for p in listed.stdout.split("\0") if p]


def all_lines(path: str) -> set[int]:
    """Every line number of the file at ``path`` (an untracked file is changed throughout)."""
    try:
        with open(path, "rb") as stream:
            data = stream.read()
    except OSError:
        return set()
    count = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    return set(range(1, count + 1))


def format_ranges(lines: Iterable[int]) -> str:
    """``[1, 2, 3, 7]`` -> ``"1-3, 7"``."""
    spans: list[list[int]] = []
    for number in sorted(lines):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)
