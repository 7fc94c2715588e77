"""The supply-chain files of a release, written next to the dist files they describe.

In the build's dist directory, beside each ``<file>`` (wheel or sdist):

* ``SHA256SUMS``: every dist file (and, once the image step pushed one, the image's digest);
* ``<wheel>.cdx.json``: a copy of the SBOM embedded in the wheel;
* ``<file>.intoto.json``: the SLSA provenance statement;
* ``<file>.publish.attestation``: the PEP 740 attestation, on CI with an OIDC identity.

:func:`release_assets` lists what a forge release attaches, in that order after the dist files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import read_pyproject
from ..errors import StepFailed
from ..git import Git
from ..index import sha256_of
from .attest import attestation_path
from .checksums import SUMS_NAME, add_line, sums_text, write_whole
from .embed import read_embedded
from .provenance import statement, write_statement

if TYPE_CHECKING:
    from ..context import Context

__all__ = [
    "SBOM_SUFFIX",
    "STATEMENT_SUFFIX",
    "asset_facts",
    "dist_dir",
    "planned_names",
    "record_image",
    "release_assets",
    "write_assets",
]

SBOM_SUFFIX = ".cdx.json"
STATEMENT_SUFFIX = ".intoto.json"
#: Build requirements of a project without [build-system] (PEP 517's fallback).
_LEGACY_REQUIRES = ["setuptools>=40.8.0"]


def dist_dir(ctx: Context) -> Path:
    return ctx.root / str(ctx.facts["build"]["dir"])


def _built(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.facts["build"]["files"])


def planned_names(ctx: Context) -> list[str]:
    """The files :func:`write_assets` writes for this release, by the settings."""
    settings = ctx.config.supply
    names = [SUMS_NAME] if settings.checksums else []
    for item in _built(ctx):
        if settings.sbom and item["kind"] == "wheel":
            names.append(item["filename"] + SBOM_SUFFIX)
        if settings.provenance:
            names.append(item["filename"] + STATEMENT_SUFFIX)
    return names


def _source_url(ctx: Context) -> str | None:
    repo = Git(ctx.root)
    return (
        repo.remote_url(ctx.config.remote)
        if repo.ok("remote", "get-url", ctx.config.remote)
        else None
    )


def _build_requires(ctx: Context, package: str) -> list[str]:
    found = next(p for p in ctx.workspace.packages if p.name == package)
    system = read_pyproject(found.path / "pyproject.toml").get("build-system", {})
    requires = system.get("requires") if isinstance(system, dict) else None
    return [str(r) for r in requires] if isinstance(requires, list) else list(_LEGACY_REQUIRES)


def _checked(ctx: Context) -> list[tuple[dict[str, Any], Path]]:
    """The dist files, each still the bytes the build step recorded."""
    found = []
    for item in _built(ctx):
        path = ctx.root / item["path"]
        if not path.is_file() or sha256_of(path) != item["sha256"]:
            raise StepFailed(
                f"{item['path']} is missing or changed since the build step",
                hint="roll back with `releasekit release --rollback` and release again",
            )
        found.append((item, path))
    return found


def write_assets(ctx: Context) -> list[dict[str, str]]:
    """Write the supply-chain files; return each one's name, kind and sha256."""
    settings = ctx.config.supply
    outdir = dist_dir(ctx)
    written: list[Path] = []
    checked = _checked(ctx)
    source = _source_url(ctx) if settings.provenance else None
    for item, path in checked:
        if settings.sbom and item["kind"] == "wheel":
            embedded = read_embedded(path)
            if embedded is None:
                raise StepFailed(
                    f"{path.name} has no embedded SBOM although [tool.releasekit.supply] sbom "
                    "is on (was the setting changed after the build?)",
                    hint="roll back with `releasekit release --rollback` and release again",
                )
            copy = outdir / (path.name + SBOM_SUFFIX)
            write_whole(copy, embedded.text)
            written.append(copy)
        if settings.provenance:
            target = outdir / (path.name + STATEMENT_SUFFIX)
            write_statement(
                target,
                statement(
                    artifact=path,
                    sha256=item["sha256"],
                    package=item["package"],
                    source=source,
                    commit=ctx.facts["commit"]["sha"],
                    command=ctx.facts["build"].get("command", "").split(),
                    build_requires=_build_requires(ctx, item["package"]),
                    invocation=ctx.journal.release_id,
                    epoch=int(ctx.facts["commit"]["timestamp"]),
                ),
            )
            written.append(target)
    if settings.checksums:
        sums = outdir / SUMS_NAME
        write_whole(sums, sums_text([path for _, path in checked]))
        written.insert(0, sums)
    return asset_facts(ctx, written)


def asset_facts(ctx: Context, paths: list[Path]) -> list[dict[str, str]]:
    """Name, path, kind and sha256 of each supply-chain file (the step's facts)."""
    kinds = {SUMS_NAME: "checksums", SBOM_SUFFIX: "sbom", STATEMENT_SUFFIX: "provenance"}
    return [
        {
            "filename": p.name,
            "path": str(p.relative_to(ctx.root)),
            "kind": next(k for end, k in kinds.items() if p.name.endswith(end)),
            "sha256": sha256_of(p),
        }
        for p in paths
    ]


def record_image(ctx: Context, ref: str, digest: str | None) -> None:
    """The image step pushed ``ref`` as ``digest``: add its line to ``SHA256SUMS``."""
    sums = ctx.root / ctx.facts["build"]["dir"] / SUMS_NAME
    if digest and ctx.config.supply.checksums and sums.is_file():
        add_line(sums, digest, ref)


def release_assets(ctx: Context) -> list[Path]:
    """Every file a forge release attaches: the dist files, then ``SHA256SUMS``, the SBOMs, the
    provenance statements and (when signed) the PEP 740 attestations -- those that exist."""
    dist = [ctx.root / item["path"] for item in _built(ctx)]
    supply = [ctx.root / item["path"] for item in ctx.facts.get("supply", {}).get("files", [])]
    signed = [attestation_path(p) for p in dist]
    return [p for p in [*dist, *supply, *signed] if p.is_file()]
