"""How a project runs its tests, detected from its files, so the gate runs where it is installed.

Detection order (the first that applies wins; a configured ``gate_command`` overrides them all):

1. ``noxfile.py`` with a session named ``tests``, ``test`` or ``pytest``
   (``releasekit.nox.install()`` registers ``tests``):
   ``nox --error-on-missing-interpreters -s tests``, with ``nox`` from PATH or ``python -m nox``.
   The noxfile's own options apply; a session parametrized over Pythons runs for
   the running Python when it is listed, else for the first one.
2. tox (``tox.ini``, ``tox.toml``, ``[tool.tox]`` in pyproject.toml, ``[tox:tox]`` in setup.cfg):
   ``tox -e <env>``: the listed environment for the running Python (``py311``, ``py3.11``),
   else ``py`` (tox's environment for the Python it runs with), never one for another Python.
   A configuration using tox-uv's runners needs tox-uv installed with tox (a gate check); an
   environment whose ``install_command`` runs pip stays on virtualenv's runner where tox-uv
   is installed (``-x testenv.runner=virtualenv``: uv's environments have no pip). An
   environment whose command runs a Python script that is not in the project (a stale
   ``python sh_test.py``) cannot run the tests: it is passed over, and the reason shown.
3. hatch: ``[tool.hatch.envs.hatch-test]`` -> ``hatch test``; ``[tool.hatch.envs.test]`` ->
   ``hatch run test:<its test script>`` (else ``hatch run test:pytest``). With a Python
   ``matrix``, its entry for the running Python (``hatch test --python 3.11``,
   ``hatch run +py=3.11 test:...``); a matrix without it falls through to 4.
4. otherwise (also for a hatch matrix without the running Python) releasekit makes its own
   venv (see :mod:`releasekit.steps.gate`) with the project
   installed from the tree and its test dependencies (:mod:`releasekit.testreqs`) plus
   pytest and the pytest plugins its settings and tests imply and it does not declare
   (:mod:`releasekit.testplugins`), and runs ``python -m pytest`` there (``--gate`` when the
   project uses pytest-releasekit),
   naming the test modules that only unittest's pattern finds (:func:`unittest_named`).
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import importlib.util
import json
import os
import shutil
import sys
import tomllib
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from . import process
from .config import Config, read_pyproject
from .errors import ConfigError
from .testplugins import NOT_SOURCE, Needed, needed_plugins, pytest_collects, reporting_failures
from .testreqs import requirement_name, requirements_for_tests
from .textfiles import read_text
from .toxconfig import (
    env_settings,
    envs_for_python,
    externals,
    missing_script,
    plain_tox_options,
    plugin_missing,
    runs_nothing,
    tox_envs,
)

__all__ = [
    "EnvSpec",
    "detect",
    "has_tests",
    "implied_plugins",
    "plugin_install_args",
    "rerun_argv",
    "tox_envs",
    "unittest_named",
]

SESSION_NAMES = ("tests", "test", "pytest")
PLUGIN = "pytest-releasekit"
Kind = Literal["configured", "nox", "tox", "hatch", "venv"]


@dataclass(frozen=True)
class EnvSpec:
    """Where and how the gate runs the project's tests."""

    kind: Kind
    argv: tuple[str, ...]  # for "venv": the arguments after the venv's python
    source: str  # how it was found, e.g. "noxfile.py session 'tests'"
    tool: str | None = None  # the program that must be installed (nox, tox, hatch)
    missing: bool = False  # ``tool`` is neither on PATH nor importable here
    tool_plugin: str | None = None  # a plugin ``tool`` needs for this project and lacks
    externals: tuple[str, ...] = ()  # programs ``tool`` runs from PATH that are not there
    requirements: tuple[str, ...] = ()  # "venv": installed besides the project and pytest
    requirements_source: str | None = None
    plugin: bool = False  # "venv": pytest-releasekit is installed and --gate passed
    paths: tuple[str, ...] = ()  # "venv": test files named to pytest (:func:`unittest_named`)

    @property
    def command(self) -> tuple[str, ...]:
        """What the gate runs: ``argv``, then the test files it names."""
        return (*self.argv, *self.paths)

    @property
    def display(self) -> str:
        if self.kind == "venv":
            return process.display(["python", *self.command])
        return process.display(self.command)


