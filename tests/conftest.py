"""Shared fixtures: real git repositories with bare remotes, a private index directory per test,
and a snapshot of everything a release could change (to prove that failures change nothing)."""

from __future__ import annotations

import email.parser
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from packaging.version import Version

import releasekit.redact as redact_module
from releasekit.context import Context

PROJECTS = Path(__file__).parent / "projects"
FIXED_DATE = "2026-11-20T12:00:00+00:00"


# No advisory source (api.osv.dev, PyPI's JSON API) is reachable on the test machines: every
# releasekit the tests start skips the dependency audit, visibly, with this reason.
# tests/e2e/test_audit.py removes it and points the audit at a local double of OSV.
AUDIT_SKIP = "test run: no advisory source is reachable here"
os.environ.setdefault("RELEASEKIT_AUDIT_SKIP", AUDIT_SKIP)


#: git's switch that makes it treat every repository as another user's (bad-input cases set it
#: for releasekit): the tests' own look at a repository is its owner's.
_OTHER_OWNER = "GIT_TEST_ASSUME_DIFFERENT_OWNER"


def git(cwd: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != _OTHER_OWNER}
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


@dataclass
class Sandbox:
    """A fixture project in a git repo whose ``origin`` is a bare repo, plus its own index dir."""

    base: Path
    repo: Path
    remote: Path
    index: Path
    env: dict[str, str]

    def run(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        check: bool | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        """Run the real ``releasekit`` CLI in a subprocess, in the repository."""
        merged = {**self.env, **(env or {})}
        done = subprocess.run(
            [sys.executable, "-m", "releasekit", *args],
            cwd=self.repo,
            env=merged,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check:
            assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done

    def git(self, *args: str) -> str:
        return git(self.repo, *args)

    def remote_git(self, *args: str) -> str:
        return git(self.remote, *args)

    def index_files(self) -> dict[str, str]:
        if not self.index.is_dir():
            return {}
        return {
            p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.index.iterdir())
            if p.is_file()
        }

    def journal_events(self) -> list[dict[str, Any]]:
        """The events of the last release: its journal (kept until the next release starts),
        else the history's newest."""
        path = self.repo / ".releasekit" / "journal.jsonl"
        if not path.exists():
            path = sorted((self.repo / ".releasekit" / "history").glob("*.jsonl"))[-1]
        return [json.loads(line) for line in path.read_text().splitlines()]

    def step_facts(self, step: str) -> dict[str, object]:
        """The facts ``step`` recorded when it finished, in the last release."""
        for event in self.journal_events():
            if event["step"] == step and event["event"] == "done":
                return dict(event["facts"])
        raise AssertionError(f"no facts for {step}")

    def snapshot(self) -> dict[str, object]:
        """Work tree (tracked + untracked, not ignored), refs here and on the remote, the index."""
        listed = git(self.repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        tree = {}
        for name in sorted(set(filter(None, listed.split("\0")))):
            path = self.repo / name
            if path.is_file():
                tree[name] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:  # gone, or a named pipe or device a test put there: not read
                tree[name] = f"mode {path.stat().st_mode:o}" if path.exists() else None
        dist = self.repo / "dist"
        return {
            "tree": tree,
            "head": git(self.repo, "rev-parse", "HEAD"),
            # the history store (refs/releasekit/) records what happened, rollbacks included
            "refs": _refs(self.repo),
            "remote": _refs(self.remote),
            "index": self.index_files(),
            "index_exists": self.index.exists(),
            "dist": sorted(p.name for p in dist.iterdir()) if dist.is_dir() else None,
            "status": git(self.repo, "status", "--porcelain"),
        }


def _refs(repo: Path) -> list[str]:
    listed = git(repo, "for-each-ref", "--format=%(refname) %(objectname)").splitlines()
    return [line for line in listed if not line.startswith("refs/releasekit/")]


def make_sandbox(base: Path, project: str, *, edit: dict[str, str] | None = None) -> Sandbox:
    repo, remote, index = base / "work", base / "remote.git", base / "index"
    shutil.copytree(PROJECTS / project, repo)
    for rel, text in (edit or {}).items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "RELEASEKIT_INDEX_DIR": str(index),
        "NO_COLOR": "1",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
        "RELEASEKIT_GATE_COMMAND": f"{sys.executable} -c pass",
        # like the gate, the tests against the wheel are the project's: tests of those features
        # (test_gate_env, test_shapes) remove both on purpose
        "RELEASEKIT_VERIFY_TESTS": "false",
        "RELEASEKIT_AUDIT_SKIP": AUDIT_SKIP,
        "COLUMNS": "200",
    }
    for key in (
        "RELEASEKIT_TEST_KILL_AT",
        "RELEASEKIT_TEST_CHECKPOINTS",
        "RELEASEKIT_TARGET",
        "RELEASEKIT_INDEX_PASSWORD",
        "TWINE_PASSWORD",
        "PYPI_TOKEN",
    ):
        env.pop(key, None)
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Release Tester"],
        ["config", "user.email", "tester@example.invalid"],
        ["config", "commit.gpgsign", "false"],
        ["add", "-A"],
        ["commit", "-q", "-m", "Initial commit"],
        ["remote", "add", "origin", "../remote.git"],
        ["push", "-q", "origin", "main"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, env=env, capture_output=True)
    return Sandbox(base=base, repo=repo, remote=remote, index=index, env=env)


@pytest.fixture(autouse=True)
def _redactor_registrations(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Secrets registered during a test (in-process runs register what they read) end with it,
    so a test never sees another test's text masked."""
    monkeypatch.setattr(redact_module, "_registered", set())  # the module's own state
    redact_module._literals.key = None
    yield
    redact_module._literals.key = None


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    """The single-package fixture project, ready to release."""
    return make_sandbox(tmp_path, "simple")


@pytest.fixture
def workspace_sandbox(tmp_path: Path) -> Sandbox:
    """Two packages, one depending on the other."""
    return make_sandbox(tmp_path, "workspace")


@pytest.fixture
def venv_python(tmp_path: Path) -> Path:
    """A fresh, empty virtual environment's python (for installing released packages)."""
    env_dir = tmp_path / "check-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    return env_dir / "bin" / "python"


def assert_one_error_line(done: subprocess.CompletedProcess[str], *needles: str) -> str:
    """Bad input: non-zero exit, exactly one ERROR line naming the problem, no traceback."""
    assert done.returncode != 0, done.stderr
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, output
    for needle in needles:
        assert needle in errors[0], errors[0]
    return errors[0]


def answers(url: str) -> bool:
    """Whether ``url`` answers an HTTP GET with a success status."""
    import urllib.request

    try:
        urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - a test server on loopback
    except OSError:
        return False
    return True


def wait_until(ready: Callable[[], bool], what: str, *, seconds: float = 60) -> None:
    """Poll ``ready`` until it holds; a loaded CI machine may take a while to start a server."""
    import time

    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {seconds:g}s waiting for {what}")
        time.sleep(0.1)


@dataclass
class RemoteIndex:
    url: str
    directory: Path
    username: str
    password: str


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def remote_index(tmp_path: Path) -> Iterator[RemoteIndex]:
    """A separate, password-protected pypiserver process on loopback: a 'remote' URL target."""

    from passlib.apache import HtpasswdFile

    directory = tmp_path / "remote-index"
    directory.mkdir()
    htpasswd = HtpasswdFile(str(tmp_path / "htpasswd"), new=True)
    htpasswd.set_password("uploader", "s3cret-upload-pass")
    htpasswd.save()
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pypiserver",
            "run",
            "-p",
            str(port),
            "-i",
            "127.0.0.1",
            "-a",
            "update",
            "-P",
            str(tmp_path / "htpasswd"),
            "--disable-fallback",
            "--backend",
            "simple-dir",
            str(directory),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: answers(url + "simple/"), "pypiserver to start")
        yield RemoteIndex(url, directory, "uploader", "s3cret-upload-pass")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def step_context(root: Path, *, dry_run: bool = False) -> Context:
    """The context of a minor release (1.0.0 -> 1.1.0) of the project at ``root``, to the local
    index, for calling one step's plan/check/apply directly."""
    from releasekit.config import load_config
    from releasekit.journal import Journal
    from releasekit.targets import resolve_target
    from releasekit.ui import Reporter
    from releasekit.workspace import load_workspace

    config = load_config(root, environ={})
    workspace = load_workspace(root, config)
    return Context(
        root=root,
        config=config,
        workspace=workspace,
        target=resolve_target("local", config),
        journal=Journal.in_memory(),
        reporter=Reporter(quiet=True),
        version="1.1.0",
        previous_version=workspace.version,
        bump="minor",
        dry_run=dry_run,
    )


def metadata_version(path: Path) -> str:
    """The version a built sdist (its top-level PKG-INFO) or wheel (METADATA) says inside."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            text = wheel.read(name).decode()
    else:
        with tarfile.open(path) as sdist:
            member = next(
                m
                for m in sdist.getmembers()
                if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")
            )
            extracted = sdist.extractfile(member)
            assert extracted is not None
            text = extracted.read().decode()
    return str(email.parser.Parser().parsestr(text)["Version"])


_numbers = st.integers(min_value=0, max_value=30)


def pep440_versions() -> st.SearchStrategy[str]:
    """Normalised PEP 440 versions: epochs, 1-4 release numbers, pre, post and dev parts."""
    return st.builds(
        lambda epoch, release, pre, post, dev: str(
            Version(
                (f"{epoch}!" if epoch else "")
                + ".".join(map(str, release))
                + (f"{pre[0]}{pre[1]}" if pre else "")
                + (f".post{post}" if post is not None else "")
                + (f".dev{dev}" if dev is not None else "")
            )
        ),
        st.sampled_from([0, 0, 0, 1]),
        st.lists(_numbers, min_size=1, max_size=4),
        st.none() | st.tuples(st.sampled_from(["a", "b", "rc"]), _numbers),
        st.none() | _numbers,
        st.none() | _numbers,
    )
