"""``releasekit metrics`` on a fixture repository with a known history: four releases tagged at
known times (one followed by a fix release the next day), one rolled-back attempt in the history
store, commits at known times. The expected figures are worked out by hand below."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

from pytest_releasekit.history import open_store
from releasekit.metrics import IndexFacts, compute, index_facts, openmetrics, tagged_releases

from ..conftest import Sandbox, assert_one_error_line, git, make_sandbox

D0 = datetime(2026, 11, 20, 12, tzinfo=UTC)  # the sandbox's initial commit (FIXED_DATE)
#: (what, days after D0): commits and annotated release tags, in order
TIMELINE = [
    ("commit", 1.0),
    ("v1.0.0", 2.0),  # ships the initial commit (48 h) and this one (24 h)
    ("commit", 3.0),
    ("v1.1.0", 4.0),  # 24 h; failed: fix release 1.1.1 one day later
    ("commit", 4.5),
    ("v1.1.1", 5.0),  # 12 h; restores 1.1.0 after 24 h
    ("commit", 7.0),
    ("v1.2.0", 8.0),  # 24 h; restores the rolled-back attempt of day 6 after 48 h
]
ROLLED_BACK_AT = D0 + timedelta(days=6)
SINCE, UNTIL = D0, D0 + timedelta(days=14)
EXPECTED = {
    "deployment_frequency": 2.0,  # 4 releases in 2 weeks
    "lead_time_for_changes": 24.0,  # median of 48, 24, 24, 12, 24 hours
    "change_failure_rate": 0.4,  # 1.1.0 and the rolled-back attempt, of 4 releases + 1 attempt
    "time_to_restore": 36.0,  # median of 24 and 48 hours
}


def _at(days: float) -> str:
    return (D0 + timedelta(days=days)).isoformat()


def _git(box: Sandbox, env: dict[str, str], *args: str) -> None:
    subprocess.run(["git", *args], cwd=box.repo, env={**box.env, **env}, check=True)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    box = make_sandbox(tmp_path_factory.mktemp("metrics"), "simple")
    for n, (what, days) in enumerate(TIMELINE):
        env = {"GIT_AUTHOR_DATE": _at(days), "GIT_COMMITTER_DATE": _at(days)}
        if what == "commit":
            (box.repo / f"change{n}.txt").write_text(f"{n}\n")
            git(box.repo, "add", f"change{n}.txt")
            _git(box, env, "commit", "-qm", f"change {n}")
        else:
            _git(box, env, "tag", "-a", what, "-m", f"Release {what}")
    open_store("git", box.repo).append(
        "release",
        {
            "version": "1.2.0",
            "outcome": "rolled-back",
            "started": ROLLED_BACK_AT.isoformat(),
            "steps": [],
        },
    )
    return box


def _figures(document: dict[str, object]) -> dict[str, float]:
    figures = document["figures"]
    assert isinstance(figures, list)
    return {f["name"]: pytest.approx(f["value"]) for f in figures}


def test_metrics_json_gives_the_four_expected_figures(history: Sandbox) -> None:
    done = history.run(
        "metrics", "--json", "--since", SINCE.isoformat(), "--until", UNTIL.isoformat(), check=True
    )
    document = json.loads(done.stdout)
    assert _figures(document) == EXPECTED
    failed = {r["version"]: r["failed"] for r in document["releases"] if r["failed"]}
    assert failed == {"1.1.0": "followed by fix release 1.1.1", "1.2.0": "rolled back"}


def test_metrics_openmetrics_parses_with_prometheus_client(history: Sandbox) -> None:
    from prometheus_client.openmetrics.parser import text_string_to_metric_families

    done = history.run(
        "metrics",
        "--openmetrics",
        "--since",
        SINCE.isoformat(),
        "--until",
        UNTIL.isoformat(),
        check=True,
    )
    assert done.stdout.endswith("# EOF\n")
    values = {
        family.name: (family.type, family.unit, family.samples[0].value)
        for family in text_string_to_metric_families(done.stdout)
    }
    assert values == {
        "releasekit_deployments_per_week": ("gauge", "", 2.0),
        "releasekit_lead_time_for_changes_seconds": ("gauge", "seconds", 24 * 3600.0),
        "releasekit_change_failure_rate": ("gauge", "", pytest.approx(0.4)),
        "releasekit_time_to_restore_seconds": ("gauge", "seconds", 36 * 3600.0),
        "releasekit_releases": ("gauge", "", 5.0),
    }


def test_metrics_table_and_bad_dates(history: Sandbox) -> None:
    done = history.run("metrics", "--since", SINCE.isoformat(), "--until", UNTIL.isoformat())
    assert done.returncode == 0, done.stderr
    assert "change_failure_rate" in done.stderr and "0.40" in done.stderr
    assert "1.1.0: failed change (followed by fix release 1.1.1)" in done.stderr
    bad = history.run("metrics", "--since", "last tuesday")
    assert bad.returncode == 2
    assert_one_error_line(bad, "'last tuesday' is not an ISO 8601 date")


def test_yanked_releases_and_upload_times_from_the_index(history: Sandbox) -> None:
    """The index's facts override the tag dates. PyPI itself cannot be reached here: its JSON
    document (``/pypi/NAME/json``) is written out by hand, in PyPI's shape."""
    document = {
        "releases": {
            "1.0.0": [{"upload_time_iso_8601": _at(2.5).replace("+00:00", "Z"), "yanked": True}],
            "1.2.0": [
                {"upload_time_iso_8601": _at(8.25), "yanked": False},
                {"upload_time_iso_8601": _at(8.5), "yanked": True},
            ],
            "not a version": [],
        }
    }
    facts = index_facts(document)
    assert facts["1.0.0"] == IndexFacts(D0 + timedelta(days=2.5), True)
    assert facts["1.2.0"] == IndexFacts(D0 + timedelta(days=8.25), False)  # not every file
    tagged = tagged_releases(history.repo, "v{version}", None)
    metrics = compute(tagged, [], facts, since=SINCE, until=UNTIL)
    failed = {r.version: r.failed for r in metrics.releases if r.failed}
    assert failed == {"1.0.0": "yanked from the index", "1.1.0": "followed by fix release 1.1.1"}
    assert metrics.shipped[-1].time == D0 + timedelta(days=8.25)
    assert "releasekit_releases" in openmetrics(metrics, 'a "quoted" name')
