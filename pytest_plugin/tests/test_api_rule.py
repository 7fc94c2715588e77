"""The api rule in real git repositories: the last release tag is the base, the working tree
(committed or not) is compared with it, and the next version decides whether a break may pass."""

from __future__ import annotations

import pytest
from gate_helpers import Project, Run, git

from pytest_releasekit.gates.api import NEXT_VERSION_ENV
from pytest_releasekit.verdict import EXIT_GATE_FAILED

RELEASED = '''
__all__ = ["parse", "gone", "ParseError"]


class ParseError(ValueError):
    """Raised by parse."""


def parse(text, strict=False):
    return text


def gone():
    return 1
'''
TODAY = '''
__all__ = ["parse", "ParseError", "render"]


class ParseError(ValueError):
    """Raised by parse."""


def parse(text, strict=False):
    return text


def render(value):
    return str(value)
'''


@pytest.fixture(autouse=True)
def _git_identity(git_identity: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NEXT_VERSION_ENV, raising=False)


def released(project: Project, gate: str = "api = true", *, tag: str | None = "v1.4.0") -> Project:
    """A project whose release (tagged) had ``gone``; the working tree removed it (uncommitted)."""
    project.configure(gate)
    project.write(
        {
            "src/pkg/__init__.py": RELEASED,
            "tests/test_pkg.py": "from pkg import parse\n\ndef test_parse(): assert parse('a')\n",
            ".gitignore": "gate-report.json\n__pycache__/\n",
        }
    )
    git(project.path, "init", "-q", "-b", "main")
    git(project.path, "add", ".")
    git(project.path, "commit", "-q", "-m", "release")
    if tag:
        git(project.path, "tag", tag)
    project.write({"src/pkg/__init__.py": TODAY})
    return project


def gate(project: Project, *args: str) -> Run:
    return project.run("--gate", "--gate-report=gate-report.json", "-p", "no:xdist", *args)


def test_a_removed_function_fails_a_non_major_release(project: Project) -> None:
    repo = released(project)
    status = git(repo.path, "status", "--porcelain")
    run = gate(repo)
    assert run.ret == EXIT_GATE_FAILED, run.out
    verdict = run.rule("api")
    assert verdict["verdict"] == "fail"
    assert verdict["measured"] == 1
    assert verdict["data"]["base"] == "v1.4.0"
    assert verdict["data"]["required_bump"] == "major"
    [change] = verdict["data"]["breaks"]
    assert change["kind"] == "function-removed"
    assert change["path"] == "pkg.gone"
    assert change["where"] == "src/pkg/__init__.py:12 (in v1.4.0)"
    assert [c["path"] for c in verdict["data"]["additions"]] == ["pkg.render"]
    assert 'api_allow = {"pkg.gone" = ' in verdict["fix"]
    assert "--gate-next-version=major" in verdict["fix"]
    assert "BREAK function-removed pkg.gone" in run.out
    # the user's tree, index and worktrees are untouched
    assert git(repo.path, "status", "--porcelain") == status
    assert len(git(repo.path, "worktree", "list").splitlines()) == 1


@pytest.mark.parametrize(
    ("next_version", "verdict"),
    [("1.5.0", "fail"), ("2.0.0", "pass")],
)
def test_the_next_version_decides(project: Project, next_version: str, verdict: str) -> None:
    run = gate(released(project), f"--gate-next-version={next_version}")
    assert run.rule("api")["verdict"] == verdict
    assert run.ret == (0 if verdict == "pass" else EXIT_GATE_FAILED)


def test_releasekit_passes_the_next_version_in_the_environment(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(NEXT_VERSION_ENV, "2.0.0")
    run = gate(released(project))
    assert run.ret == 0, run.out
    assert run.rule("api")["data"]["bump"] == "major"


def test_an_allowed_break_passes_and_is_listed_with_its_reason(project: Project) -> None:
    repo = released(project, 'api = true\napi_allow = {"pkg.gone" = "announced in 1.2"}')
    run = gate(repo)
    assert run.ret == 0, run.out
    assert "allowed function-removed pkg.gone: announced in 1.2" in run.rule("api")["details"]


def test_an_allowed_break_without_a_reason_is_a_config_error(project: Project) -> None:
    run = gate(released(project, 'api = true\napi_allow = {"pkg.gone" = ""}'))
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    assert "api_allow" in run.result.stderr.str()
    assert "every allowed break needs one" in run.result.stderr.str()


def test_a_missing_base_ref_is_an_error_not_a_pass(project: Project) -> None:
    run = gate(released(project, 'api = true\napi_base = "v9.9.9"'))
    assert run.ret == EXIT_GATE_FAILED
    verdict = run.rule("api")
    assert verdict["verdict"] == "error"
    assert "'v9.9.9' does not exist" in verdict["summary"]


def test_no_release_yet_is_a_warning(project: Project) -> None:
    run = gate(released(project, tag=None))
    assert run.ret == 0, run.out
    assert run.rule("api")["verdict"] == "warn"


def test_the_same_verdict_under_xdist(project: Project) -> None:
    """The controller decides; its rootdir is the project's, whatever the workers do."""
    run = released(project).run("--gate", "--gate-report=gate-report.json", mode="xdist")
    assert run.ret == EXIT_GATE_FAILED, run.out
    assert [c["path"] for c in run.rule("api")["data"]["breaks"]] == ["pkg.gone"]
