"""The public API of the working tree against the last release, and the bump its changes need.

The base is the last release tag reachable from HEAD (the highest version among the tags whose
name ends in a PEP 440 version; final releases before pre-releases) or a given git ref. Its files
are exported with ``git archive`` into a temporary directory: the user's work tree, index and
``.git/worktrees`` are never touched. :mod:`pytest_releasekit.apidiff` compares the two trees.

Used by the gate's ``api`` rule and by ``releasekit`` (plan and preflight).
"""

from __future__ import annotations

import contextlib
import tarfile
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.version import InvalidVersion, Version

from . import _run
from .apidiff import ApiDiff, Change, compare, find_packages
from .gitdiff import git_refusal

__all__ = [
    "ApiError",
    "ApiReport",
    "Base",
    "allows_breaks",
    "bump_between",
    "check",
    "judge",
    "packages",
    "passes",
    "resolve_base",
    "tag_version",
]

BUMPS = ("major", "minor", "patch")


class ApiError(Exception):
    """The API cannot be compared; ``fix`` says how to make it work."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.fix = fix


@dataclass(frozen=True)
class Base:
    """What the working tree is compared with: a git ref and the version it released, if known."""

    ref: str
    version: Version | None


def _git(args: Sequence[str], cwd: Path) -> _run.Completed:
    return _run.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd)


def tag_version(tag: str) -> Version | None:
    """The PEP 440 version a tag name ends with (``v1.2.0``, ``pkg-1.2.0``), or None."""
    for index, char in enumerate(tag):
        before = tag[:index].removesuffix("v").removesuffix("V")
        if char.isdigit() and (not before or not before[-1].isalnum()):
            try:
                return Version(tag[index:])
            except InvalidVersion:
                continue
    return None


def _toplevel(root: Path) -> Path:
    top = _git(["rev-parse", "--show-toplevel"], root)
    if top.returncode == 127:
        raise ApiError("git is not installed", "install git and put it on PATH")
    refusal = None if top.ok else git_refusal(top, root)
    if refusal is not None:
        raise ApiError(*refusal)
    if not top.ok:
        raise ApiError(
            f"{root} is not inside a git repository",
            "run in a git checkout of the project, or turn the api rule off (api = false)",
        )
    return Path(top.stdout.strip())


def _shallow(root: Path) -> bool:
    return _git(["rev-parse", "--is-shallow-repository"], root).stdout.strip() == "true"


def resolve_base(root: Path, ref: str | None) -> Base | None:
    """``ref`` (and the version of the nearest tag at it), else the last release tag; None when
    the repository has no release tag yet. :class:`ApiError` for a ref that does not exist."""
    _toplevel(root)
    if ref is not None:
        if not _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).ok:
            raise ApiError(
                f"the API base {ref!r} does not exist"
                + (" in this shallow clone" if _shallow(root) else ""),
                "fetch it (`git fetch --tags origin`), or set api_base to an existing tag, "
                "branch or commit",
            )
        near = _git(["describe", "--tags", "--abbrev=0", ref], root)
        return Base(
            ref, tag_version(ref) or (tag_version(near.stdout.strip()) if near.ok else None)
        )
    tags = _git(["tag", "--merged", "HEAD"], root).stdout.split()
    versioned = [(v, t) for t in tags if (v := tag_version(t)) is not None]
    finals = [(v, t) for v, t in versioned if not (v.is_prerelease or v.is_devrelease)]
    if not (finals or versioned):
        if _shallow(root) or not _git(["rev-parse", "--verify", "--quiet", "HEAD"], root).ok:
            raise ApiError(
                "no release tag to compare the API with in this shallow clone",
                "fetch the tags (`git fetch --tags --unshallow origin`; on GitHub Actions "
                "`fetch-depth: 0` in actions/checkout), or set api_base",
            )
        return None
    version, tag = max(finals or versioned)
    return Base(tag, version)


def packages(root: Path, configured: Sequence[str] | None) -> list[str]:
    """The packages whose API is compared: ``configured``, else those found in ``root``."""
    found = list(configured or find_packages(root))
    if not found:
        raise ApiError(
            f"cannot find the project's packages in {root} (no package under src/, none named "
            "after [project] name)",
            'name them: api_packages = ["mypkg"] in [tool.releasekit.gate]',
        )
    return found


@contextlib.contextmanager
def exported(root: Path, ref: str) -> Iterator[Path]:
    """The files of ``root`` (a directory of a git repository) at ``ref``, in a temporary dir."""
    top = _toplevel(root)
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    treeish = ref if prefix == "." else f"{ref}:{prefix}"
    with tempfile.TemporaryDirectory(prefix="releasekit-api-") as tmp:
        archive = Path(tmp) / "base.tar"
        done = _git(["archive", "--format=tar", "-o", str(archive), treeish], top)
        if not done.ok:
            raise ApiError(
                f"`git archive {treeish}` failed: {done.stderr.strip()}",
                "check that the ref exists and contains the project (`git ls-tree " + ref + "`)",
            )
        tree = Path(tmp) / "tree"
        with tarfile.open(archive) as stream:
            stream.extractall(tree, filter="data")
        yield tree


def bump_between(base: Version | None, next_version: str) -> str:
    """``major``/``minor``/``patch``: the bump from ``base`` to ``next_version`` (a version, or
    the bump itself). :class:`ApiError` when it cannot be told."""
    word = next_version.strip().lower()
    if word in BUMPS:
        return word
    try:
        target = Version(next_version)
    except InvalidVersion:
        raise ApiError(
            f"the next version {next_version!r} is neither a PEP 440 version nor a bump",
            "give a version (2.0.0) or major, minor or patch",
        ) from None
    if base is None:
        raise ApiError(
            f"cannot tell which bump {next_version} is: the base has no version tag",
            "give the bump itself (major, minor or patch) instead of a version",
        )
    old, new = (*base.release, 0, 0)[:3], (*target.release, 0, 0)[:3]
    if new[0] > old[0]:
        return "major"
    if new[:2] > old[:2]:
        return "minor"
    return "patch"


def allows_breaks(bump: str, base: Version | None, *, zero_minor: bool) -> bool:
    """Whether a release with this bump may break the API (semver; on 0.x a minor bump may too,
    when ``zero_minor``)."""
    if bump == "major":
        return True
    return zero_minor and bump == "minor" and base is not None and base.release[0] == 0


def required_bump(report: ApiReport, *, zero_minor: bool) -> str:
    """The smallest bump the changes need: breaks -> major (minor on 0.x), additions -> minor."""
    zero = report.base.version is not None and report.base.version.release[0] == 0
    if report.breaks:
        return "minor" if zero and zero_minor else "major"
    return "minor" if report.diff.additions else "patch"


@dataclass(frozen=True)
class ApiReport:
    base: Base
    diff: ApiDiff
    #: breaks not on the allow-list
    breaks: tuple[Change, ...]
    #: (break, reason) on the allow-list
    allowed: tuple[tuple[Change, str], ...] = ()
    #: allow-list entries that matched no break (stale: the report says so)
    unused: tuple[str, ...] = field(default=())


def check(
    root: Path,
    base: Base,
    packages: Sequence[str],
    *,
    public_modules: Sequence[str] = (),
    allow: Mapping[str, str] | None = None,
) -> ApiReport:
    """Compare ``packages`` in the working tree ``root`` with ``base``."""
    with exported(root, base.ref) as old:
        diff = compare(old, root, packages, public_modules=public_modules, label=base.ref)
    return judge(base, diff, allow or {})


def judge(base: Base, diff: ApiDiff, allow: Mapping[str, str]) -> ApiReport:
    """Split the breaks of ``diff`` into allowed ones (with their reason) and the others."""
    breaks = tuple(b for b in diff.breaks if b.path not in allow)
    allowed = tuple((b, allow[b.path]) for b in diff.breaks if b.path in allow)
    used = {b.path for b, _ in allowed}
    return ApiReport(base, diff, breaks, allowed, tuple(k for k in allow if k not in used))


def passes(report: ApiReport, bump: str | None, *, zero_minor: bool) -> bool:
    """The verdict: no break outside the allow-list, or a bump that may break."""
    if not report.breaks:
        return True
    return bump is not None and allows_breaks(bump, report.base.version, zero_minor=zero_minor)
