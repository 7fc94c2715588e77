"""Dependency audit: pip-audit over the environment the tests ran in (optional: ``pip install
'pytest-releasekit[audit]'``).

``audit = "fixable"`` fails the gate on a known vulnerability with a fixed version, ``"any"`` on
every one, ``"report"`` lists them only. ``[[tool.releasekit.audit.ignore]]`` entries (id, reason,
expires) are honoured the way releasekit's verify honours them; an expired one fails again.
An advisory source that does not answer is an ERROR verdict, never a pass;
``RELEASEKIT_AUDIT_SKIP=<reason>`` turns the rule into a WARN that says so.
"""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from .._run import run as run_process
from ..settings import Key, one_of, text
from ..verdict import Outcome, Verdict
from . import GateRun, Rule, Unmeasurable

__all__ = ["AUDIT", "AUDIT_OSV_URL", "AuditRule"]

AUDIT: Key[str | None] = Key(
    "audit",
    one_of("fixable", "any", "report"),
    None,
    help="Audit the test environment's installed packages with pip-audit (needs the `audit` "
    "extra): fixable fails on vulnerabilities with a fixed version, any on every one, report "
    "lists them only. Ignore entries come from [[tool.releasekit.audit.ignore]].",
    example='audit = "fixable"',
)
AUDIT_OSV_URL: Key[str | None] = Key(
    "audit_osv_url",
    text,
    None,
    help="The OSV query endpoint pip-audit asks (a mirror). Default: https://api.osv.dev/v1/query.",
    example='audit_osv_url = "https://osv.example.org/v1/query"',
)
SKIP_ENV = "RELEASEKIT_AUDIT_SKIP"


def _ignores(rootdir: Path) -> dict[str, tuple[str, datetime.date]]:
    """Advisory id (casefolded) -> (reason, expires) from ``[[tool.releasekit.audit.ignore]]``."""
    path = rootdir / "pyproject.toml"
    try:
        with path.open("rb") as stream:
            table: Any = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    for part in ("tool", "releasekit", "audit"):
        table = table.get(part, {}) if isinstance(table, dict) else {}
    found: dict[str, tuple[str, datetime.date]] = {}
    for entry in table.get("ignore", []) if isinstance(table, dict) else []:
        ident, reason, expires = entry.get("id"), entry.get("reason"), entry.get("expires")
        if not (isinstance(ident, str) and isinstance(reason, str) and reason.strip()):
            raise Unmeasurable(
                f"{path}: an [[tool.releasekit.audit.ignore]] entry lacks id or reason",
                "give every entry an id, a reason and an expires date",
            )
        if isinstance(expires, str):
            expires = datetime.date.fromisoformat(expires)
        if not isinstance(expires, datetime.date):
            raise Unmeasurable(
                f"{path}: [[tool.releasekit.audit.ignore]] {ident} has no expires date",
                "add expires = YYYY-MM-DD",
            )
        found[ident.casefold()] = (reason, expires)
    return found


def _pip_audit(osv_url: str | None) -> list[dict[str, Any]]:
    if importlib.util.find_spec("pip_audit") is None:
        raise Unmeasurable(
            "pip-audit is not installed", "pip install 'pytest-releasekit[audit]', or unset audit"
        )
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "audit.json"
        argv = [
            sys.executable, "-m", "pip_audit", "--skip-editable", "--format", "json",
            "--output", str(output), "--progress-spinner", "off", "--vulnerability-service", "osv",
        ]  # fmt: skip
        if osv_url:
            argv += ["--osv-url", osv_url]
        done = run_process(argv, timeout=300)
        try:
            data = json.loads(output.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            said = [line for line in done.output.splitlines() if line.strip()]
            raise Unmeasurable(
                "pip-audit could not audit the environment: "
                + (said[-1].strip() if said else f"exit status {done.returncode}"),
                f"check that the advisory source answers, or skip knowingly: {SKIP_ENV}=<reason>",
            ) from None
    dependencies: list[dict[str, Any]] = data.get("dependencies", [])
    return dependencies


class AuditRule(Rule):
    name = "audit"
    keys = (AUDIT, AUDIT_OSV_URL)

    def evaluate(self, run: GateRun) -> list[Verdict]:
        policy = run.settings.get(AUDIT)
        if policy is None:
            return []
        skip = os.environ.get(SKIP_ENV, "").strip()
        if skip:
            return [Verdict(AUDIT.name, Outcome.WARN, summary=f"NOT audited: {skip} ({SKIP_ENV})")]
        ignores = _ignores(run.rootdir)
        dependencies = _pip_audit(run.settings.get(AUDIT_OSV_URL))
        reasons = [str(d.get("skip_reason") or "") for d in dependencies]
        editable = sum(1 for reason in reasons if "editable" in reason)  # the project itself
        skipped = [
            f"{d['name']}: {r}"
            for d, r in zip(dependencies, reasons, strict=True)
            if r and "editable" not in r
        ]
        today = datetime.datetime.now(datetime.UTC).date()
        failing: list[str] = []
        lines: list[str] = []
        for dep in dependencies:
            for vuln in dep.get("vulns", []):
                fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version"
                line = f"{dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixed})"
                ids = [vuln["id"], *vuln.get("aliases", [])]
                entry = next((ignores[i.casefold()] for i in ids if i.casefold() in ignores), None)
                if entry is not None and entry[1] >= today:
                    lines.append(f"ignored until {entry[1]} ({entry[0]}): {line}")
                elif entry is not None:
                    failing.append(f"ignore entry expired on {entry[1]}: {line}")
                elif policy == "any" or (policy == "fixable" and vuln.get("fix_versions")):
                    failing.append(line)
                else:
                    lines.append(f"reported only: {line}")
        audited = len(dependencies) - len(skipped) - editable
        return [
            Verdict(
                AUDIT.name,
                Outcome.FAIL if failing else Outcome.PASS,
                measured=len(failing),
                threshold=0,
                op="<=",
                summary=f"{len(failing)} known vulnerabilities in {audited} installed packages"
                + (f" ({len(skipped)} not audited)" if skipped else ""),
                details=tuple(failing + lines + [f"not audited: {s}" for s in skipped]),
                fix="upgrade to the fixed versions, or add [[tool.releasekit.audit.ignore]] "
                "entries (id, reason, expires)"
                if failing
                else None,
                data={"policy": policy, "failing": failing, "skipped": skipped},
            )
        ]


RULES = (AuditRule(),)
