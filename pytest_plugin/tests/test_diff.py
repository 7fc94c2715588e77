"""Diff coverage against real git repositories: a bare origin, a feature branch, shallow clones."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from gate_helpers import BRANCH, MODES, SOURCES, TESTS, Project, Run, git

from pytest_releasekit import _run
from pytest_releasekit.apirelease import ApiError
from pytest_releasekit.apirelease import resolve_base as api_base
from pytest_releasekit.gates import Unmeasurable
from pytest_releasekit.gates.diff import decide
from pytest_releasekit.gitdiff import format_ranges, parse_diff, resolve_base
from pytest_releasekit.verdict import EXIT_GATE_FAILED, Outcome

NEW_CODE = """

def new(x):
    if x:
        return "new"
    return "old"
"""
NEW_TEST = "\nfrom pkg.legacy import new\n\ndef test_new(): assert new(1) == 'new'\n"


@pytest.fixture(autouse=True)
def _git_identity(git_identity: None) -> None:
    """Every test here commits."""


def uncovered_line(path: Path) -> int:
    return path.read_text().splitlines().index('    return "old"') + 1


@pytest.fixture
def repo(project: Project) -> Project:
    """main (pushed to a bare origin, origin/HEAD set) + a checked-out feature branch."""
    project.configure("diff_coverage = 60", coverage=BRANCH)
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
    # def, if, return "new" covered, return "old" not; of the if's two arcs one ran
    assert verdict["measured"] == pytest.approx(100 * (3 + 1) / (4 + 2))
    # the missed arc goes to a listed missing line, so (as in `coverage report -m`) only the line
    assert verdict["details"] == [f"src/pkg/legacy.py: {line}"]
    assert verdict["data"]["base"] == "origin/main"
    assert verdict["data"]["uncovered"] == {"src/pkg/legacy.py": [line]}
    assert verdict["data"]["partial"] == {"src/pkg/legacy.py": [line - 2]}  # `if x:` of new()
    assert verdict["data"]["merge_base"] == git(repo.path, "rev-parse", "main")
    run.result.stdout.fnmatch_lines(
        [
            "diff_coverage * 66.67% * >= 80% * FAIL * 3 of 4 changed* and 1 of 2 of their bran*",
            f"    src/pkg/legacy.py: {line}",
        ]
    )


def test_diff_coverage_pass_and_working_tree_changes(repo: Project) -> None:
    run = gate(repo)
    assert run.rule("diff_coverage")["verdict"] == "pass"
    assert run.ret == 0
    # an uncommitted, untested change counts too, and so does an untracked file
    with (repo.path / "src/pkg/core.py").open("a") as stream:
        stream.write("\n\ndef extra():\n    return 1\n")
    repo.write({"src/pkg/fresh.py": "def fresh():\n    return 2\n"})  # never imported
    run = gate(repo)
    verdict = run.rule("diff_coverage")
    # statements: legacy 3 of 4, core 1 of 2 (def extra ran), fresh 0 of 2; branches 1 of 2
    assert verdict["measured"] == pytest.approx(100 * (4 + 1) / (8 + 2))
    assert verdict["data"]["uncovered"] == {
        "src/pkg/core.py": [14],
        "src/pkg/fresh.py": [1, 2],
        "src/pkg/legacy.py": [uncovered_line(repo.path / "src/pkg/legacy.py")],
    }
    assert verdict["verdict"] == "fail"
    verdict = gate(repo, "--gate-set", 'diff_untracked="ignore"').rule("diff_coverage")
    assert verdict["measured"] == pytest.approx(100 * (4 + 1) / (6 + 2))
    assert "src/pkg/fresh.py" not in verdict["data"]["uncovered"]
    assert verdict["verdict"] == "pass"


def test_explicit_base_from_option_and_config(repo: Project) -> None:
    git(repo.path, "tag", "v1", "main")
    run = gate(repo, "--gate-base=v1")
    assert run.rule("diff_coverage")["data"]["base"] == "v1"
    run = gate(repo, "--gate-set", "diff_base=v1")
    assert run.rule("diff_coverage")["data"]["base"] == "v1"


def test_base_from_the_environment(repo: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """RELEASEKIT_GATE_BASE (set by releasekit's gate step to the last release's tag)."""
    git(repo.path, "tag", "v1", "main")
    monkeypatch.setenv("RELEASEKIT_GATE_BASE", "v1")
    run = gate(repo, "--gate-set", "diff_base=origin/main")
    assert run.rule("diff_coverage")["data"]["base"] == "v1"
    assert run.report["settings"]["diff_base"] == {"value": "v1", "source": "RELEASEKIT_GATE_BASE"}


def test_base_that_is_the_branch_itself_is_an_error(repo: Project) -> None:
    """Comparing a branch with itself measures nothing: an error with a fix, never a pass."""
    run = gate(repo, "--gate-base=feature")
    verdict = run.rule("diff_coverage")
    assert verdict["verdict"] == "error"
    head = git(repo.path, "rev-parse", "HEAD")
    assert verdict["summary"] == (
        f"base ref 'feature' resolves to HEAD itself ({head[:10]}): the diff would compare the "
        "branch with itself"
    )
    assert "--gate-set diff_coverage=off" in verdict["fix"]
    assert run.ret == EXIT_GATE_FAILED
    run.result.stdout.fnmatch_lines(["diff_coverage * n/a * ERROR * base ref 'feature' res*"])
    # the same, as the library sees it: HEAD, its commit, and a branch with no commit of its own
    for ref in ("HEAD", head, "origin/feature"):
        with pytest.raises(Unmeasurable, match="resolves to HEAD itself"):
            resolve_base(repo.path, ref)
    git(repo.path, "checkout", "-q", "-b", "empty", "main")
    with pytest.raises(Unmeasurable, match="no commit of its own") as caught:
        resolve_base(repo.path, "feature")  # main is an ancestor of feature
    assert caught.value.reason.startswith("HEAD (")
    git(repo.path, "checkout", "-q", "feature")
    assert resolve_base(repo.path, "HEAD~1").merge_base == git(repo.path, "rev-parse", "main")


def test_empty_base_is_a_usage_error(repo: Project) -> None:
    run = gate(repo, "--gate-base=")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    run.result.stderr.fnmatch_lines(["*--gate-base diff_base = '': must be a non-empty string*"])


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


def test_a_checkout_of_another_user_names_safe_directory(
    repo: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A CI container whose workspace another uid owns: git refuses it ("dubious ownership"),
    and "not inside a git repository" would send the user the wrong way. git's own test switch
    stands in for another owner; the API rule's base lookup says the same."""
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    with pytest.raises(Unmeasurable) as caught:
        resolve_base(repo.path, "main")
    assert "git refuses the repository" in str(caught.value)
    assert "safe.directory" in caught.value.fix
    with pytest.raises(ApiError, match="dubious ownership") as api:
        api_base(repo.path, None)
    assert "safe.directory" in api.value.fix


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
    assert run.rule("diff_coverage")["measured"] == pytest.approx(100 * 4 / 6)
    assert run.ret == 0


