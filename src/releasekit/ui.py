"""Terminal output: the plan table, a progress line per step, a summary. Honors NO_COLOR.

Output goes to stderr through rich (which disables colour when NO_COLOR is set or the stream is
not a terminal); nothing here decides anything. Every text is redacted before rich lays it out
(so wrapping cannot split a secret), and the console writes through a redacting stream, so even
``reporter.console.print(...)`` cannot show a secret.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import TextIO, cast

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import UsageError
from .events import EventLog
from .redact import RedactingStream, redact
from .steps.base import Plan, Result, Status

__all__ = ["Reporter"]

_MARK = {
    Status.OK: "[green]✓[/]",
    Status.SKIPPED: "[dim]-[/]",
    Status.FAILED: "[red]✗[/]",
    Status.RESUMED: "[cyan]↺[/]",
}


class Reporter:
    def __init__(
        self,
        *,
        verbose: bool = False,
        quiet: bool = False,
        console: Console | None = None,
        events: EventLog | None = None,
    ) -> None:
        if console is None:
            stream = cast(TextIO, RedactingStream(lambda: sys.stderr))
            console = Console(file=stream, highlight=False)
        elif not isinstance(console.file, RedactingStream):
            console.file = cast(TextIO, RedactingStream(console.file))
        self.console = console
        self.verbose = verbose
        self.quiet = quiet
        #: Structured events (``--log-format json``, alerts); see :mod:`releasekit.events`.
        self.events = events or EventLog()

    @property
    def interactive(self) -> bool:
        return sys.stdin.isatty() and self.console.is_terminal

    def info(self, message: str) -> None:
        if not self.quiet:
            self.console.print(redact(message), markup=False)

    def detail(self, message: str) -> None:
        if self.verbose:
            self.console.print(redact(message), markup=False, style="dim")

    def warn(self, message: str) -> None:
        self.events.emit("warning", level="warning", message=message)
        self.console.print(f"[yellow]WARNING[/] {escape(redact(message))}")

    def error(self, message: str) -> None:
        self.events.emit("error", level="error", message=message)
        self.console.print(f"[bold red]ERROR[/] {escape(redact(message))}", soft_wrap=True)

    def plan(self, title: str, plans: Sequence[Plan]) -> None:
        if self.quiet:
            return
        table = Table(title=title, title_justify="left", show_lines=False, expand=False)
        table.add_column("step")
        table.add_column("what it will do")
        for plan in plans:
            if plan.skipped:
                table.add_row(
                    f"[dim]{plan.step}[/]", f"[dim]skipped: {escape(plan.skip_reason or '')}[/]"
                )
                continue
            text = escape(redact(plan.summary + "".join(f"\n  • {a}" for a in plan.actions)))
            if plan.irreversible:
                text += "\n  [yellow](cannot be undone on this target)[/]"
            table.add_row(plan.step, text)
        self.console.print(table)

    def table(self, title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
        """A plain table (``status``), every cell redacted."""
        table = Table(title=escape(redact(title)), title_justify="left")
        for column in columns:
            table.add_column(escape(column))
        for row in rows:
            table.add_row(*(escape(redact(cell)) for cell in row))
        self.console.print(table)

    def text(self, message: str, *, dim: bool = False) -> None:
        """A block of plain text shown as it is (``config`` values, a traceback), redacted."""
        self.console.print(redact(message), markup=False, style="dim" if dim else None)

    def confirm(self, question: str) -> bool:
        if not self.interactive:
            raise UsageError(
                "no terminal to confirm the release on",
                hint="review `releasekit plan`, then run again with --yes",
            )
        answer = self.console.input(f"{escape(redact(question))} [y/N] ")
        return answer.strip().lower() in {"y", "yes"}

    @contextlib.contextmanager
    def step(self, name: str, summary: str) -> Iterator[None]:
        """Show a spinner on a terminal (a plain line otherwise) while a step runs."""
        self.events.emit("step-begin", step=name, message=summary)
        if self.quiet:
            yield
            return
        if self.console.is_terminal:
            with self.console.status(f"[bold]{name}[/] {escape(redact(summary))}"):
                yield
        else:
            self.console.print(redact(f"… {name}: {summary}"), markup=False)
            yield

    def result(self, result: Result) -> None:
        self.events.emit(
            "step-failed" if result.status is Status.FAILED else "step-end",
            level="error" if result.status is Status.FAILED else "info",
            step=result.step,
            message=f"{result.step} {result.status.value}"
            + (f": {result.reason}" if result.reason else ""),
            status=result.status.value,
            duration_s=round(result.duration, 3),
            reason=result.reason,
            facts=result.facts,
        )
        if self.quiet and result.status is not Status.FAILED:
            return
        reason = f" [dim]{escape(redact(result.reason))}[/]" if result.reason else ""
        self.console.print(
            f"{_MARK[result.status]} {escape(result.step)} [dim]({result.duration:.1f}s)[/]{reason}"
        )

    def summary(self, results: Sequence[Result], started: float, headline: str) -> None:
        if self.quiet:
            return
        took = time.monotonic() - started
        counts = {s: sum(r.status is s for r in results) for s in Status}
        parts = [f"{counts[Status.OK]} done"]
        if counts[Status.RESUMED]:
            parts.append(f"{counts[Status.RESUMED]} already done")
        if counts[Status.SKIPPED]:
            parts.append(f"{counts[Status.SKIPPED]} skipped")
        self.console.print(f"[bold]{escape(redact(headline))}[/] ({', '.join(parts)}, {took:.1f}s)")
