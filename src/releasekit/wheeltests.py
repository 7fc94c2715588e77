"""The project's tests run against the installed wheels, in verify's fresh venv.

The project's tracked files are copied to a temporary directory outside the source tree (one with
the checkout's own name), all but the packages and modules the wheels install (``pkg/``,
``src/pkg/``, ``mod.py``), so ``import pkg`` finds the installed wheel in site-packages, never the
tree: a module or data file the wheel lacks fails here even though every test passes from the
tree. What the tests use from the rest of the tree stays where they expect it (pyparsing's tests
import its undistributed ``examples`` package; conftest.py, pytest's configuration and test data
come along).
pytest plugins that check source files instead of running tests (pytest-ruff, pytest-mypy,
pytest-checkdocs, ...) are left out unless the project's own ``addopts`` turn them on: the gate
ran them on the tree, and the copy without the package is not the tree they judge.
The runner is pytest, or ``python -m unittest discover`` where the project's tox environments
run ``-m unittest`` and never pytest (Python-Markdown). ``verify_tests`` chooses what runs:
``"auto"`` (each package's ``tests/`` or ``test/`` directory), ``false``, or a list of pytest
arguments (paths relative to the root).
The test dependencies are what the gate's environment had, at its versions
(:mod:`releasekit.resolved`): a tox env's deps and extras come along, and a lock file or pins the
gate honoured hold here too (the gate's versions, not the lock's if the release changed it since).
Where verify's installer cannot get those versions (the gate's tool installed with pip, unaffected
by a ``UV_EXCLUDE_NEWER`` that uv obeys here), a WARNING says so and the test dependencies are
installed as they resolve here, under uv.lock's versions.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .artifacts.contents import top_level_names
from .config import read_pyproject
from .errors import ProcessError, StepFailed
from .git import Git
from .resolved import constraint_args
from .sourcetree import rerun_beside_source
from .steps.build import artifact_paths
from .steps.gate import first_few, shown, write_log
from .testenv import PLUGIN, plugin_install_args, unittest_named
from .testoutput import failure_digest, rerun_ids
from .testplugins import (
    Needed,
    needed_plugins,
    undeclared,
    verify_options,
)
from .testreqs import install_args, requirement_name, requirements_for_tests
from .testscript import script_environment
from .textfiles import read_text

if TYPE_CHECKING:
    from .context import Context
    from .process import Completed
    from .steps.base import Facts
    from .venv import VirtualEnv

__all__ = [
    "Suite",
    "copy_tree",
    "dependencies_for_tests",
    "run_wheel_tests",
    "runner_for",
    "suites",
]

LOG_NAME = "verify-tests.log"
TEST_DIRS = ("tests", "test")
_NO_TESTS_COLLECTED = 5
_USAGE_ERROR = 4  # pytest's status when a conftest.py cannot be loaded, before any test runs
_WHAT = "the tests against the wheel"


@dataclass(frozen=True)
class Suite:
    """One test run: the directory whose tracked files are copied, the runner's arguments, and
    the runner (``unittest`` where the project runs its tests that way, else pytest)."""

    base: Path
    args: tuple[str, ...]
    label: str
    runner: str = "pytest"


def runner_for(root: Path) -> str:
    """``unittest`` where the project's tox environments run ``-m unittest`` and none runs
    pytest (Python-Markdown: ``coverage run -m unittest discover tests``), else ``pytest``."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(read_text(root / "tox.ini") if (root / "tox.ini").is_file() else "")
    except (configparser.Error, UnicodeDecodeError):
        return "pytest"
    commands = " ".join(
        parser[name].get("commands", "")
        for name in parser.sections()
        if name == "testenv" or name.startswith("testenv:")
    )
    unittest = re.search(r"-m\s+unittest\b", commands) and "pytest" not in commands
    return "unittest" if unittest else "pytest"


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
            runner = runner_for(package.path)
            named = unittest_named(package.path) if runner == "pytest" else ()
            found.append(Suite(package.path, named or (directory,), package.name, runner))
    if not found:
        return [], "no tests/ or test/ directory"
    return found, None


