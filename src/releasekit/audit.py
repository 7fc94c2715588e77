"""The dependency vulnerability audit: pip-audit over the runtime dependencies of the wheels.

The dependencies are what the built wheels pull in when installed (verify's fresh venv): the
closure of their ``Requires-Dist`` over the distributions installed there, the workspace's own
packages excluded. pip-audit checks the pinned list (``-r FILE --no-deps --disable-pip``) against
the configured advisory source; its JSON report is judged here against
``[tool.releasekit.audit]``: which findings block, which are ignored (until their expiry date).

A dependency the source could not audit (unreachable, or PyPI's JSON API answering 404) is never
a silent pass: it is the ``unreachable`` outcome, ``fail`` by default.
"""

from __future__ import annotations

import datetime
import functools
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import process
from .audit_settings import AuditIgnore, AuditSettings
from .errors import StepFailed

__all__ = [
    "SKIP_ENV",
    "AuditReport",
    "Finding",
    "SourceUnreachable",
    "audit",
    "judge",
    "probe",
    "run_pip_audit",
    "runtime_dependencies",
    "site_dirs",
    "skip_reason",
    "source_url",
]

SKIP_ENV = "RELEASEKIT_AUDIT_SKIP"
OSV_URL = "https://api.osv.dev/v1/query"
PYPI_PROBE = "https://pypi.org/pypi/pip/json"
HOW_TO_SKIP = (
    f"skip it knowingly: {SKIP_ENV}='<reason>' for one run, or [tool.releasekit.audit] "
    'unreachable = "warn" (or skip = "<reason>") in pyproject.toml'
)
_UNREACHABLE_MARKS = ("ConnectionError", "ConnectTimeout", "ServiceError", "Max retries")


class SourceUnreachable(Exception):
    """The advisory source did not answer (or could not audit some dependency)."""


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fixed: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.aliases)

    def line(self) -> str:
        fixed = ", ".join(self.fixed) if self.fixed else "no fixed version"
        return f"{self.package} {self.version}: {self.id} (fixed in: {fixed})"


@dataclass
class AuditReport:
    """The judged result: what blocks, what is ignored (and why), what is only reported."""

    audited: dict[str, str] = field(default_factory=dict)  # name -> version
    blocking: list[Finding] = field(default_factory=list)
    expired: list[tuple[Finding, AuditIgnore]] = field(default_factory=list)
    ignored: list[tuple[Finding, AuditIgnore]] = field(default_factory=list)
    reported: list[Finding] = field(default_factory=list)
    not_audited: str | None = None  # why the source could not audit (unreachable = warn)

    def facts(self) -> dict[str, object]:
        def row(f: Finding) -> dict[str, object]:
            return {"package": f.package, "version": f.version, "id": f.id, "fixed": f.fixed}

        return {
            "audited": self.audited,
            "blocking": [row(f) for f in self.blocking],
            "expired_ignores": [row(f) | {"expired": str(i.expires)} for f, i in self.expired],
            "ignored": [row(f) | {"reason": i.reason} for f, i in self.ignored],
            "reported": [row(f) for f in self.reported],
            "not_audited": self.not_audited,
        }

    def lines(self) -> list[str]:
        out = [f"vulnerable, blocks the release: {f.line()}" for f in self.blocking]
        out += [
            f"vulnerable, ignore entry expired on {i.expires}: {f.line()}" for f, i in self.expired
        ]
        out += [f"ignored until {i.expires} ({i.reason}): {f.line()}" for f, i in self.ignored]
        out += [f"vulnerable, reported only: {f.line()}" for f in self.reported]
        if self.not_audited:
            out.append(f"NOT audited: {self.not_audited}")
        return out


