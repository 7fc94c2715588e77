"""supply: checksums, SBOM copies and provenance beside the dist files, right after the build.

The build already embedded each wheel's SBOM (PEP 770), so verify checks the final bytes. This
step writes ``SHA256SUMS``, ``<wheel>.cdx.json`` and ``<file>.intoto.json`` into the dist
directory; the plan also says whether publish will sign the files for PEP 740 attestations.
Everything it writes is local and rewritten on a re-run; undo removes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..supply.assets import asset_facts, dist_dir, planned_names, write_assets
from ..supply.attest import decide, identity_problems
from ..supply.checksums import SUMS_NAME
from ..supply.embed import SBOM_NAME
from ..supply.sbom import RESOLUTION
from .base import Facts, Plan, Problem, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["SupplyStep"]


class SupplyStep(Step):
    name = "supply"

    def skip_reason(self, ctx: Context) -> str | None:
        s = ctx.config.supply
        if not (s.checksums or s.sbom or s.provenance):
            return "checksums, sbom and provenance are off ([tool.releasekit.supply])"
        return None

    def check(self, ctx: Context) -> Iterator[Problem]:
        yield from identity_problems(ctx.config.supply.attestations)

    def plan(self, ctx: Context) -> Plan:
        settings = ctx.config.supply
        actions = []
        if settings.checksums:
            actions.append(f"{SUMS_NAME} of every wheel and sdist (verify: sha256sum -c)")
        if settings.sbom:
            actions.append(
                f"SBOM (CycloneDX) of each wheel's runtime dependencies, {RESOLUTION}: embedded "
                f"by the build as .dist-info/sboms/{SBOM_NAME}, copied to <wheel>.cdx.json"
            )
        if settings.provenance:
            actions.append("SLSA provenance v1 (in-toto statement) per file: <file>.intoto.json")
        decision = decide(settings.attestations)
        actions.append(
            "attestations (PEP 740): "
            + (decision.reason if decision.sign else f"skipped: {decision.reason}")
        )
        return Plan(self.name, "checksums, SBOM and provenance of the artifacts", tuple(actions))

    def apply(self, ctx: Context) -> Facts:
        return {"dir": str(dist_dir(ctx).relative_to(ctx.root)), "files": write_assets(ctx)}

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        """Complete when every planned file is there (each is written whole, by a rename) and
        SHA256SUMS names the built files; otherwise the step simply runs again."""
        outdir = dist_dir(ctx)
        if not all((outdir / name).is_file() for name in planned_names(ctx)):
            return None
        sums = outdir / SUMS_NAME
        if sums.is_file() and any(
            f"{item['sha256']}  {item['filename']}" not in sums.read_text("utf-8")
            for item in ctx.facts["build"]["files"]
        ):
            return None
        files = asset_facts(ctx, [outdir / name for name in planned_names(ctx)])
        return {"dir": str(outdir.relative_to(ctx.root)), "files": files}

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        if "build" not in ctx.facts:
            return []  # the build never finished: its undo removes the whole directory
        outdir = dist_dir(ctx)
        for name in planned_names(ctx):
            (outdir / name).unlink(missing_ok=True)
            (outdir / f"{name}.partial").unlink(missing_ok=True)  # killed while writing it
        return []
