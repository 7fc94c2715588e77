"""Fixtures of the pytest-releasekit tests (helpers live in ``gate_helpers``)."""

from __future__ import annotations

import coverage.tracer  # noqa: F401 - see below
import pytest
from gate_helpers import Project

# pytester's in-process runs put sys.modules back as it was before each run. coverage.py's C
# tracer cannot be imported a second time once removed (the new module lacks CTracer), so it is
# imported here, before any run, and stays: in-process runs that measure coverage then work in
# any order.

pytest_plugins = ["pytester"]


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inner runs must not write to a real step summary or inherit the outer run's options."""
    for name in (
        "GITHUB_STEP_SUMMARY",
        "PYTEST_ADDOPTS",
        "PYTEST_PLUGINS",
        "COVERAGE_PROCESS_START",
        "COVERAGE_FILE",
        "COVERAGE_RCFILE",
        "RELEASEKIT_GATE_BASE",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def project(pytester: pytest.Pytester) -> Project:
    return Project(pytester)


@pytest.fixture
def git_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commits in test repositories: a fixed author, no user or system git configuration."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Gate Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "gate@example.invalid")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
