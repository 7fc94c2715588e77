"""The benchmark gate's machinery: fingerprint, baseline storage, measuring processes (same-job
runner), the decision and its verdicts. The rule itself is ``gates/benchmark.py``."""

#: Set in every measuring process of the benchmark gate: a ``--gate`` that reaches a child (e.g.
#: through ``addopts``) turns the whole gate off there (no rules, no coverage measurement).
CHILD_ENV = "PYTEST_RELEASEKIT_BENCH_CHILD"
