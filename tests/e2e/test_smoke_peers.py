"""A package that imports a module it neither ships nor declares (soupsieve imports ``bs4``,
which depends on soupsieve): real releases of the srclayout project whose package imports
``iniconfig``, which pytest (its test dependency) brings. With the test dependencies installed
the smoke test passes: a WARNING names the module and the published release is checked the same
way. Without them, or for a module nothing provides, verify stops before any upload."""

from __future__ import annotations

from pathlib import Path

from ..conftest import Sandbox, assert_one_error_line, make_sandbox

INIT = '''"""A tiny library that needs a peer it does not declare."""

import {peer}  # noqa: F401

__all__ = ["shout"]


def shout(text: str) -> str:
    return text.upper() + "!"
'''


def _sandbox(tmp_path: Path, peer: str) -> Sandbox:
    init = INIT.format(peer=peer)
    sb = make_sandbox(tmp_path, "srclayout", edit={"src/srclib/__init__.py": init})
    del sb.env["RELEASEKIT_VERIFY_TESTS"]  # the default: the tests against the wheel
    return sb


def test_a_peer_the_test_dependencies_bring_is_a_warning(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, "iniconfig")
    done = sb.run("release", "patch", "--to", "local", "--yes")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert (
        "WARNING the wheels import iniconfig, which they do not declare as a dependency: "
        "`python -c 'import srclib'` passes only with the test dependencies installed" in output
    )
    assert sb.step_facts("verify")["smoke_undeclared"] == "iniconfig"
    assert set(sb.index_files()) == {"srclib-2.0.1-py3-none-any.whl", "srclib-2.0.1.tar.gz"}
    assert "2.0.1" in sb.remote_git("tag")  # verify-published accepted the same peer


def test_without_the_tests_against_the_wheel_nothing_provides_it(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, "iniconfig")
    sb.env["RELEASEKIT_VERIFY_TESTS"] = "false"
    done = sb.run("release", "patch", "--to", "local", "--yes")
    line = assert_one_error_line(done, "No module named 'iniconfig'")
    assert "the wheels import iniconfig, which they neither contain nor declare" in line
    assert done.returncode == 5
    assert sb.index_files() == {}
    assert sb.remote_git("tag") == ""


def test_a_module_nothing_provides_stops_the_release(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, "no_such_peer_module")
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert_one_error_line(done, "No module named 'no_such_peer_module'", "declare it in")
    assert sb.index_files() == {}
    assert sb.remote_git("tag") == ""