def skip_reason(settings: AuditSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """Why the audit does not run (a reason the user gave), or None."""
    env = os.environ if environ is None else environ
    if env.get(SKIP_ENV, "").strip():
        return f"{env[SKIP_ENV].strip()} ({SKIP_ENV})"
    if settings.skip:
        return f"{settings.skip} ([tool.releasekit.audit] skip)"
    if not settings.enabled:
        return "[tool.releasekit.audit] enabled = false"
    return None


def source_url(settings: AuditSettings) -> str:
    if settings.service == "pypi":
        return "https://pypi.org/pypi/NAME/VERSION/json"
    return settings.osv_url or OSV_URL


def probe(settings: AuditSettings) -> str | None:
    """None when the advisory source answers a query; else what went wrong, in one line."""
    return _probe(settings.service, settings.osv_url or OSV_URL, min(settings.timeout, 10))


@functools.cache  # doctor asks twice (the check, then its own audit); one answer per run
def _probe(service: str, url: str, timeout: int) -> str | None:
    if service == "pypi":
        request = urllib.request.Request(PYPI_PROBE)
        where = "PyPI's JSON API (https://pypi.org/pypi/NAME/VERSION/json)"
    else:
        body = json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"}, "version": "0"})
        request = urllib.request.Request(  # noqa: S310 (osv_url is validated as http(s))
            url, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        where = f"the OSV API ({url})"
    try:
        with urllib.request.urlopen(  # noqa: S310 (http(s) only, see above)
            request, timeout=timeout
        ) as response:
            json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return f"the advisory source, {where}, answered HTTP {exc.code}"
    except (OSError, ValueError) as exc:
        return f"the advisory source, {where}, is unreachable ({exc})"
    return None


def site_dirs(venv: Path) -> list[Path]:
    """The site-packages directories of a virtual environment."""
    return sorted(venv.glob("lib/python*/site-packages")) + sorted(venv.glob("Lib/site-packages"))


def runtime_dependencies(paths: Sequence[Path | str], roots: Iterable[str]) -> dict[str, str]:
    """Name -> version of every distribution ``roots`` need at run time, as installed in
    ``paths`` (the closure of Requires-Dist with environment markers and extras evaluated)."""
    installed: dict[str, metadata.Distribution] = {}
    for dist in metadata.distributions(path=[str(p) for p in paths]):
        installed.setdefault(canonicalize_name(dist.metadata["Name"]), dist)
    root_names = {canonicalize_name(r) for r in roots}
    found: dict[str, str] = {}
    queue: list[tuple[str, frozenset[str]]] = [(r, frozenset()) for r in sorted(root_names)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen or name not in installed:
            continue
        seen.add((name, extras))
        dist = installed[name]
        if name not in root_names:
            found[str(dist.metadata["Name"])] = dist.version
        for text in dist.requires or []:
            try:
                req = Requirement(text)
            except InvalidRequirement:
                continue
            wanted = not req.marker or any(
                req.marker.evaluate({"extra": extra}) for extra in (extras or {""})
            )
            if wanted:
                queue.append((canonicalize_name(req.name), frozenset(req.extras)))
    return dict(sorted(found.items(), key=lambda item: item[0].lower()))


def run_pip_audit(
    dependencies: Mapping[str, str], settings: AuditSettings, workdir: Path
) -> tuple[list[Finding], list[str]]:
    """Run pip-audit over pinned dependencies: (findings, dependencies it could not audit)."""
    workdir.mkdir(parents=True, exist_ok=True)
    requirements = workdir / "audit-requirements.txt"
    requirements.write_text(
        "".join(f"{name}=={version}\n" for name, version in dependencies.items()),
        encoding="utf-8",
    )
    output = workdir / "pip-audit.json"
    output.unlink(missing_ok=True)
    argv: list[str | Path] = [
        *process.TOOL, "pip_audit", "-r", requirements, "--no-deps", "--disable-pip",
        "--format", "json", "--output", output, "--progress-spinner", "off",
        "--timeout", str(settings.timeout), "--vulnerability-service", settings.service,
    ]  # fmt: skip
    if settings.service == "osv" and settings.osv_url:
        argv += ["--osv-url", settings.osv_url]
    done = process.run(argv, what="pip-audit", check=False)
    try:
        data = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        said = [line for line in done.stderr.splitlines() if line.strip()]
        last = said[-1].strip() if said else f"exit status {done.returncode}"
        if any(mark in done.stderr for mark in _UNREACHABLE_MARKS):
            raise SourceUnreachable(last) from None
        raise StepFailed(
            f"dependency audit: pip-audit failed without a report: {last}",
            hint="run it by hand with -v to see why: " + process.display(argv),
        ) from None
    findings: list[Finding] = []
    skipped: list[str] = []
    for dep in data.get("dependencies", []):
        if dep.get("skip_reason"):
            skipped.append(str(dep["skip_reason"]))
            continue
        for vuln in dep.get("vulns", []):
            findings.append(
                Finding(
                    package=str(dep["name"]),
                    version=str(dep["version"]),
                    id=str(vuln["id"]),
                    aliases=tuple(str(a) for a in vuln.get("aliases", [])),
                    fixed=tuple(str(v) for v in vuln.get("fix_versions", [])),
                )
            )
    return findings, skipped


def judge(
    findings: Sequence[Finding], settings: AuditSettings, today: datetime.date
) -> AuditReport:
    """Sort findings by the policy: ignored (entry in force), expired, blocking, reported."""
    report = AuditReport()
    entries = {entry.id.casefold(): entry for entry in settings.ignore}
    for finding in findings:
        entry = next((entries[i.casefold()] for i in finding.ids if i.casefold() in entries), None)
        if entry is not None and entry.expires >= today:
            report.ignored.append((finding, entry))
        elif entry is not None:
            report.expired.append((finding, entry))
        elif settings.fail_on == "any" or (settings.fail_on == "fixable" and finding.fixed):
            report.blocking.append(finding)
        else:
            report.reported.append(finding)
    return report


def _unreachable(dependencies: Mapping[str, str], settings: AuditSettings, why: str) -> AuditReport:
    what = f"the advisory source {source_url(settings)} did not answer: {why}"
    if settings.unreachable == "fail":
        raise StepFailed(
            f"dependency audit: {what}; the dependencies were NOT audited",
            hint=f"nothing was uploaded; retry when the source is reachable, or {HOW_TO_SKIP}",
        )
    return AuditReport(audited=dict(dependencies), not_audited=what)


def audit(
    paths: Sequence[Path | str],
    roots: Iterable[str],
    settings: AuditSettings,
    workdir: Path,
    *,
    today: datetime.date | None = None,
) -> AuditReport:
    """Audit the runtime dependencies of ``roots`` installed in ``paths``; raise StepFailed when
    the policy says so (the message names package, version, advisory id and fixed versions)."""
    dependencies = runtime_dependencies(paths, roots)
    if not dependencies:
        return AuditReport()
    try:
        findings, skipped = run_pip_audit(dependencies, settings, workdir)
    except SourceUnreachable as exc:
        return _unreachable(dependencies, settings, str(exc))
    if skipped:
        return _unreachable(dependencies, settings, f"could not audit: {'; '.join(skipped)}")
    report = judge(findings, settings, today or datetime.datetime.now(datetime.UTC).date())
    report.audited = dict(dependencies)
    failing = [*report.blocking, *(f for f, _ in report.expired)]
    if failing:
        shown = "; ".join(f.line() for f in failing[:5])
        more = f"; and {len(failing) - 5} more" if len(failing) > 5 else ""
        gone = ", ".join(f"{i.id} on {i.expires}" for _, i in report.expired)
        expired = f" (ignore entries expired: {gone})" if gone else ""
        noun = "vulnerability" if len(failing) == 1 else "vulnerabilities"
        raise StepFailed(
            f"dependency audit: {len(failing)} known {noun} in the runtime dependencies: "
            f"{shown}{more}{expired}",
            hint="nothing was uploaded; require the fixed version in [project] dependencies, or "
            "accept an advisory with a [[tool.releasekit.audit.ignore]] entry (id, reason, "
            "expires)",
        )
    return report
