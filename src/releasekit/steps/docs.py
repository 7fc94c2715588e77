"""docs: ``mkdocs build --strict``, then publish the version's directory to the docs branch.

A warning fails the release here, before anything is published. The version is deployed with
mike to ``REMOTE/gh-pages`` (``VERSION/`` plus ``versions.json`` for the version selector) and
checked on the remote; the alias (``latest``) is not touched: the promote step moves it after the
whole release has succeeded. Rollback deletes the version again.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..audit import site_dirs
from ..docs_examples import run_examples
from ..docsenv import DOCS_TOOLS, docs_env, docs_requirements
from ..docsite import (
    DocsError,
    build_site,
    config_path,
    docs_skip_reason,
    mike_for,
    version_selector,
)
from ..git import Git
from .base import Facts, Plan, Problem, Step, StepRecord
from .build import artifact_paths
from .image import earlier, first_effect

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["DocsStep"]


class DocsStep(Step):
    name = "docs"
    external = True  # pushes to the git remote's docs branch

    def skip_reason(self, ctx: Context) -> str | None:
        return docs_skip_reason(ctx.config, ctx.root)

    def check(self, ctx: Context) -> Iterator[Problem]:
        """MkDocs, mike, the configuration file and the remote the site is pushed to."""
        settings = ctx.config.docs
        install = (
            "declare the project's docs dependencies ([dependency-groups] docs, or "
            "docs/requirements.txt): releasekit builds in their own environment; or pip install "
            "'releasekit[docs]' (mkdocs, mkdocs-material, mike)"
        )
        try:
            config_path(ctx.root, settings)
        except DocsError as exc:
            yield (exc.message, exc.hint or "")
        if docs_requirements(ctx.root)[1] is None:  # else they go into the docs environment
            if importlib.util.find_spec("mkdocs") is None:
                yield ("the docs step needs MkDocs, which is not installed", install)
            mike = Path(sys.executable).parent / "mike"
            if not mike.is_file() and shutil.which("mike") is None:
                yield ("the docs step needs mike, which is not installed", install)
        remote = settings.remote or ctx.config.remote
        if not Git(ctx.root).ok("remote", "get-url", remote):
            yield (
                f"no git remote {remote!r} to publish the docs to",
                f"add it with `git remote add {remote} URL`, or set [tool.releasekit.docs] "
                "remote, or pass --skip docs",
            )

    def plan(self, ctx: Context) -> Plan:
        settings = ctx.config.docs
        path = ctx.root / settings.config_file
        remote = settings.remote or ctx.config.remote
        strict = " --strict" if settings.strict else ""
        _, source = docs_requirements(ctx.root)
        if not path.is_file():
            actions: tuple[str, ...] = (f"ERROR: {settings.config_file} is missing",)
        else:
            actions = (
                (
                    f"in a fresh venv: the wheels, {source}, {' and '.join(DOCS_TOOLS)}"
                    if source
                    else "with the MkDocs and mike installed next to releasekit"
                ),
                *(
                    ("run the examples of README.md and docs/ (sybil): a failure stops here",)
                    if settings.examples
                    else ()
                ),
                f"mkdocs build{strict} -f {settings.config_file}"
                + (" (any warning stops the release)" if strict else ""),
                f"mike deploy {ctx.version} -> {remote}/{settings.branch} ({ctx.version}/)",
                f"check {remote}/{settings.branch} has {ctx.version}/index.html",
                f"version selector: {version_selector(path)}",
                f"after the release succeeds: alias {settings.alias} -> {ctx.version} "
                "(promote step)",
            )
        return Plan(self.name, f"build the docs and publish version {ctx.version}", actions=actions)

    def apply(self, ctx: Context) -> Facts:
        settings = ctx.config.docs
        config_file = config_path(ctx.root, settings)
        if settings.examples:
            run_examples(ctx.root, site_dirs(ctx.release_dir / "venv-verify"))
        built = artifact_paths(ctx, "wheel") if "build" in ctx.facts else []
        venv = docs_env(ctx, wheels=built)
        site = build_site(
            ctx.root, config_file, ctx.release_dir / "site", strict=settings.strict, venv=venv
        )
        mike = mike_for(ctx)
        prior = first_effect(earlier(ctx, self.name), "deploying")
        if prior is not None:  # resumed: the state before the first attempt is what counts
            existed, previous = bool(prior.get("existed")), prior.get("previous_alias")
        else:
            existing = mike.versions()
            existed = any(v.get("version") == ctx.version for v in existing)
            previous = next(
                (str(v["version"]) for v in existing if settings.alias in v.get("aliases", [])),
                None,
            )
        ctx.effect(
            self.name,
            "deploying",
            version=ctx.version,
            remote=mike.remote,
            branch=mike.branch,
            existed=existed,
            previous_alias=previous,
        )
        mike.deploy(ctx.version)
        if not mike.has_file(f"{ctx.version}/index.html"):
            raise DocsError(
                f"published docs {ctx.version}, but {mike.remote}/{mike.branch} has "
                f"no {ctx.version}/index.html",
                hint="check the branch by hand (git ls-tree), then --resume",
            )
        facts: Facts = {
            "version": ctx.version,
            "remote": mike.remote,
            "branch": mike.branch,
            "commit": mike.remote_sha(),
            "deployed": True,
            "alias": settings.alias,
            "previous_alias": previous,
            "existed": existed,
            "site_dir": str(site),
        }
        ctx.effect(self.name, "deployed", facts=facts)
        return facts

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        deploying = first_effect(record, "deploying")
        if deploying is None:
            return None
        mike = mike_for(ctx)
        if not mike.has_file(f"{ctx.version}/index.html"):
            return None
        return {
            "version": ctx.version,
            "remote": mike.remote,
            "branch": mike.branch,
            "commit": mike.remote_sha(),
            "deployed": True,
            "alias": ctx.config.docs.alias,
            "previous_alias": deploying.get("previous_alias"),
            "existed": deploying.get("existed", False),
            "site_dir": str(ctx.release_dir / "site"),
        }

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        deploying = first_effect(record, "deploying")
        if deploying is None:
            return []
        version = str(deploying["version"])
        if deploying.get("existed"):
            return [
                f"docs version {version} existed before this release and was re-deployed; "
                f"its earlier content cannot be restored (see the history of "
                f"{deploying['remote']}/{deploying['branch']})"
            ]
        mike = mike_for(ctx)
        if any(v.get("version") == version for v in mike.versions()):
            mike.delete(version)
        return []
