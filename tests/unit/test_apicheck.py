"""releasekit's public-API check on a real git repository with a release tag: the verdict the
plan shows and the problem preflight raises (the CLI run is in tests/e2e/test_api_check.py), and
the version the gate's tests are told."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from releasekit import apicheck
from releasekit.steps.gate import GateStep

from ..conftest import Sandbox, make_sandbox, step_context

GREET_REMOVED = (
    '"""No greet any more."""\n\n__all__ = ["main"]\n\n\ndef main() -> None:\n    pass\n'
)


def _released(tmp_path: Path, gate: str, version: str = "1.0.0") -> Sandbox:
    """The simple project released as v<version> with ``gate``; then greet() removed."""
    sandbox = make_sandbox(tmp_path, "simple")
    pyproject = sandbox.repo / "pyproject.toml"
    text = pyproject.read_text().replace('version = "1.0.0"', f'version = "{version}"')
    pyproject.write_text(f"{text}\n[tool.releasekit.gate]\n{gate}\n")
    sandbox.git("commit", "-qam", "release")
    sandbox.git("tag", f"v{version}")
    (sandbox.repo / "src/simple_pkg/__init__.py").write_text(GREET_REMOVED)
    sandbox.git("commit", "-qam", "remove greet")
    return sandbox


def test_a_minor_release_removing_a_function_is_a_problem(tmp_path: Path) -> None:
    ctx = step_context(_released(tmp_path, "api = true").repo)  # 1.0.0 -> 1.1.0
    [(what, fix)] = list(apicheck.problems(ctx))
    assert "1.0.0 -> 1.1.0 is a minor bump" in what
    assert "1 breaking change(s) since v1.0.0 that need a major bump" in what
    assert "function-removed simple_pkg.greet at src/simple_pkg/__init__.py" in what
    assert "releasekit release major" in fix
    assert 'api_allow = {"simple_pkg.greet" = "<why>"}' in fix
    [line] = apicheck.plan_lines(ctx)
    assert line.endswith("needs a major bump, planned minor: REFUSED")


def test_an_allowed_break_is_no_problem(tmp_path: Path) -> None:
    gate = 'api = true\napi_allow = {"simple_pkg.greet" = "was never documented"}'
    ctx = step_context(_released(tmp_path, gate).repo)
    assert list(apicheck.problems(ctx)) == []
    [line] = apicheck.plan_lines(ctx)
    assert "no breaking change, 0 addition(s), 1 allowed; needs a patch bump" in line


def test_on_0x_a_minor_release_may_break(tmp_path: Path) -> None:
    ctx = step_context(_released(tmp_path, "api = true", version="0.4.0").repo)
    ctx.version = "0.5.0"
    assert list(apicheck.problems(ctx)) == []
    assert apicheck.plan_lines(ctx)[0].endswith("needs a minor bump, planned minor: ok")


def test_the_rule_off_costs_nothing(sandbox: Sandbox) -> None:
    ctx = step_context(sandbox.repo)
    assert apicheck.plan_lines(ctx) == []
    assert list(apicheck.problems(ctx)) == []


def test_the_gate_is_told_the_version_about_to_be_released(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "next-version.txt"
    script = tmp_path / "gate.py"  # outside the tree: the gate must leave the tree clean
    script.write_text(
        "import os, pathlib\n"
        "pathlib.Path(os.environ['OUT']).write_text(os.environ['RELEASEKIT_NEXT_VERSION'])\n"
    )
    pyproject = sandbox.repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace(
            'gate_command = "python -m pytest -q -p no:cacheprovider"',
            f"gate_command = {json.dumps([sys.executable, str(script)])}",
        )
    )
    sandbox.git("commit", "-qam", "gate writes the version it is told")
    monkeypatch.setenv("OUT", str(out))
    monkeypatch.delenv("RELEASEKIT_NEXT_VERSION", raising=False)
    GateStep().apply(step_context(sandbox.repo))
    assert out.read_text() == "1.1.0"
    assert "RELEASEKIT_NEXT_VERSION" not in os.environ


def test_the_gate_diffs_against_the_last_release(tmp_path: Path, sandbox: Sandbox) -> None:
    """The release runs on the default branch, which diff_coverage's default base names: the
    gate is told the last release's tag instead (and nothing on a first release)."""
    env = apicheck.gate_env(
        step_context(_released(tmp_path / "released", "diff_coverage = 80").repo)
    )
    assert env["RELEASEKIT_GATE_BASE"] == "v1.0.0"
    assert "RELEASEKIT_GATE_BASE" not in apicheck.gate_env(step_context(sandbox.repo))
