"""The library API behind ``releasekit release``, ``plan``, ``status`` and ``--resume/--rollback``.

The CLI only parses arguments and calls these functions.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .binding import bind, verify
from .changelogs import choose_bump
from .config import Config, load_config
from .context import Context
from .errors import (
    ConfigError,
    Interrupted,
    JournalError,
    PreflightError,
    ReleasekitError,
    UsageError,
)
from .git import Git, ensure_state_dir
from .history import record_release
from .index import LocalIndex, default_index_dir
from .journal import Journal, ReleaseLock
from .pipeline import READ_ONLY, Pipeline, default_steps
from .steps.base import Result
from .steps.preflight import no_repository, problems
from .tags import last_release_tag
from .targets import Target, resolve_target
from .ui import Reporter
from .upload_window import window_note
from .workspace import Workspace, load_workspace

__all__ = [
    "ReleaseOutcome",
    "StatusReport",
    "StepStatus",
    "plan",
    "release",
    "resume",
    "rollback",
    "status",
]


@dataclass
class ReleaseOutcome:
    version: str
    headline: str
    results: list[Result] = field(default_factory=list)
    manual: list[str] = field(default_factory=list)  # what a rollback could not undo
    problems: list[tuple[str, str]] = field(default_factory=list)  # plan: preflight problems


def _project(
    root: Path,
    overrides: dict[str, Any],
    *,
    resuming: bool = False,
    stage: bool = False,
) -> tuple[Config, Workspace]:
    config = load_config(root, overrides=overrides)
    if stage and not config.stage:  # --stage: the configured staging target, else the embedded
        sources = {**config.sources, "stage": "command line (--stage)"}
        config = config.model_copy(update={"stage": True, "sources": sources})
    return config, load_workspace(root, config, lockstep_check=not resuming)


def _choose_bump(root: Path, config: Config, bump: str | None, workspace: Workspace) -> str:
    if bump:  # "" as well as None is the fragments' bump: a workflow input left empty
        return bump
    last_tag = last_release_tag(root, config, [p.name for p in workspace.packages])
    return choose_bump(root, config, bump, last_tag)


@contextlib.contextmanager
def _live_target(target: Target) -> Iterator[Target]:
    """Start the embedded index for ``--to local``; other targets are already out there."""
    if not target.local:
        yield target
        return
    with LocalIndex.running(username=target.username, password=target.password) as index:
        yield target.with_urls(index.url, index.simple_url)


def _context(
    root: Path,
    config: Config,
    workspace: Workspace,
    target: Target,
    journal: Journal,
    reporter: Reporter,
    version: str,
    bump: str,
    *,
    dry_run: bool = False,
) -> Context:
    return Context(
        root=root,
        config=config,
        workspace=workspace,
        target=target,
        journal=journal,
        reporter=reporter,
        version=version,
        previous_version=workspace.version,
        bump=bump,
        dry_run=dry_run,
    )


def _command() -> str:
    return "releasekit " + " ".join(sys.argv[1:]) if sys.argv else "releasekit"


def plan(
    root: Path,
    bump: str | None = None,
    *,
    to: str | None = None,
    skip: Sequence[str] = (),
    reporter: Reporter | None = None,
    stage: bool = False,
) -> ReleaseOutcome:
    """What ``release`` would do, and the preflight problems that would stop it. Changes nothing."""
    reporter = reporter or Reporter()
    config, workspace = _project(root, {"target": to}, stage=stage)
    bump = _choose_bump(root, config, bump, workspace)
    version = workspace.next_version(bump)
    target = resolve_target(config.target, config)
    with _live_target(target) as live:
        journal = Journal.in_memory(version=version, bump=bump, target=live.name)
        ctx = _context(
            root, config, workspace, live, journal, reporter, version, bump, dry_run=True
        )
        pipeline = Pipeline(ctx, default_steps(), skip)
        reporter.plan(
            f"Release plan: {workspace.version} -> {version} ({bump}) to {live.name}",
            pipeline.plans(),
        )
        found = problems(ctx)
    return ReleaseOutcome(version=version, headline=f"plan for {version}", problems=found)


def _confirm(reporter: Reporter, version: str, yes: bool) -> None:
    if yes:
        return
    if not reporter.confirm(f"Release {version} now?"):
        raise UsageError("release cancelled; nothing was changed")


def release(
    root: Path,
    bump: str | None = None,
    *,
    to: str | None = None,
    yes: bool = False,
    skip: Sequence[str] = (),
    reporter: Reporter | None = None,
    stage: bool = False,
) -> ReleaseOutcome:
    """Run a complete release. Raises a ReleasekitError (with resume/rollback hints) on failure."""
    reporter = reporter or Reporter()
    started = time.monotonic()
    config, workspace = _project(root, {"target": to}, stage=stage)
    missing = no_repository(Git(root))
    if missing is not None:
        raise PreflightError(missing[0], hint=missing[1])
    bump = _choose_bump(root, config, bump, workspace)
    version = workspace.next_version(bump)
    target = resolve_target(config.target, config)
    with _state_dir(root) as state, ReleaseLock(state).held(_command()) as lock:
        _warn_stale(lock, reporter)
        previous = Journal.load(state)
        if previous is not None and not previous.finished:
            raise JournalError(
                f"an unfinished release of {previous.header.get('version')} is recorded in "
                f"{previous.path}",
                hint="finish it with `releasekit release --resume` or undo it with "
                "`releasekit release --rollback`",
            )
        if previous is not None:
            previous.archive()
        with _live_target(target) as live:
            scratch = Journal.in_memory(version=version, bump=bump, target=live.name)
            ctx = _context(root, config, workspace, live, scratch, reporter, version, bump)
            pipeline = Pipeline(ctx, default_steps(), skip)
            reporter.plan(
                f"Release {workspace.version} -> {version} ({bump}) to {live.name}",
                pipeline.plans(),
            )
            _confirm(reporter, version, yes)
            ctx.journal = Journal.start(
                state,
                version=version,
                bump=bump,
                target=live.name,
                skip=list(skip),
                stage=config.stage,
                previous_version=workspace.version,
                index_dir=str(default_index_dir()),
                packages=[p.name for p in workspace.packages],
                pid=os.getpid(),
                **bind(Git(root), config),
            )
            try:
                results = pipeline.run()
            except ReleasekitError as exc:
                _after_failure(exc, pipeline, root)
                record_release(root, config, pipeline.ctx.journal, reporter)
                raise
            record_release(root, config, ctx.journal, reporter)
    headline = _headline(workspace, version, live)
    reporter.summary(results, started, headline)
    return ReleaseOutcome(version=version, headline=headline, results=results)


def _locked_journal(state: Path, reporter: Reporter, *, rollback: bool) -> Journal:
    """Reload the journal once the lock is held (it may have changed), check that it belongs to
    this repository as it is now, and repair a torn last line."""
    journal = Journal.load(state)
    if journal is None:
        raise JournalError(f"{state / 'journal.jsonl'} disappeared", hint="see `releasekit status`")
    journal.require_header()
    verify(journal, Git(state.parent), rollback=rollback)
    if journal.torn:
        reporter.warn("the journal's last line was torn (interrupted write); recovered")
        journal.repair()
    return journal


def _warn_stale(lock: ReleaseLock, reporter: Reporter) -> None:
    if lock.stale_holder:
        reporter.warn(
            f"cleared a stale lock left by pid {lock.stale_holder.get('pid')}, "
            "which is no longer running"
        )


def _after_failure(exc: ReleasekitError, pipeline: Pipeline, root: Path) -> None:
    """Leave nothing behind when nothing left this machine; otherwise say how to go on."""
    journal = pipeline.ctx.journal
    records = journal.steps()
    began = {n for n, r in records.items() if r.state != "skipped"}
    external = {s.name for s in pipeline.steps if s.external}
    # an external step that failed before recording any effect changed nothing outside
    external = {
        n for n in external if n in records and (records[n].effects or records[n].state == "done")
    }
    resume_hint = (
        "`releasekit release --resume` continues, `releasekit release --rollback` "
        "undoes (see `releasekit status`)"
    )
    if began <= READ_ONLY:
        journal.discard()  # release() then removes a .releasekit/ this run created
        if isinstance(exc, Interrupted):
            exc.hint = "nothing was changed"
    elif began & external or isinstance(exc, Interrupted):
        exc.hint = (exc.hint + "; then " if exc.hint else "") + resume_hint
    else:  # only local changes so far: undo them so a failed release changes nothing
        quiet = pipeline.ctx.reporter.quiet
        pipeline.ctx.reporter.quiet = True
        try:
            pipeline.rollback()
        finally:
            pipeline.ctx.reporter.quiet = quiet
        journal.archive()
        _tidy_work(root, journal.release_id)
        exc.hint = (exc.hint + "; " if exc.hint else "") + (
            "the release was rolled back automatically, nothing was changed"
        )


@contextlib.contextmanager
def _state_dir(root: Path) -> Iterator[Path]:
    """``.releasekit/`` for a release; removed again when this run created it and refused."""
    created = not (root / ".releasekit").exists()
    try:
        yield ensure_state_dir(root)
    finally:
        _tidy_state(root, created)


def _tidy_work(root: Path, release_id: str) -> None:
    shutil.rmtree(root / ".releasekit" / "work" / release_id, ignore_errors=True)


def _tidy_state(root: Path, created: bool) -> None:
    state = root / ".releasekit"
    if created and state.is_dir() and {p.name for p in state.iterdir()} <= {".gitignore", "lock"}:
        shutil.rmtree(state, ignore_errors=True)


def _load_unfinished(root: Path) -> Journal | None:
    return Journal.load(root / ".releasekit") if (root / ".releasekit").is_dir() else None


def _resumed_context(
    root: Path,
    journal: Journal,
    live: Target,
    config: Config,
    workspace: Workspace,
    reporter: Reporter,
) -> Context:
    """The journaled release's context (``workspace`` already pinned to its previous version)."""
    header = journal.header
    return _context(
        root, config, workspace, live, journal, reporter, header["version"], header["bump"]
    )


