"""A tiny benchmark project in a real git repository, for the end-to-end tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from gate_helpers import git

BENCH = """
import os, time
import pytest

def work():
    time.sleep(0.002 * float(os.environ.get("TINY_FACTOR", FACTOR)))

FACTOR = {factor}

def test_sleep(benchmark):
    benchmark(work)

@pytest.mark.skip(reason="never measured")
def test_skipped(benchmark):
    benchmark(work)
"""

PYPROJECT = """
[tool.pytest.ini_options]
markers = ["performance: performance tier"]
"""

#: pytest-benchmark options that keep every measuring process short
FAST = ("--benchmark-max-time=0.03", "--benchmark-min-rounds=6", "--benchmark-warmup=off")


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "perf").mkdir(parents=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / "perf" / "test_tiny.py").write_text(BENCH.format(factor=1.0), encoding="utf-8")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "add", ".")
    git(root, "-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-qm", "base")
    return root


def set_factor(root: Path, factor: float, *, extra: str = "") -> None:
    text = BENCH.format(factor=factor) + extra
    (root / "perf" / "test_tiny.py").write_text(text, encoding="utf-8")
