"""The experiment's benchmarks: ordinary pytest-benchmark tests."""

from __future__ import annotations

import pytest
import workload

pytestmark = pytest.mark.performance


@pytest.fixture(scope="module")
def data() -> list[dict[str, object]]:
    return workload.records(workload.size())


def test_json_roundtrip(benchmark, data):
    assert benchmark(workload.json_roundtrip, data) == len(data)


def test_sort_records(benchmark, data):
    assert len(benchmark(workload.sort_records, data)) == len(data)


def test_encode(benchmark, data):
    assert benchmark(workload.encode_only, data) > 0
