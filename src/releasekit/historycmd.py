"""``releasekit history`` and ``releasekit metrics``: what they print around the library."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pytest_releasekit.history import HistoryError

from .config import Config, load_config
from .errors import ConfigError, UsageError
from .history import store_for
from .metrics import Metrics, compute, openmetrics, read_index, tagged_releases
from .tags import effective_tag_format
from .ui import Reporter
from .workspace import load_workspace

__all__ = ["parse_day", "run", "show_history", "show_metrics", "sync"]


def parse_day(text: str) -> datetime:
    """An ISO 8601 date or time (UTC when no offset is given), for --since / --until."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError(
            f"{text!r} is not an ISO 8601 date", hint="write it like 2026-11-30 or 2026-11-30T12:00"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _records(root: Path, config: Config) -> list[dict[str, Any]]:
    store = store_for(root, config)
    if store is None:
        raise ConfigError(
            "[tool.releasekit] history is 'off': there is no history to read",
            hint="set history = 'git' (the default) or a directory",
        )
    return store.records()


def _metrics(
    root: Path,
    config: Config,
    records: list[dict[str, Any]],
    *,
    since: datetime | None,
    until: datetime | None,
    fix_window_days: float,
    index_json: str | None,
) -> tuple[Metrics, str]:
    names = [p.name for p in load_workspace(root, config, lockstep_check=False).packages]
    fmt, _ = effective_tag_format(root, config, names)
    tagged = tagged_releases(root, fmt, names[0] if names else None)
    index = read_index(index_json) if index_json else None
    metrics = compute(
        tagged,
        records,
        index,
        since=since,
        until=until,
        fix_window=timedelta(days=fix_window_days),
    )
    return metrics, names[0] if names else root.name


def sync(root: Path, remote: str, reporter: Reporter) -> None:
    """Merge the git store with ``remote``'s and push the union."""
    store = store_for(root, load_config(root))
    if store is None:
        raise UsageError(
            "--sync needs the git history store", hint="set [tool.releasekit] history = 'git'"
        )
    try:
        count = store.sync(remote)
    except HistoryError as exc:
        raise UsageError(str(exc), hint="check the remote's name and your access") from None
    reporter.info(f"history synced with {remote}: {count} records")


def show_metrics(
    root: Path,
    reporter: Reporter,
    *,
    output: str,
    since: datetime | None = None,
    until: datetime | None = None,
    fix_window_days: float = 3.0,
    index_json: str | None = None,
) -> int:
    config = load_config(root)
    metrics, project = _metrics(
        root,
        config,
        _records(root, config),
        since=since,
        until=until,
        fix_window_days=fix_window_days,
        index_json=index_json,
    )
    if output == "json":
        sys.stdout.write(json.dumps({"project": project, **metrics.to_json()}, indent=2) + "\n")
    elif output == "openmetrics":
        sys.stdout.write(openmetrics(metrics, project))
    else:
        reporter.table(
            f"Release metrics of {project}, {metrics.since:%Y-%m-%d} to {metrics.until:%Y-%m-%d}",
            ("metric", "value", "unit"),
            [
                (f["name"], "n/a" if f["value"] is None else f"{f['value']:.2f}", f["unit"])
                for f in metrics.figures()
            ],
        )
        for release in metrics.releases:
            if release.failed:
                reporter.info(f"  {release.version}: failed change ({release.failed})")
    return 0


def show_history(
    root: Path, reporter: Reporter, *, html: Path | None, as_json: bool, fix_window_days: float
) -> int:
    config = load_config(root)
    records = _records(root, config)
    if as_json:
        sys.stdout.write(json.dumps(records, indent=2) + "\n")
    else:
        gates = [r for r in records if r.get("kind") == "gate"]
        releases = [r for r in records if r.get("kind") == "release"]
        reporter.table(
            f"History ({len(gates)} gate runs, {len(releases)} releases)",
            ("when", "kind", "what", "outcome"),
            [
                (
                    str(r.get("time") or r.get("started")),
                    str(r.get("kind")),
                    str(r.get("version") or (r.get("commit") or "")[:12]),
                    str(r.get("outcome") or r.get("verdict")),
                )
                for r in records[-30:]
            ],
        )
    if html is not None:
        from pytest_releasekit.htmlreport import write_report

        metrics, _ = _metrics(
            root,
            config,
            records,
            since=datetime(1970, 1, 1, tzinfo=UTC),
            until=None,
            fix_window_days=fix_window_days,
            index_json=None,
        )
        try:
            index = write_report(html, records, metrics=metrics.to_json())
        except ImportError:
            raise UsageError(
                "--html needs plotly", hint="pip install 'pytest-releasekit[html]'"
            ) from None
        except OSError as exc:
            raise UsageError(
                f"cannot write the HTML report to {html}: {exc.strerror}",
                hint="choose a writable directory",
            ) from None
        reporter.info(f"HTML report written to {index}")
    return 0


def run(args: argparse.Namespace, root: Path, reporter: Reporter) -> int:
    """``releasekit history`` / ``releasekit metrics`` with their parsed arguments."""
    if args.command == "history":
        if args.sync:
            sync(root, args.sync, reporter)
        return show_history(
            root, reporter, html=args.html, as_json=args.json, fix_window_days=args.fix_window
        )
    return show_metrics(
        root,
        reporter,
        output="json" if args.json else "openmetrics" if args.openmetrics else "table",
        since=parse_day(args.since) if args.since else None,
        until=parse_day(args.until) if args.until else None,
        fix_window_days=args.fix_window,
        index_json=args.index_json,
    )
