"""Detection of how a project runs its tests, over project shapes written to tmp directories."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from releasekit.config import load_config
from releasekit.errors import ConfigError
from releasekit.testenv import (
    EnvSpec,
    detect,
    has_tests,
    nox_sessions,
    plugin_install_args,
    requirements_for_tests,
    rerun_argv,
    tox_envs,
)

PY = f"{sys.version_info.major}.{sys.version_info.minor}"
PYXY = f"py{sys.version_info.major}{sys.version_info.minor}"
RUNS = "\ncommands = pytest\n"  # an environment that runs something
PROJECT = '[project]\nname = "demo-pkg"\nversion = "1.0"\n'


def _detect(tmp_path: Path, pyproject: str = "", **files: str) -> EnvSpec:
    (tmp_path / "pyproject.toml").write_text(PROJECT + pyproject)
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text)
    return detect(tmp_path, load_config(tmp_path, environ={}))


#: jsonschema's noxfile: its own ``session`` wrapper, the Pythons in a module-level list. Without
#: the list read, ``-s tests`` ran every Python's session and failed on those not installed.
JSONSCHEMA_NOX = f"""\
import nox

SUPPORTED = ["3.9", "pypy3.11", "{PY}", "3.13"]
LATEST_STABLE = SUPPORTED[-1]


def session(default=True, python=LATEST_STABLE, **kwargs):
    def _session(fn):
        return nox.session(python=python, **kwargs)(fn)
    return _session


@session(python=SUPPORTED)
@nox.parametrize("installable", ["a", "b"])
def tests(session, installable): ...
"""


# packaging's: Pythons computed from pyproject.toml, plus free-threaded and PyPy ones; ``nox -s
# tests`` ran all ten (nine not installed here). Real nox lists them (``--list --json``).
PACKAGING_NOX = f"""\
import nox

PYTHON_VERSIONS = [f"3.{{minor}}" for minor in range(10, 15)]


@nox.session(python=[*PYTHON_VERSIONS, "3.13t", "pypy3.11"], default=False)
def tests(session): ...


@nox.session(python="{PY}")
def lint(session): ...
"""


@pytest.mark.parametrize(
    ("noxfile", "expected"),
    [
        ("import nox\n\n@nox.session\ndef tests(session): ...\n", "tests"),
        ("from nox import session\n\n@session(python=False)\ndef test(s): ...\n", "test"),
        ("import nox\n\n@nox.session(name='pytest')\ndef run_them(s): ...\n", "pytest"),
        (f"import nox\n\n@nox.session(python=['3.9', '{PY}'])\ndef tests(s): ...\n", f"tests-{PY}"),
        ("import nox\n\n@nox.session(python=['3.8', '3.9'])\ndef tests(s): ...\n", "tests-3.8"),
        ("import releasekit.nox\n\nreleasekit.nox.install()\n", "tests"),
        (JSONSCHEMA_NOX, f"tests-{PY}"),
        (PACKAGING_NOX, f"tests-{PY}"),
    ],
    ids=[
        "bare",
        "from-import",
        "named",
        "running-python",
        "first-python",
        "releasekit.nox",
        "pythons-by-name",
        "computed-pythons",
    ],
)
def test_nox_session(tmp_path: Path, noxfile: str, expected: str) -> None:
    spec = _detect(tmp_path, noxfile__py=noxfile)
    assert spec.kind == "nox" and spec.tool == "nox"
    assert spec.argv[-3:] == ("--error-on-missing-interpreters", "-s", expected)


def test_a_noxfile_without_a_test_session_falls_through(tmp_path: Path) -> None:
    spec = _detect(tmp_path, noxfile__py="import nox\n\n@nox.session\ndef lint(s): ...\n")
    assert spec.kind == "venv"


def test_a_broken_noxfile_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "noxfile.py").write_text("def broken(:\n")
    with pytest.raises(ConfigError, match=r"noxfile.py: cannot be read"):
        nox_sessions(tmp_path / "noxfile.py")


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("tox.ini", f"[tox]\nenvlist = py39, {PYXY}, lint\n[testenv]\ncommands = pytest\n", PYXY),
        (
            "tox.ini",
            f"[tox]\nenv_list = lint, py{{38,{PYXY[2:]}}}-django{{4,5}}\n[testenv]" + RUNS,
            f"{PYXY}-django4",
        ),
        (
            "tox.ini",
            "[tox]\nenvlist = py3{13,12,11,10,9}\n[testenv]\ncommands = pytest\n",
            f"py3{sys.version_info.minor}",
        ),
        ("tox.toml", f'env_list = ["py3.14", "py{PY}", "style"]\n', f"py{PY}"),
        ("tox.toml", f'env_list = ["lint", "{PY}"]\n', PY),
        # no environment for the running Python: tox's own ``py``, never another Python
        (
            "tox.ini",
            "[tox]\nenv_list = lint, py{38,39}-django{4,5}\n[testenv]\ncommands = pytest\n",
            "py",
        ),
        ("tox.ini", "[testenv]\ncommands = pytest\n", "py"),
        ("setup.cfg", "[tox:tox]\nenvlist = py310\n[testenv]\ncommands = pytest\n", "py"),
    ],
)
def test_tox_environment(tmp_path: Path, name: str, text: str, expected: str) -> None:
    spec = _detect(tmp_path, **{name.replace(".", "__"): text})
    assert spec.kind == "tox"
    assert spec.argv[-2:] == ("-e", expected)
    assert "--skip-missing-interpreters" in spec.argv


STRUCTLOG_TOX = """[tox]
env_list =
    pre-commit,
    3.1{0-5}-{tests,mypy}
    3.1{0,3}-tests-{colorama,be,rich},
    typing-{mypy,pyright},

