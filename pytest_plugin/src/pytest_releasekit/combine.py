"""``pytest-releasekit combine``: the gate's one verdict over the evidence of every shard.

The library function is :func:`combine`; :func:`main` is the command line around it. Exit
status: 0 the gate passed; a shard's pytest exit status when its tests failed; 6 the gate
failed (or a shard is missing); 4 bad input (one line on stderr, nothing written).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import historycli, report
from .covmemo import CACHE_NAME
from .durations import DEFAULT_PATH, merge_into
from .gates import GateRun, Unmeasurable, all_keys, evaluate, rules
from .measure import CoverageSource
from .settings import GateSettings, SettingsError, load_settings, read_gate_table
from .shards import DEFAULT_DIR, Evidence, ShardError, combine_coverage, find, load, prediction
from .tiers import Tally
from .verdict import GateResult, Outcome, Verdict

__all__ = ["Combined", "combine", "main"]

USAGE_ERROR = 4  # pytest's ExitCode.USAGE_ERROR


@dataclass
class Combined:
    result: GateResult
    exit_status: int
    pytest_exit_status: int
    settings: GateSettings
    tally: Tally
    shards: list[Evidence] = field(default_factory=list)
    #: the durations file written (None: no shard recorded a duration)
    durations_file: Path | None = None

    def times(self) -> list[dict[str, Any]]:
        """Each shard's predicted and actual time (seconds of its tests, wall time)."""
        return [
            {
                "shard": e.shard,
                "tests": e.split.get("tests"),
                "by": e.split.get("by"),
                "predicted": e.split.get("predicted"),
                "actual": round(sum(e.durations.values()), 3),
                "wall": None if e.elapsed is None else round(e.elapsed, 3),
            }
            for e in self.shards
        ]

    def time_lines(self) -> list[str]:
        lines = []
        for e, row in zip(self.shards, self.times(), strict=True):
            wall = "" if row["wall"] is None else f", wall {row['wall']:.1f} s"
            lines.append(
                f"shard {e.shard}/{e.shards}: {row['tests']} tests, {prediction(e.split)}; "
                f"actual {row['actual']:.1f} s of tests{wall}"
            )
        return lines


def _pytest_status(evidence: Sequence[Evidence]) -> int:
    """The run's pytest status: the first shard's failure; 5 only if no shard ran a test."""
    statuses = [e.pytest_exit_status for e in evidence]
    failed = [s for s in statuses if s not in (0, 5)]
    if failed:
        return failed[0]
    return 5 if statuses and all(s == 5 for s in statuses) else 0


def _coverage(
    evidence: Sequence[Evidence], rootdir: Path, config_file: str | bool
) -> CoverageSource:
    problems = [(e, e.coverage_problem) for e in evidence if e.coverage is None]
    if problems:
        shard, problem = problems[0]
        reason, fix = problem or ("it recorded no coverage data", "configure a coverage rule")
        return CoverageSource(
            "shards",
            cwd=rootdir,
            problem=Unmeasurable(f"shard {shard.shard}/{shard.shards}: {reason}", fix),
        )
    import coverage
    from coverage.exceptions import CoverageException

    with contextlib.chdir(rootdir):
        data_file = os.path.abspath(coverage.Coverage(config_file=config_file).config.data_file)
        try:
            combine_coverage([e.coverage for e in evidence if e.coverage], data_file, config_file)
        except CoverageException as exc:
            return CoverageSource(
                "shards",
                cwd=rootdir,
                problem=Unmeasurable(
                    f"coverage.py cannot combine the shards' data: {exc}",
                    "run every shard with the same coverage configuration and map their "
                    "source paths with [tool.coverage.paths]",
                ),
            )
    memo = rootdir / ".pytest_cache" / "d" / CACHE_NAME  # where pytest's cache keeps it
    return CoverageSource("shards", data_file, config_file=config_file, cwd=rootdir, memo_dir=memo)