SHAPES = """
def pick(x, y):
    if x > 0:
        r = "pos"
    else:
        r = "neg"
    if y:
        r += "!"
    return r


def first(items):
    for item in items:
        if item:
            return item
    return None


def guard(x):
    if x:
        return 1
"""
SHAPES_TEST = """
from pkg.shapes import first, guard, pick

def test_pick(): assert pick(1, True) == "pos!"
def test_first(): assert first([0, 2]) == 2
def test_guard(): assert guard(1) == 1
"""


def _coverage_cli(path: Path, *args: str) -> str:
    done = _run.run([sys.executable, "-m", "coverage", *args], cwd=path)
    assert done.ok, done.output
    return done.stdout


def _report_m(path: Path) -> dict[str, list[str]]:
    """{file: the Missing column's entries} of `coverage report -m` (branch columns on)."""
    missing: dict[str, list[str]] = {}
    for line in _coverage_cli(path, "report", "-m").splitlines():
        cells = line.split()
        if cells and cells[0].endswith(".py") and len(cells) > 6:
            missing[cells[0]] = " ".join(cells[6:]).split(", ")
    return missing


@pytest.mark.parametrize("mode", ["plain", "xdist"])
def test_partial_branches_as_coverage_report_lists_them(repo: Project, mode: str) -> None:
    """The missed arcs and lines on changed lines are `coverage report -m`'s, and the percentage
    is coverage.py's formula over the changed statements and their arcs (from `coverage json`)."""
    repo.write({"src/pkg/shapes.py": SHAPES, "tests/test_shapes.py": SHAPES_TEST})
    legacy = repo.path / "src/pkg/legacy.py"
    legacy.write_text(legacy.read_text().replace("    if x:\n", "    if x == 1:\n", 1))
    git(repo.path, "add", ".")
    git(repo.path, "commit", "-q", "-m", "shapes")
    verdict = gate(repo, mode=mode).rule("diff_coverage")
    diff = git(repo.path, "diff", "--unified=0", git(repo.path, "merge-base", "HEAD", "main"))
    changed = {name: lines for name, lines in parse_diff(diff + "\n").items() if "src/" in name}
    listed = _report_m(repo.path)
    document = json.loads(_coverage_cli(repo.path, "json", "-o", "-"))["files"]
    statements = covered = branches = covered_branches = 0
    for name, lines in changed.items():
        entry = document[name]
        executable = lines & set(entry["executed_lines"] + entry["missing_lines"])
        missing = lines & set(entry["missing_lines"])
        statements += len(executable)
        covered += len(executable - missing)
        branches += sum(
            1 for a, _ in entry["missing_branches"] + entry["executed_branches"] if a in lines
        )
        covered_branches += sum(1 for a, _ in entry["executed_branches"] if a in lines)
        arcs = {e for e in listed[name] if "->" in e and int(e.split("->")[0]) in lines}
        spans = [e.split("-") for e in listed[name] if e and "->" not in e]
        lines_m = {n for span in spans for n in range(int(span[0]), int(span[-1]) + 1)}
        assert verdict["data"]["uncovered"].get(name, []) == sorted(lines_m & executable)
        if name == "src/pkg/legacy.py":
            # the changed `if x == 1:` (line 2) missed its arc to the unchanged missing line 4:
            # `report -m` shows line 4; the diff, where line 4 is not shown, shows the arc
            assert "2->4" not in arcs
            arcs.add("2->4")
        assert set(verdict["data"]["missed_arcs"].get(name, [])) == arcs, name
    assert verdict["data"]["missed_arcs"]["src/pkg/shapes.py"] == ["6->8", "19->exit"]
    assert verdict["data"]["uncovered"]["src/pkg/shapes.py"] == [5, 15]
    assert verdict["data"]["partial"]["src/pkg/shapes.py"] == [2, 6, 12, 19]
    assert (verdict["data"]["changed_lines"], verdict["data"]["covered_lines"]) == (
        statements,
        covered,
    )
    assert verdict["measured"] == pytest.approx(
        100 * (covered + covered_branches) / (statements + branches)
    )
    assert "src/pkg/shapes.py: 5, 6->8, 15, 19->exit" in verdict["details"]


