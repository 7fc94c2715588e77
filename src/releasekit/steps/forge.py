"""forge-draft and forge-publish: the project's GitHub or GitLab release.

``forge-draft`` runs before anything is uploaded to the index: it creates a *draft* release for the
tag the release will push, with this version's notes (what the changelog step wrote), and attaches
the release's files. GitHub's immutable releases lock a release's assets once it is published, so
they must be attached while it is a draft. ``forge-publish`` runs after the tag is pushed and makes
the draft public. GitLab has no drafts: see :mod:`releasekit.forge.gitlab` for the mapping.

Both steps are skipped, with the reason in the plan, when the remote is on no known forge (and
``[tool.releasekit.forge]`` names none) or when no token is found for a detected one; a forge that
is configured but has no token is a preflight problem. Resume finds the draft by its tag, so it is
never created twice; rollback deletes what the release created.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import Version

from ..changelogs.commits import grouped_notes
from ..errors import ReleasekitError, StepFailed
from ..forge import (
    Forge,
    ForgeError,
    ForgeTarget,
    Release,
    ReleaseSpec,
    find_token,
    resolve_forge,
    token_hint,
)
from ..index import sha256_of
from ..supply.assets import release_assets as supply_assets
from ..tags import tag_names
from .base import Facts, Plan, Problem, Step, StepRecord
from .changelog import release_info

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["ForgeDraftStep", "ForgePublishStep", "release_assets"]

_CONFIGURE = "set [tool.releasekit.forge] kind and repo (and api_url for a self-hosted forge)"


def release_assets(ctx: Context) -> list[Path]:
    """The files attached to the forge release: the wheels and sdists, then the supply-chain
    files (``SHA256SUMS``, SBOMs, provenance; attestations once signed) that exist."""
    return supply_assets(ctx)


def release_notes(ctx: Context) -> str:
    """This version's section of the changelog; the commits' notes when the step is off."""
    written = ctx.facts.get("changelog", {}).get("notes")
    return str(written) if written else grouped_notes(release_info(ctx).commits)


def release_spec(ctx: Context) -> ReleaseSpec:
    tag = tag_names(ctx)[0]
    names = [p.name for p in ctx.workspace.packages]
    return ReleaseSpec(
        tag=tag,
        # the branch: the release commit is not on the remote until the tag step pushes it, and
        # once the tag is there (when the draft is published) GitHub uses the tag
        target=ctx.facts.get("preflight", {}).get("branch") or "main",
        name=f"{names[0]} {ctx.version}" if len(names) == 1 else tag,
        notes=release_notes(ctx),
        version=ctx.version,
        prerelease=Version(ctx.version).is_prerelease,
    )


def _skip(ctx: Context) -> str | None:
    found = resolve_forge(ctx.root, ctx.config)
    if found.target is None:
        return None if found.configured else found.reason
    if not found.configured and find_token(found.target) is None:
        return f"no token for {found.target.describe()} ({token_hint(found.target)})"
    return None


def _connect(ctx: Context) -> tuple[ForgeTarget, Forge]:
    found = resolve_forge(ctx.root, ctx.config)
    if found.target is None:
        raise StepFailed(found.reason, hint=_CONFIGURE)
    token = find_token(found.target)
    if token is None:
        raise StepFailed(
            f"no {found.target.title} token for {found.target.repo}",
            hint=token_hint(found.target) + ", then `releasekit release --resume`",
        )
    return found.target, found.target.client(token)


def _actions(record: StepRecord) -> set[str]:
    return {str(e.get("action")) for e in record.effects}


def _complete(release: Release, assets: list[Path]) -> bool:
    for path in assets:
        there = release.assets.get(path.name)
        if there is None or not there.complete or there.size != path.stat().st_size:
            return False
        if there.sha256 is not None and there.sha256 != sha256_of(path):
            return False
    return True


class ForgeDraftStep(Step):
    name = "forge-draft"
    external = True

    def skip_reason(self, ctx: Context) -> str | None:
        return _skip(ctx)

    def check(self, ctx: Context) -> Iterator[Problem]:
        found = resolve_forge(ctx.root, ctx.config)
        if found.target is None:
            yield (found.reason, _CONFIGURE)
            return
        target = found.target
        token = find_token(target)
        if token is None:
            yield (f"no {target.title} token for {target.repo}", token_hint(target))
            return
        forge = target.client(token)
        tag = tag_names(ctx)[0]
        try:
            refused = forge.check_access()
            existing = None if refused else forge.find(tag)
        except ForgeError as exc:
            yield (exc.message, exc.hint or "")
            return
        if refused:
            yield (refused, f"use a token that can write releases of {target.repo}")
        elif existing is not None and not existing.draft:
            yield (
                f"{target.title} already has a published release for {tag}: {existing.url}",
                "release a new version, or delete that release if it is a mistake",
            )

    def plan(self, ctx: Context) -> Plan:
        target = resolve_forge(ctx.root, ctx.config).target
        where = target.describe() if target else "the forge"
        tag = tag_names(ctx)[0]
        files = "the wheels, sdists and supply-chain files"
        if target is not None and target.kind == "gitlab":
            return Plan(
                self.name,
                f"upload {files} to {where}'s generic package registry (GitLab has no draft "
                f"releases: forge-publish creates release {tag} after the tag is pushed)",
            )
        return Plan(
            self.name,
            f"create a draft release {tag} on {where} with this version's notes, attach {files}",
        )

    def apply(self, ctx: Context) -> Facts:
        target, forge = _connect(ctx)
        spec, assets = release_spec(ctx), release_assets(ctx)
        release = forge.find(spec.tag)
        if release is not None and not release.draft:
            raise StepFailed(
                f"{target.title} already has a published release for {spec.tag}: {release.url}",
                hint="nothing was uploaded to the index; delete that release or roll back "
                "(`releasekit release --rollback`) and release a new version",
            )
        if release is None:
            ctx.effect(self.name, "creating", tag=spec.tag)
            release = forge.create_draft(spec)
            # the draft exists but the journal does not know yet: resume must find it by its tag
            ctx.checkpoint(f"{self.name}:created-unrecorded")
            ctx.effect(self.name, "created", tag=spec.tag, id=release.id, url=release.url)
        else:
            ctx.effect(self.name, "found", tag=spec.tag, id=release.id, url=release.url)
        for number, path in enumerate(assets, start=1):
            if _complete(release, [path]):
                continue
            ctx.effect(self.name, "uploading", point=str(number), filename=path.name)
            forge.upload(release, path)
            ctx.effect(self.name, "uploaded", point=str(number), filename=path.name)
        release = forge.find(spec.tag) or release
        return self._facts(target, release, assets)

    @staticmethod
    def _facts(target: ForgeTarget, release: Release, assets: list[Path]) -> Facts:
        return {
            "forge": target.kind,
            "repo": target.repo,
            "tag": release.tag,
            "id": release.id,
            "url": release.url,
            "assets": [p.name for p in assets],
        }

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        target, forge = _connect(ctx)
        assets = release_assets(ctx)
        release = forge.find(release_spec(ctx).tag)
        if release is None or not release.draft or not _complete(release, assets):
            return None
        return self._facts(target, release, assets)

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        actions = _actions(record)
        if not actions & {"creating", "found"}:
            return []
        tag = tag_names(ctx)[0]
        try:
            target, forge = _connect(ctx)
            release = forge.find(tag)
            if release is None:
                return []
            if "creating" not in actions:  # a draft someone made before this release
                return [
                    f"the draft release {tag} on {target.describe()} existed before this "
                    "release and was kept; remove the files this release attached by hand"
                ]
            forge.delete(release)
        except ReleasekitError as exc:
            return [f"delete the draft release {tag} on the forge by hand ({exc.message})"]
        return []


class ForgePublishStep(Step):
    name = "forge-publish"
    external = True

    def skip_reason(self, ctx: Context) -> str | None:
        if "forge-draft" in ctx.skip:
            return "forge-draft is skipped"
        reason = _skip(ctx)
        if reason is None and not ctx.config.push:
            return "push = false: the tag is not on the remote; publish the draft after pushing"
        return reason

    def plan(self, ctx: Context) -> Plan:
        target = resolve_forge(ctx.root, ctx.config).target
        tag = tag_names(ctx)[0]
        if target is not None and target.kind == "gitlab":
            return Plan(
                self.name,
                f"create the release {tag} on {target.describe()} with the notes and links to "
                "the uploaded files (the tag is pushed)",
            )
        where = target.describe() if target else "the forge"
        return Plan(self.name, f"publish the draft release {tag} on {where} (the tag is pushed)")

    def apply(self, ctx: Context) -> Facts:
        target, forge = _connect(ctx)
        spec = release_spec(ctx)
        release = forge.find(spec.tag)
        if release is None:
            raise StepFailed(
                f"the draft release {spec.tag} is gone from {target.describe()}",
                hint="roll back with `releasekit release --rollback` and release again, or "
                "create the release by hand",
            )
        if release.draft:
            ctx.effect(self.name, "publishing", tag=spec.tag, id=release.id)
            release = forge.publish(release, spec)
            ctx.effect(self.name, "published", tag=spec.tag, url=release.url)
        return {"forge": target.kind, "repo": target.repo, "tag": spec.tag, "url": release.url}

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        target, forge = _connect(ctx)
        tag = release_spec(ctx).tag
        release = forge.find(tag)
        if release is None or release.draft:
            return None
        return {"forge": target.kind, "repo": target.repo, "tag": tag, "url": release.url}

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        if "publishing" not in _actions(record):
            return []
        tag = tag_names(ctx)[0]
        try:
            _, forge = _connect(ctx)
            release = forge.find(tag)
            if release is not None and not release.draft:
                forge.delete(release)
        except ReleasekitError as exc:
            return [f"delete the published release {tag} on the forge by hand ({exc.message})"]
        return []
