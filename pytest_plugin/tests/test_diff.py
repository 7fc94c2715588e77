"""Diff coverage against real git repositories: a bare origin, a feature branch, shallow clones."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate_helpers import BRANCH, MODES, SOURCES, TESTS, Project, Run

from pytest_releasekit import _run
from pytest_releasekit.gates.diff import format_ranges, parse_diff
from pytest_releasekit.verdict import EXIT_GATE_FAILED

NEW_CODE = """

def new(x):
    if x:
        return "new"
    return "old"
"""
NEW_TEST = "\nfrom pkg.legacy import new\n\ndef test_new(): assert new(1) == 'new'\n"


@pytest.fixture(autouse=True)
def _git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Gate Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "gate@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(cwd: Path, *args: str) -> str:
    done = _run.run(["git", *args], cwd=cwd)
    assert done.ok, done.stderr
    return done.stdout.strip()


def uncovered_line(path: Path) -> int:
    return path.read_text().splitlines().index('    return "old"') + 1


@pytest.fixture
def repo(project: Project) -> Project:
    """main (pushed to a bare origin, origin/HEAD set) + a checked-out feature branch."""
    project.configure("diff_coverage = 70", coverage=BRANCH)
    project.write(
        {
            **SOURCES,
            **TESTS,
            ".gitignore": ".coverage*\ngate-report.json\ncov.json\n__pycache__/\nrunpytest-*/\n",
        }
    )
    path = project.path
    git(path, "init", "-q", "-b", "main")
    git(path, "add", ".")
    git(path, "commit", "-q", "-m", "main")
    git(path, "init", "-q", "--bare", "-b", "main", str(path.parent / f"{path.name}-origin.git"))
    git(path, "remote", "add", "origin", str(path.parent / f"{path.name}-origin.git"))
    git(path, "push", "-q", "origin", "main")
    git(path, "remote", "set-head", "origin", "main")
    git(path, "checkout", "-q", "-b", "feature")
    with (path / "src/pkg/legacy.py").open("a") as stream:
        stream.write(NEW_CODE)
    with (path / "tests/test_legacy.py").open("a") as stream:
        stream.write(NEW_TEST)
    git(path, "commit", "-q", "-am", "feature")
    git(path, "push", "-q", "origin", "feature")
    return project


def gate(project: Project, *args: str, mode: str = "plain", cwd: Path | None = None) -> Run:
    return project.run(
        "--gate", "--gate-report=gate-report.json", *args, mode=mode, subprocess=True, cwd=cwd
    )


@pytest.mark.parametrize("mode", MODES)
def test_diff_coverage_against_default_branch(repo: Project, mode: str) -> None:
    run = gate(repo, "--gate-set", "diff_coverage=80", mode=mode)
    assert run.ret == EXIT_GATE_FAILED, run.out
    verdict = run.rule("diff_coverage")
    line = uncovered_line(repo.path / "src/pkg/legacy.py")
    assert verdict["verdict"] == "fail"
    assert verdict["measured"] == 75.0  # def, if, return "new" covered; return "old" not
    assert verdict["details"] == [f"src/pkg/legacy.py: {line}"]
    assert verdict["data"]["base"] == "origin/main"
    assert verdict["data"]["uncovered"] == {"src/pkg/legacy.py": [line]}
    assert verdict["data"]["merge_base"] == git(repo.path, "rev-parse", "main")
    run.result.stdout.fnmatch_lines(
        [
            "diff_coverage * 75.00% * >= 80% * FAIL * 3 of 4 changed*",
            f"    src/pkg/legacy.py: {line}",
        ]
    )


def test_diff_coverage_pass_and_working_tree_changes(repo: Project) -> None:
    run = gate(repo)
    assert run.rule("diff_coverage")["verdict"] == "pass"
    assert run.ret == 0
    # an uncommitted, untested change counts too
    with (repo.path / "src/pkg/core.py").open("a") as stream:
        stream.write("\n\ndef extra():\n    return 1\n")
    run = gate(repo)
    verdict = run.rule("diff_coverage")
    assert verdict["measured"] == pytest.approx(100 * 4 / 6)  # def extra counts as executed
    assert set(verdict["data"]["uncovered"]) == {"src/pkg/legacy.py", "src/pkg/core.py"}
    assert verdict["verdict"] == "fail"


def test_explicit_base_from_option_and_config(repo: Project) -> None:
    git(repo.path, "tag", "v1", "main")
    run = gate(repo, "--gate-base=v1")
    assert run.rule("diff_coverage")["data"]["base"] == "v1"
    run = gate(repo, "--gate-base=feature")  # nothing changed relative to itself
    verdict = run.rule("diff_coverage")
    assert verdict["verdict"] == "pass"
    assert verdict["measured"] is None
    assert verdict["summary"].startswith("no changed executable lines since feature")
    run = gate(repo, "--gate-set", "diff_base=v1")
    assert run.rule("diff_coverage")["data"]["base"] == "v1"


def test_missing_base_ref_is_an_error(repo: Project) -> None:
    run = gate(repo, "--gate-base=origin/nope")
    verdict = run.rule("diff_coverage")
    assert verdict["verdict"] == "error"
    assert verdict["summary"] == "base ref 'origin/nope' does not exist"
    assert "git fetch origin nope" in verdict["fix"]
    assert run.ret == EXIT_GATE_FAILED
    run.result.stdout.fnmatch_lines(
        ["diff_coverage * n/a * ERROR * base ref 'origin/nope'*", "    fix: fetch it*"]
    )


def test_not_a_git_repository_is_an_error(project: Project) -> None:
    project.configure("diff_coverage = 70")
    project.write({**SOURCES, **TESTS})
    run = gate(project)
    verdict = run.rule("diff_coverage")
    assert verdict["verdict"] == "error"
    assert "is not inside a git repository" in verdict["summary"]


def test_shallow_clone(repo: Project) -> None:
    origin = repo.path.parent / f"{repo.path.name}-origin.git"
    clone = repo.path / "shallow"
    git(
        repo.path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feature",
        f"file://{origin}",
        str(clone),
    )
    # only the feature branch was fetched: no default branch to compare with
    run = gate(repo, cwd=clone)
    verdict = run.rule("diff_coverage")
    assert verdict["verdict"] == "error"
    assert "cannot find the default branch" in verdict["summary"]
    assert "in this shallow clone" in verdict["summary"]
    assert "fetch-depth: 0" in verdict["fix"]
    assert run.ret == EXIT_GATE_FAILED
    # an explicit base that was not fetched
    verdict = gate(repo, "--gate-base=origin/main", cwd=clone).rule("diff_coverage")
    assert verdict["summary"] == "base ref 'origin/main' does not exist in this shallow clone"
    assert "git fetch --no-tags origin main" in verdict["fix"]
    # fetched, but too shallow for a merge-base
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    verdict = gate(repo, "--gate-base=origin/main", cwd=clone).rule("diff_coverage")
    assert verdict["summary"] == (
        "HEAD and 'origin/main' have no common ancestor in this shallow clone"
    )
    # following the fix makes it measurable
    git(clone, "fetch", "-q", "--unshallow", "origin")
    run = gate(repo, "--gate-base=origin/main", cwd=clone)
    assert run.rule("diff_coverage")["verdict"] == "pass"
    assert run.rule("diff_coverage")["measured"] == 75.0
    assert run.ret == 0


def test_parse_diff() -> None:
    diff = "\n".join(
        [
            "diff --git a/src/a.py b/src/a.py",
            "--- a/src/a.py",
            "+++ b/src/a.py",
            "@@ -1,0 +2,3 @@",
            "+x",
            "@@ -10 +12 @@",
            "@@ -20,2 +21,0 @@",
            "diff --git a/old.py b/old.py",
            "--- a/old.py",
            "+++ /dev/null",
            "@@ -1,3 +0,0 @@",
            "diff --git a/x.py b/new name.py",
            "rename from x.py",
            "--- a/x.py",
            '+++ "b/sp\\303\\251cial.py"',
            "@@ -5 +5 @@",
        ]
    )
    assert parse_diff(diff) == {"src/a.py": {2, 3, 4, 12}, "spécial.py": {5}}


def test_format_ranges() -> None:
    assert format_ranges([7, 1, 2, 3, 9, 10]) == "1-3, 7, 9-10"
    assert format_ranges([]) == ""
