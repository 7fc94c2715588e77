"""A project whose test script exports what its tests need (Typer's ``scripts/test.sh`` exports
``TERMINAL_WIDTH=3000``): the gate's venv and verify's tests against the installed wheel run
with those variables. A real release of the src-layout project (git + bare remote, uv/venv,
build, the local index), the gate detected as a user's release detects it."""

from __future__ import annotations

from pathlib import Path

from ..conftest import make_sandbox
from .test_gate_env import _sandbox

SCRIPT = """\
#!/usr/bin/env bash
set -e
# the tests compare wrapped output: a wide terminal
export SRCLIB_WIDTH=3000
if [ -n "$CI" ]; then
    export SRCLIB_WHERE_RUN=ci
fi
pytest --cov=srclib "${@}"
"""

NEEDS_THE_SCRIPT = """\
import os


def test_the_terminal_is_as_wide_as_the_script_makes_it() -> None:
    assert os.environ.get("SRCLIB_WIDTH") == "3000"
    assert "SRCLIB_WHERE_RUN" not in os.environ  # set under a condition: not known beforehand
"""


def test_the_test_scripts_exports_reach_the_gate_and_verify(tmp_path: Path) -> None:
    sb = _sandbox(
        tmp_path,
        edit={"scripts/test.sh": SCRIPT, "tests/test_script_env.py": NEEDS_THE_SCRIPT},
    )
    sb.env.pop("SRCLIB_WIDTH", None)
    done = sb.run("plan", "patch", "--to", "local", check=True)
    plan = done.stdout + done.stderr
    assert "the tests run with SRCLIB_WIDTH as scripts/test.sh exports them" in plan  # gate
    assert "outside the tree, with SRCLIB_WIDTH as scripts/test.sh exports them" in plan  # verify
    assert "3000" not in plan  # names, not values: a script may export a private value

    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 passed" in (sb.repo / ".releasekit" / "gate.log").read_text()
    assert "4 passed" in str(sb.step_facts("verify")["tests"])


RUNS_A_SCRIPT = """\
import subprocess
import sys
from pathlib import Path

import tinyfastapi


def test_a_script_run_in_its_own_process_imports_the_tests_package() -> None:
    script = Path(__file__).parent / "assets" / "cli.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == tinyfastapi.__file__ + "\\n"  # the same package as the tests import
"""
SCRIPT_IMPORTING_TESTS = """\
from tests.utils import where

print(where())
"""
UTILS = """\
import tinyfastapi


def where() -> str:
    return tinyfastapi.__file__
"""


def test_a_script_a_test_runs_imports_the_tests_package_against_the_wheel(
    tmp_path: Path,
) -> None:
    """Typer's ``test_binary_stderr`` runs ``tests/assets/*.py`` under ``coverage run``, and
    the script imports ``tests.utils``: found where the project's root is on ``sys.path``, as
    pdm-backend's editable install puts it in the gate. Against the wheel the tests package
    imports too; the package itself still comes from the wheel (FastAPI's shape: flat layout,
    pdm-backend)."""
    edit = {
        "tests/test_runs_a_script.py": RUNS_A_SCRIPT,
        "tests/assets/cli.py": SCRIPT_IMPORTING_TESTS,
        "tests/utils.py": UTILS,
    }
    sb = make_sandbox(tmp_path, "shape-fastapi", edit=edit)
    del sb.env["RELEASEKIT_GATE_COMMAND"]
    del sb.env["RELEASEKIT_VERIFY_TESTS"]
    done = sb.run("release", "patch", "--to", "local", "--yes", timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in (sb.repo / ".releasekit" / "gate.log").read_text(encoding="utf-8")
    tests = str(sb.step_facts("verify")["tests"])
    assert "3 passed" in tests and "need the source tree" not in tests, tests
