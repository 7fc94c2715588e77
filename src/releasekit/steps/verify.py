"""verify: the artifacts are the planned name and version, ``twine check --strict`` passes, no
sensitive file or secret is inside, and the wheels install into a fresh venv where the smoke
command passes. The metadata check runs first (it is instant); the other three run in parallel."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import audit, process
from ..artifacts import (
    Allowance,
    Finding,
    ScanReport,
    check_planned,
    finding_kinds,
    scan,
    top_level_names,
)
from ..artifacts.previous import (
    in_git,
    leftovers,
    lost_members,
    previous_artifact,
    unexplained,
)
from ..artifacts.published import published_before
from ..artifacts.readme import readme_problem, twine_errors
from ..config import read_pyproject
from ..errors import StepFailed
from ..git import Git
from ..index import default_index_dir
from ..interpreters import lowest_allowed, running, supported
from ..smoke import Smoke, run_smoke, smoke_test
from ..staging import requires_python
from ..tags import last_release_tag
from ..testscript import script_environment
from ..venv import VirtualEnv
from ..wheeltests import run_wheel_tests, suites
from .base import Facts, Plan, Problem, Step
from .build import artifact_paths

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["Verified", "VerifyStep", "check_built", "verify_artifacts"]


#: twine's (packaging's) refusal of a field newer than the Metadata-Version the backend wrote:
#: hatchling before 1.27 writes ``License-Expression`` under 2.3 (execnet, mkdocs, towncrier).
_TOO_OLD = re.compile(  # twine wraps its message at the terminal's width
    r"(?P<field>[\w-]+)\s+introduced\s+in\s+metadata\s+version\s+(?P<needs>[\d.]+),\s+not\s+"
    r"(?P<written>\d+(?:\.\d+)*)"
)


def check_built(ctx: Context) -> None:
    """Stop unless the built files are exactly the planned packages at ``ctx.version``."""
    planned = {package.canonical: package.name for package in ctx.workspace.packages}
    check_planned(artifact_paths(ctx), planned, ctx.version)


def _compares_previous(ctx: Context) -> bool:
    return ctx.config.verify_previous and ctx.previous_version != ctx.version


def previous_of(ctx: Context) -> Callable[[Path], Path | None]:
    """The last release's artifact of the same kind as a built one, on the target (the embedded
    index's directory, else downloaded), or None."""
    directory = default_index_dir() if ctx.target.local else None
    never = directory is not None and not directory.is_dir()

    def find(artifact: Path) -> Path | None:
        if ctx.previous_version == ctx.version or never:
            return None  # a first release, or nothing ever released to the embedded index here
        return previous_artifact(
            artifact,
            ctx.previous_version,
            directory=directory,
            index_url=ctx.target.index_url,
            into=ctx.release_dir / "previous",
        )

    return find


def check_previous(ctx: Context) -> list[str]:
    """Stop when a wheel lacks files the last release's wheel on the target has and git did not
    delete (:mod:`releasekit.artifacts.previous`); the names of the wheels compared. Modules
    left over from the last release's build directory are named, not lost."""
    if not _compares_previous(ctx):
        return []
    tag = last_release_tag(ctx.root, ctx.config, [p.name for p in ctx.workspace.packages])
    git = Git(ctx.root)
    deleted = (
        git.run("diff", "--name-only", "--no-renames", "--diff-filter=D", tag, "HEAD").splitlines()
        if tag
        else []
    )
    compared = []
    previous = previous_of(ctx)
    for wheel in artifact_paths(ctx, "wheel"):
        old = previous(wheel)
        if old is None:
            continue
        lost = unexplained(lost_members(old, wheel), deleted)
        tracked = in_git(lost, git.tracked_files()) if lost else []
        stale = leftovers(set(lost) - set(tracked), _files_at(git, tag), wheel) if tag else []
        if stale:
            ctx.reporter.info(
                f"{old.name} on {ctx.target.name} has {len(stale)} module(s) that were not in "
                f"the source at {tag} and that nothing in {wheel.name} imports, left over from "
                f"the directory it was built in (not lost): {_few(stale)}"
            )
            lost = [m for m in lost if m not in stale]
        if lost:
            since = f"since {tag}" if tag else "(no tag of the last release)"
            raise StepFailed(
                f"{wheel.name} lacks {len(lost)} file(s) that {old.name} on {ctx.target.name} "
                f"has, none of them deleted in git {since}: {_few(lost)}"
                + _left_out_of_the_sdist(tracked),
                hint="nothing was uploaded; a file made outside the build (by a script run "
                "before it, e.g. compiled translations) must be made by the build itself (a "
                "build hook), one an older build backend wrote needs that backend in "
                "[build-system] requires, and one in git must be in the sdist (MANIFEST.in, "
                "the backend's sdist settings); if dropping it is intended, set "
                "verify_previous = false in [tool.releasekit] for this release",
            )
        compared.append(old.name)
    return compared