[testenv]
package = wheel
dependency_groups =
    tests: tests
    mypy: typing
commands =
    tests: pytest {posargs}
    mypy: mypy tests/typing

[testenv:3.1{0,3}-tests{,-colorama,-be,-rich}]
commands = coverage run -m pytest {posargs}
"""


def test_the_tox_environment_that_runs_the_tests_for_this_python(tmp_path: Path) -> None:
    """structlog's tox.ini: a numeric range (``3.1{0-5}``) and factor-conditioned commands.
    ``py`` runs nothing there (tox reports OK having run no test); ``3.11-tests`` is the one,
    chosen before ``3.11-mypy`` even when listed after it."""
    spec = _detect(tmp_path, tox__ini=STRUCTLOG_TOX)
    assert spec.argv[-2:] == ("-e", f"{PY}-tests")
    mypy_first = STRUCTLOG_TOX.replace("{tests,mypy}", "{mypy,tests}")
    assert _detect(tmp_path, tox__ini=mypy_first).argv[-2:] == ("-e", f"{PY}-tests")
    # a section of a generative name gives its environments their commands
    only_section = "[tox]\nenv_list = 3.1{0-5}-rich\n[testenv:3.1{0-5}-rich]\ncommands = pytest\n"
    assert _detect(tmp_path, tox__ini=only_section).argv[-2:] == ("-e", f"{PY}-rich")


LOGURU_TOX = """[tox]
envlist = lint, tests, docs, build, py3.8-tests

[testenv]
extras = dev

[testenv:lint]
commands = pre-commit run --all-files

[testenv:tests]
commands = pytest -vv --cov loguru/

