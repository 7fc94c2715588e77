"""stage: a canary of the release on a staging index, before anything reaches the real target.

Upload the verified files to the staging index (see :mod:`releasekit.staging`), check that it
holds exactly the built bytes, then install the release FROM it into a fresh venv on every Python
version that ``requires-python`` allows and this machine has, and run the smoke command and
``verify_tests`` there. When the real target already has the previous release, install that from
the target and upgrade to the staged one, then run the smoke command again. Only then does
publish upload the same files -- it checks their sha256 against the staged ones.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from packaging.version import Version

from ..errors import ProcessError, ReleasekitError, StepFailed
from ..index import IndexFile, list_files, sha256_of
from ..interpreters import Interpreter, found_interpreters, supported
from ..smoke import Smoke, accepted_peers, run_smoke
from ..staging import (
    install_from,
    installed_versions,
    is_embedded,
    live_staging,
    released_versions,
    requires_python,
    stage_setting,
    staging_dir,
    staging_target,
)
from ..venv import VirtualEnv
from ..wheeltests import run_wheel_tests, suites
from .base import Facts, Plan, Problem, Step, StepRecord
from .build import artifact_paths
from .preflight_target import not_an_index, token_host_mismatch
from .publish import twine_upload

if TYPE_CHECKING:
    from ..context import Context
    from ..targets import Target

__all__ = ["StageStep"]

#: The pipeline adds how to go on (resume or roll back) after it.
_HINT = "nothing was uploaded to {target}; fix the cause"


def _pythons(ctx: Context) -> tuple[list[Interpreter], list[Interpreter]]:
    try:
        return supported(found_interpreters(), requires_python(ctx))
    except ValueError as exc:
        raise StepFailed(str(exc), hint="fix requires-python in pyproject.toml") from None


def _for_upgrade(allowed: list[Interpreter]) -> Interpreter:
    """The running interpreter when the release supports it, else the newest supported."""
    running = next((i for i in allowed if i.path == sys.executable), None)
    return running or allowed[-1]


def _facts(
    ctx: Context,
    target: Target,
    built: list[dict[str, Any]],
    allowed: list[Interpreter],
    smoke: str,
    upgrade: str,
) -> Facts:
    return {
        "target": target.name,
        "directory": str(staging_dir(ctx)) if is_embedded(ctx) else None,
        "files": {item["filename"]: item["sha256"] for item in built},
        "pythons": [i.minor for i in allowed],
        "smoke": smoke,
        "upgrade": upgrade,
    }


def _named_target_problems(ctx: Context, target: Target) -> Iterator[Problem]:
    """What preflight checks of the release target, for a named staging target: credentials,
    a PyPI token only for the host that issued it, an index URL that is an index and answers."""
    if not target.has_credentials:
        yield (
            f"no credentials for the staging target {target.name!r}",
            f"set {target.password_source} (an API token) in the environment",
        )
        return
    issuer = token_host_mismatch(target.password, target.upload_url)
    if issuer:
        yield (
            f"the API token for the staging target {target.name!r} ({target.password_source}) "
            f"was issued by {issuer}, but staging uploads to {target.upload_url}",
            f"set {target.password_source} to a token made on the staging index",
        )
        return  # never send the token to the wrong host
    index_url = target.require_index_url()
    if not target.public:
        why = not_an_index(index_url, ctx.workspace.packages[0].name)
        if why:
            yield (
                f"the index URL {index_url} of the staging target {target.name!r} is not a "
                f"package index: {why}",
                "point it at a PEP 503 simple index (usually ending in /simple/)",
            )
            return
    list_files(index_url, ctx.workspace.packages[0].name)  # unreachable: exit status 6


def _shown(interpreters: list[Interpreter]) -> str:
    return ", ".join(i.minor for i in interpreters) or "none"


class StageStep(Step):
    name = "stage"
    external = True

    def skip_reason(self, ctx: Context) -> str | None:
        if not stage_setting(ctx):
            return "not staged (`--stage` or [tool.releasekit] stage turns it on)"
        return None

    def check(self, ctx: Context) -> Iterator[Problem]:
        try:
            target = staging_target(ctx)
        except ReleasekitError as exc:
            yield (exc.message, exc.hint or "")
            return
        real = ctx.target
        same = target.name == real.name or target.upload_url == real.upload_url
        if not is_embedded(ctx) and same:
            yield (
                f"[tool.releasekit] stage = {target.name!r} is the release target itself; "
                "staging there would publish before the staged install is tested",
                "stage to another index (true: the embedded staging index), or release elsewhere",
            )
        if not is_embedded(ctx):
            yield from _named_target_problems(ctx, target)
        try:
            allowed, _ = _pythons(ctx)
        except StepFailed as exc:
            yield (exc.message, exc.hint or "")
            return
        if not allowed:
            wanted = " and ".join(requires_python(ctx))
            yield (
                f"no Python interpreter here satisfies requires-python {wanted} (found: "
                f"{_shown(list(found_interpreters()))}) for the staged install",
                "install a supported Python (e.g. `uv python install`), or turn stage off",
            )

    def plan(self, ctx: Context) -> Plan:
        target = staging_target(ctx)
        where = "the embedded staging index" if is_embedded(ctx) else target.name
        allowed, _ = _pythons(ctx)
        found = _shown(list(found_interpreters()))
        tests, reason = suites(ctx)
        return Plan(
            self.name,
            f"upload to {where}, install {ctx.version} from it on Python {_shown(allowed)}",
            actions=(
                f"Python found here: {found}; requires-python allows: {_shown(allowed)}",
                "check the staged files' sha256 against the built ones",
                "install from the staging index into a fresh venv per Python; smoke command"
                + ("; the project's tests" if tests else f" (tests: {reason})"),
                f"upgrade test: {ctx.previous_version} from {ctx.target.name} -> {ctx.version} "
                "(skipped when the target has no previous release)",
                f"then publish uploads the same bytes to {ctx.target.name}",
            ),
            irreversible=target.public,
        )

    def apply(self, ctx: Context) -> Facts:
        built: list[dict[str, Any]] = ctx.facts["build"]["files"]
        for item in built:
            if sha256_of(ctx.root / item["path"]) != item["sha256"]:
                raise StepFailed(
                    f"{item['path']} changed since it was built and verified",
                    hint=_HINT.format(target="any index"),
                )
        allowed, excluded = _pythons(ctx)
        if not allowed:
            raise StepFailed(
                "no Python interpreter here satisfies requires-python for the staged install",
                hint="see `releasekit doctor`",
            )
        ctx.reporter.info(
            f"stage: Python found here: {_shown(list(found_interpreters()))}; "
            f"requires-python allows {_shown(allowed)}"
            + (f" (not {_shown(excluded)})" if excluded else "")
        )
        target = staging_target(ctx)
        if is_embedded(ctx) and not staging_dir(ctx).exists():
            ctx.effect(self.name, "creating-index", directory=str(staging_dir(ctx)))
            staging_dir(ctx).mkdir(parents=True)
        with live_staging(ctx, target) as live:
            self._upload(ctx, live, built)
            work = ctx.release_dir / "stage"
            try:
                smoke = ""
                for interpreter in allowed:
                    smoke = self._install_and_test(ctx, live, interpreter, work)
                    minor = interpreter.minor
                    ctx.effect(self.name, "tested", point=minor, python=minor, smoke=smoke)
                upgrade = self._upgrade(ctx, live, _for_upgrade(allowed), work)
                ctx.effect(self.name, "upgrade-checked", result=upgrade)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        return _facts(ctx, target, built, allowed, smoke, upgrade)

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        """Complete when the journal says every supported Python was tested and the upgrade
        checked, and the staging index still holds exactly the built files."""
        effects = record.effects
        tested = {e["python"]: e["smoke"] for e in effects if e.get("action") == "tested"}
        upgrade = next((e["result"] for e in effects if e.get("action") == "upgrade-checked"), None)
        allowed, _ = _pythons(ctx)
        if not allowed or upgrade is None or any(i.minor not in tested for i in allowed):
            return None
        target = staging_target(ctx)
        if is_embedded(ctx) and not staging_dir(ctx).is_dir():
            return None
        built: list[dict[str, Any]] = ctx.facts["build"]["files"]
        with live_staging(ctx, target) as live:
            there = self._listed(ctx, live)
        for item in built:
            found = there.get(item["filename"])
            if found is None or (found.sha256 and found.sha256 != item["sha256"]):
                return None
        return _facts(ctx, target, built, allowed, tested[allowed[-1].minor], upgrade)

    def _listed(self, ctx: Context, target: Target) -> dict[str, IndexFile]:
        index_url = target.require_index_url()
        return {
            item.filename: item
            for package in ctx.workspace.packages
            for item in list_files(index_url, package.name)
        }

    def _upload(self, ctx: Context, target: Target, built: list[dict[str, Any]]) -> None:
        there = self._listed(ctx, target)
        for item in built:  # decide everything before uploading anything
            found = there.get(item["filename"])
            if found and found.sha256 and found.sha256 != item["sha256"]:
                raise StepFailed(
                    f"{item['filename']} is already on the staging index {target.name} with "
                    "different content",
                    hint=_HINT.format(target=ctx.target.name),
                )
        for number, item in enumerate(built, start=1):
            if item["filename"] in there:
                continue
            ctx.effect(self.name, "uploading", point=str(number), filename=item["filename"])
            twine_upload(target, str(ctx.root / item["path"]))
            ctx.effect(self.name, "uploaded", point=str(number), filename=item["filename"])
        there = self._listed(ctx, target)
        for item in built:  # the staging index holds exactly the built bytes
            found = there.get(item["filename"])
            if found is None or (found.sha256 and found.sha256 != item["sha256"]):
                what = "does not list" if found is None else "has other bytes for"
                raise StepFailed(
                    f"the staging index {target.name} {what} {item['filename']} after the upload",
                    hint=_HINT.format(target=ctx.target.name),
                )

    def _install_and_test(
        self, ctx: Context, target: Target, interpreter: Interpreter, work: Path
    ) -> str:
        """Install the release from the staging index on ``interpreter``; smoke command, tests."""
        label = f"Python {interpreter.minor}"
        venv = VirtualEnv.create(work / f"py{interpreter.minor}", python=interpreter.path)
        wanted = [f"{p.name}=={ctx.version}" for p in ctx.workspace.packages]
        self._run(
            ctx,
            label,
            lambda: install_from(
                venv,
                wanted,
                target.require_index_url(),
                what=f"installing {ctx.version} from the staging index on {label}",
            ),
        )
        self._expect(ctx, venv, ctx.version, work, label)
        smoke = self._smoke(ctx, venv, label)
        if suites(ctx)[0]:  # the project's tests against the staged install, as verify runs them
            self._run(ctx, label, lambda: run_wheel_tests(ctx, venv))
        return smoke

    def _smoke(self, ctx: Context, venv: VirtualEnv, label: str) -> str:
        def smoke() -> Smoke:
            done = run_smoke(
                venv,
                artifact_paths(ctx, "wheel"),
                ctx.config.smoke_command,
                label=f"staged release on {label}",
                accepted=accepted_peers(ctx.facts),
            )
            if done.error:
                raise done.fail()
            return done

        done: Smoke = self._run(ctx, label, smoke)
        return done.command

    def _expect(self, ctx: Context, venv: VirtualEnv, version: str, work: Path, label: str) -> None:
        names = [p.name for p in ctx.workspace.packages]
        got = installed_versions(venv, names, cwd=work)
        wrong = [n for n in names if n not in got or Version(got[n]) != Version(version)]
        if wrong:
            name, found = wrong[0], got.get(wrong[0], "nothing")
            raise StepFailed(
                f"staged install ({label}): {name} {found} is installed, not {version}",
                hint=_HINT.format(target=ctx.target.name),
            )

    def _run(self, ctx: Context, label: str, action: Any) -> Any:
        """Run one stage action; a failure names the staged install and leaves the target alone."""
        try:
            return action()
        except ProcessError as exc:
            raise StepFailed(
                f"the staged install failed ({label}): {exc.message.splitlines()[0]}",
                hint=_HINT.format(target=ctx.target.name),
            ) from None

    def _upgrade(self, ctx: Context, staging: Target, interpreter: Interpreter, work: Path) -> str:
        """Previous release from the real target, upgraded to the staged one; the smoke command."""
        previous = Version(ctx.previous_version)
        real = ctx.target.require_index_url()
        names = [
            p.name for p in ctx.workspace.packages if previous in released_versions(real, p.name)
        ]
        if not names:
            reason = f"no previous release ({previous}) on {ctx.target.name}"
            ctx.reporter.info(f"stage: upgrade test skipped: {reason}")
            return f"skipped: {reason}"
        label = f"upgrade {previous} -> {ctx.version}, Python {interpreter.minor}"
        venv = VirtualEnv.create(work / "upgrade", python=interpreter.path)
        self._run(
            ctx,
            label,
            lambda: install_from(
                venv,
                [f"{n}=={previous}" for n in names],
                real,
                what=f"installing {previous} from {ctx.target.name}",
            ),
        )
        self._run(
            ctx,
            label,
            lambda: install_from(
                venv,
                [f"{p.name}=={ctx.version}" for p in ctx.workspace.packages],
                staging.require_index_url(),
                what=f"upgrading to {ctx.version} from the staging index",
                upgrade=True,
            ),
        )
        self._expect(ctx, venv, ctx.version, work, label)
        self._smoke(ctx, venv, label)
        ctx.reporter.info(f"stage: upgrade from {previous} passed ({', '.join(names)})")
        return f"from {previous}"

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        names = sorted({e["filename"] for e in record.effects if e.get("action") == "uploading"})
        created = [e["directory"] for e in record.effects if e.get("action") == "creating-index"]
        shutil.rmtree(ctx.release_dir / "stage", ignore_errors=True)
        target = staging_target(ctx)
        if not is_embedded(ctx):
            return [
                f"{name} stays on the staging index {target.name} (it does not allow deleting "
                "files); it never reached the release target"
                for name in names
            ]
        directory = staging_dir(ctx)
        for name in names:
            (directory / name).unlink(missing_ok=True)
        if created and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
        return []
