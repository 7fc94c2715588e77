"""verify's tests get the versions the gate's environment resolved (releasekit.resolved)."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path

from releasekit.resolved import constraint_args, environment_python, installed, pins
from releasekit.testenv import EnvSpec


def _python(env_dir: Path) -> Path:
    (env_dir / "bin").mkdir(parents=True)
    python = env_dir / "bin" / "python"
    python.write_text("")
    return python


def test_the_tox_environment_named_by_the_gate(tmp_path: Path) -> None:
    python = _python(tmp_path / ".tox" / "py3.11")
    _python(tmp_path / ".tox" / "lint")
    spec = EnvSpec("tox", ("tox", "--skip-missing-interpreters", "false", "-e", "py3.11"), "t")
    assert environment_python(tmp_path, spec) == python
    assert environment_python(tmp_path, EnvSpec("tox", ("tox", "--env=py3.11"), "t")) == python
    # several environments, or one that was never made: nothing to pin from
    assert environment_python(tmp_path, EnvSpec("tox", ("tox", "-e", "py3.11,lint"), "t")) is None
    assert environment_python(tmp_path, EnvSpec("tox", ("tox", "-e", "py312"), "t")) is None


def test_the_nox_session_run_last(tmp_path: Path) -> None:
    old = _python(tmp_path / ".nox" / "lint")
    new = _python(tmp_path / ".nox" / "tests-3-11")
    os.utime(old.parent.parent, (1_000_000, 1_000_000))
    spec = EnvSpec("nox", ("nox", "-s", "tests"), "n")
    assert environment_python(tmp_path, spec) == new


def test_no_environment_below_the_project(tmp_path: Path) -> None:
    assert environment_python(tmp_path, EnvSpec("hatch", ("hatch", "test"), "h")) is None
    assert environment_python(tmp_path, EnvSpec("configured", ("make", "test"), "c")) is None
    assert environment_python(tmp_path, EnvSpec("nox", ("nox",), "n")) is None


def test_installed_lists_a_real_environment(tmp_path: Path) -> None:
    found = {
        name: (version, direct)
        for name, version, direct in installed(Path(sys.executable), cwd=tmp_path)
    }
    assert found["packaging"] == (importlib.metadata.version("packaging"), False)


def test_pins_leave_out_the_project_the_plugin_and_path_installs() -> None:
    rows = [
        ("werkzeug", "3.1.3", False),
        ("flask", "3.1.1", True),
        ("demo-pkg", "1.0", False),
        ("pytest-releasekit", "0.1.0", False),
        ("local-helper", "0.1", True),
        ("blinker", "1.9.0", False),
    ]
    assert pins(rows, own=["Demo_Pkg"]) == ["blinker==1.9.0", "werkzeug==3.1.3"]


def test_the_gate_environment_is_installed_and_constrains_the_rest(tmp_path: Path) -> None:
    """pyparsing's tox env has railroad-diagrams from its tox.ini extras, named nowhere else:
    every distribution of the gate's environment is installed at its version."""
    pinned = ["pytest==8.3.5", "railroad-diagrams==3.0.1", "werkzeug==3.1.3"]
    args = constraint_args(["pytest", "hypothesis"], pinned, tmp_path / "c")
    constraints = tmp_path / "c" / "gate-constraints.txt"
    assert args == ["pytest", "hypothesis", *pinned, "-c", str(constraints)]
    assert constraints.read_text(encoding="utf-8") == "\n".join(pinned) + "\n"


def test_no_pins_change_nothing(tmp_path: Path) -> None:
    assert constraint_args(["pytest", "-r", "x.txt"], [], tmp_path) == ["pytest", "-r", "x.txt"]
    assert list(tmp_path.iterdir()) == []
