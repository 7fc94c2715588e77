"""A real release is recorded in the history store (refs/releasekit/history), which is pushed to
the remote with it; `releasekit history` reads it back and writes the HTML report."""

from __future__ import annotations

import json

from pytest_releasekit.history import DEFAULT_REF, GitStore

from ..conftest import Sandbox


def test_release_is_recorded_and_pushed_with_the_tag(sandbox: Sandbox) -> None:
    sandbox.run("release", "minor", "--yes", check=True)
    records = GitStore(sandbox.repo).records()
    assert [(r["kind"], r["version"], r["outcome"]) for r in records] == [
        ("release", "1.1.0", "released")
    ]
    record = records[0]
    assert record["commit"] == sandbox.git("rev-parse", "HEAD")
    assert record["tags"] == ["v1.1.0"]
    steps = {s["name"]: s for s in record["steps"]}
    assert steps["publish"]["state"] == "done" and steps["publish"]["duration_s"] >= 0
    assert record["duration_s"] >= sum(s["duration_s"] or 0 for s in steps.values()) - 1
    # pushed with the release, and no branch or file carries it
    assert sandbox.remote_git("rev-parse", DEFAULT_REF) == sandbox.git("rev-parse", DEFAULT_REF)
    assert sandbox.git("status", "--porcelain") == ""

    listed = json.loads(sandbox.run("history", "--json", check=True).stdout)
    assert listed == records
    html = sandbox.base / "report"
    done = sandbox.run("history", "--html", str(html), check=True)
    assert f"HTML report written to {html / 'index.html'}" in done.stderr
    page = (html / "index.html").read_text(encoding="utf-8")
    assert 'id="plot-releases"' in page and "lead_time_for_changes" in page
