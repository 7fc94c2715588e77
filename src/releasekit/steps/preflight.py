"""preflight: refuse to start unless the repository, the target and the tools are ready.

Every check returns a problem sentence (or nothing); ``releasekit doctor`` runs the same checks and
lists them all, ``release`` stops at the first with a PreflightError. Nothing here changes anything.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from .. import apicheck
from .. import git as gitmod
from ..errors import PreflightError, ReleasekitError
from ..index import list_files
from ..tags import effective_tag_format, lacking_version_tags, latest_version_tag, tag_names
from ..versioning import next_version
from .base import Facts, Plan, Problem, Step
from .preflight_remote import remote_problems
from .preflight_target import not_an_index, token_host_mismatch
from .version import writing_problems

if TYPE_CHECKING:
    from ..context import Context

__all__ = [
    "PreflightStep",
    "least_release_problems",
    "no_repository",
    "problems",
    "tag_names",
]


def no_repository(repo: gitmod.Git) -> Problem | None:
    """Why there is nothing to release from: no repository, one git refuses (owned by another
    user: a container's mounted checkout), or no commit in it."""
    refusal = repo.refusal()
    if refusal is not None and "dubious ownership" in refusal:
        return (
            f"git refuses the repository at {repo.root}: {refusal} (it belongs to another "
            "user than the one running releasekit)",
            f"if you trust it, `git config --global --add safe.directory {repo.root}`, or run "
            "releasekit as the repository's owner",
        )
    if refusal is not None:
        return (f"{repo.root} is not a git repository", "run `git init` and commit the project")
    if not repo.has_commits():
        return (
            f"the git repository {repo.root} has no commits yet",
            "commit the project first (`git add -A && git commit -m 'Initial commit'`)",
        )
    return None


def _git_checks(ctx: Context) -> Iterator[Problem]:
    repo = gitmod.Git(ctx.root)
    missing = no_repository(repo)
    if missing:
        yield missing
        return
    if repo.is_shallow():
        yield (
            "the clone is shallow: the commits and tags the version, the release notes and the "
            "tag style come from are cut off",
            "fetch all of it (`git fetch --unshallow --tags`; GitHub Actions: actions/checkout "
            "with fetch-depth: 0)",
        )
    dirty = repo.dirty_paths()
    if dirty:
        shown = ", ".join(dirty[:5]) + (" ..." if len(dirty) > 5 else "")
        yield (
            f"the work tree has uncommitted changes ({shown})",
            "commit or stash them, then release from a clean tree",
        )
    branch = repo.branch()
    if not gitmod.branch_allowed(branch, ctx.config.branches):
        yield (
            f"releases are not cut from branch {branch or '(detached HEAD)'!r} "
            f"(allowed: {', '.join(ctx.config.branches)})",
            "switch to an allowed branch or add it to [tool.releasekit] branches",
        )
    if not repo.user_configured():
        yield (
            "git has no user.name / user.email for the release commit",
            "set them with `git config user.name ...` and `git config user.email ...`",
        )
    for tag in tag_names(ctx):
        if repo.tag_sha(tag):
            yield (
                f"tag {tag} already exists",
                f"{_after_newest(ctx)}, or delete the tag if it was made by mistake "
                f"(`git tag -d {tag}`)",
            )


def _after_newest(ctx: Context) -> str:
    """What to release instead of a version whose tag exists: one after the newest release,
    wherever it was tagged (click releases from a stable branch; its main stays at the dev
    version of the release that branch made)."""
    names = [p.name for p in ctx.workspace.packages]
    fmt, _ = effective_tag_format(ctx.root, ctx.config, names)
    newest = latest_version_tag(ctx.root, fmt, name=names[0], merged=False)
    if newest is None:
        return "choose another version"
    try:
        patch, minor = (next_version(str(newest[1]), bump) for bump in ("patch", "minor"))
    except ReleasekitError:
        return "choose another version"
    return (
        f"release a version after the newest tag {newest[0]}: `releasekit release {patch}` "
        f"(or {minor})"
    )


def least_release_problems(ctx: Context) -> Iterator[Problem]:
    """For doctor, which knows no BUMP: what stops the least release the tree's version leads to
    (its patch: the final of a dev or pre version), so ``release patch`` (and ``minor`` on a dev
    version) cannot go ahead.

    - It is tagged already: the tree's version is behind its releases. click's main at
      ``8.5.0.dev`` after 8.5.0 was released from its stable branch; build's ``1.5.0`` after
      1.5.1 was rolled back in the tree and left tagged.
    - It cannot be written exactly: bump-my-version's dry run fails (a file it names is missing),
      or a version source cannot express it.
    """
    try:
        version = ctx.workspace.next_version("patch")
    except ReleasekitError:
        return
    repo = gitmod.Git(ctx.root)
    for tag in tag_names(ctx, version):
        if repo.tag_sha(tag):
            yield (
                f"the project's version {ctx.workspace.version} is behind its releases: the "
                f"least release it leads to, {version}, is tagged already ({tag})",
                f"{_after_newest(ctx)}; or set the project's version past {version}",
            )
            return
    yield from writing_problems(ctx, version)


def _remote_checks(ctx: Context) -> Iterator[Problem]:
    repo = gitmod.Git(ctx.root)
    if not ctx.config.push or not repo.has_commits():
        return
    if not repo.has_remote(ctx.config.remote):
        yield (
            f"no git remote {ctx.config.remote!r} to push the release to",
            f"add it with `git remote add {ctx.config.remote} URL`, or set push = false",
        )
        return
    branch = repo.branch()
    remote_tags = repo.remote_refs(ctx.config.remote, "refs/tags/*")
    new_tags = []
    planned = tag_names(ctx)
    for tag in planned:
        if f"refs/tags/{tag}" in remote_tags:
            yield (
                f"tag {tag} already exists on remote {ctx.config.remote!r}",
                "choose another version",
            )
        else:
            new_tags.append(tag)
    if branch is not None:
        yield from remote_problems(repo, ctx.config.remote, branch, new_tags)
    yield from _lacking_tags(ctx, remote_tags, planned)


def _lacking_tags(
    ctx: Context, remote_tags: dict[str, str], planned: list[str]
) -> Iterator[Problem]:
    """Release tags the remote has and this clone does not (``git clone --no-tags``, CI's
    checkout): a version from the tags would be the newest one here (0.0.1 for a project at
    2.3.0), the notes would reach back past the last release, the tag style would be guessed."""
    remote = (ref.removeprefix("refs/tags/") for ref in remote_tags)
    # the release's own tags, where the remote has them, are named above
    lacking = lacking_version_tags(ctx.root, (tag for tag in remote if tag not in planned))
    if lacking:
        more = len(lacking) - 5
        shown = ", ".join(lacking[:5]) + (f" and {more} more" if more > 0 else "")
        yield (
            f"remote {ctx.config.remote!r} has release tags this clone lacks ({shown}): the "
            "version, the release notes and the tag style come from the tags",
            f"fetch them (`git fetch {ctx.config.remote} --tags`; GitHub Actions: "
            "actions/checkout with fetch-depth: 0)",
        )


def _target_checks(ctx: Context) -> Iterator[Problem]:
    target = ctx.target
    if not target.has_credentials:
        yield (
            f"no credentials for target {target.name!r}",
            f"set {target.password_source} (an API token) in the environment, or publish "
            "from CI with trusted publishing (GitHub Actions: permissions id-token: write)",
        )
        return  # no point asking an index we could not upload to
    issuer = token_host_mismatch(target.password, target.upload_url)
    if issuer:
        yield (
            f"the API token for target {target.name!r} ({target.password_source}) was issued "
            f"by {issuer}, but the release uploads to {target.upload_url}",
            f"use a token made on the index you upload to, or release to the index of "
            f"{issuer} (e.g. --to {'testpypi' if issuer.startswith('test.') else 'pypi'})",
        )
        return  # never send the token to the wrong host
    if not target.index_url:
        return
    if not target.local and not target.public:  # a configured URL: is it really an index?
        why = not_an_index(target.index_url, ctx.workspace.packages[0].name)
        if why:
            yield (
                f"the index URL {target.index_url} of target {target.name!r} is not a package "
                f"index: {why}",
                "point the target at a PEP 503 simple index (index_url in "
                "[tool.releasekit.repositories], usually ending in /simple/)",
            )
            return
    for package in ctx.workspace.packages:
        files = list_files(target.index_url, package.name)  # IndexUnavailable: exit status 6
        taken = [f.filename for f in files if _is_version(f.filename, package.name, ctx.version)]
        if taken:
            yield (
                f"{package.name} {ctx.version} is already on {target.name} ({taken[0]})",
                "choose another version; an index never accepts the same version twice",
            )


def _is_version(filename: str, name: str, version: str) -> bool:
    from packaging.utils import (
        InvalidSdistFilename,
        InvalidWheelFilename,
        canonicalize_name,
        parse_sdist_filename,
        parse_wheel_filename,
    )
    from packaging.version import Version

    try:
        if filename.endswith(".whl"):
            dist, ver, *_ = parse_wheel_filename(filename)
        else:
            dist, ver = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return False
    return dist == canonicalize_name(name) and ver == Version(version)


CHECKS: tuple[Callable[[Context], Iterator[Problem]], ...] = (
    _git_checks,
    _remote_checks,
    _target_checks,
    apicheck.problems,
)


def _checks(ctx: Context) -> Iterator[Callable[[], Iterator[Problem]]]:
    """Preflight's own checks, then the check of every step of the release not skipped."""
    from ..pipeline import default_steps  # the pipeline imports this module

    for check in CHECKS:
        yield functools.partial(check, ctx)
    for step in default_steps():
        if step.name not in ctx.skip and step.skip_reason(ctx) is None:
            yield functools.partial(step.check, ctx)


def iter_problems(ctx: Context) -> Iterator[Problem]:
    """Everything that would stop the release: the repository, target and every step's needs."""
    for check in _checks(ctx):
        yield from check()


def problems(ctx: Context, *, every: bool = False) -> list[Problem]:
    """All the problems. With ``every`` (doctor), a check that cannot run at all (an unreachable
    remote or index) is one more problem and the other checks still run."""
    if not every:
        return list(iter_problems(ctx))
    found: list[Problem] = []
    for check in _checks(ctx):
        try:
            found.extend(check())
        except ReleasekitError as exc:
            found.append((exc.message, exc.hint or ""))
    return found


class PreflightStep(Step):
    name = "preflight"

    def plan(self, ctx: Context) -> Plan:
        return Plan(
            self.name,
            "check the tree, branch, tags, fragments, credentials and index",
            actions=(
                f"release {', '.join(p.name for p in ctx.workspace.packages)} "
                f"{ctx.previous_version} -> {ctx.version} to {ctx.target.name}",
                *apicheck.plan_lines(ctx),
            ),
        )

    def apply(self, ctx: Context) -> Facts:
        for what, fix in iter_problems(ctx):  # the first problem stops the release
            raise PreflightError(what, hint=fix or None)
        repo = gitmod.Git(ctx.root)
        return {"base": repo.head(), "branch": repo.branch()}
