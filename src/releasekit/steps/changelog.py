"""changelog: write the release's entry in the project's own kind of changelog.

The kind (towncrier, keep-a-changelog, a hand-kept CHANGES/HISTORY/NEWS file, or none) comes from
:mod:`releasekit.changelogs`. The facts name every file changed (deleted fragments included), so
the release commit holds exactly those, and keep the release notes for a forge release.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from packaging.version import Version

from ..changelogs import Changelog, ReleaseInfo, Towncrier, commits_since, resolve
from ..changelogs.entries import line_version
from ..errors import ConfigError, ReleasekitError
from ..git import Git
from ..tags import last_release_tag, tag_names
from .base import Facts, Plan, Problem, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["ChangelogStep", "fragment_problems", "pending_released", "release_date"]


def release_date() -> str:
    """Today (UTC), or the day of ``SOURCE_DATE_EPOCH`` when it is set (reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch.isdigit()
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def release_info(ctx: Context) -> ReleaseInfo:
    names = [p.name for p in ctx.workspace.packages]
    previous = last_release_tag(ctx.root, ctx.config, names)
    return ReleaseInfo(
        version=ctx.version,
        date=release_date(),
        tag=tag_names(ctx)[0],
        previous_tag=previous,
        commits=tuple(commits_since(ctx.root, previous)),
    )


def fragment_problems(ctx: Context) -> Iterator[Problem]:
    """``require_fragments = true``: a towncrier project must have fragments to release.

    By default only a release without BUMP needs them (to choose the bump: see ``choose_bump``);
    with an explicit BUMP, towncrier writes its own empty release.
    """
    if ctx.config.require_fragments is not True or ctx.config.changelog is False:
        return
    kind = resolve(ctx.root, ctx.config)
    if isinstance(kind, Towncrier) and not kind.fragments():
        yield (
            f"no changelog fragments in {kind.directory}/ to release",
            "add one (e.g. `towncrier create 123.feature.md`), or set require_fragments = false",
        )


def _released_already(ctx: Context, kind: Changelog) -> Iterator[Problem]:
    """The unreleased entry is headed with a version released already, elsewhere: click's main
    says "Version 8.5.0 / Unreleased" after 8.5.0 was released from its stable branch, and
    released as 8.5.1 that entry would list 8.5.0's changes again."""
    named = kind.pending_version()
    if named is None or kind.path is None or line_version(named) == Version(ctx.version):
        return
    repo = Git(ctx.root)
    for tag in tag_names(ctx, named):
        if repo.tag_sha(tag):
            yield (
                f"{kind.rel(kind.path)}: the entry of unreleased changes is headed {named}, a "
                f"version released already (tag {tag}): released under another version, it "
                f"would list {named}'s changes again",
                f"merge the branch that released {named} (`git merge {tag}`); if {named} was "
                "released from here, mark its entry released (its date for the 'unreleased') and "
                "release again: the next entry is written from the commits since",
            )


def pending_released(ctx: Context) -> Iterator[Problem]:
    """For doctor, which knows no BUMP and checks with the project's own version: the check
    above for the least release that version leads to (its patch). gunicorn's news.rst heads its
    unreleased entry ``23.0.0 - unreleased`` at 23.0.0, tagged: the entry's version is the
    project's, so doctor said ready, and every release was refused in preflight."""
    if ctx.config.changelog is False:
        return
    try:
        version = ctx.workspace.next_version("patch")
        kind = resolve(ctx.root, ctx.config)
    except ReleasekitError:
        return  # doctor's other checks name it
    if kind is not None:
        yield from _released_already(dataclasses.replace(ctx, version=version), kind)


def _restore(ctx: Context, base: str, paths: list[str]) -> None:
    """Put ``paths`` back as they were at ``base`` (files the release created are removed)."""
    repo = Git(ctx.root)
    for rel in paths:
        if repo.ok("cat-file", "-e", f"{base}:{rel}"):
            repo.run("checkout", base, "--", rel, what=f"restoring {rel}")
        elif (ctx.root / rel).is_file():
            repo.run("rm", "--cached", "--quiet", "--ignore-unmatch", "--", rel)
            (ctx.root / rel).unlink()


class ChangelogStep(Step):
    name = "changelog"

    def skip_reason(self, ctx: Context) -> str | None:
        if ctx.config.changelog is False:
            return "changelog = false"
        return None

    def _kind(self, ctx: Context) -> Changelog:
        kind = resolve(ctx.root, ctx.config)
        if kind is None:  # changelog = false: skip_reason skips the step first
            raise ConfigError("the changelog step is off (changelog = false)")
        return kind

    def plan(self, ctx: Context) -> Plan:
        summary, actions = self._kind(ctx).plan(release_info(ctx))
        return Plan(self.name, summary, actions=tuple(actions))

    def check(self, ctx: Context) -> Iterator[Problem]:
        if self.skip_reason(ctx) is None:
            kind = self._kind(ctx)
            yield from kind.check()
            yield from fragment_problems(ctx)
            yield from _released_already(ctx, kind)

    def apply(self, ctx: Context) -> Facts:
        kind = self._kind(ctx)
        # Idempotent on resume: start from the release base, so a changelog written before the
        # release died is written afresh and consumed fragments are back.
        _restore(ctx, ctx.facts["preflight"]["base"], kind.touched())
        applied = kind.apply(release_info(ctx))
        return {
            "kind": kind.kind,
            "file": kind.rel(kind.path) if kind.path else None,
            "files": applied.files,
            "notes": applied.notes,
        }

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        base = ctx.facts.get("preflight", {}).get("base")
        if base and Git(ctx.root).head() == base:
            paths = list(record.facts.get("files", []))
            kind = resolve(ctx.root, ctx.config)
            _restore(ctx, base, [*(kind.touched() if kind else []), *paths])
        return []