def resume(root: Path, *, reporter: Reporter | None = None) -> ReleaseOutcome:
    """Continue the release recorded in the journal; a finished one is a no-op that says so."""
    reporter = reporter or Reporter()
    started = time.monotonic()
    journal = _load_unfinished(root)
    if journal is None:
        raise JournalError(
            f"no release to resume in {root}", hint="start one with `releasekit release`"
        )
    if journal.finished:
        what = "completed" if journal.complete else "rolled back"
        version = str(journal.header.get("version"))
        reporter.info(f"Nothing to resume: the release of {version} already {what}.")
        with contextlib.suppress(ConfigError):  # killed before it was recorded: record it now
            record_release(root, load_config(root), journal, reporter)
        return ReleaseOutcome(version=version, headline=f"release of {version} already {what}")
    with contextlib.ExitStack() as stack:
        journal, config, workspace, target = stack.enter_context(
            _reopened(root, reporter, rollback=False)
        )
        live = stack.enter_context(_live_target(target))
        ctx = _resumed_context(root, journal, live, config, workspace, reporter)
        pipeline = Pipeline(ctx, default_steps(), journal.header.get("skip", []))
        reporter.info(
            f"Resuming the release of {ctx.version} ({journal.release_id}) to {live.name}"
        )
        try:
            results = pipeline.run()
        finally:
            record_release(root, config, ctx.journal, reporter)
    headline = _headline(workspace, ctx.version, live)
    reporter.summary(results, started, headline)
    return ReleaseOutcome(version=ctx.version, headline=headline, results=results)