def test_shards_combined_give_the_unsplit_verdict(repo: Project) -> None:
    """Each shard measures part of the diff; `pytest-releasekit combine` judges the whole."""
    whole = gate(repo).rule("diff_coverage")
    for k in (1, 2):
        assert repo.run(f"--gate-shard={k}/2", subprocess=True).ret == 0
    done = _run.run(
        [sys.executable, "-m", "pytest_releasekit.combine", "combine", "--gate-report=c.json"],
        cwd=repo.path,
    )
    assert done.ok, done.output
    doc = json.loads((repo.path / "c.json").read_text(encoding="utf-8"))
    (combined,) = [r for r in doc["rules"] if r["rule"] == "diff_coverage"]
    assert combined == whole
    assert combined["data"]["partial"] == {"src/pkg/legacy.py": [14]}


def test_small_diff_options(repo: Project) -> None:
    """66.67 % of 4 changed statements, 2 lines not fully covered (one missing, one partial)."""
    args = ("--gate-set", "diff_coverage=80")
    verdict = gate(repo, *args, "--gate-set", "diff_min_statements=5").rule("diff_coverage")
    assert verdict["verdict"] == "warn"
    assert verdict["summary"].endswith(
        "under diff_min_statements = 5, the percentage does not apply"
    )
    run = gate(repo, *args, "--gate-set", "diff_max_uncovered=2")
    assert run.rule("diff_coverage")["verdict"] == "pass"
    assert run.ret == 0


@pytest.mark.parametrize(
    ("measured", "statements", "uncovered", "min_statements", "max_uncovered", "expected"),
    [
        (85.0, 10, 1, 0, None, Outcome.PASS),
        (70.0, 10, 3, 0, None, Outcome.FAIL),
        (70.0, 10, 3, 0, 3, Outcome.PASS),
        (70.0, 10, 4, 0, 3, Outcome.FAIL),
        (70.0, 4, 2, 5, None, Outcome.WARN),
        (70.0, 4, 2, 5, 2, Outcome.PASS),
        (70.0, 4, 2, 5, 1, Outcome.FAIL),
        (70.0, 5, 2, 5, None, Outcome.FAIL),  # at the minimum, the percentage applies
        (100.0, 1, 0, 5, None, Outcome.PASS),
        (79.996, 10, 2, 0, None, Outcome.PASS),  # rounded like --fail-under
    ],
)
def test_decide(
    measured: float,
    statements: int,
    uncovered: int,
    min_statements: int,
    max_uncovered: int | None,
    expected: Outcome,
) -> None:
    outcome, _ = decide(
        measured,
        80.0,
        statements=statements,
        uncovered=uncovered,
        min_statements=min_statements,
        max_uncovered=max_uncovered,
    )
    assert outcome is expected


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
