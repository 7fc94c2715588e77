"""Terminal output: the plan table, a progress line per step, a summary. Honors NO_COLOR.

Output goes to stderr through rich (which disables colour when NO_COLOR is set or the stream is
not a terminal); nothing here decides anything.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .errors import UsageError
from .process import redact
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
        self, *, verbose: bool = False, quiet: bool = False, console: Console | None = None
    ) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self.verbose = verbose
        self.quiet = quiet

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
        self.console.print(f"[yellow]WARNING[/] {escape(redact(message))}")

    def error(self, message: str) -> None:
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

    def confirm(self, question: str) -> bool:
        if not self.interactive:
            raise UsageError(
                "no terminal to confirm the release on",
                hint="review `releasekit plan`, then run again with --yes",
            )
        answer = self.console.input(f"{question} [y/N] ")
        return answer.strip().lower() in {"y", "yes"}

    @contextlib.contextmanager
    def step(self, name: str, summary: str) -> Iterator[None]:
        """Show a spinner on a terminal (a plain line otherwise) while a step runs."""
        if self.quiet:
            yield
            return
        if self.console.is_terminal:
            with self.console.status(f"[bold]{name}[/] {escape(summary)}"):
                yield
        else:
            self.console.print(f"… {name}: {summary}", markup=False)
            yield

    def result(self, result: Result) -> None:
        if self.quiet and result.status is not Status.FAILED:
            return
        reason = f" [dim]{escape(redact(result.reason))}[/]" if result.reason else ""
        self.console.print(
            f"{_MARK[result.status]} {result.step} [dim]({result.duration:.1f}s)[/]{reason}"
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
