"""What verify copies and runs against the installed wheel, for each ``verify_tests`` setting."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from releasekit.config import load_config
from releasekit.testenv import plugin_install_args
from releasekit.wheeltests import Suite, copy_tree, dependencies_for_tests, runner_for, suites
from releasekit.workspace import load_workspace

PYPROJECT = """\
[project]
name = "demo-pkg"
version = "1.0"

[dependency-groups]
test = ["pytest>=8", "demo-pkg", "pytest-releasekit", "hypothesis"]
"""


def _ctx(root: Path, table: str = "", *, tests: bool = True) -> Any:
    (root / "pyproject.toml").write_text(PYPROJECT + table)
    if tests:
        (root / "tests" / "unit").mkdir(parents=True)
        (root / "tests" / "unit" / "test_a.py").write_text("def test_a(): pass\n")
    (root / "conftest.py").write_text("")
    config = load_config(root, environ={})
    return SimpleNamespace(root=root, config=config, workspace=load_workspace(root, config))


def test_auto_runs_the_tests_directory_with_the_conftest_and_config(tmp_path: Path) -> None:
    found, reason = suites(_ctx(tmp_path))
    assert reason is None
    assert found == [Suite(tmp_path, ("tests",), "demo-pkg")]


def test_auto_without_a_tests_directory_says_why(tmp_path: Path) -> None:
    assert suites(_ctx(tmp_path, tests=False)) == ([], "no tests/ or test/ directory")


def test_off(tmp_path: Path) -> None:
    assert suites(_ctx(tmp_path, "[tool.releasekit]\nverify_tests = false\n")) == (
        [],
        "verify_tests = false",
    )


def test_a_list_is_pytest_arguments_with_its_paths_copied(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, '[tool.releasekit]\nverify_tests = ["tests/unit", "-k", "fast"]\n')
    found, _ = suites(ctx)
    assert found == [Suite(tmp_path, ("tests/unit", "-k", "fast"), "verify_tests")]


def test_a_list_naming_no_existing_path_is_a_reason(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, '[tool.releasekit]\nverify_tests = ["nowhere"]\n')
    found, reason = suites(ctx)
    assert found == [] and reason and "names no existing path" in reason


def test_dependencies_skip_the_project_itself_and_use_releasekit_own_plugin(
    tmp_path: Path,
) -> None:
    wanted = dependencies_for_tests(_ctx(tmp_path), tmp_path / "copies")
    assert wanted[:2] == ["pytest>=8", "hypothesis"]  # no bare pytest: the group names it
    assert "demo-pkg" not in wanted and "pytest-releasekit" not in wanted
    assert wanted[2:] == plugin_install_args()  # the copy releasekit runs with


def test_dependencies_from_a_requirements_file_as_the_gate_finds_them(tmp_path: Path) -> None:
    """itsdangerous: requirements/tests.txt (freezegun); its ``-e .[extra]`` line becomes the
    project's name, which the installed wheel satisfies (never the source tree)."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo-pkg"\nversion = "1.0"\n'
        "[project.optional-dependencies]\nfast = ['attrs']\n"
    )
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "tests.txt").write_text("-e .[fast]\nfreezegun\n")
    config = load_config(tmp_path, environ={})
    ctx = SimpleNamespace(root=tmp_path, config=config, workspace=load_workspace(tmp_path, config))
    wanted = dependencies_for_tests(ctx, tmp_path / "copies")
    assert len(wanted) == 2 and wanted[0].startswith("-r") and wanted[1] == "pytest"
    copy = Path(wanted[0][2:])
    assert copy.parent == tmp_path / "copies"
    assert copy.read_text().splitlines() == ["demo-pkg[fast]", "freezegun"]


def test_the_copy_is_the_tracked_tree_without_what_the_wheels_install(tmp_path: Path) -> None:
    """pyparsing's tests import its undistributed examples/ package: it comes along. The
    packages and modules the wheel installs (flat or src/) stay behind, and so does what git
    does not track."""
    base = tmp_path / "project"
    files = {
        "pyparsing/__init__.py": "",
        "pyparsing/diagram/__init__.py": "",
        "src/other/__init__.py": "",
        "single.py": "",
        "single_helper.py": "",
        "examples/__init__.py": "",
        "examples/calc.py": "",
        "tests/__init__.py": "",
        "tests/test_unit.py": "",
        "tests/data/input.txt": "data",
        "conftest.py": "",
        "tox.ini": "",
        "pyproject.toml": "",
        "untracked.txt": "",
    }
    for rel, text in files.items():
        (base / rel).parent.mkdir(parents=True, exist_ok=True)
        (base / rel).write_text(text)
    subprocess.run(["git", "init", "-q"], cwd=base, check=True)
    subprocess.run(["git", "add", "-A", ":!untracked.txt"], cwd=base, check=True)
    into = tmp_path / "copy"
    copy_tree(base, into, {"pyparsing", "other", "single"})
    copied = sorted(p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file())
    assert copied == [
        "conftest.py",
        "examples/__init__.py",
        "examples/calc.py",
        "pyproject.toml",
        "single_helper.py",
        "tests/__init__.py",
        "tests/data/input.txt",
        "tests/test_unit.py",
        "tox.ini",
    ]


@pytest.mark.parametrize(
    ("tox_ini", "runner"),
    [
        ("[testenv]\ncommands = coverage run -m unittest discover {toxinidir}/tests\n", "unittest"),
        (
            "[testenv]\ncommands = python -m unittest\n[testenv:lint]\ncommands = flake8\n",
            "unittest",
        ),
        (
            "[testenv]\ncommands = pytest {posargs}\n[testenv:u]\ncommands = python -m unittest\n",
            "pytest",
        ),
        ("[testenv]\ncommands = pytest\n", "pytest"),
        ("[tox]\nenvlist = py3\n", "pytest"),
        (None, "pytest"),
        ("not an ini file [[[", "pytest"),
    ],
)
def test_the_runner_is_unittest_only_where_tox_runs_unittest_and_never_pytest(
    tmp_path: Path, tox_ini: str | None, runner: str
) -> None:
    if tox_ini is not None:
        (tmp_path / "tox.ini").write_text(tox_ini)
    assert runner_for(tmp_path) == runner
