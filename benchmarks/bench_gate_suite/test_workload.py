"""The experiment's benchmarks: ordinary pytest-benchmark tests."""

from __future__ import annotations

from typing import Any

import pytest
import workload

pytestmark = pytest.mark.performance


@pytest.fixture(scope="module")
def data() -> list[dict[str, object]]:
    return workload.records(workload.size())


def test_json_roundtrip(benchmark: Any, data: list[dict[str, object]]) -> None:
    assert benchmark(workload.json_roundtrip, data) == len(data)


def test_sort_records(benchmark: Any, data: list[dict[str, object]]) -> None:
    assert len(benchmark(workload.sort_records, data)) == len(data)


def test_encode(benchmark: Any, data: list[dict[str, object]]) -> None:
    assert benchmark(workload.encode_only, data) > 0
