"""``[tool.releasekit.audit]``: the policy of the dependency vulnerability audit (pip-audit)."""

from __future__ import annotations

import datetime
from typing import Literal

from pydantic import Field, field_validator

from .checks import check_url
from .config_tables import StrictModel, Text

__all__ = ["AuditIgnore", "AuditSettings"]


class AuditIgnore(StrictModel):
    """One ``[[tool.releasekit.audit.ignore]]`` entry: an advisory accepted for a while."""

    id: Text = Field(description="The advisory id (PYSEC-..., GHSA-..., CVE-...; aliases match).")
    reason: Text = Field(description="Why the advisory does not apply or is accepted for now.")
    expires: datetime.date = Field(
        description="Last day the entry holds (YYYY-MM-DD); after it the advisory fails again."
    )


class AuditSettings(StrictModel):
    """How the runtime dependencies of the built wheels are audited in verify."""

    enabled: bool = Field(
        True,
        description="Audit the runtime dependencies of every built wheel, as installed in "
        "verify's fresh venv, with pip-audit.",
    )
    fail_on: Literal["fixable", "any", "none"] = Field(
        "fixable",
        description="Which vulnerabilities stop the release: fixable (a fixed version exists), "
        "any, or none (report only).",
    )
    unreachable: Literal["fail", "warn"] = Field(
        "fail",
        description="When the advisory source cannot be reached (or cannot audit a dependency): "
        "fail stops the release (preflight and doctor check it first); warn releases with a "
        "warning that the audit was not done.",
    )
    skip: str | None = Field(
        None,
        description="A reason to skip the audit knowingly; it is shown in the plan and the "
        "report. The environment variable RELEASEKIT_AUDIT_SKIP sets it for one run. "
        "Default: not skipped, the audit runs.",
    )
    service: Literal["osv", "pypi"] = Field(
        "osv",
        description="The advisory source pip-audit queries: osv (api.osv.dev, PyPA advisories "
        "and GitHub advisories) or pypi (PyPI's JSON API).",
    )
    osv_url: str | None = Field(
        None,
        description="The OSV query endpoint (a mirror). Default: https://api.osv.dev/v1/query.",
    )
    timeout: int = Field(15, ge=1, description="Seconds pip-audit waits for the source.")
    ignore: list[AuditIgnore] = Field(
        default_factory=list,
        description="Advisories accepted for now: entries with id, reason and expires.",
    )

    @field_validator("osv_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)