[testenv:docs]
commands = sphinx-build docs/ docs/build
"""


def test_a_test_environment_without_a_python_factor_runs_on_tox_s_python(tmp_path: Path) -> None:
    """loguru's tox.ini: ``tests`` is the one (``py`` runs nothing there); one for another
    Python (``py3.8-tests``) never is."""
    assert _detect(tmp_path, tox__ini=LOGURU_TOX).argv[-2:] == ("-e", "tests")


def test_a_tox_environment_that_runs_no_commands_is_passed_over(tmp_path: Path) -> None:
    """tox installs the project and reports OK for an environment without commands: such a
    gate would pass having run no test, so the gate makes its own venv and says why."""
    no_python = STRUCTLOG_TOX.replace("3.1{0-5}-{tests,mypy}", "3.1{0,2}-{tests,mypy}")
    spec = _detect(tmp_path, tox__ini=no_python)
    assert spec.kind == "venv"
    assert spec.source == (
        "releasekit's own venv: tox environment 'py' (tox.ini) runs no commands (they are "
        "for factors it lacks): tox would report OK having run no test"
    )
    spec = _detect(tmp_path, tox__ini=f"[tox]\nenv_list = {PYXY}\n")
    assert spec.kind == "venv" and f"'{PYXY}' (tox.ini) runs no commands" in spec.source


def test_tox_in_pyproject(tmp_path: Path) -> None:
    native = _detect(tmp_path, f'[tool.tox]\nenv_list = ["py38", "{PYXY}"]\n')
    assert native.argv[-1] == PYXY
    legacy = _detect(
        tmp_path,
        '[tool.tox]\nlegacy_tox_ini = """\n[tox]\nenvlist = lint\n[testenv]' + RUNS + '"""\n',
    )
    assert legacy.argv[-1] == "py"


def test_setup_cfg_without_tox_is_not_tox(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    assert tox_envs(tmp_path, {}) is None


@pytest.mark.parametrize(
    ("table", "argv_tail"),
    [
        ("[tool.hatch.envs.hatch-test]\n", ("test",)),
        ("[tool.hatch.envs.test.scripts]\ntest = 'pytest {args}'\n", ("run", "test:test")),
        ("[tool.hatch.envs.test]\ndependencies = ['pytest']\n", ("run", "test:pytest")),
        (
            f"[tool.hatch.envs.test]\n[[tool.hatch.envs.test.matrix]]\npython = ['3.8', '{PY}']\n"
            "[tool.hatch.envs.test.scripts]\nrun = 'pytest'\n",
            ("run", f"+py={PY}", "test:run"),
        ),
        (
            f"[[tool.hatch.envs.hatch-test.matrix]]\npython = ['3.14', '{PY}']\n",
            ("test", "--python", PY),
        ),
    ],
)
def test_hatch(tmp_path: Path, table: str, argv_tail: tuple[str, ...]) -> None:
    spec = _detect(tmp_path, table)
    assert spec.kind == "hatch"
    assert spec.argv[-len(argv_tail) :] == argv_tail


def test_a_hatch_matrix_without_the_running_python_is_releasekits_venv(tmp_path: Path) -> None:
    spec = _detect(tmp_path, "[[tool.hatch.envs.test.matrix]]\npython = ['3.7', '3.8']\n")
    assert spec.kind == "venv"
    assert f"matrix has no Python {PY}" in spec.source


def test_tox_uv_runner_needs_the_plugin(tmp_path: Path) -> None:
    """tox here has tox-uv (the adoption session installs it) unless RELEASEKIT's test env
    lacks it; either way the spec says so exactly when ``tox --version`` does not list it."""
    table = (
        '[tool.tox]\nenv_list = ["py"]\n[tool.tox.env_run_base]\nrunner = "uv-venv-lock-runner"\n'
    )
    spec = _detect(tmp_path, table)
    lacks = spec.missing is False and importlib.util.find_spec("tox_uv") is None
    assert spec.tool_plugin == ("tox-uv" if lacks else None)
    assert _detect(tmp_path, '[tool.tox]\nenv_list = ["py"]\n').tool_plugin is None


#: pytest-asyncio's tox.ini: its own pip command installs its pinned requirements.
PIP_INSTALL = """\
[tox]
envlist = py39, {env}
[testenv]
install_command = python -m pip install \\
    --constraint dependencies/default/constraints.txt \\
    {{opts}} {{packages}}