def detect(root: Path, config: Config) -> EnvSpec:
    """The gate's command for the project at ``root`` (see the module docstring for the order)."""
    if config.gate_command is not None:
        argv = list(config.gate_command)
        if argv and argv[0] in {"python", "python3"}:
            argv[0] = sys.executable  # the environment releasekit runs in
        where = config.sources.get("gate_command", "configuration")
        return EnvSpec("configured", tuple(argv), f"gate_command ({where})")
    data = _pyproject(root)
    unusable: list[str] = []  # found, but cannot run the tests (why)
    for finder in (_nox, _tox, _hatch):
        found = finder(root, data)
        if isinstance(found, str):
            unusable.append(found)
        elif found is not None:
            return found
    requirements, source = requirements_for_tests(data, root / "pyproject.toml")
    reason = unusable[0] if unusable else "no nox session, tox or hatch test environment found"
    hatch = _hatch_envs(root, data)
    if any(_matrix_pythons(hatch.get(name)) for name in ("hatch-test", "test")):
        reason = f"the hatch test environment's matrix has no Python {_running_python()}"
    names = {requirement_name(r) for r in requirements}
    plugin = PLUGIN in names or "gate" in data.get("tool", {}).get("releasekit", {})
    return EnvSpec(
        "venv",
        ("-m", "pytest", *reporting_failures(root), *(["--gate"] if plugin else [])),
        f"releasekit's own venv: {reason}",
        requirements=tuple(r for r in requirements if requirement_name(r) != PLUGIN),
        requirements_source=source,
        plugin=plugin,
        paths=unittest_named(root),
    )


def implied_plugins(root: Path, spec: EnvSpec) -> tuple[Needed, ...]:
    """The pytest plugins the project implies for releasekit's own venv (none for another
    kind): its fixtures count only where it declares no test dependencies."""
    if spec.kind != "venv":
        return ()
    return needed_plugins(root, fixtures=spec.requirements_source is None)


def has_tests(root: Path) -> bool:
    """Whether the project has any test to run: a tests/, test/ or testing/ directory, or a
    ``test_*.py`` / ``*_test.py`` file anywhere in its tree (hidden and build directories aside).

    An sdist often ships without its tests (flake8, rich): there is nothing to gate then, and
    the gate says so instead of failing with pytest's "no tests ran"."""
    if any((root / name).is_dir() for name in ("tests", "test", "testing")):
        return True
    for _, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in NOT_SOURCE]
        if any(pytest_collects(f) for f in files):
            return True
    return False


