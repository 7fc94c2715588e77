"""The pytest plugins a project's own files say its tests need, for releasekit's own test venv.

Many projects never write their pytest plugins down as test dependencies: cookiecutter's
``addopts`` pass ``--cov=cookiecutter`` (pytest-cov), shellingham's tests take the ``mocker``
fixture (pytest-mock), and their test requirements live in a CI file the sdist leaves out. Without
the plugin, pytest stops with a usage error or every such test errors. The project does say what it
needs, in pytest's own terms, and this module reads that:

- ``required_plugins`` in pytest's settings (pytest's own declaration, requirement strings);
- an option of a well-known plugin in ``addopts`` (``--cov``, ``-n``, ``--timeout``, ...);
- a setting of a well-known plugin (``asyncio_mode``, ``timeout``, ``env``, ...);
- a fixture of a well-known plugin that a test, fixture or ``usefixtures`` asks for and the
  project does not define itself (``mocker``, ``benchmark``, ``httpx_mock``, ...).

Besides what ``required_plugins`` names (pytest's own declaration), only the names in
:data:`KNOWN` are ever installed: a fixed table, never a name guessed from an import, which could
be anything on the index. A fixture is weaker evidence than a setting (a project may have its own
provider of a fixture of that name), so fixtures count only for a project that declares no test
dependencies at all; and a plugin is added only when the test dependencies do not name it. The
gate says which it added and why, so the project can declare them.

pytest's settings are read where pytest reads them, first found wins: ``pytest.ini``,
``.pytest.ini``, ``pyproject.toml`` (``[tool.pytest.ini_options]`` or ``[tool.pytest]``),
``tox.ini`` (``[pytest]``), ``setup.cfg`` (``[tool:pytest]``).
"""

from __future__ import annotations

import ast
import os
import shlex
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import read_pyproject
from .testreqs import requirement_name
from .textfiles import ini_section

__all__ = [
    "AMBIGUOUS_FIXTURES",
    "KNOWN",
    "NOT_SOURCE",
    "Needed",
    "Plugin",
    "needed_plugins",
    "pytest_collects",
    "pytest_settings",
    "reporting_failures",
    "undeclared",
    "verify_options",
    "without_source_checks",
]


@dataclass(frozen=True)
class Plugin:
    """What shows that a project's tests use a plugin."""

    options: tuple[str, ...] = ()  # in addopts: the option, ``--opt=...`` or a longer ``--opt-x``
    settings: tuple[str, ...] = ()  # ini keys the plugin registers
    fixtures: tuple[str, ...] = ()


#: Well-known pytest plugins by distribution name.
KNOWN: Mapping[str, Plugin] = {
    "pytest-cov": Plugin(options=("--cov", "--no-cov")),
    "pytest-xdist": Plugin(options=("-n", "--numprocesses", "--dist", "--maxprocesses")),
    "pytest-timeout": Plugin(
        options=("--timeout",), settings=("timeout", "timeout_method", "timeout_func_only")
    ),
    "pytest-asyncio": Plugin(
        options=("--asyncio-mode",),
        settings=(
            "asyncio_mode",
            "asyncio_default_fixture_loop_scope",
            "asyncio_default_test_loop_scope",
        ),
    ),
    "pytest-mock": Plugin(
        settings=("mock_use_standalone_module", "mock_traceback_monkeypatch"),
        fixtures=("mocker", "class_mocker", "module_mocker", "package_mocker", "session_mocker"),
    ),
    "pytest-benchmark": Plugin(options=("--benchmark",), fixtures=("benchmark",)),
    "pytest-rerunfailures": Plugin(options=("--reruns", "--only-rerun")),
    "pytest-randomly": Plugin(options=("--randomly",)),
    "pytest-env": Plugin(settings=("env",)),
    "pytest-httpx": Plugin(fixtures=("httpx_mock",)),
    "requests-mock": Plugin(fixtures=("requests_mock",)),
    "time-machine": Plugin(fixtures=("time_machine",)),
    "pyfakefs": Plugin(fixtures=("fs",)),
    "pytest-datadir": Plugin(fixtures=("datadir", "shared_datadir", "original_datadir")),
    "pytest-qt": Plugin(fixtures=("qtbot",)),
}
#: Fixtures several plugins provide (pytest-localserver's ``httpserver``, pytest-freezegun's
#: ``freezer``, pytest-snapshot's ``snapshot``): named in a hint, never installed.
AMBIGUOUS_FIXTURES: Mapping[str, tuple[str, ...]] = {
    "pytest-httpserver": ("httpserver",),
    "pytest-freezer": ("freezer",),
    "syrupy": ("snapshot",),
}


