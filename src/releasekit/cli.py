"""``releasekit``: a thin command line over the library. It parses arguments, calls
:mod:`releasekit.release` (and friends), and maps a ReleasekitError to one ``ERROR`` line and
its exit code. Any other exception is a bug and shows a traceback."""

from __future__ import annotations

import argparse
import io
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from rich.console import Console

from . import __version__
from .checks import check_port
from .ci import CI_KINDS, DEFAULT_SHARDS, MAX_CI_SHARDS
from .errors import ReleasekitError, UsageError
from .events import open_event_log
from .index import DEFAULT_FALLBACK
from .redact import redacted_std_streams
from .ui import Reporter

__all__ = ["main"]

EPILOG = """\
exit codes: 0 ok, 1 internal error (a bug), 2 usage or config error, 3 preflight refused
(or doctor found problems), 4 quality gate failed, 5 a step failed (resume or roll back),
6 index unreachable, 7 journal problem, 8 another release is running, 130 interrupted.
docs: https://releasekit.readthedocs.io"""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is a UsageError: one ``ERROR`` line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}", hint=f"see `{self.prog} --help`")


def _port(text: str) -> int:
    try:
        return check_port(int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid port {text!r}: expected a number from 1 to 65535"
        ) from None


def _shards(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_CI_SHARDS:
        raise argparse.ArgumentTypeError(
            f"invalid shard count {text!r}: expected a number from 1 to {MAX_CI_SHARDS}"
        )
    return value


def _directory(text: str) -> Path:
    path = Path(text)
    try:
        if path.exists() and not path.is_dir():
            raise argparse.ArgumentTypeError(f"{text!r} is not a directory")
    except OSError as exc:  # a name too long for the file system, ...
        raise argparse.ArgumentTypeError(f"{text[:60]!r}...: {exc.strerror}") from None
    return path


def _release_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "bump",
        nargs="?",
        metavar="BUMP",
        help="major, minor, patch, alpha, beta, rc, release, post, dev, "
        "'minor,rc', or a PEP 440 version; default: from the changelog fragments",
    )
    parser.add_argument(
        "--to",
        metavar="TARGET",
        help="local (default), pypi, testpypi, an "
        "upload URL, a [tool.releasekit.repositories] or ~/.pypirc name",
    )
    parser.add_argument(
        "--skip",
        metavar="STEP",
        action="append",
        default=[],
        help="skip a step (repeatable): gate, changelog, verify, image, docs, "
        "publish, verify-published, promote",
    )
    parser.add_argument(
        "--stage",
        action="store_true",
        help="staged publish: upload to the staging index ([tool.releasekit] stage, default the "
        "embedded one), install and test the release from it, then publish the same bytes",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="releasekit",
        description="From 'tests pass' to 'released', atomically.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"releasekit {__version__}")
    parser.add_argument(
        "-C",
        "--root",
        type=Path,
        default=None,
        help="the project's root (default: the current directory)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show tool output and tracebacks"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors")
    parser.add_argument(
        "--log-format",
        choices=("text", "json"),
        default=None,
        help="json: one JSON object per release event on stderr, instead of the human output "
        "(or in --log-file, next to it); default text, or RELEASEKIT_LOG_FORMAT",
    )
    parser.add_argument(
        "--log-file",
        type=Path,
        metavar="PATH",
        default=None,
        help="append the JSON event log to PATH; the terminal keeps the human output "
        "(default: RELEASEKIT_LOG_FILE)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    release = sub.add_parser(
        "release",
        help="release the project (plan, confirm, run)",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _release_args(release)
    release.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="do not ask for confirmation (needed without a terminal)",
    )
    release.add_argument(
        "-n",
        "--dry-run",
        action="store_true",
        help="show the plan and the preflight result; change nothing",
    )
    mode = release.add_mutually_exclusive_group()
    mode.add_argument(
        "--resume",
        action="store_true",
        help="continue the interrupted release recorded in .releasekit/",
    )
    mode.add_argument(
        "--rollback",
        action="store_true",
        help="undo the interrupted release recorded in .releasekit/",
    )

    plan = sub.add_parser("plan", help="show what `release` would do (= release --dry-run)")
    _release_args(plan)

    sub.add_parser("status", help="the current or last release, step by step")

    doctor = sub.add_parser("doctor", help="check config, tools, git remote, credentials, index")
    doctor.add_argument("--to", metavar="TARGET", help="check this target instead")

    config = sub.add_parser("config", help="show the effective configuration and its sources")
    config.add_argument("--keys", action="store_true", help="list every key with its meaning")

    init = sub.add_parser("init", help="set the project up for releasekit (adds, never clobbers)")
    init.add_argument("-n", "--dry-run", action="store_true", help="say what it would do")
    init.add_argument(
        "--towncrier",
        action="store_true",
        help="set towncrier up when the project keeps no changelog yet",
    )
    init.add_argument(
        "--noxfile",
        action="store_true",
        help="add a noxfile.py with releasekit's sessions when the project has no nox, tox or "
        "hatch set-up",
    )
    init.add_argument(
        "--docs-examples",
        action="store_true",
        help="run the examples of README.md and docs/ (sybil) in the docs step, before publishing",
    )
    init.add_argument(
        "--ci",
        choices=sorted(CI_KINDS),
        help="add a CI workflow: the tests in shard jobs balanced by recorded durations, one "
        "job deciding the gate, caches for the durations and the benchmark baseline",
    )
    init.add_argument(
        "--ci-shards",
        type=_shards,
        default=DEFAULT_SHARDS,
        metavar="N",
        help=f"shard jobs of the --ci workflow (default {DEFAULT_SHARDS})",
    )

    history = sub.add_parser(
        "history", help="gate runs and releases recorded in the history store; --html DIR"
    )
    history.add_argument("--html", type=_directory, metavar="DIR", help="write the HTML report")
    history.add_argument("--json", action="store_true", help="print every record as JSON")
    history.add_argument(
        "--sync",
        metavar="REMOTE",
        help="first merge the git store with REMOTE's refs/releasekit/history and push it",
    )
    metrics = sub.add_parser(
        "metrics",
        help="deployment frequency, lead time, change-failure rate, time to restore",
    )
    shown = metrics.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="print JSON")
    shown.add_argument("--openmetrics", action="store_true", help="print OpenMetrics text")
    metrics.add_argument("--since", metavar="DATE", help="window start (default: 90 days ago)")
    metrics.add_argument("--until", metavar="DATE", help="window end (default: now)")
    metrics.add_argument(
        "--index-json",
        metavar="URL",
        help="the project's JSON API (e.g. https://pypi.org/pypi/NAME/json): upload times "
        "and yanked releases",
    )
    for sub_parser in (history, metrics):
        sub_parser.add_argument(
            "--fix-window",
            type=float,
            default=3.0,
            metavar="DAYS",
            help="a release followed by a fix release within DAYS is a failed change (default 3)",
        )

    demo = sub.add_parser("demo", help="release an example project onto a private local index")
    demo.add_argument("--dir", type=_directory, help="where to create it (default: a new temp dir)")

    index = sub.add_parser("index", help="the embedded local package index")
    index_sub = index.add_subparsers(dest="index_command", metavar="ACTION", required=True)
    serve = index_sub.add_parser("serve", help="serve the local index in the foreground")
    serve.add_argument("--port", type=_port, default=8765, help="port on 127.0.0.1 (default 8765)")
    serve.add_argument(
        "--dir",
        type=_directory,
        help="package directory (default: the cache dir, or RELEASEKIT_INDEX_DIR)",
    )
    serve.add_argument(
        "--fallback-url",
        metavar="URL",
        default=DEFAULT_FALLBACK,
        help="simple index that projects not released here are redirected to, so "
        f"dependencies install too (default: {DEFAULT_FALLBACK})",
    )
    serve.add_argument(
        "--no-fallback",
        dest="fallback_url",
        action="store_const",
        const=None,
        help="serve only what was released here",
    )
    return parser


def _root(given: Path | None) -> Path:
    """The project root: -C/--root, else the current directory; it must be a directory."""
    try:
        root = (given or Path.cwd()).resolve()
    except (OSError, RuntimeError) as exc:  # the cwd was removed, or a symlink loop
        raise UsageError(f"cannot resolve the project root: {exc}", hint="pass -C DIR") from None
    try:
        is_dir, exists = root.is_dir(), root.exists()
    except OSError as exc:  # a name too long for the file system
        raise UsageError(
            f"-C/--root {str(given)!r}: {exc.strerror}", hint="pass the project's directory"
        ) from None
    if not is_dir:
        what = "is not a directory" if exists else "does not exist"
        raise UsageError(f"-C/--root {str(given)!r} {what}", hint="pass the project's directory")
    return root


def _run(args: argparse.Namespace, reporter: Reporter) -> int:
    from . import commands

    root = _root(args.root)
    if args.command == "plan" or (args.command == "release" and args.dry_run):
        return commands.show_plan(root, args.bump, args.to, args.skip, reporter, stage=args.stage)
    if args.command == "release":
        if args.resume or args.rollback:
            if args.bump or args.to or args.skip or args.stage:
                raise UsageError(
                    "--resume/--rollback take no BUMP, --to, --skip or --stage",
                    hint="they continue or undo the release in the journal as it is",
                )
            return commands.resume_or_rollback(root, reporter, rollback=args.rollback)
        return commands.run_release(
            root, args.bump, args.to, args.skip, args.yes, reporter, stage=args.stage
        )
    if args.command == "status":
        return commands.show_status(root, reporter)
    if args.command == "doctor":
        return commands.doctor(root, args.to, reporter)
    if args.command == "config":
        return commands.show_config(root, reporter, keys=args.keys)
    if args.command == "init":
        return commands.init(
            root,
            reporter,
            dry_run=args.dry_run,
            towncrier=args.towncrier,
            noxfile=args.noxfile,
            docs_examples=args.docs_examples,
            ci=args.ci,
            ci_shards=args.ci_shards,
        )
    if args.command in ("history", "metrics"):
        from . import historycmd

        return historycmd.run(args, root, reporter)
    if args.command == "demo":
        from .demo import run_demo

        run_demo(args.dir, reporter)
        return 0
    if args.command == "index":
        return commands.serve_index(args.port, args.dir, reporter, fallback_url=args.fallback_url)
    raise AssertionError(args.command)  # pragma: no cover


def main(argv: Sequence[str] | None = None) -> int:
    with redacted_std_streams():  # argparse, warnings, tracebacks: nothing prints a secret
        args = None
        reporter = Reporter()
        try:
            args = build_parser().parse_args(argv)
            events, human = open_event_log(args.log_format, args.log_file)
            reporter = Reporter(
                verbose=args.verbose,
                quiet=args.quiet,
                console=None if human else Console(file=io.StringIO(), quiet=True),
                events=events,
            )
            return _run(args, reporter)
        except ReleasekitError as exc:
            first, _, rest = exc.message.partition("\n")
            reporter.error(first + (f" -- {exc.hint}" if exc.hint else ""))
            if args is not None and args.verbose:
                if rest:
                    reporter.text(rest, dim=True)
                reporter.text(traceback.format_exc(), dim=True)
            return exc.exit_code
        except KeyboardInterrupt:
            reporter.error("interrupted")
            return 130
        except Exception:  # a bug: its traceback, redacted like every other byte we print
            reporter.text(traceback.format_exc())
            reporter.events.emit("error", level="error", message=traceback.format_exc())
            return 1
        finally:
            reporter.events.close()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
