"""A setuptools project with no pyproject.toml (setup.py + setup.cfg, as flake8 and pycodestyle
are): ``releasekit init`` writes nothing, and the release uses releasekit's defaults."""

from __future__ import annotations

import email.parser
import tarfile
from pathlib import Path

from ..conftest import make_sandbox


def test_setup_cfg_project_without_pyproject_releases(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "shape-setupcfg")  # its pyproject.toml only names setuptools
    sandbox.git("rm", "-q", "pyproject.toml")
    sandbox.git("commit", "-q", "-m", "No pyproject.toml, like flake8")
    sandbox.git("tag", "v1.4.2")
    sandbox.git("push", "-q", "origin", "main", "v1.4.2")
    init = sandbox.run("init", check=True).stderr
    assert "none is created" in init and "setup.cfg [metadata] version" in init
    assert sandbox.git("status", "--porcelain") == ""  # nothing written
    sandbox.run("release", "patch", "--to", "local", "--yes", check=True)
    assert not (sandbox.repo / "pyproject.toml").exists()
    assert "version = 1.4.3\n" in (sandbox.repo / "setup.cfg").read_text()
    assert sandbox.remote_git("tag", "--list", "v1.4.3") == "v1.4.3"
    (sdist,) = (p for p in sandbox.index_files() if p.endswith(".tar.gz"))
    assert sdist == "tinycfg-1.4.3.tar.gz"
    with tarfile.open(next(sandbox.index.rglob(sdist))) as archive:
        member = archive.extractfile("tinycfg-1.4.3/PKG-INFO")
        assert member is not None
        info = email.parser.BytesParser().parsebytes(member.read())
    assert info["Version"] == "1.4.3"
