"""The release commit holds exactly the files the version and changelog steps report."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.context import Context
from releasekit.errors import StepFailed
from releasekit.steps.base import StepRecord
from releasekit.steps.commit import CommitStep

from ..conftest import Sandbox, make_sandbox, step_context


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    return make_sandbox(tmp_path, "simple")


def _context(sandbox: Sandbox, facts: dict[str, dict[str, object]]) -> Context:
    ctx = step_context(sandbox.repo)
    ctx.facts.update({"preflight": {"base": sandbox.git("rev-parse", "HEAD")}, **facts})
    return ctx


def test_only_the_reported_files_are_committed(sandbox: Sandbox) -> None:
    (sandbox.repo / "pyproject.toml").write_text(
        (sandbox.repo / "pyproject.toml").read_text().replace("1.0.0", "1.1.0")
    )
    (sandbox.repo / "CHANGELOG.md").write_text("## 1.1.0\n")
    (sandbox.repo / "changelog.d" / "1.feature.md").unlink()
    (sandbox.repo / "left-by-tests.txt").write_text("not part of the release\n")
    (sandbox.repo / "README.md").write_text("changed by something else\n")
    ctx = _context(
        sandbox,
        {
            "version": {"files": ["pyproject.toml"]},
            "changelog": {"files": ["CHANGELOG.md", "changelog.d/1.feature.md"]},
        },
    )
    facts = CommitStep().apply(ctx)
    assert facts["committed"] is True and facts["sha"] == sandbox.git("rev-parse", "HEAD")
    assert facts["files"] == ["CHANGELOG.md", "changelog.d/1.feature.md", "pyproject.toml"]
    shown = sandbox.git("show", "--name-status", "--format=", "HEAD").splitlines()
    assert sorted(shown) == [
        "D\tchangelog.d/1.feature.md",
        "M\tCHANGELOG.md",
        "M\tpyproject.toml",
    ]
    left = {line.split()[-1] for line in sandbox.git("status", "--porcelain").splitlines()}
    assert left == {"left-by-tests.txt", "README.md"}  # still there, never committed


def test_nothing_to_commit_means_no_release_commit(sandbox: Sandbox) -> None:
    base = sandbox.git("rev-parse", "HEAD")
    ctx = _context(sandbox, {"version": {"files": []}})  # a version from the tag, no changelog
    facts = CommitStep().apply(ctx)
    assert facts["sha"] == base and facts["committed"] is False
    assert sandbox.git("rev-parse", "HEAD") == base
    record = StepRecord("commit", state="done", facts=facts)
    assert CommitStep().undo(ctx, record) == []
    assert sandbox.git("rev-parse", "HEAD") == base


def test_an_ignored_release_file_is_one_clear_error(sandbox: Sandbox) -> None:
    (sandbox.repo / ".gitignore").write_text("NEWS.md\n")
    sandbox.git("commit", "-qam", "ignore NEWS.md")
    (sandbox.repo / "NEWS.md").write_text("## 1.1.0\n")
    ctx = _context(sandbox, {"changelog": {"files": ["NEWS.md"]}})
    with pytest.raises(StepFailed, match=r"the release changed NEWS\.md, but \.gitignore ignores"):
        CommitStep().apply(ctx)