@dataclass(frozen=True)
class Needed:
    """A plugin the tests need: the requirement to install and what in the project says so."""

    requirement: str
    reason: str


# ----------------------------------------------------------------------------- pytest settings
def _toml(path: Path) -> dict[str, Any] | None:
    tool = read_pyproject(path).get("tool", {})
    pytest = tool.get("pytest", {}) if isinstance(tool, dict) else {}
    if not isinstance(pytest, dict) or not pytest:
        return None
    legacy = pytest.get("ini_options")
    return dict(legacy) if isinstance(legacy, dict) else dict(pytest)


def pytest_settings(root: Path) -> tuple[dict[str, Any], str] | None:
    """pytest's settings for a run from ``root`` and the file and table they are in."""
    for name, section in (
        ("pytest.ini", "pytest"),
        (".pytest.ini", "pytest"),
        ("pyproject.toml", ""),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    ):
        path = root / name
        if not path.is_file():
            continue
        found = _toml(path) if name == "pyproject.toml" else ini_section(path, section)
        if found is not None:
            return found, (f"{name} [{section}]" if section else f"{name} [tool.pytest]")
        if name == "pytest.ini":
            return {}, name  # pytest.ini decides even without a [pytest] section
    return None


def _words(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    try:
        return shlex.split(str(value))
    except ValueError:
        return str(value).split()


def _uses_option(option: str, word: str) -> bool:
    if option == "-n":  # -n 4, -n4, -nauto
        return word == "-n" or (word.startswith("-n") and word[2:3].isalnum())
    return word == option or word.startswith((option + "=", option + "-"))


def _from_settings(settings: Mapping[str, Any], where: str) -> Iterator[Needed]:
    for requirement in _words(settings.get("required_plugins", "")):
        if requirement_name(requirement):
            yield Needed(requirement, f"{where} required_plugins names it")
    words = _words(settings.get("addopts", ""))
    for name, plugin in KNOWN.items():
        used = next((w for w in words for o in plugin.options if _uses_option(o, w)), None)
        if used is not None:
            yield Needed(name, f"{where} addopts pass {used}")
        key = next((k for k in plugin.settings if k in settings), None)
        if key is not None:
            yield Needed(name, f"{where} sets {key}")


#: pytest plugins that check the source files rather than run tests, by the name ``-p no:`` takes
#: and the option that turns each on: the gate ran them on the tree; against the installed wheel,
#: in a copy of the tree without the package, they judge a different tree (ruff's isort sees the
#: package as third-party, pytest-checkdocs builds whatever pyproject.toml it finds).
SOURCE_CHECKS = {
    "ruff": "--ruff",
    "mypy": "--mypy",
    "checkdocs": "",
    "flake8": "--flake8",
    "black": "--black",
    "isort": "--isort",
    "pylint": "--pylint",
    "pycodestyle": "--pycodestyle",
}


def _addopts(root: Path) -> list[str]:
    found = pytest_settings(root)
    return _words(found[0].get("addopts", "")) if found else []


def verify_options(root: Path) -> list[str]:
    """What verify passes to pytest: :func:`without_source_checks` and
    :func:`reporting_failures`, from one reading of the project's settings."""
    words = _addopts(root)
    return [*_without_source_checks(words), *_reporting_failures(words)]


def without_source_checks(root: Path) -> list[str]:
    """``-p no:<plugin>`` for each source check the project's pytest settings do not turn on
    themselves (blocking a plugin whose option ``addopts`` passes would be a usage error)."""
    return _without_source_checks(_addopts(root))


def _without_source_checks(words: list[str]) -> list[str]:
    args = []
    for name, option in SOURCE_CHECKS.items():
        if not (option and any(_uses_option(option, w) for w in words)):
            args += ["-p", f"no:{name}"]
    return args


def reporting_failures(root: Path) -> list[str]:
    """``-r`` with the project's own report characters and ``f``/``E``, when its ``addopts``
    leave failures and errors out of pytest's short summary (uvicorn's ``-rxXs``): the summary's
    ``FAILED`` lines name what failed in the ERROR line, and are what the rerun of a flaky test
    runs again. Empty when the summary already has them (pytest's default is ``-rfE``)."""
    return _reporting_failures(_addopts(root))


def _reporting_failures(words: list[str]) -> list[str]:
    chars = None
    for at, word in enumerate(words):  # the last -r wins, as in pytest
        if word == "-r" and at + 1 < len(words):
            chars = words[at + 1]
        elif word.startswith("-r") and len(word) > 2 and not word.startswith("-r-"):
            chars = word[2:]
    if chars is None or "A" in chars or ("a" in chars and "N" not in chars):
        return []
    kept = chars.replace("N", "")
    missing = "".join(c for c in "fE" if c not in kept)
    return [f"-r{kept}{missing}"] if missing else []


# ------------------------------------------------------------------------------------ fixtures
#: Directories never searched for tests: VCS, tool environments, builds, releasekit's own state.
NOT_SOURCE = frozenset({"node_modules", "build", "dist", "site", "venv", "env", "__pycache__"})


def pytest_collects(name: str) -> bool:
    """Whether pytest's default ``python_files`` (``test_*.py``, ``*_test.py``) match."""
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def _test_sources(root: Path) -> Iterator[Path]:
    for top, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in NOT_SOURCE)
        for name in sorted(files):
            if name == "conftest.py" or pytest_collects(name):
                yield Path(top, name)


