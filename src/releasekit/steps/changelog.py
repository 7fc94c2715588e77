"""changelog: ``towncrier build`` for the new version; the fragments are consumed."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .. import process
from ..config import read_pyproject
from ..git import Git
from ..versioning import find_fragments, towncrier_settings
from .base import Facts, Plan, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["ChangelogStep"]


class ChangelogStep(Step):
    name = "changelog"

    def _settings(self, ctx: Context) -> dict[str, object] | None:
        return towncrier_settings(read_pyproject(ctx.root / "pyproject.toml"))

    def skip_reason(self, ctx: Context) -> str | None:
        if ctx.config.changelog is False:
            return "changelog = false"
        if self._settings(ctx) is None:
            return "no [tool.towncrier] in pyproject.toml"
        return None

    def plan(self, ctx: Context) -> Plan:
        settings = self._settings(ctx) or {}
        fragments = find_fragments(ctx.root, settings)
        target = settings.get("filename", "NEWS.rst")
        return Plan(
            self.name,
            f"write {target} for {ctx.version} with towncrier",
            actions=(
                f"consume {len(fragments)} fragment(s) from "
                f"{settings.get('directory', 'newsfragments')}/",
            ),
        )

    def apply(self, ctx: Context) -> Facts:
        settings = self._settings(ctx) or {}
        filename = str(settings.get("filename", "NEWS.rst"))
        repo = Git(ctx.root)
        base = ctx.facts["preflight"]["base"]
        # Idempotent on resume: start from the release base for the changelog and fragments,
        # so a changelog towncrier already wrote before the release died is written afresh.
        directory = str(settings.get("directory", "newsfragments"))
        repo.run("checkout", base, "--", directory, check=False)
        created = not repo.ok("cat-file", "-e", f"{base}:{filename}")
        if created:
            repo.run("rm", "--cached", "--quiet", "--ignore-unmatch", "--", filename)
            (ctx.root / filename).unlink(missing_ok=True)
        else:
            repo.run("checkout", base, "--", filename)
        process.run(
            [sys.executable, "-m", "towncrier", "build", "--yes", "--version", ctx.version],
            cwd=ctx.root,
            what="writing the changelog with towncrier",
            hint="check [tool.towncrier] and the fragments in " + directory,
        )
        return {"file": filename, "created": created}

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        base = ctx.facts.get("preflight", {}).get("base")
        repo = Git(ctx.root)
        if base and repo.head() == base:
            repo.run("checkout", base, "--", ".", what="restoring the changelog and fragments")
            if record.facts.get("created"):
                repo.remove_untracked([str(record.facts["file"])])
        return []
