"""The work measured by the benchmark-gate experiment: a small JSON + sort workload.

``FACTOR`` scales the amount of work. The experiment raises it by editing this constant in a
working tree (same-job mode) or through the ``BENCH_GATE_WORK`` environment variable
(stored-baseline mode and pytest-benchmark's own comparison), e.g. ``BENCH_GATE_WORK=1.10``.
"""

from __future__ import annotations

import json
import os
import random

FACTOR = 1.0
BASE_RECORDS = 400


def _factor() -> float:
    return float(os.environ.get("BENCH_GATE_WORK", FACTOR))


def size() -> int:
    """Number of records each benchmark processes."""
    return round(BASE_RECORDS * _factor())


def records(n: int) -> list[dict[str, object]]:
    rng = random.Random(1234)  # noqa: S311 - fixed test data, not secrets
    return [
        {
            "id": i,
            "name": f"item-{rng.randrange(10**6)}",
            "price": rng.random() * 100,
            "tags": [rng.choice("abcdef") for _ in range(3)],
        }
        for i in range(n)
    ]


def json_roundtrip(data: list[dict[str, object]]) -> int:
    return len(json.loads(json.dumps(data)))


def sort_records(data: list[dict[str, object]]) -> list[dict[str, object]]:
    return sorted(data, key=lambda r: (r["name"], r["price"]))


def encode_only(data: list[dict[str, object]]) -> int:
    return len(json.dumps(data, sort_keys=True))
