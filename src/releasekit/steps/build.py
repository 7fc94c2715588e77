"""build: sdist and wheel of every package into a fresh, private directory.

Builds run in a fresh checkout of the release commit, so exactly what was committed is
built: no untracked or ignored file of the work tree can slip into an sdist.
``SOURCE_DATE_EPOCH`` is the release commit's time, so two builds of one commit are byte-identical.
Packages build in parallel (each in its own isolated environment, with uv when installed).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import process
from ..changelogs import resolve
from ..config import read_pyproject
from ..errors import ReleasekitError
from ..git import Git
from ..index import sha256_of
from ..supply.wheels import embed_runtime_sbom
from ..textfiles import LINK_CYCLE, describe_path
from ..venv import uv_binary
from ..workspace import Package
from .base import Facts, Plan, Problem, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = [
    "BuildStep",
    "artifact_paths",
    "build_command",
    "build_package",
    "build_python",
    "trial_build_problems",
]


def build_command() -> list[str]:
    """What builds the packages: ``uv build`` when uv is installed, else ``python -m build``.
    Neither gets ``--sdist --wheel`` (with it, both tools build each artifact from the tree):
    each builds the sdist, then the wheel from the sdist, so a file the sdist leaves out is in
    neither, whichever tool builds them, as in the wheel pip would build from the sdist."""
    uv = uv_binary()
    return [uv, "build"] if uv else [*process.TOOL, "build"]


def build_python(uv: str, source: Path) -> list[str]:
    """``--python`` for ``uv build`` where uv finds no interpreter here for the project: a
    ``.python-version`` naming none it knows (pyenv-virtualenv writes a virtualenv's name
    there, and sqlparse's sdist ships one), or a ``requires-python`` no installed Python meets
    (Sphinx's ``>=3.12``, where uv would download a Python, and fail offline): the build then
    runs on releasekit's own Python, as ``python -m build`` would, instead of failing. Nothing
    where uv finds one."""
    found = process.run([uv, "python", "find"], cwd=source, check=False)
    return [] if found.returncode == 0 else ["--python", sys.executable]


def build_package(
    package: Package,
    source: Path,
    outdir: Path,
    *,
    epoch: int,
    version: str | None = None,
    sbom: bool = False,
) -> list[Path]:
    """Build one package's sdist, then its wheel from the sdist, from ``source`` into ``outdir``.

    ``version`` is the planned version: a VCS-versioned package (hatch-vcs, setuptools-scm,
    pdm-backend scm) is built with it pinned through the backend's environment variables, since
    the release tag does not exist yet and the backend would otherwise make an ``X.Y.Z.devN``.
    ``sbom``: embed the SBOM of each wheel's runtime dependencies in it (PEP 770).
    """
    staging = outdir / f".{package.canonical}"
    staging.mkdir(parents=True)
    # uv build caches build environments
    command = build_command()
    uv = command[1] == "build"
    # not --quiet: uv then hides the backend's output, the traceback that says why it failed
    out = ["--out-dir"] if uv else ["--outdir"]
    argv: list[str | Path] = [*command, *(build_python(command[0], source) if uv else ()), *out]
    argv += [staging, source]
    tool = "uv build" if uv else "python -m build"
    process.run(
        argv,
        cwd=source,
        env={
            "SOURCE_DATE_EPOCH": str(epoch),
            "PYTHONHASHSEED": "0",
            **(package.source.build_env(package.name, version) if version else {}),
        },
        what=f"building {package.name} ({tool})",
        hint=f"run `{tool}` in the package to see the backend's error",
    )
    built = []
    for path in sorted(staging.iterdir()):
        if path.name.endswith((".whl", ".tar.gz")):  # uv build also leaves a .gitignore
            target = outdir / path.name
            path.replace(target)
            built.append(target)
            if sbom and target.suffix == ".whl":
                embed_runtime_sbom(target, epoch=epoch)
    shutil.rmtree(staging)
    return built


def _changelog_paths(ctx: Context) -> list[str]:
    """The paths the changelog step writes: its check names the links among them."""
    try:
        kind = resolve(ctx.root, ctx.config)
    except ReleasekitError:  # the changelog step's check names it
        return []
    return kind.touched() if kind else []


def _broken_links(ctx: Context) -> Iterator[Problem]:
    """A link git tracks in a package that leads nowhere a build can follow:

    - outside the repository (an absolute target, or one that climbs above the top): the
      release commit does not have what it names, so the sdist holds a link to nothing (uv
      refuses to build from one with an absolute target) or, where a backend follows links, a
      file of this machine's;
    - in a cycle (``noxfile.py -> noxfile.py``): uv refuses to unpack an sdist holding one.
    """
    repo = Git(ctx.root)
    if repo.refusal() is not None:  # preflight names it
        return
    root = ctx.root.resolve()
    top = Path(repo.run("rev-parse", "--show-toplevel")).resolve()
    where = [f":(literal){p.path.resolve().relative_to(root)}" for p in ctx.workspace.packages]
    skip = [f":(exclude,literal){path}" for path in _changelog_paths(ctx)]
    fix = "commit the file itself in place of the link, or link to a file inside the repository"
    for path in repo.tracked_links(*where, *skip):
        link = root / path
        if not link.is_symlink():  # changed in the tree: the clean-tree check names it
            continue
        target = os.readlink(link)
        if not Path(os.path.normpath(link.parent / target)).is_relative_to(top):
            yield (
                f"{path} is a link to {target}, outside the repository: the release commit does "
                "not have what it points to, so the sdist would hold a link to nothing or a file "
                "of this machine's",
                fix,
            )
        elif describe_path(link) == LINK_CYCLE:
            yield (
                f"{path} is a link in a cycle ({path} -> {target}): the sdist would hold it, "
                "and a build from the sdist cannot unpack it",
                fix,
            )


def _metadata_files(ctx: Context) -> Iterator[Problem]:
    """A file ``[project] readme`` or ``license`` names (PEP 621) that is not a file: every
    backend reads it into the metadata, so the build would fail after the release commit."""
    for package in ctx.workspace.packages:
        path = package.path / "pyproject.toml"
        project = read_pyproject(path).get("project") if path.is_file() else None
        if not isinstance(project, Mapping):
            continue
        dynamic = project.get("dynamic")
        for key in ("readme", "license"):
            if isinstance(dynamic, list) and key in dynamic:
                continue
            value = project.get(key)
            if isinstance(value, Mapping):
                field, name = f"{key}.file", value.get("file")
            else:  # a license string is an SPDX expression (PEP 639), not a file
                field, name = key, value if key == "readme" else None
            if not isinstance(name, str) or (package.path / name).is_file():
                continue
            what = describe_path(package.path / name)
            if what != LINK_CYCLE:  # a link in a cycle: _broken_links names it
                where = path.relative_to(ctx.root)
                yield (
                    f"{where}: [project] {field} = {name!r} is {what}: the build reads it into "
                    "the package's metadata, so it would fail after the release commit",
                    f"commit {name}, or name the file the project has in [project] {field}",
                )


def trial_build_problems(ctx: Context) -> Iterator[Problem]:
    """For doctor: every package built from HEAD, as the build step builds them from the release
    commit, into a temporary directory, and the backend's error if it fails. What a backend
    refuses in the metadata (an unknown classifier, a license expression that does not parse, a
    readme that is not a string or a table) only the backend knows; the release would meet it
    after its commit. Nothing is written to the tree: the build runs in a checkout of HEAD."""
    repo = Git(ctx.root)
    if repo.refusal() is not None or not repo.has_commits():  # preflight names it
        return
    with (
        tempfile.TemporaryDirectory(prefix="releasekit-trial-") as tmp,
        checkout(ctx.root, repo.head(), Path(tmp) / "src") as tree,
    ):
        outdir = Path(tmp) / "dist"
        for package in ctx.workspace.packages:
            source = tree / package.path.resolve().relative_to(ctx.root.resolve())
            try:
                build_package(package, source, outdir, epoch=int(time.time()), version=ctx.version)
            except ReleasekitError as exc:  # the message's first line: the cause
                cause = exc.message.partition("\n")[0]
                yield (f"a trial build of HEAD failed: {cause}", exc.hint or "")


class BuildStep(Step):
    name = "build"

    def check(self, ctx: Context) -> Iterator[Problem]:
        yield from _metadata_files(ctx)
        yield from _broken_links(ctx)

    def outdir(self, ctx: Context) -> Path:
        return ctx.release_dir / "dist"

    def plan(self, ctx: Context) -> Plan:
        return Plan(
            self.name,
            "build sdist + wheel (reproducible, into a fresh directory)",
            actions=tuple(f"{p.name} -> {self.outdir(ctx)}" for p in ctx.workspace.packages),
        )

    def apply(self, ctx: Context) -> Facts:
        outdir = self.outdir(ctx)
        if outdir.exists():
            shutil.rmtree(outdir)  # our private dir from an interrupted attempt: never reuse it
        outdir.mkdir(parents=True)
        epoch = int(ctx.facts["commit"]["timestamp"])
        packages = ctx.workspace.packages
        with checkout(ctx.root, ctx.facts["commit"]["sha"], ctx.release_dir / "src") as tree:
            tags = sorted({t for p in packages if (t := p.source.build_tag(ctx.version))})
            if tags:
                tag_for_describe(Git(tree), tags)

            def one(package: Package) -> list[Path]:
                source = tree / package.path.relative_to(ctx.root.resolve())
                return build_package(
                    package,
                    source,
                    outdir,
                    epoch=epoch,
                    version=ctx.version,
                    sbom=ctx.config.supply.sbom,
                )

            with ThreadPoolExecutor(max_workers=min(4, len(packages))) as pool:
                results = list(pool.map(one, packages))
        files: list[dict[str, Any]] = []
        for package, paths in zip(packages, results, strict=True):
            for path in paths:
                files.append(
                    {
                        "path": str(path.relative_to(ctx.root)),
                        "filename": path.name,
                        "sha256": sha256_of(path),
                        "package": package.name,
                        "kind": "wheel" if path.suffix == ".whl" else "sdist",
                    }
                )
        program, *arguments = build_command()
        command = process.display([Path(program).name, *arguments])
        return {"dir": str(outdir.relative_to(ctx.root)), "files": files, "command": command}

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        shutil.rmtree(self.outdir(ctx), ignore_errors=True)
        return []


@contextlib.contextmanager
def checkout(root: Path, sha: str, where: Path) -> Iterator[Path]:
    """A checkout of ``sha`` at ``where`` with a ``.git`` directory of its own (a shared local
    clone: no copy of the objects), removed afterwards. Not a ``git worktree``: its ``.git`` is a
    file, which backends that leave out only a ``.git`` directory put into the sdist (hatchling,
    pygments 2.19)."""
    shutil.rmtree(where, ignore_errors=True)
    what = "checking out the release commit to build it"
    top = Git(root).run("rev-parse", "--show-toplevel")
    Git(root).run("clone", "--quiet", "--shared", "--no-checkout", top, str(where), what=what)
    try:
        Git(where).run("checkout", "--quiet", "--detach", sha, what=what)
        yield where
    finally:
        shutil.rmtree(where, ignore_errors=True)


def tag_for_describe(git: Git, tags: list[str]) -> None:
    """Make ``tags`` the only tags on the checkout's HEAD, in this private clone only: versioneer
    runs ``git describe``, which would prefer an older annotated tag on the same commit (a release
    with no commit of its own since the last one)."""
    what = "tagging the build's checkout"
    for old in git.run("tag", "--points-at", "HEAD", what=what).split():
        git.run("update-ref", "-d", f"refs/tags/{old}", what=what)
    for tag in tags:
        git.run("update-ref", f"refs/tags/{tag}", "HEAD", what=what)


def artifact_paths(ctx: Context, kind: str | None = None) -> list[Path]:
    return [ctx.root / f["path"] for f in ctx.facts["build"]["files"] if kind in (None, f["kind"])]