commands = make test
"""


@pytest.mark.parametrize(
    ("files", "override"),
    [
        ({"tox__ini": PIP_INSTALL.format(env=PYXY)}, True),
        ({"tox__ini": "[testenv]\ninstall_command = pip3 install {opts} {packages}" + RUNS}, True),
        (
            {"tox__ini": "[testenv:py]\ninstall_command = /usr/bin/pip install {packages}" + RUNS},
            True,
        ),
        # another env's pip command, or none: tox's own runner, whichever it is
        (
            {
                "tox__ini": "[testenv:lint]\ninstall_command = pip install {packages}\n[testenv]"
                + RUNS
            },
            False,
        ),
        ({"tox__ini": "[testenv]\ndeps = pipdeptree\ncommands = pytest\n"}, False),
        # a configuration that names tox-uv's runners runs on them, as it says
        (
            {
                "tox__ini": "[testenv]\nrunner = uv-venv-runner\n"
                "install_command = pip install {packages}" + RUNS
            },
            False,
        ),
    ],
)
def test_a_tox_environment_installing_with_pip_stays_on_virtualenv(
    tmp_path: Path, files: dict[str, str], override: bool
) -> None:
    spec = _detect(tmp_path, **files)
    assert spec.kind == "tox"
    assert (spec.argv[-4:-2] == ("-x", "testenv.runner=virtualenv")) is override
    assert spec.argv[-2] == "-e"


@pytest.mark.parametrize(
    ("files", "option"),
    [
        ({"tox__ini": "[testenv]" + RUNS}, "testenv.uv_seed=true"),  # written for plain tox
        ({"tox__toml": 'env_list = ["py"]\n'}, "env_run_base.uv_seed=true"),
        ({"tox__ini": "[tox]\nrequires = tox-uv\n[testenv]" + RUNS}, None),  # for tox-uv
        ({"tox__ini": "[testenv]\nrunner = uv-venv-lock-runner" + RUNS}, None),
        # python-dateutil's: tox provisions tox 3, which refuses -x (and has no tox-uv)
        (
            {"tox__ini": "[tox]\nrequires =\n    tox<4\n    virtualenv<20.22\n[testenv]" + RUNS},
            None,
        ),
        ({"tox__ini": "[tox]\nrequires = tox>=4.2\n[testenv]" + RUNS}, "testenv.uv_seed=true"),
    ],
)
def test_a_configuration_for_plain_tox_gets_seeded_environments(
    tmp_path: Path, files: dict[str, str], option: str | None
) -> None:
    """rich's tox.ini runs ``poetry install`` in its environment, which needs the pip that
    virtualenv seeds and tox-uv's environments lack."""
    argv = _detect(tmp_path, **files).argv
    seeded = [argv[at + 1] for at, arg in enumerate(argv) if arg == "-x"]
    assert seeded == ([option] if option else [])


def test_detection_order_nox_before_tox_before_hatch(tmp_path: Path) -> None:
    hatch = "[tool.hatch.envs.hatch-test]\n"
    tox = "[tox]\nenvlist = py311\n[testenv]\ncommands = pytest\n"
    nox = "import nox\n\n@nox.session\ndef tests(s): ...\n"
    assert _detect(tmp_path, hatch, tox__ini=tox, noxfile__py=nox).kind == "nox"
    (tmp_path / "noxfile.py").unlink()
    assert _detect(tmp_path, hatch).kind == "tox"
    (tmp_path / "tox.ini").unlink()
    assert _detect(tmp_path, hatch).kind == "hatch"


def test_a_configured_gate_command_wins(tmp_path: Path) -> None:
    spec = _detect(
        tmp_path,
        '[tool.releasekit]\ngate_command = "python -m pytest -x"\n',
        noxfile__py="import nox\n\n@nox.session\ndef tests(s): ...\n",
    )
    assert spec.kind == "configured"
    assert spec.argv == (sys.executable, "-m", "pytest", "-x")  # python: releasekit's own


def test_a_missing_tool_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"  # a PATH with git only: no tox there (``python -m tox`` if
    # this environment has tox, as releasekit's adoption session does)
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setenv("PATH", str(bin_dir))
    spec = _detect(tmp_path, tox__ini="[tox]\nenvlist = py311\n[testenv]\ncommands = pytest\n")
    assert spec.tool == "tox"
    assert spec.missing == (importlib.util.find_spec("tox") is None)


