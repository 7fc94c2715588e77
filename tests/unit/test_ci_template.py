"""``releasekit init --ci github``: the workflow it writes parses, and its commands, options and
cache paths are the ones the plugin really has (the workflow itself cannot run here: no GitHub)."""

import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_releasekit.bench.config import BenchSettings
from pytest_releasekit.combine import _parser as combine_parser
from pytest_releasekit.durations import DEFAULT_PATH
from pytest_releasekit.shards import parse_shard
from releasekit.ci import CI_KINDS
from releasekit.cli import main

PYPROJECT = '[project]\nname = "mine"\nversion = "1.0"\n'


def steps(job: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [s for s in job["steps"] if key in s]


def cache_paths(job: dict[str, Any]) -> set[str]:
    return {s["with"]["path"] for s in steps(job, "uses") if "actions/cache" in s["uses"]}


@pytest.mark.parametrize("shards", [4, 3])
def test_init_writes_a_sharded_workflow_with_both_caches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], shards: int
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    argv = ["-C", str(tmp_path), "init", "--ci", "github"]
    if shards != 4:
        argv += ["--ci-shards", str(shards)]
    assert main(argv) == 0
    written = tmp_path / CI_KINDS["github"]
    assert f"created {CI_KINDS['github']}" in capsys.readouterr().err
    doc = yaml.safe_load(written.read_text())
    jobs = doc["jobs"]
    assert set(jobs) == {"durations", "shard", "gate"}
    # one restore of the durations, handed to every shard; shards after it, the gate after them
    assert jobs["shard"]["needs"] == "durations" and jobs["gate"]["needs"] == "shard"
    assert cache_paths(jobs["durations"]) == {DEFAULT_PATH}
    assert jobs["shard"]["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
    (run,) = [s["run"] for s in steps(jobs["shard"], "run") if "--gate-shard" in s["run"]]
    for k in jobs["shard"]["strategy"]["matrix"]["shard"]:  # each matrix job's command line
        argv_ = shlex.split(run.replace("${{ matrix.shard }}", str(k)))
        assert argv_[0] == "pytest"
        option = next(a for a in argv_ if a.startswith("--gate-shard="))
        assert parse_shard(option.removeprefix("--gate-shard=")) == (k, shards)
    # the gate job: combine (its options parse), both caches at the plugin's default paths
    gate = jobs["gate"]
    assert gate["if"] == "always()"
    (combine,) = [s["run"] for s in steps(gate, "run") if s["run"].startswith("pytest-releasekit ")]
    # on a push to main the diff rule is off (main compared with itself is an error), else on
    no_diff = gate["env"]["NO_DIFF"]
    assert "github.event_name == 'push'" in no_diff and "'--gate-set diff_coverage=off'" in no_diff
    for value, sets in (("--gate-set diff_coverage=off", ["diff_coverage=off"]), ("", [])):
        words = shlex.split(combine.replace("$NO_DIFF", value))
        assert words[:2] == ["pytest-releasekit", "combine"]
        args = combine_parser().parse_args(words[1:])
        assert args.paths == [Path(".releasekit-gate/")]
        assert args.gate_set == sets
    assert cache_paths(gate) == {DEFAULT_PATH, BenchSettings().baseline_dir}
    # nothing is overwritten: a second init keeps the user's edited workflow
    written.write_text("# mine\n")
    assert main(["-C", str(tmp_path), "init", "--ci", "github"]) == 0
    assert written.read_text() == "# mine\n"


def test_a_bad_shard_count_is_one_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    assert main(["-C", str(tmp_path), "init", "--ci", "github", "--ci-shards", "0"]) == 2
    captured = capsys.readouterr()
    lines = (captured.out + captured.err).strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ERROR"), lines
    assert "invalid shard count '0'" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]
