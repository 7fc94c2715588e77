"""A wheel built from an sdist that leaves out files the last release's wheel had.

Faker's shape (tests/projects/shape-faker): ``MANIFEST.in`` excludes ``faker/sphinx`` from the
sdist, and the maintainers build the wheel from the tree, so their wheels have it. releasekit
builds the sdist, then the wheel from the sdist (``uv build`` and ``python -m build`` alike), so
that wheel lacks the package: verify stops before upload and says the files are in git but
left out of the sdist. Before, ``python -m build --sdist --wheel`` (the build without uv) built
the wheel from the tree, and the two builders gave different wheels. Real setuptools builds,
real releases to the embedded index.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from ..conftest import Sandbox, make_sandbox

SPHINX = ("tinyfaker/sphinx/__init__.py", "tinyfaker/sphinx/documentor.py")
LAST = "tinyfaker-37.4.0-py3-none-any.whl"


@pytest.fixture
def faker(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    """The project at 37.4.0, tagged, with 37.4.0's wheel on the index as its maintainers built
    it: ``python -m build --wheel`` in the work tree."""
    sb = make_sandbox(tmp_path_factory.mktemp("faker"), "shape-faker")
    sb.git("tag", "-a", "v37.4.0", "-m", "v37.4.0")
    sb.git("push", "-q", "origin", "main", "--tags")
    sb.index.mkdir()
    build = [sys.executable, "-m", "build", "--wheel", "--outdir", str(sb.index), "."]
    subprocess.run(build, cwd=sb.repo, check=True, capture_output=True)
    for leftover in ("build", "tinyfaker.egg-info"):
        subprocess.run(["rm", "-rf", str(sb.repo / leftover)], check=True)
    with zipfile.ZipFile(sb.index / LAST) as wheel:
        assert set(SPHINX) <= set(wheel.namelist())
    return sb


@pytest.mark.parametrize("builder", ["uv build", "python -m build"])
def test_files_the_sdist_leaves_out_stop_the_release_named_as_such(
    faker: Sandbox, builder: str
) -> None:
    env = {"RELEASEKIT_NO_UV": "1"} if builder == "python -m build" else {}
    head = faker.git("rev-parse", "HEAD")
    done = faker.run("release", "patch", "--yes", "--to", "local", env=env, timeout=600)
    assert done.returncode != 0, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(
        f"ERROR tinyfaker-37.4.1-py3-none-any.whl lacks 2 file(s) that {LAST} on local has, "
        f"none of them deleted in git since v37.4.0: {', '.join(SPHINX)}; 2 of them in git "
        f"({', '.join(SPHINX)}) but left out of the sdist, from which the wheel is built -- "
        "nothing was uploaded;"
    ), errors[0]
    assert "one in git must be in the sdist (MANIFEST.in" in errors[0]
    assert sorted(p.name for p in faker.index.iterdir()) == [LAST]
    assert faker.git("rev-parse", "HEAD") == head
    assert faker.remote_git("tag", "--list").split() == ["v37.4.0"]
