"""The build's part of the supply chain: each wheel gets the SBOM of its runtime dependencies."""

from __future__ import annotations

import zipfile
from pathlib import Path

from .embed import dist_info, embed_sbom
from .sbom import runtime_sbom

__all__ = ["embed_runtime_sbom"]


def embed_runtime_sbom(wheel: Path, *, epoch: int) -> str:
    """Make the SBOM from the wheel's own ``METADATA`` and embed it; return its member path."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = archive.read(f"{dist_info(archive, wheel)}/METADATA")
    return embed_sbom(wheel, runtime_sbom(metadata, epoch=epoch, where=wheel.name))
