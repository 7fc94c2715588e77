"""The suite's own parallel run keeps each ``xdist_group`` on one worker.

The shape chains (tests/e2e/test_shapes.py) release one project step after step and rely on
``--dist loadgroup`` to run a chain's tests in one process. pytest 9.2 changed node ids so that
pytest-xdist 3.8's grouping silently stopped (pytest-dev/pytest-xdist#1386): every chain then ran
on both workers and CI took twice as long. This test fails if grouping stops again, whatever the
installed versions.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

GROUPED = """\
import os
import pytest

CELLS = [
    pytest.param(g, k, marks=pytest.mark.xdist_group(f"chain-{g}"))
    for g in "abcd"
    for k in range(4)
]


@pytest.mark.parametrize(("g", "k"), CELLS)
def test_cell(g, k):
    with open(f"ran-{g}.txt", "a") as out:
        out.write(os.environ["PYTEST_XDIST_WORKER"] + "\\n")
"""


def test_each_group_runs_on_one_worker(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_grouped.py").write_text(GROUPED)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    workers = {
        path.stem: set(path.read_text().split()) for path in sorted(tmp_path.glob("ran-*.txt"))
    }
    assert len(workers) == 4
    assert sum(len(w) for w in workers.values()) == 4, f"groups split across workers: {workers}"