@pytest.mark.parametrize(
    ("pyproject", "requirements", "source"),
    [
        (
            '[dependency-groups]\ntest = ["pytest>=8", {include-group = "cov"}]\ncov = ["cov"]\n'
            'dev = ["ruff"]\n',
            ("pytest>=8", "cov"),
            "[dependency-groups] test",
        ),
        ('[dependency-groups]\ndev = ["hypothesis"]\n', ("hypothesis",), "[dependency-groups] dev"),
        (
            '[project.optional-dependencies]\ntesting = ["demo-pkg[extra]", "mock"]\n'
            'extra = ["attrs"]\n',
            ("attrs", "mock"),
            "[project.optional-dependencies] testing",
        ),
        (
            '[tool.poetry.group.test.dependencies]\npytest = "^8.1"\nmock = "*"\nx = "1.2"\n'
            'y = {version = ">=2", extras = ["a"]}\nlocal = {path = "../local"}\n',
            ("pytest>=8.1", "mock", "x==1.2", "y[a]>=2"),
            "[tool.poetry.group.test]",
        ),
        ('[tool.poetry.dev-dependencies]\npython = "^3.11"\nmock = "~1.0"\n', ("mock>=1.0",), None),
        ("", (), None),
    ],
    ids=[
        "group-include",
        "dev-group",
        "extra-self-reference",
        "poetry-group",
        "poetry-dev",
        "none",
    ],
)
def test_test_requirements(
    tmp_path: Path, pyproject: str, requirements: tuple[str, ...], source: str | None
) -> None:
    spec = _detect(tmp_path, pyproject)
    assert spec.kind == "venv" and spec.argv == ("-m", "pytest")
    assert spec.requirements == requirements
    if source:
        assert spec.requirements_source == source


def test_a_bad_dependency_group_is_one_config_error(tmp_path: Path) -> None:
    data = {"dependency-groups": {"test": [{"include-group": "nope"}]}}
    with pytest.raises(ConfigError, match=r"\[dependency-groups\] test"):
        requirements_for_tests(data, tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    "pyproject",
    [
        '[dependency-groups]\ntest = ["pytest", "pytest-releasekit>=0.1"]\n',
        "[tool.releasekit.gate]\n",
    ],
    ids=["in-test-requirements", "gate-table"],
)
def test_gate_flag_when_the_project_uses_the_plugin(tmp_path: Path, pyproject: str) -> None:
    spec = _detect(tmp_path, pyproject)
    assert spec.plugin and spec.argv == ("-m", "pytest", "--gate")
    assert all("releasekit" not in r for r in spec.requirements)  # installed from our copy


def test_the_plugin_is_installed_from_releasekit_own_copy() -> None:
    import importlib.metadata

    args = plugin_install_args()
    dist = importlib.metadata.distribution("pytest-releasekit")
    if dist.read_text("direct_url.json"):  # a development install: its source directory
        assert Path(args[-1], "pyproject.toml").is_file()
    else:
        assert args == [f"pytest-releasekit=={dist.version}"]


def test_a_tox_without_tox_uv_is_a_gate_problem_with_the_fix() -> None:
    from releasekit.steps.gate import _missing_tool

    spec = EnvSpec("tox", ("tox", "-e", "py"), "tox environment 'py' (tox.toml)", tool="tox")
    assert _missing_tool(spec) is None
    problem = _missing_tool(
        EnvSpec("tox", spec.argv, spec.source, tool="tox", tool_plugin="tox-uv")
    )
    assert problem is not None
    assert "uses tox-uv's runner, but tox has not got the tox-uv plugin" in problem[0]
    assert "`pip install tox-uv`" in problem[1] and "gate_command" in problem[1]


CATTRS_TOX = f"""\
[tox]
envlist = {PYXY}, lint

[testenv:lint]
allowlist_externals =
    make
    rk-no-linter
commands =
    rk-no-linter check
    make lint

[testenv]
allowlist_externals =
    rk-no-sync
    git
    /usr/bin/*
    {PYXY}: rk-no-factor
    rk-not-here
commands_pre =
    rk-no-sync sync -G :all,test
    {PYXY}: rk-no-factor --check
    !{PYXY},nothing-x: rk-not-here
    - git --version
commands =
    rk-not-allowed tests
    coverage run -m pytest tests {{posargs:-n auto}}
"""