def dependencies_for_tests(ctx: Context, into: Path, *, lock: bool = True) -> list[str]:
    """What verify installs besides the wheels: the test dependencies (the same the gate's venv
    gets, requirement files copied into ``into``), pytest and the pytest plugins the project
    implies (:mod:`releasekit.testplugins`) unless they name them; with
    ``lock=False``, without uv.lock's versions as constraints."""
    wanted: list[str] = []
    needed: dict[str, Needed] = {}
    for base in dict.fromkeys([ctx.root, *(p.path for p in ctx.workspace.packages)]):
        pyproject = base / "pyproject.toml"
        data = read_pyproject(pyproject) if pyproject.is_file() else {}
        found, source = requirements_for_tests(data, pyproject)
        wanted += found
        needed.update((n.requirement, n) for n in needed_plugins(base, fixtures=source is None))
    plugin = any(requirement_name(r) == PLUGIN for r in wanted)
    skip = {PLUGIN, *(p.canonical for p in ctx.workspace.packages)}  # installed otherwise
    wanted = [r for r in dict.fromkeys(wanted) if requirement_name(r) not in skip]
    named = {p.path: p.name for p in ctx.workspace.packages}
    args, names = install_args(wanted, ctx.root, named, into, lock=lock)
    pytest = [] if "pytest" in names else ["pytest"]
    implied = [n.requirement for n in undeclared(needed.values(), names)]
    return [*args, *pytest, *implied, *(plugin_install_args() if plugin else [])]


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


def _install_test_dependencies(ctx: Context, venv: VirtualEnv, into: Path, what: str) -> None:
    """The gate environment's versions, else (no gate ran, or they cannot be installed here)
    the test dependencies as they resolve, under the lock's versions (uv.lock, poetry.lock).
    Not both: the release may have changed the lock since the gate resolved from it
    (bump-my-version's ``pre_commit_hooks = ["uv sync --upgrade"]``), and the gate's versions
    are what passed. The built wheels are named again, so their own dependencies follow the
    same versions: rich's snapshot tests expect the Pygments its lock pins, not the latest one
    the smoke test's install got."""
    wheels = [str(wheel) for wheel in artifact_paths(ctx, "wheel")]
    pinned = ctx.facts.get("gate", {}).get("resolved") or []
    if pinned:
        unlocked = [*wheels, *dependencies_for_tests(ctx, into, lock=False)]
        try:
            venv.install(constraint_args(unlocked, pinned, into), what=what)
        except ProcessError as exc:
            ctx.reporter.warn(
                "verify could not install the gate environment's versions of the test "
                f"dependencies ({' '.join(exc.message.split())}); it installs them as they "
                "resolve here"
            )
        else:
            return
    venv.install([*wheels, *dependencies_for_tests(ctx, into)], what=what)


def run_wheel_tests(ctx: Context, venv: VirtualEnv) -> Facts:
    """Install the test dependencies into ``venv`` (the built wheels are already there) and run
    each suite from a temporary copy of the tree without what the wheels install; raise
    :class:`StepFailed` naming what failed."""
    found, reason = suites(ctx)
    if not found:
        ctx.reporter.info(f"verify: tests against the installed wheel skipped: {reason}")
        return {"skipped": reason}
    what = "installing the test dependencies (verify)"
    try:
        with tempfile.TemporaryDirectory(prefix="releasekit-requirements-") as copies:
            _install_test_dependencies(ctx, venv, Path(copies), what)
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
    exports = script_environment(ctx.root).variables
    for suite in found:
        run = _run_suite(venv, suite, distributed, ctx.config.gate_reruns, exports)
        logs.append(f"# {suite.label}\n{run.output}")
        ctx.reporter.detail(run.output)
        log = write_log(
            ctx.root, LOG_NAME, "tests against the installed wheel", run.last, "\n".join(logs)
        )
        if run.last.returncode == _NO_TESTS_COLLECTED:
            outcomes[suite.label] = "no tests collected"
            continue
        if run.need_tree:
            which = (
                f"the suite ({' '.join(run.need_tree)}, whose conftest.py reads the tree) passes"
                if run.need_tree == list(suite.args)
                else f"{len(run.need_tree)} test(s) pass"
            )
            how = "they read or run its files"
            if run.linked:
                how = (
                    f"they look for the tree's {', '.join(run.linked)} beside the installed "
                    "package, where only a source checkout has it"
                )
            ctx.reporter.warn(
                f"{which} against the installed wheel only with the source tree beside them "
                f"({how}; every import of the wheel's packages came from the wheel): "
                f"{first_few(run.need_tree, 3)} (full output: {shown(log)}; the gate ran them "
                "from the tree)"
            )
            outcomes[f"{suite.label} need the source tree"] = ", ".join(run.need_tree)
        elif run.last.returncode != 0:
            again = " (and again when rerun)" if run.last is not run.first else ""
            raise StepFailed(
                f"the tests fail against the installed wheel ({suite.label}, exit "
                f"{run.first.returncode}){again}: {failure_digest(run.first.output)} "
                f"(full output: {shown(log)})",
                hint="the wheel lacks something the source tree has (check the build backend's "
                "package selection) or a test reads the source tree; run a subset with "
                "[tool.releasekit] verify_tests = [paths], or turn it off with false",
            )
        if run.flaky:
            ctx.reporter.warn(
                f"flaky: {len(run.flaky)} test(s) against the installed wheel failed, then "
                f"passed when run again: {first_few(run.flaky, 3)} (full output: {shown(log)}; "
                "[tool.releasekit] gate_reruns = 0 makes a failure final)"
            )
            outcomes[f"{suite.label} flaky"] = ", ".join(run.flaky)
        outcomes[suite.label] = failure_digest(run.last.output)
    return {"tests": outcomes}


