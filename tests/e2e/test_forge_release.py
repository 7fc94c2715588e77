"""Forge releases end to end: a real release of the fixture project (git with a bare remote,
build, twine, the embedded index) whose GitHub release goes to a local double of GitHub's REST
API. GitHub's API cannot be reached from these machines: ``tests/forge_doubles.py`` follows its
published schema, and releasekit's client is the same code for both -- only ``api_url`` differs.

Each test kills the release for real (SIGKILL) at a step boundary, like ``test_faults.py``.
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from releasekit.context import KILL_ENV

from ..conftest import PROJECTS, Sandbox, make_sandbox
from ..forge_doubles import GitHubDouble, serve

TOKEN = "ghp_" + "e2eForgeToken0123456789abcdefghijklm"  # fake: only the double knows it
REPO = "acme/simple"


@pytest.fixture
def github() -> Iterator[GitHubDouble]:
    yield from serve(GitHubDouble(token=TOKEN, repo=REPO))


def _sandbox(tmp_path: Path, github: GitHubDouble) -> Sandbox:
    pyproject = (PROJECTS / "simple" / "pyproject.toml").read_text(encoding="utf-8")
    forge = (
        f'\n[tool.releasekit.forge]\nkind = "github"\nrepo = "{REPO}"\napi_url = "{github.base}"\n'
    )
    sandbox = make_sandbox(tmp_path, "simple", edit={"pyproject.toml": pyproject + forge})
    sandbox.env["GITHUB_TOKEN"] = TOKEN

    def observe() -> dict[str, Any]:
        """What the world looked like when each API call arrived: index files, remote tags."""
        tags = subprocess.run(
            ["git", "for-each-ref", "--format=%(refname:short)", "refs/tags"],
            cwd=sandbox.remote,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        return {"index": sorted(sandbox.index_files()), "tags": tags}

    github.observe = observe
    return sandbox


def _kill(sandbox: Sandbox, point: str) -> subprocess.CompletedProcess[str]:
    done = sandbox.run("release", "minor", "--yes", env={KILL_ENV: point})
    assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
    return done


def _no_token_anywhere(sandbox: Sandbox, *runs: subprocess.CompletedProcess[str]) -> None:
    for run in runs:
        assert TOKEN not in run.stdout + run.stderr
    for path in (sandbox.repo / ".releasekit").rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_draft_first_published_after_tag_resumed_without_duplicate_rolled_back(
    tmp_path: Path, github: GitHubDouble
) -> None:
    sandbox = _sandbox(tmp_path, github)
    before = sandbox.snapshot()
    # killed when the draft exists on GitHub but the journal does not know it yet
    killed = _kill(sandbox, "forge-draft:created-unrecorded")
    [draft] = github.releases.values()
    assert draft["draft"]
    assert draft["assets"] == {}
    # resumed, and killed again right after the release was made public
    resumed = sandbox.run("release", "--resume", env={KILL_ENV: "forge-publish:published"})
    assert resumed.returncode == -signal.SIGKILL, resumed.stdout + resumed.stderr

    [release] = github.releases.values()  # found by its tag on resume, never created twice
    [create] = github.calls_to("POST", f"/repos/{REPO}/releases")
    assert release["id"] == draft["id"]
    assert not release["draft"]
    assert release["tag_name"] == "v1.1.0"
    assert release["name"] == "simple-pkg 1.1.0"
    assert "Added a greeting." in release["body"]  # this version's changelog section
    assert release["target_commitish"] == "main"

    # every dist file attached, byte for byte what the index got; the supply files with them
    index = sandbox.index_files()
    assert len(index) == 2
    for name, sha in index.items():
        assert hashlib.sha256(github.uploaded[name]).hexdigest() == sha
    attached = {a["name"] for a in release["assets"].values()}
    assert set(index) <= attached
    assert "SHA256SUMS" in attached
    assert len(attached) == len(github.calls_to("POST", "/uploads/"))  # each uploaded once

    # order: the draft and its assets before anything reached the index; public after the tag
    for call in [create, *github.calls_to("POST", "/uploads/")]:
        assert call.seen == {"index": [], "tags": []}, call.path
    [publish] = github.calls_to("PATCH")
    assert publish.seen == {"index": sorted(index), "tags": ["v1.1.0"]}

    # rollback deletes the published release (and the tag, commit and index files as ever)
    undone = sandbox.run("release", "--rollback", check=True)
    assert github.releases == {}
    assert github.calls_to("DELETE", f"/repos/{REPO}/releases/{release['id']}")
    assert sandbox.snapshot() == before
    _no_token_anywhere(sandbox, killed, resumed, undone)