#: Where pytest's settings may be: a ``python_files`` there changes which files it collects.
_PYTEST_CONFIGS = ("pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


def unittest_named(root: Path) -> tuple[str, ...]:
    """The test modules only unittest's default pattern (``test*.py``) finds, relative to
    ``root``, where pytest's (``test_*.py``, ``*_test.py``) find none and no configuration sets
    ``python_files``: decorator's ``tests/test.py``, run with ``python -m unittest``, which a
    bare ``python -m pytest`` never collects. pytest collects a file it is given by name."""
    directory = next((root / d for d in ("tests", "test") if (root / d).is_dir()), None)
    if directory is None or any(
        "python_files" in read_text(root / name)
        for name in _PYTEST_CONFIGS
        if (root / name).is_file()
    ):
        return ()
    modules = [p for p in directory.rglob("*.py") if p.is_file()]
    if any(pytest_collects(p.name) for p in modules):
        return ()
    found = sorted(p for p in modules if p.name.startswith("test"))
    return tuple(p.relative_to(root).as_posix() for p in found)


def _pyproject(root: Path) -> dict[str, Any]:
    path = root / "pyproject.toml"
    return read_pyproject(path) if path.is_file() else {}


def _tool(name: str) -> tuple[tuple[str, ...], bool]:
    """How to run ``name``: from PATH, else ``python -m name``; and whether it is missing."""
    if shutil.which(name):
        return (name,), False
    if importlib.util.find_spec(name) is not None:
        return (*process.TOOL, name), False
    return (name,), True


# ------------------------------------------------------------------------------------------ nox
def _decorator_session(decorator: ast.expr) -> ast.Call | bool:
    """The ``nox.session(...)`` call of a decorator, True for a bare ``@nox.session``."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = (
        target.attr
        if isinstance(target, ast.Attribute)
        else target.id
        if isinstance(target, ast.Name)
        else ""
    )
    if name != "session":
        return False
    return decorator if isinstance(decorator, ast.Call) else True


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _pythons(node: ast.expr | None, names: Mapping[str, ast.expr]) -> list[str] | None:
    """A session's ``python=`` as a list of versions, when it is a literal list of several, or
    a module-level name assigned one (jsonschema's ``python=SUPPORTED``); ``[]`` when it is
    computed (packaging's ``[*PYTHON_VERSIONS, "pypy3.11"]``): nox is asked; None for one
    Python or none."""
    if isinstance(node, ast.Name) and node.id in names:
        node = names[node.id]
    if isinstance(node, ast.List | ast.Tuple):
        values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        if len(values) == len(node.elts):
            return [str(v) for v in values] or None
        return []
    return [] if isinstance(node, ast.Name | ast.Call | ast.Attribute) else None


def nox_sessions(noxfile: Path) -> dict[str, list[str] | None]:
    """Session names defined at module level in ``noxfile`` and their literal Python lists."""
    try:
        tree = ast.parse(noxfile.read_text(encoding="utf-8"), filename=str(noxfile))
    except (SyntaxError, UnicodeDecodeError) as exc:
        raise ConfigError(
            f"{noxfile}: cannot be read to find its test session: {exc}",
            hint="fix the noxfile, or set [tool.releasekit] gate_command",
        ) from None
    found: dict[str, list[str] | None] = {}
    names = {
        node.targets[0].id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
    }
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                call = _decorator_session(decorator)
                if call is False:
                    continue
                name, pythons = node.name, None
                if isinstance(call, ast.Call):
                    given = _keyword(call, "name")
                    if isinstance(given, ast.Constant) and isinstance(given.value, str):
                        name = given.value
                    pythons = _pythons(_keyword(call, "python"), names)
                found[name] = pythons
        for call in (n for n in ast.walk(node) if isinstance(n, ast.Call)):
            func = call.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "install"
                and ast.unparse(func.value).endswith("releasekit.nox")
            ):
                found.setdefault("tests", _pythons(_keyword(call, "python"), names))
    return found


def _running_python() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


@functools.cache
def _listed_session(root: Path, runner: tuple[str, ...], name: str, stamp: int) -> str | None:
    """The session ``name`` runs as on the running Python, as ``nox --list --json`` names it
    (``tests-3.11``), when the noxfile computes its Pythons; None when nox cannot say. Without
    it ``nox -s tests`` ran every Python: packaging's ten, nine of them not installed here.
    Asked once per noxfile (``stamp``: its modification time) though plan, check and apply
    each detect the gate."""
    done = process.run(
        [*runner, "--list", "--json", "-s", name],
        cwd=root,
        check=False,
        what="listing the noxfile's sessions",
    )
    try:
        listed = json.loads(done.stdout) if done.returncode == 0 else []
    except json.JSONDecodeError:
        return None
    here = _running_python()
    found = [
        entry.get("session")
        for entry in listed
        if isinstance(listed, list)
        if isinstance(entry, dict) and entry.get("name") == name and entry.get("python") == here
    ]
    return found[0] if found and isinstance(found[0], str) else None


def _nox(root: Path, data: Mapping[str, Any]) -> EnvSpec | None:
    noxfile = root / "noxfile.py"
    if not noxfile.is_file():
        return None
    sessions = nox_sessions(noxfile)
    name = next((n for n in SESSION_NAMES if n in sessions), None)
    if name is None:
        return None
    pythons = sessions[name]
    selected = name
    runner, missing = _tool("nox")
    if pythons:
        selected = f"{name}-{_running_python() if _running_python() in pythons else pythons[0]}"
    elif pythons == [] and not missing:
        stamp = noxfile.stat().st_mtime_ns
        selected = _listed_session(root, runner, name, stamp) or name
    argv = (*runner, "--error-on-missing-interpreters", "-s", selected)
    return EnvSpec("nox", argv, f"noxfile.py session '{name}'", tool="nox", missing=missing)


# ------------------------------------------------------------------------------------------ tox
def _tox(root: Path, data: Mapping[str, Any]) -> EnvSpec | str | None:
    found = tox_envs(root, data)
    if found is None:
        return None
    envs, where = found
    candidates = envs_for_python(envs)
    usable = (
        (env, settings)
        for env in candidates
        if not runs_nothing(settings := env_settings(root, data, env))
    )
    chosen, settings = next(usable, (None, {}))
    if chosen is None:
        return (
            f"tox environment '{candidates[0]}' ({where}) runs no commands (they are for "
            "factors it lacks): tox would report OK having run no test"
        )
    script = missing_script(root, settings)
    if script is not None:
        return f"tox environment '{chosen}' ({where}) runs {script}, which is not in the project"
    runner, missing = _tool("tox")
    argv = (*runner, "--skip-missing-interpreters", "false", *plain_tox_options(root, settings))
    argv += ("-e", chosen)
    plugin = None if missing else plugin_missing(root, runner)
    return EnvSpec(
        "tox",
        argv,
        f"tox environment '{chosen}' ({where})",
        tool="tox",
        missing=missing,
        tool_plugin=plugin,
        externals=externals(settings),
    )


# ---------------------------------------------------------------------------------------- hatch
def _hatch_envs(root: Path, data: Mapping[str, Any]) -> dict[str, Any]:
    envs = dict(data.get("tool", {}).get("hatch", {}).get("envs", {}))
    hatch_toml = root / "hatch.toml"
    if hatch_toml.is_file():
        try:
            envs.update(tomllib.loads(read_text(hatch_toml)).get("envs", {}))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{hatch_toml}: malformed TOML: {exc}", hint="fix it") from None
    return envs


def _matrix_pythons(env: Any) -> list[str]:
    """The Pythons an environment's ``matrix`` lists (empty: no Python matrix)."""
    matrix = env.get("matrix", []) if isinstance(env, dict) else []
    entries = [m for m in matrix if isinstance(m, dict)] if isinstance(matrix, list) else []
    values = [m.get("python", m.get("py")) for m in entries]
    return [str(v) for value in values if isinstance(value, list) for v in value]


def _hatch(root: Path, data: Mapping[str, Any]) -> EnvSpec | None:
    envs = _hatch_envs(root, data)
    runner, missing = _tool("hatch")
    name = "hatch-test" if "hatch-test" in envs else "test" if "test" in envs else None
    if name is None:
        return None
    pythons, here = _matrix_pythons(envs[name]), _running_python()
    if pythons and here not in pythons:
        return None  # releasekit's own venv, for a Python the matrix lacks
    if name == "hatch-test":
        argv: tuple[str, ...] = (*runner, "test", *(("--python", here) if pythons else ()))
        source = "hatch's test environment ([tool.hatch.envs.hatch-test])"
    else:
        scripts = envs["test"].get("scripts", {}) if isinstance(envs["test"], dict) else {}
        script = next((s for s in ("test", "tests", "run", "cov") if s in scripts), "pytest")
        argv = (*runner, "run", *((f"+py={here}",) if pythons else ()), f"test:{script}")
        source = "hatch environment 'test' ([tool.hatch.envs.test])"
    if pythons:
        source += f", its matrix entry for the running Python {here}"
    return EnvSpec("hatch", argv, source, tool="hatch", missing=missing)


def plugin_install_args() -> list[str]:
    """How to install the pytest-releasekit releasekit runs with: its local path if it was
    installed from one (``-e`` when editable), else that exact version from the index."""
    try:
        dist = importlib.metadata.distribution(PLUGIN)
    except importlib.metadata.PackageNotFoundError:
        return [PLUGIN]
    raw = dist.read_text("direct_url.json")
    if raw:
        info = json.loads(raw)
        url = urllib.parse.urlparse(str(info.get("url", "")))
        if url.scheme == "file":
            path = urllib.request.url2pathname(url.path)
            return ["-e", path] if info.get("dir_info", {}).get("editable") else [path]
    return [f"{PLUGIN}=={dist.version}"]


def rerun_argv(spec: EnvSpec, ids: list[str]) -> tuple[str, ...] | None:
    """The gate's command running only ``ids`` (passed to pytest as the runner passes extra
    arguments), or None where that is not known: a configured command, or pytest-releasekit's
    own verdict (``--gate`` over a subset would judge coverage of the subset)."""
    if spec.kind == "configured" or spec.plugin:
        return None
    return (*spec.argv, *ids) if spec.kind == "venv" else (*spec.argv, "--", *ids)
