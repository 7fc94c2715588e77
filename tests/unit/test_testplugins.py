"""The pytest plugins a project's files imply: pytest's settings where pytest reads them, and
the fixtures its tests ask for but do not define."""

from __future__ import annotations

import os
import string
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from releasekit.testoutput import rerun_ids
from releasekit.testplugins import (
    KNOWN,
    Needed,
    needed_plugins,
    pytest_settings,
    reporting_failures,
    undeclared,
    without_source_checks,
)
from releasekit.venv import uv_binary


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _names(root: Path, *, fixtures: bool = True) -> dict[str, str]:
    return {n.requirement: n.reason for n in needed_plugins(root, fixtures=fixtures)}


def test_addopts_in_setup_cfg_imply_the_plugins_of_their_options(tmp_path: Path) -> None:
    """cookiecutter's setup.cfg."""
    cfg = "[tool:pytest]\naddopts = -vvv --cov-report term-missing --cov=cookiecutter -n 2\n"
    found = _names(_write(tmp_path, {"setup.cfg": cfg}))
    assert found == {
        "pytest-cov": "setup.cfg [tool:pytest] addopts pass --cov-report",
        "pytest-xdist": "setup.cfg [tool:pytest] addopts pass -n",
    }


def test_pytest_reads_the_first_settings_file_only(tmp_path: Path) -> None:
    """pytest.ini wins over pyproject.toml, even without a [pytest] section; a pyproject.toml
    without a pytest table is passed over for tox.ini's [pytest]."""
    _write(tmp_path, {"tox.ini": "[pytest]\naddopts = --timeout=5\n"})
    _write(tmp_path, {"pyproject.toml": "[project]\nname = 'x'\n"})
    assert _names(tmp_path) == {"pytest-timeout": "tox.ini [pytest] addopts pass --timeout=5"}
    _write(tmp_path, {"pytest.ini": "# no section\n"})
    assert pytest_settings(tmp_path) == ({}, "pytest.ini")
    assert _names(tmp_path) == {}


def test_pyproject_lists_settings_and_required_plugins(tmp_path: Path) -> None:
    pyproject = """
[tool.pytest.ini_options]
addopts = ["--benchmark-disable", "-p", "no:cacheprovider"]
asyncio_mode = "auto"
required_plugins = "pytest-html>=4 pytest-cov"
"""
    found = _names(_write(tmp_path, {"pyproject.toml": pyproject}))
    where = "pyproject.toml [tool.pytest]"
    assert found == {
        "pytest-html>=4": f"{where} required_plugins names it",
        "pytest-cov": f"{where} required_plugins names it",
        "pytest-benchmark": f"{where} addopts pass --benchmark-disable",
        "pytest-asyncio": f"{where} sets asyncio_mode",
    }


def test_options_match_whole_names_only(tmp_path: Path) -> None:
    """pytest's own --co and --color, -no-header ..., are not a plugin's --cov or -n."""
    cfg = "[pytest]\naddopts = --co --color=yes --no-header --covers --nx --timeout_x\n"
    assert _names(_write(tmp_path, {"pytest.ini": cfg})) == {}


FIXTURE_TESTS = """\
import pytest


def test_patch(mocker):
    pass


@pytest.mark.usefixtures("requests_mock")
def test_http():
    pass


@pytest.mark.parametrize("fs", [1, 2])
def test_parametrized(fs):
    pass


class TestClock:
    async def test_travel(self, time_machine):
        pass
"""


def test_fixtures_of_known_plugins_the_tests_ask_for(tmp_path: Path) -> None:
    found = _names(_write(tmp_path, {"tests/test_a.py": FIXTURE_TESTS}))
    assert found == {
        "pytest-mock": "tests/test_a.py uses its fixture 'mocker'",
        "requests-mock": "tests/test_a.py uses its fixture 'requests_mock'",
        "time-machine": "tests/test_a.py uses its fixture 'time_machine'",
    }  # `fs` is a parametrize argument here, not pyfakefs's fixture
    assert _names(tmp_path, fixtures=False) == {}


def test_a_fixture_the_project_defines_is_not_a_plugin(tmp_path: Path) -> None:
    conftest = (
        "import pytest\n\n@pytest.fixture\ndef mocker():\n    return None\n\n"
        "@pytest.fixture(name='requests_mock')\ndef _requests():\n    return None\n"
    )
    _write(tmp_path, {"tests/test_a.py": FIXTURE_TESTS, "tests/conftest.py": conftest})
    assert set(_names(tmp_path)) == {"time-machine"}


def test_files_pytest_would_not_collect_are_not_read(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "tests/helpers.py": FIXTURE_TESTS,  # not a test module
            "build/lib/test_old.py": FIXTURE_TESTS,  # a build directory
            ".tox/py/test_x.py": FIXTURE_TESTS,  # hidden
            "tests/test_broken.py": "def test_(:\n",  # pytest reports that one itself
        },
    )
    (tmp_path / "tests/test_latin.py").write_bytes(b"# -*- coding: latin-1 -*-\n# caf\xe9\n")
    assert _names(tmp_path) == {}


