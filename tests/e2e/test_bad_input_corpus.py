"""The bad-input corpus (issue 12): every case in ``badinput_cases`` must end in exactly one
``ERROR`` line naming what is wrong, the documented exit status, no traceback, and no change at
all: work tree, refs here and on the remote, ``dist/``, the index directory and whether it
exists, ``.releasekit/`` and whether it exists.

The cases run the real CLI entry point (``releasekit.cli.main``) in-process against ONE shared
git sandbox (a real repository with a bare remote), reset between cases; a sample also runs as a
real subprocess. Any exception that escapes ``main`` fails the case: that would be a traceback.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit import cli

from ..conftest import Sandbox, assert_one_error_line, free_port, make_sandbox
from .badinput_cases import ALL, Case

SANDBOX_ENV = (
    "RELEASEKIT_INDEX_DIR",
    "NO_COLOR",
    "GIT_AUTHOR_DATE",
    "GIT_COMMITTER_DATE",
    "RELEASEKIT_GATE_COMMAND",
    "COLUMNS",
)
UNSET = (
    "RELEASEKIT_TARGET",
    "RELEASEKIT_INDEX_PASSWORD",
    "RELEASEKIT_PUSH",
    "RELEASEKIT_REMOTE",
    "TWINE_PASSWORD",
    "PYPI_TOKEN",
)


class Corpus:
    """The shared sandbox, its pristine state, and the paths placeholders stand for."""

    def __init__(self, base: Path) -> None:
        self.sandbox = make_sandbox(base / "s", "simple")
        self.base_commit = self.sandbox.git("rev-parse", "HEAD")
        self.plain = base / "plain"  # the project outside any git repository
        shutil.copytree(self.sandbox.repo, self.plain, ignore=shutil.ignore_patterns(".git"))
        self.unborn = base / "unborn"  # a git repository without commits
        shutil.copytree(self.plain, self.unborn)
        subprocess.run(["git", "init", "-q", "-b", "main"], cwd=self.unborn, check=True)
        self.file = base / "a-file.txt"
        self.file.write_text("not a directory\n")
        self.places = {
            "{repo}": str(self.sandbox.repo),
            "{plain}": str(self.plain),
            "{unborn}": str(self.unborn),
            "{file}": str(self.file),
            "{missing}": str(base / "missing"),
            "{free_url}": f"http://127.0.0.1:{free_port()}/",
        }

    def fill(self, text: str) -> str:
        for token, value in self.places.items():
            text = text.replace(token, value)
        return text

    def reset(self) -> None:
        """Back to the freshly made sandbox: branch, tree, tags, remote, config, index."""
        box = self.sandbox
        git = box.git
        with contextlib.suppress(subprocess.CalledProcessError):
            git("remote", "remove", "origin")
        git("remote", "add", "origin", "../remote.git")
        git("checkout", "-q", "-f", "-B", "main", self.base_commit)
        git("clean", "-qfdx")
        for tag in git("tag").split():
            git("tag", "-d", tag)
        for ref in box.remote_git("for-each-ref", "--format=%(refname)", "refs/tags").split():
            box.remote_git("update-ref", "-d", ref)
        box.remote_git("update-ref", "refs/heads/main", self.base_commit)
        git("config", "user.name", "Release Tester")
        git("config", "user.email", "tester@example.invalid")
        for branch in git("branch", "--format=%(refname:short)").split():
            if branch != "main":
                git("branch", "-q", "-D", branch)
        shutil.rmtree(box.index, ignore_errors=True)
        for path in (
            box.repo / "dist",
            box.repo / ".releasekit",
            self.plain / ".releasekit",
            self.unborn / ".releasekit",
        ):
            assert not path.exists(), path

    def arrange(self, case: Case) -> None:
        repo = self.sandbox.repo
        text = (repo / "pyproject.toml").read_text()
        if case.table:  # the new line replaces the fixture's own value of that key, if any
            name = case.table.split("=", 1)[0].strip()
            lines = [ln for ln in text.splitlines() if ln.split("=", 1)[0].strip() != name]
            text = "\n".join(lines).replace("[tool.releasekit]", f"[tool.releasekit]\n{case.table}")
        for name in case.unset:
            text = "\n".join(ln for ln in text.splitlines() if not ln.startswith(f"{name} ="))
        if case.tail:
            text += "\n" + case.tail + "\n"
        if case.pyproject is not None:
            (repo / "pyproject.toml").write_bytes(case.pyproject)
        elif case.table or case.tail or case.unset:
            (repo / "pyproject.toml").write_text(text)
        for rel, data in case.files.items():
            path = repo / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for args in case.git:
            self.sandbox.git(*args)

    def state(self) -> dict[str, object]:
        """Everything a refused run must leave as it was."""

        def listing(root: Path) -> dict[str, str] | None:
            if not root.exists():
                return None
            if root.is_file():
                return {"": hashlib.sha256(root.read_bytes()).hexdigest()}
            # .releasekit/lock is the lock itself: a run takes it (creating the empty file
            # when missing) before it may read the journal; removing it again would let two
            # releases lock two different files
            return {
                str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*"))
                if p.is_file()
                and p.relative_to(root) != Path("lock")
                and ".git" not in p.relative_to(root).parts
            }

        return {
            **self.sandbox.snapshot(),
            "state": listing(self.sandbox.repo / ".releasekit"),
            "plain": listing(self.plain),
            "unborn": listing(self.unborn),
        }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return Corpus(tmp_path_factory.mktemp("corpus"))


@contextlib.contextmanager
def _held(case: Case, corpus: Corpus) -> Iterator[dict[str, str]]:
    """Resources a case needs while it runs: a held release lock, a busy port."""
    places: dict[str, str] = {}
    with contextlib.ExitStack() as stack:
        if case.hold_lock:
            lock = corpus.sandbox.repo / ".releasekit" / "lock"
            lock.parent.mkdir(exist_ok=True)
            (lock.parent / ".gitignore").write_text("*\n")
            handle = stack.enter_context(lock.open("ab"))
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if any("{busy}" in arg for arg in case.args):
            sock = stack.enter_context(socket.socket())
            sock.bind(("127.0.0.1", 0))
            sock.listen()
            places["{busy}"] = str(sock.getsockname()[1])
        yield places


def _argv(case: Case, corpus: Corpus, places: dict[str, str]) -> list[str]:
    argv = []
    for arg in case.args:
        filled = corpus.fill(arg)
        for token, value in places.items():
            filled = filled.replace(token, value)
        argv.append(filled)
    return argv


def _check(done: subprocess.CompletedProcess[str], case: Case, corpus: Corpus) -> None:
    line = assert_one_error_line(done, *(corpus.fill(n) for n in case.needles))
    assert done.returncode == case.code, (done.returncode, line)


@pytest.mark.parametrize("case", ALL)
def test_refused_in_one_line_changing_nothing(
    case: Case,
    corpus: Corpus,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    corpus.reset()
    corpus.arrange(case)
    for name in SANDBOX_ENV:
        monkeypatch.setenv(name, corpus.sandbox.env[name])
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in case.env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, corpus.fill(value))
    with _held(case, corpus) as places:
        before = corpus.state()
        argv = ["-C", str(corpus.sandbox.repo), *_argv(case, corpus, places)]
        capsys.readouterr()
        code = cli.main(argv)  # anything but a ReleasekitError escapes here: a traceback
        out = capsys.readouterr()
    _check(subprocess.CompletedProcess(argv, code, out.out, out.err), case, corpus)
    assert corpus.state() == before


SUBPROCESS_SAMPLE = {
    "tag-typo",
    "gate-empty",
    "cli-port-high",
    "cli-unknown-option",
    "pyproject-latin1",
    "env-index-dir-file",
    "journal-binary",
    "lock-binary-held",
    "unreachable-index",
    "not-a-repo",
}


@pytest.mark.parametrize("case", [p for p in ALL if getattr(p, "id", None) in SUBPROCESS_SAMPLE])
def test_real_process_sample(case: Case, corpus: Corpus) -> None:
    """The same answers from the installed command in its own process (stdout, stderr, exit)."""
    corpus.reset()
    corpus.arrange(case)
    env = {k: v for k, v in corpus.sandbox.env.items() if k not in UNSET}
    for name, value in case.env.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = corpus.fill(value)
    with _held(case, corpus) as places:
        before = corpus.state()
        done = subprocess.run(
            [sys.executable, "-m", "releasekit", *_argv(case, corpus, places)],
            cwd=corpus.sandbox.repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    _check(done, case, corpus)
    assert corpus.state() == before


def test_corpus_size() -> None:
    assert len(ALL) >= 150
    assert len(SUBPROCESS_SAMPLE) == len(
        [p for p in ALL if getattr(p, "id", None) in SUBPROCESS_SAMPLE]
    )


def test_sandbox_is_unchanged_by_reset(corpus: Corpus) -> None:
    corpus.reset()
    box: Sandbox = corpus.sandbox
    assert box.git("status", "--porcelain") == ""
    assert not box.index.exists()
    assert os.listdir(box.remote / "refs" / "tags") == []
