"""The benchmark gate's machinery: fingerprint, baseline storage, measuring processes (same-job
runner), the decision and its verdicts. The rule itself is ``gates/benchmark.py``."""
