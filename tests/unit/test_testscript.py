"""What a project's test script exports to its tests (releasekit.testscript)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasekit.testscript import exported, script_environment

# typer 0.16's scripts/test.sh, as its repository has it (a long comment shortened)
TYPER = """\
#!/usr/bin/env bash

set -e
set -x

# For tests, a large terminal width
export TERMINAL_WIDTH=3000
# Force disable terminal for tests inside of pytest, takes precedence over GITHUB_ACTIONS env var
export _TYPER_FORCE_DISABLE_TERMINAL=1
# Run autocompletion install tests in the CI
export _TYPER_RUN_INSTALL_COMPLETION_TESTS=1
# It seems xdist-pytest ensures modified sys.path to import relative modules in examples ...
pytest --cov --cov-report=term-missing -o console_output_style=progress --numprocesses=auto ${@}
"""

# starlette's scripts/test: an export under a condition is not taken
STARLETTE = """\
#!/bin/sh

export PREFIX=""
if [ -d 'venv' ] ; then
    export PREFIX="venv/bin/"
fi

set -ex

if [ -z $GITHUB_ACTIONS ]; then
    scripts/check
fi
${PREFIX}coverage run $branch_option -m pytest $@
"""

ONLY_UNCONDITIONAL = """\
#!/bin/sh
export PYTHONPATH=./docs_src
if true; then export INSIDE_IF=1; fi
for x in a b; do
  export IN_LOOP=1
done
setup() {
    export IN_FUNCTION=1
}
case "$1" in
  ci) export IN_CASE=1 ;;
esac
export PATH=/nowhere HOME=/nowhere
export EXPANDED=$HOME/x LATER=`pwd`
export 'QUOTED=a b' PLAIN=2  # a comment $NOT_EXPANDED
cat <<EOT
export IN_HEREDOC="1
EOT
pytest
"""


def test_typers_script_exports_what_its_tests_need() -> None:
    assert exported(TYPER) == {
        "TERMINAL_WIDTH": "3000",
        "_TYPER_FORCE_DISABLE_TERMINAL": "1",
        "_TYPER_RUN_INSTALL_COMPLETION_TESTS": "1",
    }


def test_only_literal_exports_the_script_runs_whatever_happens() -> None:
    """Inside an if, loop, case or function: not taken; PATH and HOME are the runner's; a value
    to expand is not known here. The comment with a ``$`` makes its line's exports unknown."""
    assert exported(ONLY_UNCONDITIONAL) == {"PYTHONPATH": "./docs_src"}


def test_a_name_also_set_under_a_condition_is_not_taken() -> None:
    """starlette's PREFIX is "" unless a venv directory exists: unknown until the script runs."""
    assert exported(STARLETTE) == {}
    assert exported("export A=1 B=2\nunset A\nB=$(pwd)\nexport C=3\n") == {"C": "3"}


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
@pytest.mark.parametrize("venv", [False, True])
def test_what_is_taken_is_what_the_shell_exports(tmp_path: Path, venv: bool) -> None:
    """The shell agrees on every variable taken, whichever way starlette's condition goes (the
    scripts sourced with their commands made harmless: only the assignments matter)."""
    if venv:
        (tmp_path / "venv").mkdir()
    harmless = {
        "set -ex": ":",
        "set -e": ":",
        "pytest": ": pytest",
        "scripts/": ": ",
        "${PREFIX}": ": ",
    }
    text = TYPER + STARLETTE + ONLY_UNCONDITIONAL.replace("cat <<EOT", ": <<EOT")
    for command, replacement in harmless.items():
        text = text.replace(command, replacement)
    script = tmp_path / "test.sh"
    script.write_text(text)
    shown = subprocess.run(
        ["sh", "-c", f". {script} >/dev/null 2>&1; {shutil.which('env')} -0"],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    real = dict(item.split("=", 1) for item in shown.split("\0") if "=" in item)
    taken = exported(text)
    assert "TERMINAL_WIDTH" in taken and "PYTHONPATH" in taken and "PREFIX" not in taken
    assert {name: real.get(name) for name in taken} == taken


@given(st.text())
def test_any_text_gives_literal_names_and_values(text: str) -> None:
    for name, value in exported(text).items():
        assert name.isidentifier() and name not in {"PATH", "HOME"}
        assert "$" not in value and "`" not in value


def test_the_first_script_found_is_read(tmp_path: Path) -> None:
    assert script_environment(tmp_path).variables == {}
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "test.sh").write_text(TYPER)
    found = script_environment(tmp_path)
    assert found.source == "scripts/test.sh" and found.variables["TERMINAL_WIDTH"] == "3000"
    assert found.describe() == (
        "with TERMINAL_WIDTH, _TYPER_FORCE_DISABLE_TERMINAL, _TYPER_RUN_INSTALL_COMPLETION_TESTS "
        "as scripts/test.sh exports them"
    )
    (tmp_path / "scripts" / "test").write_text("export ONLY=1\n")
    assert script_environment(tmp_path).variables == {"ONLY": "1"}


def test_a_script_in_another_language_is_not_read(tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "test").write_text("#!/usr/bin/env python3\nexport = 1\n")
    assert script_environment(tmp_path).variables == {}
    (tmp_path / "scripts" / "test").write_text("#!/bin/sh -e\nexport A=1\n")
    assert script_environment(tmp_path).variables == {"A": "1"}
    (tmp_path / "scripts" / "test").write_text("export A=2\n")  # no shebang: run with sh
    assert script_environment(tmp_path).variables == {"A": "2"}
    (tmp_path / "scripts" / "test").write_bytes(b"export A=\xff\n")  # not UTF-8: not read
    assert script_environment(tmp_path).variables == {}