def _files_at(git: Git, tag: str) -> list[str]:
    """The files in git's tree at ``tag``."""
    return list(filter(None, git.run("ls-tree", "-r", "-z", "--name-only", tag).split("\0")))


def _few(names: list[str]) -> str:
    return ", ".join(names[:5]) + (f", and {len(names) - 5} more" if len(names) > 5 else "")


def _left_out_of_the_sdist(tracked: list[str]) -> str:
    if not tracked:
        return ""
    return (
        f"; {len(tracked)} of them in git ({_few(tracked)}) but left out of the sdist, from "
        "which the wheel is built"
    )


@dataclass(frozen=True)
class Verified:
    smoke: Smoke  # passed, or failed only for a module the wheels import and do not declare
    scan: ScanReport  # what the content scan read (no findings: it passed)
    metadata_warnings: tuple[str, ...] = ()  # twine check --strict's warnings
    published: tuple[Finding, ...] = ()  # findings in files the last release published as they are


def verify_artifacts(
    files: list[Path],
    *,
    workdir: Path,
    smoke_command: Sequence[str] | None = None,
    forbid: Sequence[str] = (),
    allow: Sequence[str] = (),
    secret_allow: Sequence[Allowance] = (),
    previous: Callable[[Path], Path | None] | None = None,
) -> Verified:
    """Check built files before anything leaves this machine. A finding of the content scan in
    a file that ``previous(artifact)``, the last release's artifact, has byte for byte is not
    fatal: it is in ``Verified.published`` (:mod:`releasekit.artifacts.published`)."""
    wheels = [f for f in files if f.suffix == ".whl"]
    empty = [w.name for w in wheels if not top_level_names(w)]
    if empty and not smoke_command:
        raise StepFailed(
            f"{empty[0]} contains no importable package or module",
            hint="check the build backend's package selection (e.g. [tool.hatch.build."
            "targets.wheel] packages), or set smoke_command if this is intended",
        )

    def twine_check() -> list[str]:
        """twine's errors fail (PyPI would reject the files or not render their description);
        its --strict warnings (a missing content type, as six and h11 publish) are returned."""
        done = process.run(
            [*process.TOOL, "twine", "--no-color", "check", "--strict", *files],
            env={"COLUMNS": "1000"},  # one line per message, as rich wraps them at the width
            what="twine check --strict",
            hint="fix the package metadata (readme, content type) it names",
            check=False,
        )
        verdicts = [line for line in done.output.splitlines() if line.startswith("Checking ")]
        if done.returncode and not all(v.endswith("FAILED due to warnings") for v in verdicts):
            old = _TOO_OLD.search(done.output)
            raise StepFailed(
                f"twine check failed (exit {done.returncode}): {twine_errors(done.output)}",
                hint=(
                    f"the build backend writes {old['field']} under Metadata-Version "
                    f"{old['written']} (it needs {old['needs']}), which twine and PyPI refuse: "
                    "require a newer backend in "
                    "[build-system] requires (hatchling>=1.27, setuptools>=77, flit_core>=3.11)"
                    if old
                    else "fix the package metadata (readme, content type) it names"
                ),
            )
        lines = (line.strip() for line in done.output.splitlines())
        return list(
            dict.fromkeys(line[8:].strip() for line in lines if line.startswith("WARNING "))
        )

    def contents() -> ScanReport:
        return scan(files, forbid=forbid, allow=allow, secret_allow=secret_allow)

    with ThreadPoolExecutor(max_workers=3) as pool:
        smoke = pool.submit(
            smoke_test, workdir / "venv-verify", wheels, smoke_command, label="built wheels"
        )
        check = pool.submit(twine_check)
        found = pool.submit(contents)
        report = found.result()
        warnings = check.result()
        smoke_cmd = smoke.result()
    published = published_before(report.findings, files, previous) if previous else []
    report.findings = [f for f in report.findings if f not in published]
    if report.findings:
        shown = "; ".join(str(f) for f in report.findings[:5])
        more = len(report.findings) - 5
        raise StepFailed(
            f"{len(report.findings)} sensitive file(s) or secret(s) in the artifacts: {shown}"
            + (f"; and {more} more" if more > 0 else ""),
            hint="nothing was uploaded; remove it from the build (e.g. [tool.hatch.build] "
            "exclude) and rotate any real credential, or, for a test fixture or an example, add "
            "a [[tool.releasekit.secret_allow]] entry with path, kind and reason",
        )
    return Verified(smoke_cmd, report, tuple(warnings), tuple(published))


