"""PEP 740 attestations: Sigstore signatures made with the CI's OIDC identity, uploaded by twine.

Signing needs an identity Sigstore trusts. On GitHub Actions with ``permissions: id-token:
write`` the runner hands one out (``ACTIONS_ID_TOKEN_REQUEST_URL`` / ``..._TOKEN``); a laptop has
none, and then the plan says the attestations are skipped and why. Files are signed in the
publish step, just before the upload (a signature goes to Sigstore's public transparency log,
so nothing is signed before everything that can fail has passed), with ``pypi-attestations
sign`` (``releasekit[attest]``), which writes ``<file>.publish.attestation``; twine uploads
those with ``--attestations``.
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import id as oidc

from .. import process
from ..redact import register_secret

if TYPE_CHECKING:
    from ..context import Context

__all__ = [
    "AUDIENCE",
    "Decision",
    "attestation_path",
    "decide",
    "identity_problems",
    "obtain_identity",
    "sign",
    "signer_installed",
    "upload_args",
]

#: The audience of the OIDC token Sigstore's certificate authority accepts.
AUDIENCE = "sigstore"
_GITHUB_VARS = ("ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
_NO_IDENTITY = (
    "no OIDC identity here: Sigstore signs with a CI identity (GitHub Actions with the "
    "`id-token` permission set to `write`); a release from this machine carries checksums, "
    "SBOM and provenance, but no attestations"
)


@dataclass(frozen=True)
class Decision:
    sign: bool
    reason: str  # why (not): shown in the plan


def _has_identity(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true" and all(environ.get(v) for v in _GITHUB_VARS)


def signer_installed() -> bool:
    """Whether pypi-attestations (``releasekit[attest]``), the Sigstore signer, is importable."""
    return importlib.util.find_spec("pypi_attestations") is not None


def decide(setting: bool | None, environ: Mapping[str, str] | None = None) -> Decision:
    """Whether this release signs its files, from the setting and the environment (pure).

    Unset, a release signs where it can and never fails for want of it; ``true`` makes a missing
    identity or signer a preflight problem (:func:`identity_problems`).
    """
    env = os.environ if environ is None else environ
    if setting is False:
        return Decision(False, "turned off ([tool.releasekit.supply] attestations = false)")
    if not _has_identity(env):
        return Decision(False, _NO_IDENTITY)
    if not signer_installed():
        return Decision(
            False,
            "the Sigstore signer is not installed: install releasekit[attest] (pypi-attestations)",
        )
    return Decision(
        True,
        "sign each file with Sigstore (GitHub Actions OIDC identity) just before the upload; "
        "twine uploads the PEP 740 attestations (--attestations)",
    )


def obtain_identity() -> str:
    """Exchange the CI's OIDC request token for an identity token for Sigstore (a secret).

    Raises :class:`id.IdentityError` when the CI refuses, or when there is no ambient identity.
    """
    token = oidc.detect_credential(AUDIENCE)
    if token is None:
        raise oidc.IdentityError("no ambient OIDC credential was found")
    register_secret(token)
    return token


def identity_problems(setting: bool | None) -> Iterator[tuple[str, str]]:
    """What stops signing that can be known before the release: the identity and the signer."""
    decision = decide(setting)
    if setting is True and not decision.sign:
        yield (
            "[tool.releasekit.supply] attestations = true, but " + decision.reason,
            "release from GitHub Actions with the `id-token` permission set to `write` and "
            "releasekit[attest] installed, or set attestations = false (or leave it unset: "
            "signed where possible)",
        )
    if not decision.sign:
        return
    try:
        obtain_identity()
    except oidc.IdentityError as exc:
        yield (
            f"the CI's OIDC identity cannot be obtained for Sigstore: {exc}",
            "give the job the `id-token` permission set to `write`, or set "
            "[tool.releasekit.supply] attestations = false",
        )


def attestation_path(path: Path) -> Path:
    return path.with_name(path.name + ".publish.attestation")


def sign(ctx: Context, files: Sequence[Path]) -> list[Path]:
    """Sign the files not signed yet (a resumed publish keeps earlier signatures)."""
    if not decide(ctx.config.supply.attestations).sign:
        return []
    todo = [f for f in files if not attestation_path(f).exists()]
    if todo:
        ctx.effect("publish", "signing", files=[f.name for f in todo])
        process.run(
            [*process.TOOL, "pypi_attestations", "sign", *todo],
            what="signing the files with Sigstore (pypi-attestations sign)",
            hint="check the job's the `id-token` permission set to `write`, or set "
            "[tool.releasekit.supply] attestations = false",
        )
    return [attestation_path(f) for f in files]


def upload_args(path: Path) -> list[str]:
    """twine's extra arguments for ``path``: when it has been signed, ``--attestations`` and the
    attestation file (twine attaches only the ``*.attestation`` files it is given)."""
    signed = attestation_path(path)
    return ["--attestations", str(signed)] if signed.exists() else []
