"""The project's tests run against the installed wheels, in verify's fresh venv.

The project's tracked files are copied to a temporary directory outside the source tree, all but
the packages and modules the wheels install (``pkg/``, ``src/pkg/``, ``mod.py``), so ``import
pkg`` finds the installed wheel in site-packages, never the tree: a module or data file the wheel
lacks fails here even though every test passes from the tree. What the tests use from the rest of
the tree stays where they expect it (pyparsing's tests import its undistributed ``examples``
package; conftest.py, pytest's configuration and test data come along).
``verify_tests`` chooses what runs: ``"auto"`` (each package's ``tests/`` or
``test/`` directory), ``false``, or a list of pytest arguments (paths relative to the root).
The test dependencies are what the gate's environment had, at its versions
(:mod:`releasekit.resolved`): a tox env's deps and extras come along, and a lock file or pins the
gate honoured hold here too.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .artifacts.contents import top_level_names
from .config import read_pyproject
from .errors import ProcessError, StepFailed
from .git import Git
from .resolved import constraint_args
from .steps.build import artifact_paths
from .steps.gate import first_few, shown, write_log
from .testenv import PLUGIN, failure_digest, plugin_install_args, rerun_ids
from .testreqs import install_args, requirement_name, requirements_for_tests

if TYPE_CHECKING:
    from .context import Context
    from .steps.base import Facts
    from .venv import VirtualEnv

__all__ = ["Suite", "copy_tree", "dependencies_for_tests", "run_wheel_tests", "suites"]

LOG_NAME = "verify-tests.log"
TEST_DIRS = ("tests", "test")
_NO_TESTS_COLLECTED = 5
_WHAT = "the tests against the wheel"


@dataclass(frozen=True)
class Suite:
    """One pytest run: the directory whose tracked files are copied, and the pytest args."""

    base: Path
    args: tuple[str, ...]
    label: str


def suites(ctx: Context) -> tuple[list[Suite], str | None]:
    """The runs ``verify_tests`` asks for, or none and the reason."""
    setting = ctx.config.verify_tests
    if setting is False:
        return [], "verify_tests = false"
    if isinstance(setting, list):
        paths = [a.split("::")[0] for a in setting if not a.startswith("-")]
        if not any(p and (ctx.root / p).exists() for p in paths):
            return [], f"verify_tests = {setting!r} names no existing path below {ctx.root}"
        return [Suite(ctx.root, tuple(setting), "verify_tests")], None
    found = []
    for package in ctx.workspace.packages:
        directory = next((d for d in TEST_DIRS if (package.path / d).is_dir()), None)
        if directory:
            found.append(Suite(package.path, (directory,), package.name))
    if not found:
        return [], "no tests/ or test/ directory"
    return found, None


def dependencies_for_tests(ctx: Context, into: Path) -> list[str]:
    """What verify installs besides the wheels: the test dependencies (the same the gate's venv
    gets, requirement files copied into ``into``) and pytest unless they name it."""
    wanted: list[str] = []
    for base in dict.fromkeys([ctx.root, *(p.path for p in ctx.workspace.packages)]):
        pyproject = base / "pyproject.toml"
        if pyproject.is_file():
            found, _ = requirements_for_tests(read_pyproject(pyproject), pyproject)
            wanted += found
    plugin = any(requirement_name(r) == PLUGIN for r in wanted)
    skip = {PLUGIN, *(p.canonical for p in ctx.workspace.packages)}  # installed otherwise
    wanted = [r for r in dict.fromkeys(wanted) if requirement_name(r) not in skip]
    named = {p.path: p.name for p in ctx.workspace.packages}
    args, names = install_args(wanted, ctx.root, named, into)
    pytest = [] if "pytest" in names else ["pytest"]
    return [*args, *pytest, *(plugin_install_args() if plugin else [])]


def copy_tree(base: Path, into: Path, distributed: Collection[str]) -> None:
    """The files git tracks under ``base``, copied into ``into``, except the top-level packages
    and modules named ``distributed`` (at the top or under ``src/``): the wheel provides those."""
    for rel in Git(base).tracked_files():
        parts = Path(rel).parts
        top = parts[1] if parts[0] == "src" and len(parts) > 1 else parts[0]
        if top.split(".", 1)[0] in distributed and (len(parts) > 1 or top.endswith(".py")):
            continue
        source = base / rel
        if source.is_file() or source.is_symlink():
            (into / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / rel, follow_symlinks=False)


def run_wheel_tests(ctx: Context, venv: VirtualEnv) -> Facts:
    """Install the test dependencies into ``venv`` (the built wheels are already there) and run
    each suite from a temporary copy of the tree without what the wheels install; raise
    :class:`StepFailed` naming what failed."""
    found, reason = suites(ctx)
    if not found:
        ctx.reporter.info(f"verify: tests against the installed wheel skipped: {reason}")
        return {"skipped": reason}
    try:
        with tempfile.TemporaryDirectory(prefix="releasekit-requirements-") as copies:
            wanted = dependencies_for_tests(ctx, Path(copies))
            pinned = ctx.facts.get("gate", {}).get("resolved") or []
            wanted = constraint_args(wanted, pinned, Path(copies))
            venv.install(wanted, what="installing the test dependencies (verify)")
    except ProcessError as exc:
        raise StepFailed(
            f"could not install the test dependencies into the verify venv: "
            f"{exc.message.splitlines()[0]}",
            hint="fix the project's test dependencies, or set [tool.releasekit] verify_tests = "
            "false",
        ) from None
    outcomes, logs = {}, []
    wheels = artifact_paths(ctx, "wheel")
    distributed = {name for wheel in wheels for name in top_level_names(wheel)}
    for suite in found:
        with tempfile.TemporaryDirectory(prefix="releasekit-tests-") as tmp:
            copy_tree(suite.base, Path(tmp), distributed)
            pytest = ["python", "-m", "pytest", "--rootdir", tmp, "-p", "no:cacheprovider"]
            argv = [*pytest, *suite.args]
            done = first = venv.run(argv, cwd=Path(tmp), check=False, what=_WHAT)
            output, flaky, rerun = f"$ {' '.join(argv)}\n\n{done.output}", [], ""
            ids = rerun_ids(done.output) if done.returncode not in (0, _NO_TESTS_COLLECTED) else []
            for _ in range(ctx.config.gate_reruns if ids else 0):  # as the gate does
                done = venv.run([*pytest, *ids], cwd=Path(tmp), check=False, what=_WHAT)
                output += f"\n\n$ {' '.join([*pytest, *ids])}  (the failed tests again)\n\n"
                output += done.output
                if done.returncode == 0:
                    flaky = ids
                    break
                rerun = " (and again when rerun)"
        logs.append(f"# {suite.label}\n{output}")
        ctx.reporter.detail(output)
        log = write_log(
            ctx.root, LOG_NAME, "tests against the installed wheel", done, "\n".join(logs)
        )
        if done.returncode == _NO_TESTS_COLLECTED:
            outcomes[suite.label] = "no tests collected"
            continue
        if done.returncode != 0:
            raise StepFailed(
                f"the tests fail against the installed wheel ({suite.label}, exit "
                f"{first.returncode}){rerun}: {failure_digest(first.output)} "
                f"(full output: {shown(log)})",
                hint="the wheel lacks something the source tree has (check the build backend's "
                "package selection) or a test reads the source tree; run a subset with "
                "[tool.releasekit] verify_tests = [paths], or turn it off with false",
            )
        if flaky:
            ctx.reporter.warn(
                f"flaky: {len(flaky)} test(s) against the installed wheel failed, then passed "
                f"when run again: {first_few(flaky, 3)} (full output: {shown(log)}; "
                "[tool.releasekit] gate_reruns = 0 makes a failure final)"
            )
            outcomes[f"{suite.label} flaky"] = ", ".join(flaky)
        outcomes[suite.label] = failure_digest(done.output)
    return {"tests": outcomes}
