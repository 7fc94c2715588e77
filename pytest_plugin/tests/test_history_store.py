"""The history store: one record per file, in a git ref written with plumbing and a
compare-and-swap, or in a directory; concurrent writers lose nothing; sync merges remotes."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gate_helpers import git

from pytest_releasekit.history import DEFAULT_REF, DirStore, GitStore, HistoryError, open_store

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pytest_releasekit.history import open_store

    store = open_store(sys.argv[1], Path(sys.argv[2]))
    for i in range(int(sys.argv[4])):
        store.append("gate", {"writer": int(sys.argv[3]), "n": i})
    """
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    (path / "a.txt").write_text("a\n")
    git(path, "add", "a.txt")
    git(path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first")
    return path


@pytest.mark.parametrize(("spec", "procs"), [("git", 8), ("history-dir", 4)])
def test_concurrent_writers_lose_no_record(repo: Path, spec: str, procs: int) -> None:
    per_proc = 10
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, spec, str(repo), str(k), str(per_proc)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(procs)
    ]
    for w in writers:
        assert w.wait(timeout=120) == 0, w.stderr.read() if w.stderr else ""
    records = open_store(spec, repo).records("gate")
    assert sorted((r["writer"], r["n"]) for r in records) == [
        (k, i) for k in range(procs) for i in range(per_proc)
    ]
    assert len({r["id"] for r in records}) == procs * per_proc
    # nothing but the store changed: no branch moved, the work tree and index are clean
    assert git(repo, "rev-list", "--count", "main") == "1"
    status = git(repo, "status", "--porcelain")
    assert status == ("" if spec == "git" else "?? history-dir/")
    if spec == "git":  # one commit per record, each the child of the one before
        assert git(repo, "rev-list", "--count", DEFAULT_REF) == str(procs * per_proc)


def test_records_read_back_in_order_and_by_kind(repo: Path) -> None:
    store = GitStore(repo)
    assert store.records() == []
    first = store.append("gate", {"id": "20260101T000000.000000Z-aaaa", "x": 1})
    store.append("release", {"id": "20260102T000000.000000Z-bbbb", "version": "1.0"})
    store.append("gate", {"id": "20251231T000000.000000Z-cccc", "x": 0})
    assert store.records()[0]["id"] == "20251231T000000.000000Z-cccc"
    assert [r["x"] for r in store.records("gate")] == [0, 1]
    assert [r["version"] for r in store.records("release")] == ["1.0"]
    # appending a record with the same id replaces it (a release recorded again after resume)
    store.append("gate", {"id": first, "x": 2})
    assert [r["x"] for r in store.records("gate")] == [0, 2]
    assert git(repo, "ls-tree", "--name-only", DEFAULT_REF).splitlines() == [
        "gate-20251231T000000.000000Z-cccc.json",
        "gate-20260101T000000.000000Z-aaaa.json",
        "release-20260102T000000.000000Z-bbbb.json",
    ]


def test_sync_merges_diverged_stores_through_a_remote(repo: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    mine, theirs = GitStore(repo), GitStore(other)
    mine.append("gate", {"n": 1})
    assert mine.sync("origin") == 1
    theirs.append("gate", {"n": 2})  # diverged: theirs never fetched mine
    theirs.append("release", {"version": "1.0"})
    assert theirs.sync("origin") == 3  # fetched, merged (a union), pushed
    assert mine.sync("origin") == 3
    assert sorted(r.get("n", 0) for r in mine.records()) == [0, 1, 2]
    assert git(remote, "rev-parse", DEFAULT_REF) == git(repo, "rev-parse", DEFAULT_REF)


def test_store_specs(repo: Path) -> None:
    assert isinstance(open_store("git", repo), GitStore)
    assert open_store("git:refs/releasekit/ci", repo).label.startswith("refs/releasekit/ci")
    assert isinstance(open_store(".history", repo), DirStore)
    with pytest.raises(HistoryError, match="not a full git ref name"):
        open_store("git:history", repo)
    with pytest.raises(HistoryError, match="is it a git repository"):
        GitStore(repo.parent).append("gate", {})


def test_a_writer_that_lost_the_race_retries_on_the_new_head(repo: Path) -> None:
    """The compare-and-swap (what guards writers on other machines sharing the repository, and
    anything not taking the local lock): a writer that read the ref before another writer moved
    it fails its swap and redoes its commit on the new head, so neither record is lost."""
    store = GitStore(repo)
    store.append("gate", {"n": 1})
    stale = store.head()

    class Late(GitStore):
        calls = 0

        def head(self) -> str | None:
            self.calls += 1
            return stale if self.calls == 1 else super().head()

    store.append("gate", {"n": 2})  # moves the ref after `Late` "read" it
    late = Late(repo)
    late.append("gate", {"n": 3})
    assert late.calls == 2  # the first swap failed and was retried
    assert sorted(r["n"] for r in store.records()) == [1, 2, 3]


def test_pytest_releasekit_history_command(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from pytest_releasekit.combine import main

    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    git(repo, "remote", "add", "origin", str(remote))
    GitStore(repo).append("gate", {"verdict": "pass", "commit": "f" * 40, "time": "t1"})
    assert main(["history", "--rootdir", str(repo), "--sync", "origin"]) == 0
    out, err = capsys.readouterr()
    assert "synced with origin: 1 records" in err
    assert out.split() == ["t1", "gate", "f" * 12, "pass"]
    assert git(remote, "rev-parse", DEFAULT_REF) == git(repo, "rev-parse", DEFAULT_REF)
    assert main(["history", "--rootdir", str(repo), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["verdict"] == "pass"
    # bad input: one line, status 4
    assert main(["history", "--rootdir", str(repo), "--store", "dir", "--sync", "origin"]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "only the git store can be synced" in err


def test_tier_durations_travel_from_xdist_workers() -> None:
    """Workers ship their tally as JSON; the controller's merge adds the seconds per tier."""
    from pytest_releasekit.tiers import Tally

    controller, worker = Tally(), Tally()
    worker.durations = {"unit": 1.5, "e2e": 2.0}
    controller.merge(worker.to_json())
    controller.merge(worker.to_json())
    assert controller.to_json()["durations"] == {"unit": 3.0, "e2e": 4.0}