def _decorator_name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return ast.unparse(target).rsplit(".", 1)[-1]


def _strings(call: ast.Call) -> list[str]:
    found = [a.value for a in call.args if isinstance(a, ast.Constant)]
    return [word for value in found if isinstance(value, str) for word in value.split(",")]


def _argnames(node: ast.expr) -> list[str]:
    """``parametrize``'s first argument: ``"a, b"`` or ``("a", "b")``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [word.strip() for word in node.value.split(",")]
    if isinstance(node, ast.List | ast.Tuple):
        values = [e.value for e in node.elts if isinstance(e, ast.Constant)]
        return [value for value in values if isinstance(value, str)]
    return []


@dataclass
class _Fixtures:
    """The fixtures a project's test files ask for and the ones they define."""

    used: dict[str, Path] = field(default_factory=dict)
    defined: set[str] = field(default_factory=set)

    def read(self, path: Path) -> None:
        try:  # bytes: a coding declaration (latin-1) applies, as for pytest's import
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except (OSError, SyntaxError, ValueError):
            return  # pytest reports it when it collects the file
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _decorator_name(node) == "usefixtures":
                self._use(_strings(node), path)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._function(node, path)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, path: Path) -> None:
        fixture = False
        parametrized: set[str] = set()
        for decorator in node.decorator_list:
            name = _decorator_name(decorator)
            if name in {"fixture", "yield_fixture"}:
                fixture = True
                given = isinstance(decorator, ast.Call) and next(
                    (k.value for k in decorator.keywords if k.arg == "name"), None
                )
                if isinstance(given, ast.Constant) and isinstance(given.value, str):
                    self.defined.add(given.value)
            elif name == "parametrize" and isinstance(decorator, ast.Call) and decorator.args:
                parametrized.update(_argnames(decorator.args[0]))
        if fixture:
            self.defined.add(node.name)
        if fixture or node.name.startswith("test"):
            args = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            self._use([a.arg for a in args if a.arg not in parametrized], path)

    def _use(self, names: list[str], path: Path) -> None:
        for name in names:
            self.used.setdefault(name.strip(), path)


def _from_fixtures(root: Path) -> Iterator[Needed]:
    fixtures = _Fixtures()
    for path in _test_sources(root):
        fixtures.read(path)
    for name, plugin in KNOWN.items():
        for fixture in plugin.fixtures:
            if fixture in fixtures.used and fixture not in fixtures.defined:
                where = fixtures.used[fixture].relative_to(root).as_posix()
                yield Needed(name, f"{where} uses its fixture {fixture!r}")
                break


def needed_plugins(root: Path, *, fixtures: bool) -> tuple[Needed, ...]:
    """The plugins the project at ``root`` says its tests need, one :class:`Needed` each; the
    fixtures its tests use count only with ``fixtures`` (the project declares no test
    dependencies)."""
    found: dict[str, Needed] = {}
    settings = pytest_settings(root)
    both = [
        *(_from_settings(*settings) if settings is not None else ()),
        *(_from_fixtures(root) if fixtures else ()),
    ]
    for needed in both:
        found.setdefault(requirement_name(needed.requirement), needed)
    return tuple(found.values())


def undeclared(needed: Collection[Needed], names: Collection[str]) -> list[Needed]:
    """The ``needed`` plugins that none of the project-name ``names`` (canonical) installs."""
    return [n for n in needed if requirement_name(n.requirement) not in names]
