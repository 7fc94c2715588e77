"""What each CLI command prints around the library call. No decisions are made here."""

from __future__ import annotations

import importlib.util
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from . import api
from .config import Config, load_config
from .errors import ConfigError, Interrupted, ReleasekitError
from .redact import redact, register_secret
from .ui import Reporter

__all__ = [
    "doctor",
    "resume_or_rollback",
    "run_release",
    "serve_index",
    "show_config",
    "show_plan",
    "show_status",
]


def show_plan(
    root: Path,
    bump: str | None,
    to: str | None,
    skip: Sequence[str],
    reporter: Reporter,
    *,
    stage: bool = False,
) -> int:
    outcome = api.plan(root, bump, to=to, skip=skip, reporter=reporter, stage=stage)
    if outcome.problems:
        for what, fix in outcome.problems:
            reporter.error(f"{what} -- {fix}" if fix else what)
        reporter.info(f"preflight would refuse this release ({len(outcome.problems)} problem(s))")
        return 3
    reporter.info(f"preflight: ready to release {outcome.version}. Nothing was changed.")
    return 0


def run_release(
    root: Path,
    bump: str | None,
    to: str | None,
    skip: Sequence[str],
    yes: bool,
    reporter: Reporter,
    *,
    stage: bool = False,
) -> int:
    try:
        api.release(root, bump, to=to, yes=yes, skip=skip, reporter=reporter, stage=stage)
    except KeyboardInterrupt:
        raise Interrupted(
            "interrupted",
            hint="`releasekit release --resume` continues, `releasekit release --rollback` undoes",
        ) from None
    return 0


def resume_or_rollback(root: Path, reporter: Reporter, *, rollback: bool) -> int:
    if rollback:
        outcome = api.rollback(root, reporter=reporter)
        reporter.info(outcome.headline + ".")
        for note in outcome.manual:
            reporter.warn(f"not undone: {note}")
        return 0
    api.resume(root, reporter=reporter)
    return 0


def show_status(root: Path, reporter: Reporter) -> int:
    report = api.status(root)
    if report is None:
        reporter.info("No release recorded in this repository.")
        return 0
    reporter.table(
        f"Release {report.version} ({report.release_id}): {report.state}",
        ("step", "state"),
        [(item.step, item.state) for item in report.steps],
    )
    for note in report.notes:
        reporter.warn(note)
    for command in report.next_commands:
        reporter.info(f"  {command}")
    return 0


def show_config(root: Path, reporter: Reporter, *, keys: bool) -> int:
    if keys:
        for name, field in Config.model_fields.items():
            if name in {"sources", "detected"}:
                continue
            reporter.text(f"{name}: {field.description or ''}")
        return 0
    from .effective import effective_values

    config = load_config(root)
    for name, (value, where) in effective_values(root, config).items():
        # a string is redacted before repr() could escape a secret's quotes or backslashes
        shown = repr(redact(value)) if isinstance(value, str) else repr(value)
        reporter.text(f"{name} = {shown}  ({where})")
    return 0


def _tool_problems() -> list[str]:
    found = []
    if not shutil.which("git"):
        found.append("git is not installed -- install git")
    for module, dist in (
        ("build", "build"),
        ("twine", "twine"),
        ("towncrier", "towncrier"),
        ("bumpversion", "bump-my-version"),
        ("pypiserver", "pypiserver"),
    ):
        if importlib.util.find_spec(module) is None:
            found.append(f"{dist} is not installed -- pip install {dist}")
    return found


def doctor(root: Path, to: str | None, reporter: Reporter) -> int:
    """Every problem at once (preflight + every step's prerequisites), each with its fix.

    Exit 3 if there is any. Nothing is changed.
    """
    from .alerts import alert_problems
    from .context import Context
    from .journal import Journal
    from .steps.build import trial_build_problems
    from .steps.changelog import pending_released
    from .steps.preflight import least_release_problems, problems
    from .steps.verify import audit_installed
    from .targets import resolve_target
    from .workspace import load_workspace

    found: list[str] = list(_tool_problems())
    try:
        config = load_config(root, overrides={"target": to})
        workspace = load_workspace(root, config)
        target = resolve_target(config.target, config)
        with api._live_target(target) as live:
            ctx = Context(
                root=root,
                config=config,
                workspace=workspace,
                target=live,
                journal=Journal.in_memory(),
                reporter=reporter,
                version=workspace.version,
                previous_version=workspace.version,
                bump="none",
                dry_run=True,
            )
            for what, fix in problems(ctx, every=True):
                if "already exists" in what or " is already on " in what:
                    continue  # the current version being released already is no problem here
                found.append(f"{what} -- {fix}")
            found.extend(f"{what} -- {fix}" for what, fix in least_release_problems(ctx))
            if not found:  # the build would not start past any of them
                reporter.info("Building every package from HEAD, as the release will ...")
                found.extend(f"{what} -- {fix}" for what, fix in trial_build_problems(ctx))
            for what, fix in pending_released(ctx):
                if f"{what} -- {fix}" not in found:  # named with the project's version too
                    found.append(f"{what} -- {fix}")
            found.extend(f"{what} -- {fix}" for what, fix in audit_installed(ctx))
            found.extend(f"{what} -- {fix}" for what, fix in alert_problems(config.alerts))
    except (ConfigError, ReleasekitError) as exc:
        found.append(str(exc))
    if found:
        for line in found:
            reporter.error(line)
        reporter.info(f"{len(found)} problem(s) found")
        return 3
    reporter.info(f"All checks passed: ready to release to {target.name}.")
    return 0


def init(
    root: Path,
    reporter: Reporter,
    *,
    dry_run: bool,
    towncrier: bool = False,
    noxfile: bool = False,
    docs_examples: bool = False,
    ci: str | None = None,
    ci_shards: int = 4,
) -> int:
    from .init import init_project

    report = init_project(
        root,
        dry_run=dry_run,
        towncrier=towncrier,
        noxfile=noxfile,
        docs_examples=docs_examples,
        ci=ci,
        ci_shards=ci_shards,
    )
    for line in report.detected:
        reporter.info(f"  detected {line}")
    prefix = "would have " if dry_run else ""
    for line in report.done:
        reporter.info(f"  + {prefix}{line}")
    for line in report.kept:
        reporter.info(f"  = kept {line}")
    if not report.done:
        reporter.info("Nothing to do: the project is already set up.")
    else:
        reporter.info("Next: `releasekit doctor`, then `releasekit plan`.")
    return 0


def serve_index(
    port: int, directory: Path | None, reporter: Reporter, *, fallback_url: str | None
) -> int:
    import os

    from .index import INDEX_PASSWORD_ENV, INDEX_USER_ENV, LocalIndex

    password = os.environ.get(INDEX_PASSWORD_ENV)
    username = os.environ.get(INDEX_USER_ENV)
    register_secret(password)
    with LocalIndex.running(
        directory,
        port=port,
        username=username,
        password=password,
        create=True,
        fallback_url=fallback_url,
    ) as index:
        reporter.info(f"Serving {index.directory} at {index.url}")
        reporter.info(f"  pip install --index-url {index.simple_url} NAME")
        if fallback_url:
            reporter.info(f"  projects not released here are redirected to {fallback_url}")
        reporter.info("Press Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            reporter.info("stopped")
    return 0
