"""A run split across CI jobs: ``pytest --gate --gate-shard=K/N`` in each, then one verdict from
``pytest-releasekit combine`` that equals the verdict of the unsplit run.

Shards run as real pytest processes (one under ``-n 2``, one under pytest-cov, one in another
checkout directory whose paths coverage.py remaps); ``combine`` runs as its own process.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Project
from pytest_releasekit import durations
from pytest_releasekit.shards import ShardError, parse_shard, plan, split
from pytest_releasekit.verdict import EXIT_GATE_FAILED

SOURCES = {
    "src/pkg/__init__.py": """
        def a(x):
            if x:
                return 1
            return 2


        def b(x):
            return x * 2


        def c():
            return 3


        def never():
            return 4
    """,
    "tests/test_a.py": """
        from pkg import a

        def test_a1():
            assert a(1) == 1

        def test_a0():
            assert a(0) == 2
    """,
    "tests/test_b.py": "from pkg import b\n\ndef test_b():\n    assert b(2) == 4\n",
    "tests/e2e/test_c.py": "from pkg import c\n\ndef test_c():\n    assert c() == 3\n",
}
GATE = """
    coverage_total = 60
    coverage_per_file = 50
    min_tests = {unit = 3, e2e = 1}
"""


@pytest.fixture
def sharded(project: Project) -> Project:
    # [tool.coverage.paths]: a shard run in another checkout directory is mapped back here
    project.configure(
        GATE, coverage="branch = true\n[tool.coverage.paths]\nsource = ['src', '*/src']"
    )
    project.write(SOURCES)
    return project


def combine(
    project: Project, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest_releasekit.combine", "combine", *args],
        cwd=cwd or project.path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def rules(path: Path) -> dict[str, tuple[Any, str]]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {r["rule"]: (r["measured"], r["verdict"]) for r in doc["rules"]}


# ------------------------------------------------------------------------------ the split
def test_the_split_keeps_files_whole_covers_every_test_once_and_balances() -> None:
    nodeids = [f"tests/test_{f}.py::test_{i}" for f in range(12) for i in range(f % 5 + 1)]
    parts = [split(nodeids, k, 4) for k in range(1, 5)]
    assert sorted(i for part in parts for i in part) == list(range(len(nodeids)))
    for part in parts:
        files = {nodeids[i].split("::")[0] for i in part}
        for name in files:  # whole files only
            assert all(i in part for i, n in enumerate(nodeids) if n.startswith(name + "::"))
    sizes = [len(p) for p in parts]
    assert max(sizes) - min(sizes) <= 5  # no shard bigger than another by more than a file
    assert parts == [split(list(nodeids), k, 4) for k in range(1, 5)]  # deterministic


@pytest.mark.parametrize("bad", ["0/2", "3/2", "2", "a/b", "1/0", ""])
def test_bad_shard_values_are_rejected(bad: str) -> None:
    with pytest.raises(ShardError, match="expected K/N"):
        parse_shard(bad)


@pytest.mark.parametrize("huge", ["1/99999999999999999999", "1/1025"])
def test_absurd_shard_counts_are_rejected_not_allocated(huge: str) -> None:
    with pytest.raises(ShardError, match="at most 1024 shards"):
        parse_shard(huge)


def test_a_bad_shard_option_is_a_usage_error(sharded: Project) -> None:
    run = sharded.run("--gate-shard=3/2")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    assert "--gate-shard='3/2': expected K/N" in run.result.stderr.str()
    assert not (sharded.path / ".releasekit-gate").exists()


# ------------------------------------------------------------------------------ end to end
def test_combined_shards_give_the_verdict_of_the_unsplit_run(
    sharded: Project, tmp_path_factory: pytest.TempPathFactory
) -> None:
    whole = sharded.run("--gate", "--gate-report=whole.json", subprocess=True)
    assert whole.ret == 0, whole.out
    (sharded.path / ".coverage").unlink()
    # another checkout of the same project, in another directory (another CI machine)
    elsewhere = tmp_path_factory.mktemp("other-runner") / "checkout"
    shutil.copytree(sharded.path, elsewhere)

    one = sharded.run("--gate-shard=1/3", "--gate-report=shard1.json", mode="xdist")
    assert one.ret == 0, one.out
    assert "shard 1/3: evidence written to" in one.out
    assert json.loads((sharded.path / "shard1.json").read_text())["verdict"] == "not-evaluated"
    two = sharded.run(
        "--gate-shard=2/3", "--cov=pkg", subprocess=True, plugins=("pytest_cov.plugin",)
    )
    assert two.ret == 0, two.out
    three = sharded.run("--gate-shard=3/3", subprocess=True, cwd=elsewhere)
    assert three.ret == 0, three.out
    shutil.copy(
        elsewhere / ".releasekit-gate" / "shard-3-of-3.json", sharded.path / ".releasekit-gate"
    )
    ran = [one, two, three]
    assert sum(r.result.parseoutcomes().get("passed", 0) for r in ran) == 4

    done = combine(sharded, "--gate-report=combined.json")
    assert done.returncode == 0, done.stdout + done.stderr
    combined = rules(sharded.path / "combined.json")
    assert combined.pop("shards") == (3, "pass")
    assert combined == rules(sharded.path / "whole.json")
    # the combined data file is coverage.py's: its TOTAL is the gate's
    report = subprocess.run(
        [sys.executable, "-m", "coverage", "report", "--format=total", "--precision=2"],
        cwd=sharded.path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert float(report.stdout) == round(combined["coverage_total"][0], 2)


def test_a_missing_shard_is_an_error_not_a_pass(sharded: Project) -> None:
    for k in (1, 3):
        assert sharded.run(f"--gate-shard={k}/3", subprocess=True).ret == 0
    done = combine(sharded, "--gate-report=combined.json")
    assert done.returncode == EXIT_GATE_FAILED
    assert rules(sharded.path / "combined.json")["shards"] == (2, "error")
    assert "no file from shard 2/3" in done.stdout


def test_a_shard_whose_tests_failed_fails_the_combined_run(sharded: Project) -> None:
    sharded.write({"tests/test_b.py": "def test_b():\n    assert False\n"})
    statuses = [sharded.run(f"--gate-shard={k}/2", subprocess=True).ret for k in (1, 2)]
    assert sorted(statuses) == [0, 1]
    done = combine(sharded, "--gate-report=combined.json")
    assert done.returncode == 1  # the shard's pytest status, as the unsplit run would exit
    assert rules(sharded.path / "combined.json")["tests"][1] == "fail"


def test_a_shard_without_coverage_data_makes_coverage_an_error(sharded: Project) -> None:
    assert sharded.run("--gate-shard=1/2", subprocess=True).ret == 0
    two = sharded.run(
        "--gate-shard=2/2", "--no-cov", subprocess=True, plugins=("pytest_cov.plugin",)
    )
    assert two.ret == 0, two.out
    done = combine(sharded, "--gate-report=combined.json")
    assert done.returncode == EXIT_GATE_FAILED
    verdicts = json.loads((sharded.path / "combined.json").read_text())["rules"]
    total = next(r for r in verdicts if r["rule"] == "coverage_total")
    assert total["verdict"] == "error"
    assert "shard 2/2" in total["summary"]


def test_shards_from_different_collections_are_refused(sharded: Project) -> None:
    """A test file added between two shard jobs: the combined verdict would count tests that
    never ran (or miss some), so combine refuses instead of passing."""
    assert sharded.run("--gate-shard=1/2", subprocess=True).ret == 0
    sharded.write({"tests/test_new.py": "def test_new():\n    assert True\n"})
    assert sharded.run("--gate-shard=2/2", subprocess=True).ret == 0
    done = combine(sharded, "--gate-report=combined.json")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "different test collections" in lines[0]
    assert not (sharded.path / "combined.json").exists()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("duplicate", "shard 1 of 2 given twice"),
        ("mismatch", "disagree on the number of shards"),
        ("not-a-shard", "not a shard file"),
        ("missing-path", "no such file or directory"),
        ("empty-dir", "no shard files in"),
        ("bad-config", "unknown key 'coverage_totl'"),
    ],
)
def test_bad_combine_input_is_one_line_and_changes_nothing(
    sharded: Project, case: str, message: str
) -> None:
    root = sharded.path
    assert sharded.run("--gate-shard=1/2", subprocess=True).ret == 0
    (root / ".coverage").unlink()
    shard = root / ".releasekit-gate" / "shard-1-of-2.json"
    args: list[str] = []
    if case == "duplicate":
        shutil.copy(shard, root / "copy.json")
        args = [str(shard), "copy.json"]
    elif case == "mismatch":
        doc = json.loads(shard.read_text())
        (root / "other.json").write_text(json.dumps({**doc, "shard": 2, "shards": 3}))
        args = [str(shard), "other.json"]
    elif case == "not-a-shard":
        (root / "other.json").write_text('{"rules": []}')
        args = [str(shard), "other.json"]
    elif case == "missing-path":
        args = ["nowhere"]
    elif case == "empty-dir":
        (root / "empty").mkdir()
        args = ["empty"]
    else:
        args = ["--gate-set", "coverage_totl=90"]
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    done = combine(sharded, *args, "--gate-report=combined.json")
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert message in lines[0]
    assert "Traceback" not in done.stderr
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before  # nothing written


# ------------------------------------------------------------------------------ by duration
def nodeids_of(files: dict[str, int]) -> list[str]:
    return [f"tests/{name}::test_{i}" for name, count in files.items() for i in range(count)]


def test_without_durations_the_split_is_by_count_as_before() -> None:
    nodeids = nodeids_of({"test_a.py": 5, "test_b.py": 3, "test_c.py": 2, "test_d.py": 2})
    for known in (None, {}, {"tests/gone.py::test_x": 9.0}):  # nothing known of these tests
        split_ = plan(nodeids, 2, known)
        assert split_.by == "count"
        assert split_.unknown == 0
        assert split_.fallback is None
        # whole files, largest first onto the shard with the fewest tests: a+d and b+c
        assert split_.predicted == (7.0, 5.0)
        assert [sorted(p) for p in split_.parts] == [[0, 1, 2, 3, 4, 10, 11], [5, 6, 7, 8, 9]]


def test_by_duration_the_slowest_go_first_onto_the_least_loaded_shard() -> None:
    # one slow file (more than a quarter of a shard's share) is placed test by test
    nodeids = nodeids_of({"test_slow.py": 4, "test_b.py": 2, "test_c.py": 2, "test_d.py": 4})
    seconds = [4.0, 3.0, 2.0, 1.0, 0.5, 0.5, 0.25, 0.25, 0.1, 0.1, 0.1, 0.1]
    split_ = plan(nodeids, 2, dict(zip(nodeids, seconds, strict=True)))
    assert split_.by == "duration"
    assert split_.unknown == 0
    assert sorted(split_.predicted) == pytest.approx([5.9, 6.0])  # the best there is
    by_count = plan(nodeids, 2)  # whole files by test count: the slow file's 10 s on one shard
    assert max(sum(seconds[i] for i in part) for part in by_count.parts) == 10.5
    assert sorted(i for p in split_.parts for i in p) == list(range(len(nodeids)))


def test_tests_never_recorded_count_at_the_median_of_the_known() -> None:
    nodeids = nodeids_of({"test_a.py": 3, "test_new.py": 2})
    known = {nodeids[0]: 1.0, nodeids[1]: 3.0, nodeids[2]: 8.0}
    split_ = plan(nodeids, 2, known)
    assert split_.by == "duration"
    assert split_.unknown == 2
    assert split_.fallback == 3.0
    assert sum(split_.predicted) == 1.0 + 3.0 + 8.0 + 2 * 3.0


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("abcdefgh"), st.integers(0, 30)).map(
            lambda t: f"tests/test_{t[0]}.py::test_{t[1]}"
        ),
        st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
        max_size=80,
    ),
    st.integers(1, 7),
)
def test_every_test_runs_in_exactly_one_shard_and_every_shard_agrees(
    tests: dict[str, float | None], shards: int
) -> None:
    nodeids = list(tests)
    durations = {n: s for n, s in tests.items() if s is not None}
    whole = plan(nodeids, shards, durations)
    assert sorted(i for part in whole.parts for i in part) == list(range(len(nodeids)))
    # each shard computes the split alone, from the same inputs in the same collection order
    assert [split(list(nodeids), k, shards, dict(durations)) for k in range(1, shards + 1)] == [
        set(p) for p in whole.parts
    ]
    if whole.by == "duration":  # LPT: no shard exceeds the ideal by more than its heaviest unit
        heaviest = max(durations.get(n, whole.fallback or 0) for n in nodeids)
        ideal = sum(whole.predicted) / shards
        assert max(whole.predicted) <= ideal + max(heaviest, sum(whole.predicted) / shards / 4)


def test_durations_file_merges_and_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    path = tmp_path / "durations.json"
    assert durations.load(path) is None  # the first run: split by count
    durations.merge_into(path, {"t::a": 1.5, "t::b": 2.0})
    durations.merge_into(path, {"t::b": 0.5, "t::c": 3.0})  # measured again: replaced
    assert durations.load(path) == {"t::a": 1.5, "t::b": 0.5, "t::c": 3.0}
    for text, why in [
        ("{", "Expecting"),
        ('{"rules": []}', "no durations header"),
        ('{"kind": "pytest-releasekit durations", "schema": 1, "durations": {"t": -1}}', "-1"),
    ]:
        path.write_text(text)
        with pytest.raises(ShardError, match=why):
            durations.load(path)


def shard_doc(project: Project, k: int, n: int) -> dict[str, Any]:
    path = project.path / ".releasekit-gate" / f"shard-{k}-of-{n}.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_shards_record_durations_combine_writes_them_and_the_next_split_reads_them(
    sharded: Project,
) -> None:
    root = sharded.path
    first = [sharded.run(f"--gate-shard={k}/2", subprocess=True) for k in (1, 2)]
    assert [r.ret for r in first] == [0, 0]
    assert "split by test count" in first[0].out
    ran = [set(shard_doc(sharded, k, 2)["durations"]) for k in (1, 2)]
    assert not ran[0] & ran[1]
    everything = ran[0] | ran[1]
    assert len(everything) == 4
    done = combine(sharded, "--gate-report=run1.json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "shard 1/2: " in done.stdout
    assert "actual" in done.stdout
    recorded = durations.load(root / ".releasekit-gate" / "durations.json")
    assert recorded is not None
    assert set(recorded) == everything
    times = json.loads((root / "run1.json").read_text())["shard_times"]
    assert [t["shard"] for t in times] == [1, 2]
    assert all(t["wall"] > 0 for t in times)

    # the next run: a new test file (never recorded), one shard under xdist
    sharded.write({"tests/test_new.py": "def test_new():\n    assert True\n"})
    for k in (1, 2):
        (root / ".releasekit-gate" / f"shard-{k}-of-2.json").unlink()
    second = [
        sharded.run("--gate-shard=1/2", "-p", "no:randomly", mode="xdist"),
        sharded.run("--gate-shard=2/2", subprocess=True),
    ]
    assert [r.ret for r in second] == [0, 0], second[0].out
    assert "split by recorded durations; 1 test(s) never recorded" in second[1].out
    docs = [shard_doc(sharded, k, 2) for k in (1, 2)]
    ids = sorted(everything | {"tests/test_new.py::test_new"})
    for doc in docs:
        assert (doc["split"]["by"], doc["split"]["unknown"]) == ("duration", 1)
    assert docs[0]["split"]["durations_sha256"] == docs[1]["split"]["durations_sha256"]
    ran = [set(d["durations"]) for d in docs]
    assert not ran[0] & ran[1]
    assert sorted(ran[0] | ran[1]) == ids
    again = combine(sharded, "--gate-report=run2.json")
    assert again.returncode == 0, again.stdout + again.stderr
    verdicts = [
        {r["rule"]: r["verdict"] for r in json.loads((root / f).read_text())["rules"]}
        for f in ("run1.json", "run2.json")
    ]
    assert verdicts[0] == verdicts[1]  # the same verdicts, whichever way the run was split
    assert set(durations.load(root / ".releasekit-gate" / "durations.json") or {}) == set(ids)


def test_shards_split_from_different_durations_are_refused(sharded: Project) -> None:
    """A shard that restored another cache entry splits differently: tests would run twice or
    never, so combine refuses (the CI template restores the cache once for all shards)."""
    nodeids = [f"tests/test_a.py::test_a{i}" for i in (1, 0)]
    nodeids += ["tests/test_b.py::test_b", "tests/e2e/test_c.py::test_c"]
    durations.merge_into(sharded.path / "slow.json", dict.fromkeys(nodeids, 1.0))
    assert sharded.run("--gate-shard=1/2", "--gate-durations=slow.json", subprocess=True).ret == 0
    assert sharded.run("--gate-shard=2/2", subprocess=True).ret == 0  # no durations file
    done = combine(sharded)
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "different durations files" in lines[0]
    assert not (sharded.path / ".releasekit-gate" / "durations.json").exists()


def test_an_unusable_durations_file_falls_back_to_counts_and_says_so(sharded: Project) -> None:
    """A stale CI cache (another schema, a broken file) must not stop every shard: all of them
    read the same file, so all fall back to the same split by count, and combine writes a good
    file for the next run."""
    (sharded.path / "bad.json").write_text("{}")
    run = sharded.run("--gate-shard=1/2", "--gate-durations=bad.json")
    assert run.ret == 0
    assert "split by test count, as the durations file is unusable: " in run.out
    assert "bad.json: not a durations file" in run.out
    split_ = shard_doc(sharded, 1, 2)["split"]
    assert split_["by"] == "count"
    assert "no durations header" in split_["problem"]
