"""What a release step sees: the project, its config, the new version, journal and target."""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import Config

if TYPE_CHECKING:
    from .journal import Journal
    from .targets import Target
    from .ui import Reporter
    from .workspace import Workspace

__all__ = ["KILL_ENV", "TRACE_ENV", "Context"]

#: Test-only fault injection: when set to a checkpoint name, the process SIGKILLs itself there.
KILL_ENV = "RELEASEKIT_TEST_KILL_AT"
#: Test-only: a file every checkpoint passed is appended to (to enumerate all kill points).
TRACE_ENV = "RELEASEKIT_TEST_CHECKPOINTS"


@dataclass
class Context:
    """Shared state of one release. Steps read it and return facts; they never keep state."""

    root: Path
    config: Config
    workspace: Workspace
    target: Target
    journal: Journal
    reporter: Reporter
    version: str
    previous_version: str
    bump: str
    dry_run: bool = False
    #: Steps skipped with ``--skip`` (set by the pipeline; preflight skips their checks).
    skip: frozenset[str] = frozenset()
    #: Facts each finished step returned, by step name (rebuilt from the journal on --resume).
    facts: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def state_dir(self) -> Path:
        """``.releasekit/``: journal, lock and work areas. Ignores itself in git."""
        return self.root / ".releasekit"

    @property
    def release_dir(self) -> Path:
        """A work area private to this release (dist files, venvs, site builds)."""
        return self.state_dir / "work" / self.journal.release_id

    def effect(self, step: str, action: str, *, point: str | None = None, **data: Any) -> None:
        """Journal one side effect of ``step`` (fsync'ed) so resume/rollback know it happened."""
        self.journal.append(step, "effect", action=action, **data)
        self.reporter.events.emit("effect", step=step, message=action, action=action, data=data)
        self.checkpoint(f"{step}:{action}" + (f":{point}" if point else ""))

    def checkpoint(self, name: str) -> None:
        """A named point where the fault-injection tests may kill the release for real."""
        trace = os.environ.get(TRACE_ENV)
        if trace:
            with open(trace, "a", encoding="utf-8") as handle:
                handle.write(name + "\n")
        wanted = os.environ.get(KILL_ENV)
        if wanted and wanted == name:
            os.kill(os.getpid(), signal.SIGKILL)
