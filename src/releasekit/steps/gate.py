"""gate: run the project's quality gate (default ``python -m pytest --gate``); stop if it fails."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from .. import process
from ..errors import GateFailed, ProcessError
from ..git import Git
from .base import Facts, Plan, Step

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["GateStep", "gate_argv"]


def gate_argv(ctx: Context) -> list[str]:
    argv = list(ctx.config.gate_command)
    if argv and argv[0] in {"python", "python3"}:
        argv[0] = sys.executable  # the environment releasekit runs in
    return argv


class GateStep(Step):
    name = "gate"

    def plan(self, ctx: Context) -> Plan:
        return Plan(self.name, "run the quality gate", actions=(process.display(gate_argv(ctx)),))

    def apply(self, ctx: Context) -> Facts:
        argv = gate_argv(ctx)
        try:
            done = process.run(argv, cwd=ctx.root, what="the quality gate")
        except ProcessError as exc:
            raise GateFailed(
                f"the quality gate failed: {process.display(argv)} exited {exc.returncode}"
                + (f"\n{exc.output.strip()[-3000:]}" if ctx.reporter.verbose else ""),
                hint="fix the failures (run the command to see them), or skip with --skip gate",
            ) from None
        ctx.reporter.detail(done.output[-3000:])
        changed = Git(ctx.root).dirty_paths()  # preflight saw a clean tree
        if changed:
            raise GateFailed(
                f"the quality gate changed the work tree: {', '.join(changed[:5])}"
                + (" ..." if len(changed) > 5 else ""),
                hint="make the tests write to a temporary directory (or git-ignore what they "
                "write), restore the tree (`git status`), then release again",
            )
        return {"command": process.display(argv), "seconds": round(done.duration, 2)}
