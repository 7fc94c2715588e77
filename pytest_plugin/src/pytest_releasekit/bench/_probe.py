"""A pytest plugin loaded (``-p``) only into the benchmark gate's measuring subprocesses.

pytest-benchmark fills ``machine_info`` with py-cpuinfo, which costs about a second per process;
the gate measures in many short processes and records its own fingerprint, so this implements
pytest-benchmark's documented ``pytest_benchmark_generate_machine_info`` hook with a cheap one.
"""

from __future__ import annotations

import platform
from typing import Any

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_benchmark_generate_machine_info(config: pytest.Config) -> dict[str, Any]:
    return {
        "python_implementation": platform.python_implementation(),
        "python_version": platform.python_version(),
        "machine": platform.machine(),
        "node": "releasekit-bench-child",
    }
