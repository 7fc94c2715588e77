"""The release step contract.

A step is a small object with a name and three operations:

* :meth:`Step.plan` is pure: it says what the step WOULD do. ``--dry-run`` prints plans only.
* :meth:`Step.apply` does it, and returns the *facts* it established (commit sha, file names and
  sha256, URLs). The pipeline journals ``begin`` before and ``done`` (with the facts) after; a step
  with several side effects also journals each one with :meth:`Context.effect` as it goes.
* :meth:`Step.undo` reverses what the journal says the step did, where possible, and returns the
  things it could not undo as instructions for the user (e.g. "yank 1.2.0 on PyPI").

On ``--resume`` a step that was in flight when the release died is first asked to
:meth:`Step.reconcile` with reality: if its work is in fact complete it returns the facts and is
recorded as done, otherwise it is run again (so ``apply`` must tolerate partial earlier work).
"""

from __future__ import annotations

import abc
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["Facts", "Plan", "Problem", "Result", "Status", "Step", "StepRecord"]

Facts = dict[str, Any]
#: A prerequisite that is not met: (what is wrong, how to fix it).
Problem = tuple[str, str]


@dataclass(frozen=True)
class Plan:
    """What a step would do. ``actions`` are short human-readable lines; nothing is executed."""

    step: str
    summary: str
    actions: tuple[str, ...] = ()
    irreversible: bool = False
    skip_reason: str | None = None

    @property
    def skipped(self) -> bool:
        return self.skip_reason is not None


class Status(enum.Enum):
    OK = "ok"
    SKIPPED = "skipped"
    FAILED = "failed"
    RESUMED = "resumed"  # found complete on --resume; not repeated


@dataclass(frozen=True)
class Result:
    step: str
    status: Status
    reason: str = ""
    duration: float = 0.0
    facts: Facts = field(default_factory=dict)


@dataclass
class StepRecord:
    """What the journal knows about one step: its state, its facts and its individual effects."""

    step: str
    state: str = "not started"  # not started | in flight | done | skipped | undone
    facts: Facts = field(default_factory=dict)
    effects: list[Mapping[str, Any]] = field(default_factory=list)


class Step(abc.ABC):
    """Base class of every release step."""

    #: The step's name, used by ``--skip``, the journal and the progress display.
    name: ClassVar[str]
    #: True when ``apply`` can have an effect that ``undo`` cannot reverse on some targets
    #: (an upload to a public index). The pipeline runs such steps after everything that can fail.
    irreversible: ClassVar[bool] = False
    #: True when ``apply`` changes something outside this machine (an index, a registry, a git
    #: remote). A release that fails before any such step began is rolled back automatically.
    external: ClassVar[bool] = False

    def skip_reason(self, ctx: Context) -> str | None:
        """Why this step does not apply to this project (``None``: it runs)."""
        return None

    def check(self, ctx: Context) -> Iterator[Problem]:
        """The prerequisites of :meth:`apply` that are not met (tools, files, coherent config).

        Preflight and ``releasekit doctor`` run this for every step that is not skipped, so a
        release never fails later for a reason that could have been known before it started.
        Must not change anything.
        """
        return iter(())

    @abc.abstractmethod
    def plan(self, ctx: Context) -> Plan:
        """Describe what :meth:`apply` would do. Must not change anything."""

    @abc.abstractmethod
    def apply(self, ctx: Context) -> Facts:
        """Do the step; return the facts to journal. Raise a ReleasekitError on failure."""

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        """On resume, return the facts if the in-flight work is actually complete, else None."""
        return None

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        """Reverse the recorded work; return what could not be undone, as instructions."""
        return []
