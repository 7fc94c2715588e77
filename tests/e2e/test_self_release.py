"""releasekit releases itself: both distributions, one release, onto a local index.

The repository's current files (committed or not, minus ignored ones) are copied into a fresh
git repository with a bare remote, and ``releasekit release patch`` runs there for real: the
gate (this repo's own ``pytest --gate``, over a part of its unit tests: the whole of them runs in
this suite already, and took two and a half minutes more here), bump-my-version over three files,
towncrier, builds, verification in fresh venvs, upload, install back from the index, tag, push.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from ..conftest import Sandbox, git

ROOT = Path(__file__).resolve().parents[2]


def _copy_repository(dest: Path) -> None:
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


@pytest.fixture
def self_sandbox(tmp_path: Path, sandbox: Sandbox) -> Sandbox:
    """This repository in place of the fixture project (same remote, index and environment)."""
    shutil.rmtree(sandbox.repo)
    sandbox.repo.mkdir()
    _copy_repository(sandbox.repo)
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Release Tester"],
        ["config", "user.email", "tester@example.invalid"],
        ["add", "-A"],
        ["commit", "-q", "-m", "releasekit"],
        ["push", "-q", "--force", str(sandbox.remote), "main"],
        ["remote", "add", "origin", str(sandbox.remote)],
    ):
        subprocess.run(
            ["git", *args], cwd=sandbox.repo, check=True, env=sandbox.env, capture_output=True
        )
    # the project's own gate command (pyproject's gate_command), over two of its unit test files
    own = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["releasekit"]["gate_command"]
    assert own[-1] == "tests/unit", own
    part = ["tests/unit/test_versioning.py", "tests/unit/test_changelogs.py"]
    sandbox.env["RELEASEKIT_GATE_COMMAND"] = shlex.join([*own[:-1], *part])
    return sandbox


def test_releasekit_releases_itself(self_sandbox: Sandbox) -> None:
    sb = self_sandbox
    version = sb.run("plan", "patch", check=True)
    current = next(line for line in version.stderr.splitlines() if " -> " in line)
    old, new = current.split("Release plan: ")[1].split(" (")[0].split(" -> ")
    sb.run("release", "patch", "--yes", check=True, timeout=900)
    gate = str(sb.step_facts("gate")["command"])
    assert "--gate" in gate and "tests/unit/test_versioning.py" in gate, gate
    assert sorted(sb.index_files()) == sorted(
        [
            f"pytest_releasekit-{new}-py3-none-any.whl",
            f"pytest_releasekit-{new}.tar.gz",
            f"releasekit-{new}-py3-none-any.whl",
            f"releasekit-{new}.tar.gz",
        ]
    )
    pyproject = (sb.repo / "pyproject.toml").read_text()
    assert f'version = "{new}"' in pyproject and f"pytest-releasekit=={new}" in pyproject
    assert f'version = "{new}"' in (sb.repo / "pytest_plugin" / "pyproject.toml").read_text()
    assert f"## [{new}]" in (sb.repo / "CHANGELOG.md").read_text()
    assert sb.remote_git("tag") == f"v{new}"
    assert old != new


def test_own_distributions_ship_exactly_what_they_should(tmp_path: Path) -> None:
    for source in (ROOT, ROOT / "pytest_plugin"):
        subprocess.run(
            [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(source)],
            check=True,
            capture_output=True,
        )
    sdists = {p.name.split("-")[0]: p for p in tmp_path.glob("*.tar.gz")}
    wheels = {p.name.split("-")[0]: p for p in tmp_path.glob("*.whl")}

    with tarfile.open(sdists["releasekit"]) as archive:
        names = {m.name.split("/", 1)[1] for m in archive.getmembers() if m.isfile()}
    tops = {name.split("/")[0] for name in names}
    # hatchling always adds pyproject.toml, .gitignore and PKG-INFO to an sdist
    assert tops == {
        ".gitignore",
        "src",
        "tests",
        "README.md",
        "CHANGELOG.md",
        "LICENSE",
        "pyproject.toml",
        "PKG-INFO",
    }, tops
    assert "src/releasekit/py.typed" in names and "src/releasekit/cli.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]

    with zipfile.ZipFile(wheels["releasekit"]) as archive:
        tops = {name.split("/")[0] for name in archive.namelist()}
    assert tops == {"releasekit", next(t for t in tops if t.endswith(".dist-info"))}

    with zipfile.ZipFile(wheels["pytest_releasekit"]) as archive:
        names = set(archive.namelist())
    assert "pytest_releasekit/plugin.py" in names and "pytest_releasekit/py.typed" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    with zipfile.ZipFile(wheels["pytest_releasekit"]) as archive:
        assert (
            "[pytest11]\nreleasekit = pytest_releasekit.plugin"
            in archive.read(entry_points).decode()
        )