def combine(
    paths: Sequence[Path],
    *,
    rootdir: Path,
    sets: Sequence[str] = (),
    base: str | None = None,
    config_file: str | bool = True,
    durations: Path | None = None,
) -> Combined:
    """Decide the gate over the shard files in ``paths``; merge the shards' test durations into
    ``durations`` (relative to the current directory; default
    ``rootdir/.releasekit-gate/durations.json``) for the next split.

    Raises :class:`ShardError` or ``pytest.UsageError`` (bad input: nothing was written)."""
    evidence = load(find(paths))
    table, label = read_gate_table(rootdir)
    settings = load_settings(table, sets, all_keys(), table_source=label, base=base)
    measured: dict[str, float] = {}
    for e in evidence:
        measured.update(e.durations)
    durations_file = None
    if measured:
        durations_file = durations.resolve() if durations else rootdir / DEFAULT_PATH
        merge_into(durations_file, measured)
    tally = Tally()
    collected: dict[str, list[Any]] = {}
    plugins: set[str] = set()
    for e in evidence:
        tally.merge(e.tally)
        for name, values in e.collected.items():
            collected.setdefault(name, []).extend(values)
        plugins.update(e.plugins)
    wants = any(rule.needs_coverage(settings) for rule in rules())
    source = (
        _coverage(evidence, rootdir, config_file) if wants else CoverageSource.unneeded(rootdir)
    )
    run = GateRun(
        settings=settings,
        tally=tally,
        coverage=source,
        rootdir=rootdir,
        invocation_dir=rootdir,
        plugins=frozenset(plugins),
        collected=collected,
        config=None,
    )
    verdicts = list(evaluate(run).verdicts)
    shards = evidence[0].shards
    present = {e.shard for e in evidence}
    missing = [k for k in range(1, shards + 1) if k not in present]
    verdicts.append(
        Verdict(
            "shards",
            Outcome.ERROR if missing else Outcome.PASS,
            measured=len(present),
            threshold=shards,
            op="==",
            summary=(
                f"no file from shard {', '.join(f'{k}/{shards}' for k in missing)}"
                if missing
                else f"all {shards} shards combined"
            ),
            fix="every shard writes its file, even when its tests fail: gather all of them "
            "(e.g. download every shard's artifact) before combining"
            if missing
            else None,
        )
    )
    lost = [
        f"shard {e.shard}: {', '.join(e.missing_workers)}" for e in evidence if e.missing_workers
    ]
    if lost:
        verdicts.append(
            Verdict(
                "workers",
                Outcome.ERROR,
                measured=len(lost),
                threshold=0,
                summary=f"no gate data from xdist workers ({'; '.join(lost)})",
                fix="see that shard's log for the worker's error; the gate's counts are incomplete",
            )
        )
    result = GateResult.of(verdicts)
    status = _pytest_status(evidence)
    return Combined(
        result, result.exit_status(status), status, settings, tally, evidence, durations_file
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytest-releasekit",
        description="pytest-releasekit's command line: decide the quality gate of a run "
        "split across CI jobs (pytest --gate --gate-shard=K/N).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub = commands.add_parser(
        "combine",
        help="one gate verdict over the files written by every shard",
        description="Combine the shard files written by `pytest --gate --gate-shard=K/N` "
        "(coverage data combined by coverage.py) and evaluate [tool.releasekit.gate] once. "
        "Exit status: 0 passed, 6 gate failed, a shard's pytest status when its tests "
        "failed, 4 bad input.",
    )
    sub.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[Path(DEFAULT_DIR)],
        metavar="PATH",
        help=f"shard files, or directories holding them (default: {DEFAULT_DIR})",
    )
    sub.add_argument(
        "--gate-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one key of [tool.releasekit.gate] (repeatable), as with pytest --gate",
    )
    sub.add_argument("--gate-base", metavar="REF", help="base ref of the diff_coverage rule")
    sub.add_argument("--gate-report", metavar="PATH", type=Path, help="write the JSON report")
    sub.add_argument(
        "--gate-durations",
        metavar="PATH",
        type=Path,
        help="merge the shards' test durations into this file, which the next run's "
        f"--gate-shard split reads (default: {DEFAULT_PATH} under --rootdir)",
    )
    sub.add_argument(
        "--rootdir",
        type=Path,
        default=Path.cwd(),
        help="the project root: its pyproject.toml and coverage configuration (default: .)",
    )
    sub.add_argument("-v", "--verbose", action="count", default=0, help="more detail")
    historycli.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "history":
        return historycli.run(args)
    rootdir = args.rootdir.resolve()
    try:
        combined = combine(
            args.paths,
            rootdir=rootdir,
            sets=args.gate_set,
            base=args.gate_base,
            durations=args.gate_durations,
        )
    except (ShardError, SettingsError) as exc:
        if args.verbose:
            raise
        message = str(exc)
        prefix = "" if message.startswith("releasekit:") else "pytest-releasekit: "
        print(f"{prefix}{message}", file=sys.stderr)
        return USAGE_ERROR
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    codes = {"green": "32", "red": "31", "yellow": "33", "bold": "1"}
    print(f"releasekit gate: {len(combined.shards)} shard file(s) combined")
    for line in combined.time_lines():
        print(line)
    if combined.durations_file is not None:
        print(f"test durations written to {combined.durations_file} (the next split reads it)")
    for line, markup in report.terminal_lines(
        combined.result, combined.exit_status, verbose=args.verbose
    ):
        on = [codes[k] for k, v in markup.items() if v and k in codes]
        print(f"\x1b[{';'.join(on)}m{line}\x1b[0m" if colour and on else line)
    try:
        report.publish(
            combined.result,
            exit_status=combined.exit_status,
            pytest_exit_status=combined.pytest_exit_status,
            extra={
                "tiers": combined.tally.to_json(),
                "settings": combined.settings.to_json(),
                "shards": [str(e.path) for e in combined.shards],
                "shard_times": combined.times(),
            },
            json_path=args.gate_report,
        )
    except report.ReportError as exc:
        print(exc, file=sys.stderr)
        return USAGE_ERROR
    return combined.exit_status


if __name__ == "__main__":  # pragma: no cover - python -m pytest_releasekit.combine
    raise SystemExit(main())
