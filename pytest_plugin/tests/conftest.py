"""Fixtures of the pytest-releasekit tests (helpers live in ``gate_helpers``)."""

from __future__ import annotations

import pytest
from gate_helpers import Project

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