@dataclass
class _SuiteRun:
    first: Completed
    last: Completed
    output: str
    flaky: list[str] = field(default_factory=list)
    need_tree: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # the tree's, beside the installed package


def _failed_ids(done: Completed) -> list[str]:
    return rerun_ids(done.output) if done.returncode not in (0, _NO_TESTS_COLLECTED) else []


def _copy_checkout(tmp: Path, base: Path, distributed: Collection[str]) -> Path:
    """:func:`copy_tree` of ``base`` into a directory of ``tmp`` with ``base``'s own name, as a
    checkout has (plumbum's tests expect ``plumbum`` in their working directory's path)."""
    copy = tmp / base.name
    copy.mkdir()
    copy_tree(base, copy, distributed)
    return copy


def _with_test_packages(env: Mapping[str, str], copy: Path, into: Path) -> dict[str, str]:
    """``env`` with ``PYTHONPATH`` naming ``into``, where the copy's test directories are
    linked and nothing else: a script a test runs in a process of its own imports them as an
    editable install lets it (Typer's ``tests/assets`` scripts, run under ``coverage run``,
    import ``tests.utils``; the gate's editable install put the project's root on
    ``sys.path``), and a top-level module of the tree that the wheel lacks still does not
    import."""
    into.mkdir()
    for name in TEST_DIRS:
        if (copy / name).is_dir():
            (into / name).symlink_to(copy / name, target_is_directory=True)
    paths = [env["PYTHONPATH"]] if env.get("PYTHONPATH") else []
    return {**env, "PYTHONPATH": os.pathsep.join([*paths, str(into)])}


def _discover_args(base: Path, suite: Suite) -> list[str]:
    """unittest discovery of the suite's directory; from the top of the tree when that
    directory is a package (pathspec's tests import ``.util``), as ``python -m unittest`` run
    from the project's root imports it."""
    if len(suite.args) == 1 and (base / suite.args[0] / "__init__.py").is_file():
        return ["-s", suite.args[0], "-t", "."]
    return list(suite.args)


def _run_suite(
    venv: VirtualEnv,
    suite: Suite,
    distributed: Collection[str],
    reruns: int,
    env: Mapping[str, str],
) -> _SuiteRun:
    """One suite from a copy of the tree without ``distributed``, with ``env`` (what the
    project's test script exports); its failed tests run again up to ``reruns`` times (flaky,
    as in the gate), then, if some still fail, once from the whole tree
    (:mod:`releasekit.sourcetree`)."""
    with tempfile.TemporaryDirectory(prefix="releasekit-tests-") as tmp:
        copy = _copy_checkout(Path(tmp), suite.base, distributed)
        env = _with_test_packages(env, copy, Path(tmp) / "importable")
        pytest = ["python", "-m", "pytest", "--rootdir", str(copy)]
        pytest += verify_options(copy)
        unittest = suite.runner == "unittest"
        discover = ["python", "-m", "unittest", "discover", *_discover_args(copy, suite)]
        argv = discover if unittest else [*pytest, *suite.args]
        first = venv.run(argv, cwd=copy, check=False, what=_WHAT, env=env)
        run = _SuiteRun(first, first, f"$ {' '.join(argv)}\n\n{first.output}")
        ids = [] if unittest else _failed_ids(first)
        for _ in range(reruns if ids else 0):
            run.last = venv.run([*pytest, *ids], cwd=copy, check=False, what=_WHAT, env=env)
            run.output += f"\n\n$ {' '.join([*pytest, *ids])}  (the failed tests again)\n\n"
            run.output += run.last.output
            if run.last.returncode == 0:
                run.flaky = ids
                return run
    ids = [] if unittest else _failed_ids(run.last)
    if not unittest and run.last.returncode == _USAGE_ERROR and suite.args:
        ids = list(suite.args)  # no test ran: a conftest.py failed (Alembic's reads the tree)
    if ids:  # do they fail for want of the source files they read?
        with tempfile.TemporaryDirectory(prefix="releasekit-tree-") as tmp:
            tree = _copy_checkout(Path(tmp), suite.base, ())
            beside = rerun_beside_source(
                venv, tree, ids, distributed, what=_WHAT, seen=run.output, env=env
            )
        run.output += f"\n\n{beside.output}"
        run.need_tree = ids if beside.passed else []
        run.linked = list(beside.linked)
    return run
