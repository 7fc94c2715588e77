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

from conftest import Project
from pytest_releasekit.shards import ShardError, parse_shard, split
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
