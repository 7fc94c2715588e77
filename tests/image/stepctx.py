"""Drive the image/docs/promote steps through the real Pipeline, Journal and Context.

The other steps (version, commit, build) are the lead's; here a test makes the release commit
and builds the wheel itself (``python -m build``) and hands the steps the same facts those steps
would have journaled.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from releasekit.config import load_config
from releasekit.context import KILL_ENV, Context
from releasekit.journal import Journal
from releasekit.pipeline import Pipeline
from releasekit.steps.base import Result, Step
from releasekit.ui import Reporter
from releasekit.workspace import load_workspace

DATE = "2026-11-20T12:00:00+00:00"
ROOT = Path(__file__).resolve().parents[2]
_KILLED = """
from pathlib import Path
from releasekit.steps.docs import DocsStep
from releasekit.steps.image import ImageStep
from releasekit.steps.promote import PromoteStep
from tests.image.stepctx import Project
Project(Path({repo!r}), Path({remote!r})).release(
    {version!r}, [ImageStep(), DocsStep(), PromoteStep()], wheel={wheel!r})
"""


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, env=_git_env()
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def _git_env() -> dict[str, str]:
    return {**os.environ, "GIT_AUTHOR_DATE": DATE, "GIT_COMMITTER_DATE": DATE}


@dataclass
class Project:
    """A fixture project in a git repository whose ``origin`` is a bare repository."""

    repo: Path
    remote: Path

    def write(self, files: Mapping[str, str]) -> None:
        for rel, text in files.items():
            path = self.repo / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")

    def set_version(self, version: str) -> None:
        pyproject = self.repo / "pyproject.toml"
        text = re.sub(
            r'^version = "[^"]+"',
            f'version = "{version}"',
            pyproject.read_text(),
            count=1,
            flags=re.M,
        )
        pyproject.write_text(text)

    def commit(self, message: str) -> dict[str, object]:
        """Commit everything; return the commit step's facts."""
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "--allow-empty", "-m", message)
        sha = git(self.repo, "rev-parse", "HEAD")
        return {"sha": sha, "timestamp": int(git(self.repo, "show", "-s", "--format=%ct", sha))}

    def build_wheel(self, outdir: Path) -> dict[str, object]:
        """``python -m build --wheel``; return the build step's facts."""
        outdir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "build",
                "--wheel",
                "--no-isolation",
                "--outdir",
                str(outdir),
                str(self.repo),
            ],
            check=True,
            capture_output=True,
        )
        name = re.search(r'^name = "([^"]+)"', (self.repo / "pyproject.toml").read_text(), re.M)
        assert name
        files = [
            {
                "path": str(p),
                "filename": p.name,
                "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                "package": name.group(1),
                "kind": "wheel",
            }
            for p in sorted(outdir.glob("*.whl"))
        ]
        return {"dir": str(outdir), "files": files}

    def context(self, version: str, journal: Journal | None = None) -> Context:
        """A release context for ``version``: a new journal, or the given (resumed) one."""
        state = self.repo / ".releasekit"
        state.mkdir(exist_ok=True)
        (state / ".gitignore").write_text("*\n")
        config = load_config(self.repo, environ={})
        workspace = load_workspace(self.repo, config)
        if journal is None:
            journal = Journal.start(
                state, version=version, previous_version=workspace.version, bump="minor"
            )
        return Context(
            root=self.repo,
            config=config,
            workspace=workspace,
            target=None,  # type: ignore[arg-type]  # no index involved here
            journal=journal,
            reporter=Reporter(quiet=True),
            version=version,
            previous_version=workspace.version,
            bump="minor",
        )

    def plan_context(self, version: str) -> Context:
        """A dry-run context: an in-memory journal that is never written."""
        return self.context(version, Journal.in_memory(version=version))

    def resume_context(
        self, journal: Journal, facts: Mapping[str, dict[str, object]] | None = None
    ) -> Context:
        """The context ``releasekit release --resume`` would rebuild from ``journal``."""
        ctx = self.context(str(journal.header["version"]), journal)
        ctx.facts.update(facts or {})
        return ctx

    def release(
        self, version: str, steps: Sequence[Step], *, wheel: bool = True
    ) -> tuple[Context, list[Result]]:
        """Bump, commit, (build,) then run ``steps`` through the real Pipeline."""
        self.set_version(version)
        facts: dict[str, dict[str, object]] = {"commit": self.commit(f"Release {version}")}
        ctx = self.context(version)
        if wheel:
            facts["build"] = self.build_wheel(ctx.release_dir / "dist")
        ctx.facts.update(facts)
        results = Pipeline(ctx, steps).run()
        ctx.journal.archive()
        return ctx, results

    def release_killed_at(self, version: str, at: str, *, wheel: bool = True) -> None:
        """Run :meth:`release` (image, docs, promote) in a child process that SIGKILLs itself
        at checkpoint ``at`` (the lead's fault-injection hook), as a crash would."""
        code = _KILLED.format(
            repo=str(self.repo), remote=str(self.remote), version=version, wheel=wheel
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, KILL_ENV: at},
            check=False,
        )
        assert done.returncode == -signal.SIGKILL, done.stderr

    def rollback(self, ctx: Context, steps: Sequence[Step]) -> list[str]:
        """Undo the release ``ctx`` ran (its journal was archived: bring it back first)."""
        archived = self.repo / ".releasekit" / "history" / f"{ctx.journal.release_id}.jsonl"
        current = self.repo / ".releasekit" / "journal.jsonl"
        shutil.move(archived, current)
        journal = Journal.load(self.repo / ".releasekit")
        assert journal is not None
        ctx.journal = journal
        manual = Pipeline(ctx, steps).rollback()
        journal.archive()
        return manual


def make_project(
    base: Path, source: Path, *, pyproject_extra: str = "", files: Mapping[str, str] | None = None
) -> Project:
    repo, remote = base / "work", base / "remote.git"
    shutil.copytree(source, repo)
    if pyproject_extra:
        with (repo / "pyproject.toml").open("a") as handle:
            handle.write("\n" + pyproject_extra)
    project = Project(repo, remote)
    project.write(files or {})
    (repo / ".gitignore").write_text(".releasekit/\n")
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "Release Tester"],
        ["config", "user.email", "tester@example.invalid"],
        ["config", "commit.gpgsign", "false"],
        ["remote", "add", "origin", str(remote)],
    ):
        git(repo, *args)
    project.commit("Initial commit")
    git(repo, "push", "-q", "origin", "main")
    return project
