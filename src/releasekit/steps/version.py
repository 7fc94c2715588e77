"""version: write the planned version exactly, read it back, report the files changed.

Where the project configures bump-my-version it stays the engine for its own files (except the
changelog, which the changelog step writes: :mod:`releasekit.versions.bumpfiles`); before
anything changes, :meth:`VersionStep.check` asks it (a dry run) whether it would write exactly the
planned version, and refuses otherwise. Without it, each package's version source writes its own
file. Either way every package's source then reads the version back and compares it with the plan
(as a PEP 440 version and as the literal string): a mismatch stops the release before the commit.
VCS-versioned packages write nothing; their build is pinned to the planned version. A uv.lock
that records the version is updated by uv (:mod:`releasekit.versions.uvlock`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..changelogs import resolve
from ..git import Git
from ..venv import uv_binary
from ..versions.bumpfiles import left_files, post_commit_hooks
from ..versions.uvlock import LOCK, lock_is_current, locked_versions, relock
from ..workspace import version_problems
from .base import Facts, Plan, Problem, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["VersionStep", "writing_problems"]


def _relative(ctx: Context, path: Path) -> str:
    return path.resolve().relative_to(ctx.root.resolve()).as_posix()


def _locked(ctx: Context) -> dict[str, str]:
    """The versions uv.lock records for the packages released."""
    return locked_versions(ctx.root, [package.name for package in ctx.workspace.packages])


def _changelog_file(ctx: Context) -> tuple[Path, ...]:
    """The file the changelog step writes, when it runs: bump-my-version leaves it alone."""
    if "changelog" in ctx.skip:
        return ()
    changelog = resolve(ctx.root, ctx.config)
    return (changelog.path,) if changelog is not None and changelog.path is not None else ()


def _not_run(hooks: list[str]) -> str:
    return (
        f"bump-my-version's post_commit_hooks are not run ({'; '.join(hooks)}): releasekit "
        "makes the release commit, and tags and pushes last, itself"
    )


def writing_problems(ctx: Context, version: str) -> Iterator[Problem]:
    """Why ``version`` would not be written exactly: bump-my-version's own dry run where the
    project configures it, else what each package's version source cannot express."""
    if version == ctx.previous_version:
        return
    engine = ctx.workspace.bumpversion
    if engine is not None:
        problem = engine.problem(ctx.previous_version, version, _changelog_file(ctx))
        if problem:
            yield problem
        return
    for package in ctx.workspace.packages:
        reason = package.source.cannot_hold(version)
        if reason:
            yield reason, "release a version it can express, or configure bump-my-version"


class VersionStep(Step):
    name = "version"

    def plan(self, ctx: Context) -> Plan:
        actions = []
        engine = ctx.workspace.bumpversion
        if engine is not None:
            left = left_files(engine.config_file, ctx.root, _changelog_file(ctx))
            but = f" except {', '.join(left)} (the changelog step writes it)" if left else ""
            actions.append(f"bump-my-version: the files of {engine.where}{but}")
            if hooks := post_commit_hooks(engine.config_file):
                actions.append(_not_run(hooks))
        for package in ctx.workspace.packages:
            source = package.source
            if source.vcs:
                how = "nothing written; the build is pinned to it"
            elif engine is not None:
                how = "read back"
            else:
                how = "written and read back"
            actions.append(f"{package.name}: {source.describe()} ({how})")
        if _locked(ctx):
            actions.append(f"{LOCK}: the new version recorded, if current (`uv lock --check`)")
        return Plan(
            self.name, f"bump {ctx.previous_version} -> {ctx.version}", actions=tuple(actions)
        )

    def check(self, ctx: Context) -> Iterator[Problem]:
        """bump-my-version's current_version agrees, and it would write exactly the plan."""
        yield from version_problems(ctx.workspace)
        yield from writing_problems(ctx, ctx.version)
        locked = _locked(ctx)
        if locked and uv_binary() is None:
            yield (
                f"{ctx.root / LOCK} records "
                f"{', '.join(f'{name} {version}' for name, version in sorted(locked.items()))}, "
                "and uv, which updates it, is not installed",
                "install uv (`pip install uv`, or releasekit[fast]) and leave RELEASEKIT_NO_UV "
                "unset",
            )

    def apply(self, ctx: Context) -> Facts:
        repo = Git(ctx.root)
        base = ctx.facts["preflight"]["base"]
        repo.run("checkout", base, "--", ".", what="restoring the tree before the bump")
        before = set(repo.dirty_paths())
        uv = _relocking(ctx)
        engine = ctx.workspace.bumpversion
        written: set[str] = set()
        if engine is not None:
            if hooks := post_commit_hooks(engine.config_file):
                ctx.reporter.warn(f"{engine.where}: {_not_run(hooks)}")
            engine.bump(ctx.previous_version, ctx.version, _changelog_file(ctx))
            engine.verify(ctx.version)
        else:
            for package in ctx.workspace.packages:
                package.source.write(ctx.version)
                written.update(_relative(ctx, path) for path in package.source.files())
        for package in ctx.workspace.packages:
            package.source.verify(ctx.version)
        if uv is not None:
            relock(ctx.root, uv, [package.name for package in ctx.workspace.packages], ctx.version)
        changed = written | (set(repo.dirty_paths()) - before)
        return {"files": sorted(changed)}

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        base = ctx.facts.get("preflight", {}).get("base")
        if base and Git(ctx.root).head() == base:
            Git(ctx.root).run("checkout", base, "--", ".", what="restoring the version files")
        return []


def _relocking(ctx: Context) -> str | None:
    """uv, when uv.lock records the version and is current (uv updates it after the bump)."""
    locked = _locked(ctx) if ctx.version != ctx.previous_version else {}
    uv = uv_binary() if locked else None
    if uv is None:
        return None
    if lock_is_current(ctx.root, uv):
        return uv
    ctx.reporter.warn(
        f"{LOCK} was out of date before the release (`uv lock --check` fails): it keeps "
        f"{', '.join(f'{name} {version}' for name, version in sorted(locked.items()))}; "
        "run `uv lock` and commit it"
    )
    return None
