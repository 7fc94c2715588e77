"""Time from a release event to the alert receiver getting it.

The path is the release's own: the pipeline emits ``release-failed`` / ``release-complete`` into
its event log (``releasekit.events.EventLog``), the :class:`releasekit.alerts.Alerter` listening
there delivers through apprise's ``json://`` service to a webhook receiver on 127.0.0.1 (the one
the tests use, tests/webhook.py). Measured from the moment the event is emitted to the moment
the receiver has read the request.

``cold`` is the first delivery in a fresh process, emitted right after the release began (so
apprise may still be importing in the background, as in a release that fails in preflight);
then ``--runs`` warm deliveries, alternating failure and success. Target (the design's): every
delivery under 5 s.
Usage: python benchmarks/bench_alerts.py [--runs N] [--json PATH]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console

sys.path.insert(0, str(Path(__file__).parents[1]))

from tests.webhook import Receiver, receiver

from releasekit.alerts import Alerter
from releasekit.events import EventLog
from releasekit.ui import Reporter

TARGET_S = 5.0
KINDS = frozenset({"release-failed", "release-succeeded", "gate-failed"})


def _deliver(hook: Receiver, alerter: Alerter, log: EventLog, count: int, failed: bool) -> float:
    started = time.time()
    if failed:
        log.emit(
            "release-failed",
            level="error",
            step="build",
            version="1.2.0",
            error="boom",
            exit_code=5,
        )
    else:
        log.emit("release-complete", step="release", version="1.2.0")
    got = hook.wait_for(count, seconds=60)
    if len(got) < count:
        raise SystemExit(f"delivery {count} did not arrive within 60 s")
    return got[count - 1].at - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    reporter = Reporter(console=Console(file=io.StringIO()))
    with receiver() as hook:
        log = EventLog()
        alerter = Alerter([hook.url("/bench")], KINDS, 30.0, "bench-pkg", lambda: True)
        alerter.prepare()  # as `alerting` does when the run begins
        log.listeners.append(alerter)
        cold = _deliver(hook, alerter, log, 1, failed=True)
        warm = [_deliver(hook, alerter, log, i + 2, failed=i % 2 == 0) for i in range(args.runs)]
        alerter.drain(reporter)
    result = {
        "cold_s": round(cold, 4),
        "median_s": round(statistics.median(warm), 4),
        "max_s": round(max(warm), 4),
        "runs": args.runs,
        "target_s": TARGET_S,
        "ok": max(cold, *warm) < TARGET_S,
    }
    print(
        f"alert delivery: cold {cold:.3f} s, warm median {result['median_s']:.3f} s, "
        f"max {result['max_s']:.3f} s over {args.runs} (target < {TARGET_S:g} s): "
        + ("ok" if result["ok"] else "TOO SLOW")
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if not result["ok"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
