"""CI workflows ``releasekit init --ci`` writes: the tests split across shard jobs, one job that
decides the gate over all of them, and the caches the split and the benchmark rule read.

GitHub Actions (``github``): a ``durations`` job restores the test durations of the last run from
the cache *once* and hands the same file to every shard (shards restoring the cache themselves
could see different entries when another run saves one meanwhile, and then split differently);
``N`` shard jobs run ``pytest --gate-shard=K/N`` (balanced by those durations); the ``gate`` job
runs ``pytest-releasekit combine``, which decides the gate, measures the benchmark rules with the
stored baseline, and writes the merged durations that it saves to the cache for the next run.
"""

from __future__ import annotations

__all__ = ["CI_KINDS", "DEFAULT_SHARDS", "MAX_CI_SHARDS", "workflow"]

DEFAULT_SHARDS = 4
#: GitHub Actions runs at most 256 jobs per matrix
MAX_CI_SHARDS = 256
#: ``--ci`` value -> where the workflow goes, relative to the project root
CI_KINDS = {"github": ".github/workflows/releasekit-gate.yml"}

_GITHUB = """\
# Written by `releasekit init --ci github`; yours to edit. The tests run in @N@ shard jobs balanced
# by the test durations of the last run; one job decides the gate over all of them.
# Change the number of shards in `matrix.shard` and in `--gate-shard=K/@N@` together.
# Recipe: https://releasekit.readthedocs.io/en/latest/gate/shards/
name: releasekit gate

on:
  pull_request:
  push:
    branches: [main]

permissions:
  contents: read

jobs:
  durations:
    name: test durations of the last run
    runs-on: ubuntu-latest
    steps:
      - name: restore the durations file once, so every shard splits the same way
        uses: actions/cache/restore@v4
        with:
          path: .releasekit-gate/durations.json
          key: releasekit-durations-${{ github.run_id }}
          restore-keys: releasekit-durations-
      - run: mkdir -p .releasekit-gate && touch .releasekit-gate/.keep
      - uses: actions/upload-artifact@v4
        with:
          name: releasekit-durations
          path: .releasekit-gate/
          include-hidden-files: true

  shard:
    name: tests (shard ${{ matrix.shard }}/@N@)
    needs: durations
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [@SHARDS@]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install -e . pytest-releasekit pytest-cov
      - uses: actions/download-artifact@v4
        with:
          name: releasekit-durations
          path: .releasekit-gate/
      - run: pytest --cov --gate-shard=${{ matrix.shard }}/@N@
      - uses: actions/upload-artifact@v4
        if: always()  # the evidence of a failing shard counts too
        with:
          name: releasekit-shard-${{ matrix.shard }}
          path: .releasekit-gate/shard-*.json
          include-hidden-files: true

  gate:
    name: gate (all shards)
    needs: shard
    if: always()  # a missing or failed shard is part of the verdict
    runs-on: ubuntu-latest
    env:
      # on main itself there is no diff to measure: comparing main with itself is an error
      NO_DIFF: ${{ github.event_name == 'push' && '--gate-set diff_coverage=off' || '' }}
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # diff_coverage needs the base ref
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: python -m pip install -e . "pytest-releasekit[benchmark]"
      - name: the stored benchmark baseline (rolls with the default branch)
        uses: actions/cache@v4
        with:
          path: .benchmarks/releasekit
          key: bench-baseline-${{ runner.os }}-${{ github.run_id }}
          restore-keys: bench-baseline-${{ runner.os }}-
      - uses: actions/download-artifact@v4
        with:
          pattern: releasekit-shard-*
          path: .releasekit-gate/
          merge-multiple: true
      - run: pytest-releasekit combine .releasekit-gate/ --gate-report=gate.json $NO_DIFF
      - name: save a benchmark baseline session on the default branch (5 = no benchmarks yet)
        if: github.ref == 'refs/heads/main'
        run: pytest --gate-save-baseline --benchmark-disable -m performance || [ $? -eq 5 ]
      - name: keep the merged test durations for the next run's split
        if: always() && hashFiles('.releasekit-gate/durations.json') != ''
        uses: actions/cache/save@v4
        with:
          path: .releasekit-gate/durations.json
          key: releasekit-durations-${{ github.run_id }}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: gate-report
          path: gate.json
"""


def workflow(kind: str, shards: int = DEFAULT_SHARDS) -> str:
    """The text of the ``kind`` workflow (a key of :data:`CI_KINDS`) with ``shards`` shard jobs."""
    if kind != "github":
        raise ValueError(kind)
    numbers = ", ".join(str(k) for k in range(1, shards + 1))
    return _GITHUB.replace("@SHARDS@", numbers).replace("@N@", str(shards))
