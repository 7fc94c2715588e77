"""``pytest-releasekit history``: read the history store, merge it with a remote's, write the
HTML report (for projects that use the plugin without releasekit)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .history import HistoryError, open_store

__all__ = ["add_parser", "run"]

USAGE_ERROR = 4


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser(
        "history",
        help="the gate runs and releases recorded in the history store; --html DIR",
        description="List the history store's records (or print them as JSON), merge the git "
        "store with a remote's (--sync), and write the HTML report (--html). Exit status: 0, "
        "4 bad input or an unusable store.",
    )
    sub.add_argument(
        "--store",
        default="git",
        help="`git` (refs/releasekit/history, the default), `git:REF` or a directory",
    )
    sub.add_argument("--html", type=Path, metavar="DIR", help="write the HTML report to DIR")
    sub.add_argument("--json", action="store_true", help="print every record as JSON")
    sub.add_argument(
        "--sync", metavar="REMOTE", help="first merge with REMOTE's store and push the union"
    )
    sub.add_argument("--rootdir", type=Path, default=Path.cwd(), help="the repository (default: .)")


def run(args: argparse.Namespace) -> int:
    root = args.rootdir.resolve()
    try:
        store = open_store(args.store, root)
        if args.sync:
            print(f"synced with {args.sync}: {store.sync(args.sync)} records", file=sys.stderr)
        records = store.records()
    except HistoryError as exc:
        print(f"pytest-releasekit: {exc}", file=sys.stderr)
        return USAGE_ERROR
    if args.json:
        print(json.dumps(records, indent=2))
    else:
        for r in records:
            what = r.get("version") or (r.get("commit") or "")[:12]
            outcome = r.get("outcome") or r.get("verdict")
            print(f"{r.get('time') or r.get('started')}  {r.get('kind'):7}  {what}  {outcome}")
    if args.html is not None:
        try:
            from .htmlreport import write_report

            index = write_report(args.html, records)
        except ImportError:
            print(
                "pytest-releasekit: --html needs plotly: pip install 'pytest-releasekit[html]'",
                file=sys.stderr,
            )
            return USAGE_ERROR
        except OSError as exc:
            print(f"pytest-releasekit: cannot write {args.html}: {exc}", file=sys.stderr)
            return USAGE_ERROR
        print(f"HTML report written to {index}", file=sys.stderr)
    return 0