def _python_problem(ctx: Context) -> Iterator[Problem]:
    """The packages' ``requires-python`` excludes the Python releasekit runs on, where verify
    installs the wheels (Sphinx's ``>=3.12``): known before the release, not after the build."""
    specifiers = requires_python(ctx)
    here = running()
    try:
        _, excluded = supported([here], specifiers)
    except ValueError:
        return  # the build refuses an invalid specifier, naming it
    if excluded:
        minor = lowest_allowed(specifiers) or "3.X"
        yield (
            f"pyproject.toml: [project] requires-python = {' and '.join(specifiers)!r} "
            f"excludes Python {here.version}, which releasekit runs on: verify installs the "
            "wheels into a venv of it, and the check after the upload too",
            "run releasekit on a Python the project allows (`uv tool install --python "
            f"{minor} releasekit` or `pipx install --python python{minor} releasekit`)",
        )


class VerifyStep(Step):
    name = "verify"

    def check(self, ctx: Context) -> Iterator[Problem]:
        """Every ``secret_allow`` entry names a kind the scan reports (a typo would never match);
        the advisory source answers when the audit policy needs it; each package's README
        renders as PyPI renders it (:mod:`releasekit.artifacts.readme`)."""
        yield from audit_problems(ctx)
        yield from _python_problem(ctx)
        for package in ctx.workspace.packages:
            path = package.path / "pyproject.toml"
            if path.is_file():
                problem = readme_problem(package.path, read_pyproject(path))
                if problem is not None:
                    yield problem
        entries = [(n, e) for n, e in enumerate(ctx.config.secret_allow) if e.kind is not None]
        if not entries:
            return
        kinds = {kind.casefold(): kind for kind in finding_kinds()}
        for number, entry in entries:
            if str(entry.kind).casefold() not in kinds:
                yield (
                    f"pyproject.toml: [[tool.releasekit.secret_allow]] entry {number + 1} "
                    f"(path {entry.path!r}) has kind {entry.kind!r}, which the scan never reports",
                    f"use one of: {', '.join(sorted(kinds.values()))}; or drop `kind`",
                )

    def plan(self, ctx: Context) -> Plan:
        return Plan(
            self.name,
            "check the artifacts before anything leaves this machine",
            actions=(
                f"name and version of every sdist and wheel = the plan ({ctx.version})",
                *(
                    [
                        f"every file of {ctx.previous_version}'s wheels on {ctx.target.name} is "
                        "still in them, or deleted in git"
                    ]
                    if _compares_previous(ctx)
                    else []
                ),
                "twine check --strict",
                "no sensitive files (VCS dirs, .env, keys, .pypirc) and no secrets "
                "(detect-secrets) in any member, nested archives included"
                + (
                    f" (a WARNING for a file {ctx.previous_version} on {ctx.target.name} "
                    "published as it is)"
                    if ctx.previous_version != ctx.version
                    else ""
                ),
                "install the wheels into a fresh venv and run the smoke command",
                _tests_action(ctx),
                _audit_action(ctx),
            ),
        )

    def apply(self, ctx: Context) -> Facts:
        check_built(ctx)
        compared = check_previous(ctx)
        files = artifact_paths(ctx)
        verified = verify_artifacts(
            files,
            workdir=ctx.release_dir,
            smoke_command=ctx.config.smoke_command,
            forbid=ctx.config.artifact_forbid,
            allow=ctx.config.artifact_allow,
            secret_allow=ctx.config.secret_allow,
            previous=previous_of(ctx),
        )
        report = verified.scan
        if verified.published:
            found = [str(f) for f in verified.published]
            ctx.reporter.warn(
                f"{len(found)} finding(s) of the content scan in files {ctx.previous_version} on "
                f"{ctx.target.name} published as they are, so public already and published "
                f"again: {_few(found)} (rotate any real credential; a "
                "[[tool.releasekit.secret_allow]] entry with a reason silences this)"
            )
        for warning in verified.metadata_warnings:
            ctx.reporter.warn(
                f"twine check: {warning} (PyPI accepts it; fix the metadata to silence)"
            )
        venv = VirtualEnv(ctx.release_dir / "venv-verify")
        smoke = verified.smoke
        if smoke.extras:
            ctx.reporter.info(
                f"smoke test: a module of the wheels imports what only an extra provides; "
                f"`{smoke.command}` passed with {' '.join(smoke.extras)} installed"
            )
        facts: Facts = {
            "smoke": smoke.command,
            "checked": [p.name for p in files],
            "scanned": {"members": report.members, "bytes": report.bytes},
            "published_before": [str(f) for f in verified.published],
            "compared_with": compared,
            **({"smoke_extras": list(smoke.extras)} if smoke.extras else {}),
            "audit": audit_wheels(ctx, venv),
        }
        try:
            facts.update(run_wheel_tests(ctx, venv))
        except StepFailed:
            if smoke.undeclared and not _passes_with_test_dependencies(ctx, venv):
                raise smoke.fail() from None  # the tests failed importing it too
            raise
        if smoke.undeclared:
            if "skipped" in facts or not _passes_with_test_dependencies(ctx, venv):
                raise smoke.fail()  # without the tests' dependencies nothing provides it
            facts["smoke_undeclared"] = _warn_undeclared(ctx, smoke)
        return facts