def test_a_tox_environment_running_a_missing_program_is_a_gate_problem(
    tmp_path: Path,
) -> None:
    """cattrs' tox.ini: its environments run `pdm sync` from outside (allowlist_externals); with
    no pdm on PATH tox stopped after the gate began. Only programs the chosen environment both
    allows and runs count (git is installed; patterns and paths are passed over; a program not
    allowed is the environment's own), with factor conditions read through."""
    from releasekit.steps.gate import _missing_tool

    spec = _detect(tmp_path, tox__ini=CATTRS_TOX)
    assert spec.kind == "tox" and spec.externals == ("rk-no-factor", "rk-no-sync")
    problem = _missing_tool(spec)
    assert problem is not None
    assert "whose commands run rk-no-factor, rk-no-sync from outside the environment" in problem[0]
    assert "are not installed" in problem[0] and "gate_command" in problem[1]
    # no environment for this Python listed: tox's `py`, where the factor condition is false
    other = CATTRS_TOX.replace(f"envlist = {PYXY}, lint", "envlist = lint")
    assert _detect(tmp_path, tox__ini=other).externals == ("rk-no-sync", "rk-not-here")
    # its own section: its settings first, the others inherited from [testenv]
    own = CATTRS_TOX.replace("[testenv:lint]", f"[testenv:{PYXY}]")
    assert _detect(tmp_path, tox__ini=own).externals == ("rk-no-linter",)
    assert _missing_tool(_detect(tmp_path, tox__ini=f"[tox]\nenvlist = {PYXY}\n")) is None


SH_TOX = f"""[tox]
envlist = {PYXY}-locale-{{c,utf8}}, lint

[testenv]
setenv =
    locale-c: LANG=C
commands =
    python sh_test.py {{posargs}}
"""


def test_a_tox_environment_running_a_script_not_in_the_project_is_passed_over(
    tmp_path: Path,
) -> None:
    """sh's tox.ini still runs ``python sh_test.py`` after its tests moved to ``tests/`` (its
    CI runs pytest through poetry): tox cannot run the tests, so the gate makes its own venv
    and says why; with the script there, or a ``changedir`` releasekit does not follow, tox."""
    spec = _detect(tmp_path, tox__ini=SH_TOX)
    assert spec.kind == "venv"
    assert spec.source == (
        f"releasekit's own venv: tox environment '{PYXY}-locale-c' (tox.ini) runs sh_test.py, "
        "which is not in the project"
    )
    assert (
        _detect(tmp_path, tox__ini=SH_TOX.replace("sh_test.py", "{toxinidir}/x.py")).kind == "tox"
    )
    changedir = SH_TOX.replace("commands =", "changedir = tests\ncommands =")
    assert _detect(tmp_path, tox__ini=changedir).kind == "tox"
    (tmp_path / "sh_test.py").write_text("")
    assert _detect(tmp_path, tox__ini=SH_TOX).kind == "tox"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"pkg/__init__.py": ""}, False),  # flake8's and rich's sdists: no tests shipped
        ({"pkg/__init__.py": "", ".tox/py/lib/test_x.py": ""}, False),  # not the project's
        ({"tests/__init__.py": ""}, True),
        ({"testing/conftest.py": ""}, True),
        ({"pkg/test_core.py": ""}, True),
        ({"pkg/core_test.py": ""}, True),
    ],
)
def test_has_tests(tmp_path: Path, files: dict[str, str], expected: bool) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert has_tests(tmp_path) is expected


@pytest.mark.parametrize(
    ("files", "pyproject", "named"),
    [
        # decorator 5.2: tests/test.py, run with unittest; pytest's defaults collect nothing
        (("tests/test.py", "tests/documentation.py"), "", ("tests/test.py",)),
        (("test/testing.py", "test/sub/tests.py"), "", ("test/sub/tests.py", "test/testing.py")),
        # pytest's own names there: pytest finds them itself
        (("tests/test.py", "tests/test_more.py"), "", ()),
        (("tests/test.py", "tests/more_test.py"), "", ()),
        # the project tells pytest which files are tests
        (("tests/test.py",), '[tool.pytest.ini_options]\npython_files = ["test.py"]\n', ()),
        (("tests/helpers.py",), "", ()),
    ],
    ids=["decorator", "nested", "test_-files", "_test-files", "python_files", "none"],
)
def test_test_modules_only_unittest_finds_are_named_to_pytest(
    tmp_path: Path, files: tuple[str, ...], pyproject: str, named: tuple[str, ...]
) -> None:
    for name in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("import unittest\n")
    spec = _detect(tmp_path, pyproject)
    assert spec.paths == named
    assert spec.command == (*spec.argv, *named)
    assert spec.display == " ".join(["python", "-m", "pytest", *named])
    assert rerun_argv(spec, ["tests/test.py::T::test_x"]) == (
        "-m",
        "pytest",
        "tests/test.py::T::test_x",
    )
