"""Kill the release for real (SIGKILL at a journaled checkpoint), then resume or roll back."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from releasekit.journal import Journal
from releasekit.pipeline import Pipeline
from releasekit.steps.docs import DocsStep
from releasekit.steps.promote import PromoteStep

from ..image.stepctx import Project, make_project

SITE = Path(__file__).parent / "projects" / "site"
STEPS = (DocsStep(), PromoteStep())


def _versions(project: Project) -> dict[str, list[str]]:
    done = subprocess.run(
        ["git", "show", "gh-pages:versions.json"],
        cwd=project.remote,
        capture_output=True,
        text=True,
        check=False,
    )
    return {v["version"]: v["aliases"] for v in json.loads(done.stdout)} if done.stdout else {}


@pytest.mark.parametrize("at", ["docs:deploying", "promote:moving-docs-alias"])
def test_resume_after_a_kill_then_rollback(tmp_path: Path, at: str) -> None:
    project = make_project(tmp_path, SITE)
    project.release("1.0.0", STEPS, wheel=False)
    project.release_killed_at("1.1.0", at, wheel=False)
    assert _versions(project)["1.0.0"] == ["latest"]  # latest not moved yet

    journal = Journal.load(project.repo / ".releasekit")
    assert journal is not None
    ctx = project.resume_context(journal)
    results = Pipeline(ctx, STEPS).run()
    assert [r.step for r in results] == ["docs", "promote"]
    assert _versions(project) == {"1.1.0": ["latest"], "1.0.0": []}
    # the state before the first attempt is what rollback restores
    assert ctx.facts["promote"]["docs"]["previous"] == "1.0.0"

    assert Pipeline(ctx, STEPS).rollback() == []
    assert _versions(project) == {"1.0.0": ["latest"]}
