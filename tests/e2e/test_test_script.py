"""A project whose test script exports what its tests need (Typer's ``scripts/test.sh`` exports
``TERMINAL_WIDTH=3000``): the gate's venv and verify's tests against the installed wheel run
with those variables. A real release of the src-layout project (git + bare remote, uv/venv,
build, the local index), the gate detected as a user's release detects it."""

from __future__ import annotations

from pathlib import Path

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