def _passes_with_test_dependencies(ctx: Context, venv: VirtualEnv) -> bool:
    """The smoke command again, in the verify venv once the test dependencies are in it."""
    wheels = artifact_paths(ctx, "wheel")
    label = "built wheels with the test dependencies"
    return run_smoke(venv, wheels, ctx.config.smoke_command, label=label).undeclared is None


def _warn_undeclared(ctx: Context, smoke: Smoke) -> str:
    """The smoke test failed only for a module the wheels import and do not declare, and passes
    with the test dependencies installed: a WARNING names it."""
    names = ", ".join(p.name for p in ctx.workspace.packages)
    ctx.reporter.warn(
        f"the wheels import {smoke.undeclared}, which they do not declare as a dependency: "
        f"`{smoke.command}` passes only with the test dependencies installed (installed "
        f"alone, {names} cannot be imported; declare it, or set smoke_command)"
    )
    return str(smoke.undeclared)


def audit_wheels(ctx: Context, venv: VirtualEnv) -> dict[str, object]:
    """pip-audit the runtime dependencies of the wheels installed in ``venv``; report each
    finding (package, version, advisory id, fixed versions); raise when the policy says so."""
    settings = ctx.config.audit
    reason = audit.skip_reason(settings)
    if reason:
        ctx.reporter.warn(f"dependency audit skipped: {reason}")
        return {"skipped": reason}
    roots = [package.name for package in ctx.workspace.packages]
    report = audit.audit(audit.site_dirs(venv.path), roots, settings, ctx.release_dir)
    for line in report.lines():
        (ctx.reporter.warn if "NOT audited" in line else ctx.reporter.info)(
            f"dependency audit: {line}"
        )
    if report.not_audited:
        ctx.reporter.warn(
            "dependency audit: released WITHOUT an audit, as [tool.releasekit.audit] "
            'unreachable = "warn" allows'
        )
    elif not report.audited:
        ctx.reporter.info("dependency audit: the wheels have no runtime dependencies")
    else:
        ctx.reporter.info(
            f"dependency audit: {len(report.audited)} runtime dependencies audited against "
            f"{audit.source_url(settings)}"
        )
    return report.facts()


