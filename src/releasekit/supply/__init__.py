"""The release's supply chain: checksums, SBOMs (PEP 770), SLSA provenance, PEP 740 attestations.

The build embeds each wheel's SBOM (:func:`embed_runtime_sbom`); the supply step writes the
files beside the dist files (:func:`write_assets`); the image step adds its digest
(:func:`record_image`); publish signs and uploads attestations (:mod:`.attest`); a forge release
attaches :func:`release_assets`.
"""

from .assets import record_image, release_assets, write_assets
from .attest import Decision, decide, upload_args
from .checksums import SUMS_NAME
from .embed import SBOM_NAME, read_embedded
from .wheels import embed_runtime_sbom

__all__ = [
    "SBOM_NAME",
    "SUMS_NAME",
    "Decision",
    "decide",
    "embed_runtime_sbom",
    "read_embedded",
    "record_image",
    "release_assets",
    "upload_args",
    "write_assets",
]
