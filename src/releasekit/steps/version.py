"""version: write the new version with bump-my-version.

With ``[tool.bumpversion]`` the project's own configuration decides which files change; without
it, releasekit asks bump-my-version to replace the version in each package's version file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import process
from ..git import Git
from .base import Facts, Plan, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["VersionStep"]


def _bump_my_version() -> list[str]:
    import sys

    return [sys.executable, "-m", "bumpversion"]


def _argvs(ctx: Context) -> list[list[str]]:
    common = [
        "--current-version",
        ctx.previous_version,
        "--new-version",
        ctx.version,
        "--allow-dirty",
    ]
    if ctx.workspace.uses_bumpversion:
        return [[*_bump_my_version(), "bump", *common, "--no-commit", "--no-tag"]]
    argvs = []
    for package in ctx.workspace.packages:
        for vfile in package.version_files:
            search = vfile.search
            argvs.append(
                [
                    *_bump_my_version(),
                    "replace",
                    *common,
                    "--no-configured-files",
                    "--search",
                    search,
                    "--replace",
                    search.replace("current", "new"),
                    str(vfile.path.relative_to(ctx.root)),
                ]
            )
    return argvs


class VersionStep(Step):
    name = "version"

    def plan(self, ctx: Context) -> Plan:
        how = (
            "[tool.bumpversion] files"
            if ctx.workspace.uses_bumpversion
            else ", ".join(
                str(f.path.relative_to(ctx.root))
                for p in ctx.workspace.packages
                for f in p.version_files
            )
        )
        return Plan(
            self.name,
            f"bump {ctx.previous_version} -> {ctx.version}",
            actions=(f"bump-my-version: {how}",),
        )

    def apply(self, ctx: Context) -> Facts:
        repo = Git(ctx.root)
        base = ctx.facts["preflight"]["base"]
        repo.run("checkout", base, "--", ".", what="restoring the tree before the bump")
        before = set(repo.dirty_paths())
        for argv in _argvs(ctx):
            process.run(
                argv,
                cwd=ctx.root,
                what="bumping the version with bump-my-version",
                hint="check [tool.bumpversion] and that the files contain the version",
            )
        return {"files": sorted(set(repo.dirty_paths()) - before)}

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        base = ctx.facts.get("preflight", {}).get("base")
        if base and Git(ctx.root).head() == base:
            Git(ctx.root).run("checkout", base, "--", ".", what="restoring the version files")
        return []