def audit_problems(ctx: Context) -> Iterator[Problem]:
    """The audit's prerequisites: an advisory source that answers when the policy needs it."""
    settings = ctx.config.audit
    if audit.skip_reason(settings) or settings.unreachable != "fail" or _no_dependencies(ctx):
        return
    trouble = audit.probe(settings)
    if trouble:
        yield (
            f"dependency audit: {trouble}; verify would stop the release",
            f"check the network (HTTPS_PROXY), or {audit.HOW_TO_SKIP}",
        )


def _no_dependencies(ctx: Context) -> bool:
    """Every package declares, statically, that it has no runtime dependency: nothing to audit."""
    for package in ctx.workspace.packages:
        project = read_pyproject(package.path / "pyproject.toml").get("project")
        if package.dependencies or not isinstance(project, dict):
            return False
        if "dependencies" in (project.get("dynamic") or []):
            return False
    return True


def audit_installed(ctx: Context) -> Iterator[Problem]:
    """For ``doctor``: audit the runtime dependencies of the project's packages as installed in
    this environment (when they are), so a known vulnerability shows before a release is cut.
    Verify audits the built wheels' fresh resolution; this is the early look."""
    settings = ctx.config.audit
    reason = audit.skip_reason(settings)
    if reason:
        ctx.reporter.warn(f"dependency audit: skipped ({reason})")
        return
    if any(audit_problems(ctx)):
        return  # the unreachable source is reported already
    roots = [package.name for package in ctx.workspace.packages]
    paths = [entry for entry in sys.path if entry and Path(entry).is_dir()]
    if not audit.runtime_dependencies(paths, roots):
        ctx.reporter.info(
            "dependency audit: the project (or any runtime dependency) is not installed in "
            "this environment; verify audits the built wheels"
        )
        return
    with tempfile.TemporaryDirectory(prefix="releasekit-audit-") as scratch:
        try:
            report = audit.audit(paths, roots, settings, Path(scratch))
        except StepFailed as exc:
            yield (f"{exc.message} (as installed in this environment)", exc.hint or "")
            return
    for line in report.lines():
        ctx.reporter.info(f"dependency audit (this environment): {line}")


def _audit_action(ctx: Context) -> str:
    settings = ctx.config.audit
    reason = audit.skip_reason(settings)
    if reason:
        return f"dependency vulnerability audit: skipped ({reason})"
    if _no_dependencies(ctx):
        return "dependency vulnerability audit: the packages declare no runtime dependency"
    ignores = f", {len(settings.ignore)} ignore entr{'y' if len(settings.ignore) == 1 else 'ies'}"
    return (
        "pip-audit the wheels' runtime dependencies as installed in the fresh venv against "
        f"{audit.source_url(settings)} (fail on: {settings.fail_on}; unreachable: "
        f"{settings.unreachable}{ignores if settings.ignore else ''})"
    )


def _tests_action(ctx: Context) -> str:
    found, reason = suites(ctx)
    if not found:
        return f"tests against the installed wheel: skipped ({reason})"
    runs = ", ".join(" ".join(s.args) for s in found)
    exports = script_environment(ctx.root).describe()
    return f"run the project's tests ({runs}) against the installed wheel, outside the tree" + (
        f", {exports}" if exports else ""
    )