@contextlib.contextmanager
def _reopened(
    root: Path, reporter: Reporter, *, rollback: bool
) -> Iterator[tuple[Journal, Config, Workspace, Target]]:
    """The journaled release, under the lock, with its project and target as they were."""
    state = root / ".releasekit"
    lock = ReleaseLock(state)
    with lock.held(_command()):
        _warn_stale(lock, reporter)
        journal = _locked_journal(state, reporter, rollback=rollback)
        name = journal.header["target"]
        config, workspace = _project(root, {"target": name}, resuming=True)
        yield journal, config, _pin_previous(workspace, journal), resolve_target(name, config)


def _headline(workspace: Workspace, version: str, target: Target) -> str:
    names = ", ".join(p.name for p in workspace.packages)
    return f"Released {names} {version} to {target.name}"


def _pin_previous(workspace: Workspace, journal: Journal) -> Workspace:
    """After the version step the files hold the new version; plans must use the journal's."""
    from dataclasses import replace

    previous = journal.header["previous_version"]
    packages = tuple(replace(p, version=previous) for p in workspace.packages)
    return replace(workspace, packages=packages)


def rollback(root: Path, *, reporter: Reporter | None = None) -> ReleaseOutcome:
    """Undo what the journal says the release did, newest first."""
    reporter = reporter or Reporter()
    journal = _load_unfinished(root)
    if journal is None or journal.finished:
        what = (
            "nothing recorded"
            if journal is None
            else ("it completed" if journal.complete else "it was already rolled back")
        )
        hint = (
            "a completed release is undone by releasing a fix, not a rollback"
            if journal is not None and journal.complete
            else "see `releasekit status`"
        )
        raise JournalError(f"no unfinished release to roll back ({what})", hint=hint)
    with _reopened(root, reporter, rollback=True) as (journal, config, workspace, target):
        ctx = _resumed_context(root, journal, target, config, workspace, reporter)
        reporter.info(f"Rolling back the release of {ctx.version} ({journal.release_id})")
        manual = Pipeline(ctx, default_steps(), journal.header.get("skip", [])).rollback()
        record_release(root, config, journal, reporter)
        journal.archive()
        _tidy_work(root, journal.release_id)
    headline = f"Rolled back the release of {ctx.version}"
    return ReleaseOutcome(version=ctx.version, headline=headline, manual=manual)


@dataclass
class StepStatus:
    step: str
    state: str


@dataclass
class StatusReport:
    version: str
    release_id: str
    state: str  # complete | rolled back | unfinished
    steps: list[StepStatus]
    next_commands: list[str]
    #: e.g. how long PyPI still accepts the missing files of a half-published release
    notes: list[str] = field(default_factory=list)


def status(root: Path) -> StatusReport | None:
    """The current release from its journal, or the last finished one; None if there is none."""
    state = root / ".releasekit"
    journal = _load_unfinished(root)
    if journal is None:
        history = sorted((state / "history").glob("*.jsonl")) if state.is_dir() else []
        if not history:
            return None
        journal = Journal.load_file(history[-1])
        if journal is None:
            return None
    records = journal.steps()
    steps = [
        StepStatus(s.name, records[s.name].state if s.name in records else "not started")
        for s in default_steps()
    ]
    commands: list[str] = []
    if journal.complete:
        label = "complete"
    elif journal.rolled_back:
        label = "rolled back"
    else:
        label = "unfinished"
        commands = ["releasekit release --resume", "releasekit release --rollback"]
    note = window_note(journal)
    return StatusReport(
        str(journal.header.get("version")),
        journal.release_id,
        label,
        steps,
        commands,
        [note] if note else [],
    )
