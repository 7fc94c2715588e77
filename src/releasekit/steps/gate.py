"""gate: run the project's tests where the project runs them (see :mod:`releasekit.testenv`);
stop if they fail. The full output goes to ``.releasekit/gate.log``; a failure's ERROR line says
the command, its exit status and what failed."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import platformdirs

from .. import process
from ..apicheck import gate_env
from ..config import read_pyproject
from ..errors import GateFailed, PreflightError, ProcessError
from ..git import Git, ensure_state_dir
from ..redact import redact
from ..resolved import environment_python, installed, pins
from ..testenv import (
    EnvSpec,
    detect,
    has_tests,
    implied_plugins,
    plugin_install_args,
    rerun_argv,
)
from ..testextras import install_extras, remembered_extras
from ..testoutput import (
    failure_digest,
    missing_dependency_hint,
    missing_modules,
    passed_under_coverage,
    rerun_ids,
)
from ..testplugins import Needed, undeclared
from ..testreqs import install_args
from ..testscript import script_environment
from ..venv import VirtualEnv
from .base import Facts, Plan, Problem, Step

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["GateStep", "GateVenv", "gate_venv", "shown", "write_log"]

LOG_NAME = "gate.log"
_READY = ".releasekit-ready"
_CHECKOUT = "checkout"  # in each checkout's directory of gate venvs: the checkout's path
_NO_TESTS_COLLECTED = 5  # pytest's exit status, passed on by nox, tox and hatch
#: Lock files an environment manager rewrites as it installs (aiofiles' tox runs ``pdm install``,
#: which re-locks): not the tests' doing, restored after the gate.
LOCK_FILES = frozenset({"pdm.lock", "uv.lock", "poetry.lock", "Pipfile.lock", "pylock.toml"})


def _missing_tool(spec: EnvSpec) -> Problem | None:
    if spec.externals:
        names = ", ".join(spec.externals)
        return (
            f"the gate runs the project's tests with {spec.tool} ({spec.source}), whose "
            f"commands run {names} from outside the environment (allowlist_externals), but "
            f"{names} {'is' if len(spec.externals) == 1 else 'are'} not installed",
            f"install {names} on PATH, or set [tool.releasekit] gate_command",
        )
    if spec.tool_plugin is not None:
        return (
            f"the gate runs the project's tests with {spec.tool} ({spec.source}), whose "
            f"configuration uses {spec.tool_plugin}'s runner, but {spec.tool} has not got "
            f"the {spec.tool_plugin} plugin",
            f"install it next to {spec.tool} (`pip install {spec.tool_plugin}`, or "
            f"`uv tool install {spec.tool} --with {spec.tool_plugin}`), or set "
            "[tool.releasekit] gate_command",
        )
    if not spec.missing or spec.tool is None:
        return None
    return (
        f"the gate runs the project's tests with {spec.tool} ({spec.source}), "
        f"but {spec.tool} is not installed",
        f"install it (`pip install {spec.tool}` or `uv tool install {spec.tool}`), "
        "or set [tool.releasekit] gate_command",
    )


def _dependency_spec(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    data = read_pyproject(path) if path.is_file() else {}
    project = data.get("project", {})
    return {
        "build-system": data.get("build-system"),
        "dependencies": project.get("dependencies"),
        "optional-dependencies": project.get("optional-dependencies"),
        "dependency-groups": data.get("dependency-groups"),
        "poetry": data.get("tool", {}).get("poetry", {}).get("dependencies"),
    }


def _env_key(root: Path, requirements: list[str], plugin: bool, packages: list[Path]) -> str:
    """A hash of everything that decides the venv's contents except the project's own code."""
    files = [a[2:] for a in requirements if a.startswith(("-r", "-c"))]
    blob = json.dumps(
        {
            "python": [sys.executable, sys.version],
            "requirements": [a for a in requirements if not a.startswith(("-r", "-c"))],
            "files": sorted(Path(f).read_text(encoding="utf-8") for f in files),
            "plugin": plugin_install_args() if plugin else None,
            "packages": {str(p): _dependency_spec(p) for p in packages},
            "root": _dependency_spec(root),
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _project_args(packages: list[Path], *, editable: bool) -> list[str]:
    if editable:
        return [arg for package in packages for arg in ("-e", str(package))]
    return [str(package) for package in packages]


class GateVenv(NamedTuple):
    venv: VirtualEnv
    reused: bool
    added: list[Needed]  # pytest plugins installed that the test dependencies do not name


def envs_home(root: Path) -> Path:
    """Where the gate's venvs of the checkout at ``root`` live: releasekit's user cache, one
    directory per checkout, outside the tree, so the project's own tools never walk into a
    venv (invoke's pytest-relaxed collects every directory, ``.releasekit/`` too, and imported
    a test conftest of a package installed there). The directories of checkouts that are gone
    are removed. Where the cache cannot be written, ``.releasekit/work/``."""
    checkout = root.resolve()
    key = hashlib.sha256(str(checkout).encode()).hexdigest()[:12]
    envs = Path(platformdirs.user_cache_dir("releasekit")) / "gate-envs"
    home = envs / f"{checkout.name}-{key}"
    try:
        home.mkdir(parents=True, exist_ok=True)
        (home / _CHECKOUT).write_text(f"{checkout}\n", encoding="utf-8")
    except OSError:
        return ensure_state_dir(root) / "work"
    for other in envs.iterdir():
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if not Path((other / _CHECKOUT).read_text(encoding="utf-8").strip()).is_dir():
                shutil.rmtree(other, ignore_errors=True)
    return home


def gate_venv(root: Path, spec: EnvSpec, named: Mapping[Path, str]) -> GateVenv:
    """The gate's venv under :func:`envs_home`, made once per dependency spec and reused
    (then only the project's packages, ``named`` by directory, are reinstalled).

    The project is installed editable (``-e .``), or from the tree (``.``) when its build
    backend cannot install editable; either way a src-layout package imports. pytest is added
    unless the test dependencies name it (a pinned pytest stays pinned), and so are the pytest
    plugins the project implies and does not declare (:mod:`releasekit.testplugins`)."""
    work = ensure_state_dir(root) / "work"
    packages = list(named)
    copies = work / "gate-requirements"
    shutil.rmtree(copies, ignore_errors=True)
    requirements, names = install_args(spec.requirements, root, named, copies)
    added = undeclared(implied_plugins(root, spec), names)
    requirements += [needed.requirement for needed in added]
    home = envs_home(root)
    path = home / f"gate-env-{_env_key(root, requirements, spec.plugin, packages)}"
    ready = path / _READY
    reused = ready.is_file()
    if reused:
        venv = VirtualEnv(path)
        editable = ready.read_text(encoding="utf-8").startswith("-e ")
        venv.install(
            _project_args(packages, editable=editable),
            extra=["--no-deps", "--force-reinstall"],
            what="reinstalling the project into the gate's venv",
        )
    else:
        venv = VirtualEnv.create(path, what="creating the gate's venv")
        pytest = [] if "pytest" in names else ["pytest"]
        others = [*requirements, *pytest, *(plugin_install_args() if spec.plugin else [])]
        what = "installing the project and its test dependencies into the gate's venv"
        wanted = [*_project_args(packages, editable=True), *others]
        try:
            venv.install(wanted, what=what)
        except ProcessError:  # e.g. a build backend without editable installs (PEP 660)
            wanted = [*_project_args(packages, editable=False), *others]
            venv.install(wanted, what=what)
        ready.write_text(redact(" ".join(wanted)) + "\n", encoding="utf-8")
    for old in home.glob("gate-env-*"):
        if old != path:
            shutil.rmtree(old, ignore_errors=True)
    return GateVenv(venv, reused, added)


def write_log(
    root: Path, name: str, command: str, done: process.Completed | None, text: str
) -> Path:
    """Write a run's whole output to ``.releasekit/<name>`` and return the path."""
    log = ensure_state_dir(root) / name
    status = f"exit {done.returncode} after {done.duration:.1f}s" if done else "did not run"
    log.write_text(redact(f"$ {command}\n\n{text.rstrip()}\n\n[{status}]\n"), encoding="utf-8")
    return log


def shown(path: Path) -> str:
    """``path`` relative to the working directory when it is below it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


class GateStep(Step):
    name = "gate"

    def skip_reason(self, ctx: Context) -> str | None:
        if ctx.config.gate_command is None and not has_tests(ctx.root):
            return (
                "the project has no tests (no tests/, test/ or testing/ directory, no "
                "test_*.py file): nothing to gate"
            )
        return None

    def check(self, ctx: Context) -> Iterator[Problem]:
        problem = _missing_tool(detect(ctx.root, ctx.config))
        if problem:
            yield problem

    def plan(self, ctx: Context) -> Plan:
        spec = detect(ctx.root, ctx.config)
        actions = [f"{spec.display}  ({spec.source})"]
        if spec.kind == "venv":
            deps = spec.requirements_source or "no test dependencies found"
            actions.append(
                f"venv in releasekit's cache (outside the tree): the project (-e .), pytest, {deps}"
                + (", pytest-releasekit" if spec.plugin else "")
            )
            actions += [
                f"{n.requirement} unless the test dependencies name it: {n.reason}"
                for n in implied_plugins(ctx.root, spec)
            ]
            exports = script_environment(ctx.root).describe()
            if exports:
                actions.append(f"the tests run {exports}")
        if ctx.config.gate_reruns and rerun_argv(spec, ["ID"]) is not None:
            times = "once" if ctx.config.gate_reruns == 1 else f"{ctx.config.gate_reruns} times"
            actions.append(f"tests that fail are run again {times}: passing then, they are flaky")
        return Plan(self.name, "run the project's tests", actions=tuple(actions))

    def _venv(self, ctx: Context, spec: EnvSpec) -> tuple[VirtualEnv, bool]:
        try:
            named = {package.path: package.name for package in ctx.workspace.packages}
            made = gate_venv(ctx.root, spec, named)
        except ProcessError as exc:
            log = write_log(ctx.root, LOG_NAME, spec.display, None, exc.output or exc.message)
            raise GateFailed(
                f"could not prepare the gate's venv: {exc.message.splitlines()[0]} "
                f"(full output: {shown(log)})",
                hint=f"check the test dependencies ({spec.requirements_source or 'none found'}) "
                "and that the project installs with `pip install -e .`, or set "
                "[tool.releasekit] gate_command",
            ) from None
        for needed in made.added:
            ctx.reporter.warn(
                f"the tests need {needed.requirement} ({needed.reason}), which the project's "
                f"test dependencies ({spec.requirements_source or 'none found'}) do not name: "
                "the gate's venv has it; declare it there so others' test runs have it too"
            )
        return made.venv, made.reused

    def apply(self, ctx: Context) -> Facts:
        spec = detect(ctx.root, ctx.config)
        problem = _missing_tool(spec)
        if problem:
            raise PreflightError(problem[0], hint=problem[1])
        started = time.monotonic()
        facts: Facts = {"environment": spec.kind, "source": spec.source}
        env = gate_env(ctx)  # the version about to be released, for the api rule
        python: Path | None = None
        venv: VirtualEnv | None = None
        if spec.kind == "venv":
            venv, facts["reused"] = self._venv(ctx, spec)
            python = venv.python
            env = {**script_environment(ctx.root).variables, **env}
        done = first = _run(ctx, spec.command, venv, env)
        if venv is not None:
            extras, with_them = self._extras(ctx, spec, venv, done)
            if with_them:
                done = first = _run(ctx, spec.command, venv, env)
            if extras:
                facts["extras"] = extras
        output, flaky, rerun, passed = done.output, [], "", done.returncode == 0
        ids = rerun_ids(done.output) if done.returncode != 0 else []
        again = (rerun_argv(spec, ids) if ids else None) or ()
        threshold_met = not passed_under_coverage(first.output)  # the full run's to judge
        for _ in range(ctx.config.gate_reruns if again else 0):
            ctx.reporter.info(f"gate: {len(ids)} test(s) failed; running them once more")
            done = _run(ctx, again, venv, env)
            shown_again = dataclasses.replace(spec, argv=again).display
            output += f"\n\n$ {shown_again}  (the failed tests again)\n\n{done.output}"
            if done.returncode == 0 or (threshold_met and passed_under_coverage(done.output)):
                flaky, passed = ids, True
                break
            rerun = " (and again when rerun)"
        log = write_log(ctx.root, LOG_NAME, spec.display, done, output)
        ctx.reporter.events.emit(
            "verdict",
            step="gate",
            message=f"the quality gate {'passed' if passed else 'failed'}",
            passed=passed,
            command=spec.display,
            returncode=done.returncode,
        )
        ctx.reporter.detail(done.output)
        if first.returncode == _NO_TESTS_COLLECTED:
            raise GateFailed(
                f"the quality gate ran no test: {spec.display} exited {first.returncode} "
                f"(pytest: no tests collected): {failure_digest(first.output)} "
                f"(full output: {shown(log)})",
                hint="check that the tests are in the tree (an sdist may leave them out) and "
                "pytest's testpaths, or skip with --skip gate",
            )
        if not passed:
            raise GateFailed(
                f"the quality gate failed: {spec.display} exited {first.returncode}{rerun}: "
                f"{failure_digest(first.output)} (full output: {shown(log)})",
                hint=_failure_hint(ctx, first.output),
            )
        if flaky:
            ctx.reporter.warn(
                f"flaky: {len(flaky)} test(s) failed, then passed when run again: "
                f"{first_few(flaky, 3)} (full output: {shown(log)}; "
                "[tool.releasekit] gate_reruns = 0 makes a failure final)"
            )
            facts["flaky"] = flaky
        self._check_tree(ctx, facts)
        facts.update(
            command=spec.display,
            seconds=round(time.monotonic() - started, 2),
            log=str(log),
            resolved=self._resolved(ctx, python or environment_python(ctx.root, spec)),
        )
        return facts

    def _extras(
        self, ctx: Context, spec: EnvSpec, venv: VirtualEnv, done: process.Completed
    ) -> tuple[dict[str, list[str]], bool]:
        """The project's extras in the gate's venv (:mod:`releasekit.testextras`), named in a
        WARNING: remembered from an earlier release, or installed now because the tests failed
        importing what they provide (then the tests run again: True)."""
        found = remembered_extras(venv)
        why = "an earlier release installed them: the tests imported modules only they provide"
        now = False
        if not found and done.returncode != 0:
            packages = {package.path: package.name for package in ctx.workspace.packages}
            editable = (venv.path / _READY).read_text(encoding="utf-8").startswith("-e ")
            missing = missing_modules(done.output, ctx.root)
            found, provided = install_extras(
                venv, packages, missing, editable=editable, cwd=ctx.root
            )
            why = f"the tests import {', '.join(provided)}, which only they provide"
            now = bool(found)
            if now:
                ctx.reporter.info(f"gate: {why}; running the tests again with them")
        if found:
            named = " ".join(f"{name}[{','.join(extras)}]" for name, extras in found.items())
            ctx.reporter.warn(
                f"the gate's venv has the project's extras ({named}): {why}, and the test "
                f"dependencies ({spec.requirements_source or 'none found'}) do not name them; "
                f"add {named} to them so others' test runs have them too"
            )
        return found, now

    def _check_tree(self, ctx: Context, facts: Facts) -> None:
        """Preflight saw a clean tree. Files the tests changed stop the release; new files they
        left (pyparsing's tests write diagrams into the working directory) are only reported:
        the commit stages exactly the release's files and the build uses the release commit.
        A lock file the environment's installer rewrote is restored as committed, and said."""
        git = Git(ctx.root)
        changed, new = git.changes()
        relocked = [path for path in changed if Path(path).name in LOCK_FILES]
        if relocked:
            git.restore(relocked)
            ctx.reporter.warn(
                f"the quality gate's environment rewrote {first_few(relocked, 3)} as it "
                "installed (a lock refreshed by pdm, uv or poetry); restored as committed, "
                "which the release is built from"
            )
            facts["relocked"] = relocked
            changed = [path for path in changed if path not in relocked]
        if changed:
            raise GateFailed(
                f"the quality gate changed the project's files: {first_few(changed, 5)}",
                hint="make the tests leave the project's files alone, restore them "
                "(`git status`, `git restore`), then release again",
            )
        if new:
            ctx.reporter.warn(
                f"the quality gate left {len(new)} new file(s) in the work tree: "
                f"{first_few(new, 5)}; they are not part of the release (the commit "
                "and the build take only its own files): git-ignore them or make the tests "
                "write to a temporary directory"
            )
            facts["left"] = new

    def _resolved(self, ctx: Context, python: Path | None) -> list[str]:
        """The gate environment's versions, for verify (see :mod:`releasekit.resolved`)."""
        if python is None:
            return []
        own = [package.name for package in ctx.workspace.packages]
        return pins(installed(python, cwd=ctx.root), own=own)


def first_few(items: list[str], count: int) -> str:
    """The first ``count`` items, and how many more there are."""
    more = f" (+{len(items) - count} more)" if len(items) > count else ""
    return ", ".join(items[:count]) + more


def _run(
    ctx: Context, argv: tuple[str, ...], venv: VirtualEnv | None, env: dict[str, str]
) -> process.Completed:
    """One run of the gate's command (in the gate's venv for the "venv" kind)."""
    try:
        if venv is not None:
            return venv.run(
                ["python", *argv], cwd=ctx.root, check=False, what="the quality gate", env=env
            )
        # the project's own tool makes its own environments, never in releasekit's
        outside = {**env, **dict.fromkeys(process.OUTER_ENVIRONMENT)}
        return process.run(argv, cwd=ctx.root, check=False, what="the quality gate", env=outside)
    except ProcessError as exc:  # the command does not exist
        raise GateFailed(exc.message, hint=exc.hint) from None


def _failure_hint(ctx: Context, output: str) -> str:
    """How to fix a failed gate: a missing test dependency named when that is the cause."""
    missing = missing_dependency_hint(output, ctx.root)
    if missing:
        return f"{missing}, set [tool.releasekit] gate_command, or skip with --skip gate"
    return "fix the failures, or skip with --skip gate"