def test_undeclared_keeps_what_the_dependencies_do_not_name() -> None:
    needed = [Needed("pytest-cov>=4", "a"), Needed("pytest_mock", "b")]
    assert undeclared(needed, {"pytest-mock"}) == [Needed("pytest-cov>=4", "a")]
    assert undeclared(needed, set()) == needed


_LINE = st.text(alphabet=string.printable.replace("\n", "").replace("\r", ""), max_size=80)


@settings(max_examples=150, deadline=None)
@given(addopts=_LINE, key=_LINE, test=st.text(max_size=200))
def test_any_settings_or_test_file_text_never_raises(
    tmp_path_factory: object, addopts: str, key: str, test: str
) -> None:
    """Whatever a project's files hold, reading them gives a tuple of known names (or
    required_plugins' own requirements) and never an exception: pytest judges them later."""
    root = tmp_path_factory.mktemp("p")  # type: ignore[attr-defined]
    files = {
        "setup.cfg": f"[tool:pytest]\naddopts = {addopts}\n{key} = 1\n",
        "tests/test_any.py": test,
    }
    found = needed_plugins(_write(root, files), fixtures=True)
    assert {n.requirement for n in found} <= set(KNOWN)


def test_source_checks_are_left_out_unless_addopts_turn_them_on(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --mypy -ra\n")
    args = without_source_checks(tmp_path)
    assert "no:ruff" in args and "no:checkdocs" in args
    assert "no:mypy" not in args  # blocking it would make --mypy a usage error


RUFF_CONFIG = '[project]\nname = "pkg"\nversion = "1"\n\n[tool.ruff.lint]\nselect = ["I"]\n'
UNSORTED = "import pkg\nimport os\n\n\ndef test_pkg():\n    assert os and pkg\n"


def test_real_pytest_ruff_turned_on_by_pytest_enabler_is_left_out(tmp_path: Path) -> None:
    """importlib-metadata's shape: pytest-enabler turns pytest-ruff on where it is installed;
    in verify's copy of the tree, without the package, ruff's isort judged ``import
    importlib_metadata`` third-party and failed files the gate passed. Here a file ruff fails
    either way stands for them. Real pytest, pytest-enabler and pytest-ruff."""
    uv = uv_binary() or "uv"
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "-q", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    install = [uv, "pip", "install", "-q", "--python", python]
    subprocess.run([*install, "pytest", "pytest-enabler", "pytest-ruff"], check=True)
    root = tmp_path / "copy"
    (root / "tests").mkdir(parents=True)
    (root / "pyproject.toml").write_text(RUFF_CONFIG)
    (root / "tests" / "test_pkg.py").write_text(UNSORTED)
    (root / "pkg.py").write_text("")  # stands for the installed package
    env = {**os.environ, "PYTHONPATH": str(root)}
    pytest = [python, "-m", "pytest", "-p", "no:cacheprovider", "tests"]
    plain = subprocess.run(pytest, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert plain.returncode == 1 and "I001" in plain.stdout  # the check this is about
    left_out = [*pytest, *without_source_checks(root)]
    done = subprocess.run(left_out, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout
    assert "1 passed" in done.stdout


@pytest.mark.parametrize(
    ("addopts", "expected"),
    [
        ('"-rxXs --strict-config -n 8"', ["-rxXsfE"]),  # uvicorn's
        ('"-r s -q"', ["-rsfE"]),
        ('"-rfE"', []),
        ('"-ra"', []),
        ('"-rA"', []),
        ('"-rN"', ["-rfE"]),
        ('"-rs -rf"', ["-rfE"]),  # the last -r wins, as in pytest
        ('"-q"', []),  # pytest's default is -rfE
        ("['-rxX', '-v']", ["-rxXfE"]),
    ],
)
def test_failures_are_in_the_short_summary_whatever_addopts_say(
    tmp_path: Path, addopts: str, expected: list[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.pytest.ini_options]\naddopts = {addopts}\n")
    assert reporting_failures(tmp_path) == expected


def test_a_failure_addopts_hide_is_named_and_can_be_run_again(tmp_path: Path) -> None:
    """uvicorn's ``-rxXs``: pytest's short summary had no FAILED line, so the ERROR line named
    no test and the flaky test was not run again. Real pytest."""
    _write(
        tmp_path,
        {
            "pyproject.toml": '[tool.pytest.ini_options]\naddopts = "-rxXs -p no:cacheprovider"\n',
            "tests/test_it.py": "def test_sighup():\n    assert False\n",
        },
    )
    pytest_argv = [sys.executable, "-m", "pytest", "tests"]

    def run(*extra: str) -> str:
        done = subprocess.run(
            [*pytest_argv, *extra], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert done.returncode == 1
        return done.stdout

    assert rerun_ids(run()) == []  # what the gate saw
    assert rerun_ids(run(*reporting_failures(tmp_path))) == ["tests/test_it.py::test_sighup"]
