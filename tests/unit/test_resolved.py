"""verify's tests get the versions the gate's environment resolved (releasekit.resolved)."""

from __future__ import annotations

import importlib.metadata
import os
import sys
from pathlib import Path

import pytest

from releasekit.resolved import (
    Installed,
    _reference,
    constraint_args,
    environment_python,
    installed,
    pins,
)
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


def test_a_configured_uv_run_or_pdm_run_uses_the_project_venv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI's gate, ``uv run --extra all pytest``: uv installs into ``.venv``."""
    monkeypatch.delenv("UV_PROJECT_ENVIRONMENT", raising=False)
    python = _python(tmp_path / ".venv")
    uv_run = EnvSpec("configured", ("/usr/bin/uv", "run", "--extra", "all", "pytest"), "c")
    assert environment_python(tmp_path, uv_run) == python
    assert environment_python(tmp_path, EnvSpec("configured", ("pdm", "run", "pytest"), "c")) == (
        python
    )
    isolated = EnvSpec("configured", ("uv", "run", "--isolated", "pytest"), "c")
    assert environment_python(tmp_path, isolated) is None  # a throwaway environment
    assert environment_python(tmp_path, EnvSpec("configured", ("uv", "pip", "list"), "c")) is None
    elsewhere = _python(tmp_path / "envs" / "tests")
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", "envs/tests")
    assert environment_python(tmp_path, uv_run) == elsewhere


def test_no_environment_below_the_project(tmp_path: Path) -> None:
    assert environment_python(tmp_path, EnvSpec("hatch", ("hatch", "test"), "h")) is None
    assert environment_python(tmp_path, EnvSpec("configured", ("make", "test"), "c")) is None
    assert environment_python(tmp_path, EnvSpec("nox", ("nox",), "n")) is None


def test_installed_lists_a_real_environment(tmp_path: Path) -> None:
    found = {d.name: d for d in installed(Path(sys.executable), cwd=tmp_path)}
    assert found["packaging"] == Installed("packaging", importlib.metadata.version("packaging"))
    # releasekit itself: an editable install from its source directory, not a URL to pin
    assert found["releasekit"].direct and found["releasekit"].url is None


def test_pins_leave_out_the_project_the_plugin_and_path_installs() -> None:
    rows = [
        Installed("werkzeug", "3.1.3"),
        Installed("flask", "3.1.1", direct=True),
        Installed("demo-pkg", "1.0"),
        Installed("pytest-releasekit", "0.1.0"),
        Installed("local-helper", "0.1", direct=True),
        Installed("blinker", "1.9.0"),
        Installed("hypercorn", "0.17.3", direct=True, url="git+https://h.example/hc@abc123"),
    ]
    assert pins(rows, own=["Demo_Pkg"]) == [
        "blinker==1.9.0",
        "hypercorn @ git+https://h.example/hc@abc123",
        "werkzeug==3.1.3",
    ]


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        (  # urllib3's [tool.uv.sources] fork, as uv records it (PEP 610)
            {
                "url": "https://github.com/urllib3/hypercorn",
                "vcs_info": {
                    "vcs": "git",
                    "commit_id": "d1719f8",
                    "requested_revision": "urllib3-changes",
                },
            },
            "git+https://github.com/urllib3/hypercorn@d1719f8",
        ),
        (
            {"url": "file:///srv/forks/hc", "vcs_info": {"vcs": "git", "commit_id": "abc"}},
            "git+file:///srv/forks/hc@abc",
        ),
        (
            {"url": "https://h.example/hc-1.0.tar.gz", "archive_info": {}},
            "https://h.example/hc-1.0.tar.gz",
        ),
        ({"url": "file:///tmp/hc-1.0.tar.gz", "archive_info": {}}, None),
        ({"url": "file:///work/project", "dir_info": {"editable": True}}, None),
        ({"url": "https://github.com/x/y", "vcs_info": {"vcs": "git"}}, None),  # no commit
        ("not a mapping", None),
    ],
)
def test_a_direct_install_is_pinned_by_its_commit_or_archive(info: object, expected: str) -> None:
    assert _reference(info) == expected


def test_the_gate_environment_is_installed_and_constrains_the_rest(tmp_path: Path) -> None:
    """pyparsing's tox env has railroad-diagrams from its tox.ini extras, named nowhere else:
    every distribution of the gate's environment is installed at its version."""
    pinned = ["pytest==8.3.5", "railroad-diagrams==3.0.1", "werkzeug==3.1.3"]
    args = constraint_args(["pytest", "hypothesis"], pinned, tmp_path / "c")
    constraints = tmp_path / "c" / "gate-constraints.txt"
    assert args == ["pytest", "hypothesis", *pinned, "-c", str(constraints)]
    assert constraints.read_text(encoding="utf-8") == "\n".join(pinned) + "\n"


def test_a_url_pin_is_installed_but_is_no_constraint(tmp_path: Path) -> None:
    """pip refuses a URL in a constraints file; as a requirement it wins over the index."""
    pinned = ["hypercorn @ git+https://h.example/hc@abc123", "werkzeug==3.1.3"]
    args = constraint_args(["pytest"], pinned, tmp_path / "c")
    assert args[:3] == ["pytest", *pinned]
    assert (tmp_path / "c" / "gate-constraints.txt").read_text() == "werkzeug==3.1.3\n"


def test_no_pins_change_nothing(tmp_path: Path) -> None:
    assert constraint_args(["pytest", "-r", "x.txt"], [], tmp_path) == ["pytest", "-r", "x.txt"]
    assert list(tmp_path.iterdir()) == []
