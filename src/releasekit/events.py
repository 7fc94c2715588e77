"""Structured logs: one JSON object per release event, for any log aggregator.

The :class:`EventLog` travels on the :class:`~releasekit.ui.Reporter` (``reporter.events``); the
pipeline, the reporter and the gate emit into it, and nothing else writes events. Each line is
an object validated by ``logschema.json`` (shipped next to this module)::

    {"ts": "2026-12-02T16:00:00.123Z", "level": "info", "event": "step-end",
     "release_id": "20261202T160000-1a2b3c", "step": "build", "message": "build ok", ...}

Every string in an event passes the one redactor before it is serialised. Listeners (the alerts)
see the redacted record as it is emitted. Without ``--log-format json`` the log writes nowhere
and only the listeners see the events.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from importlib import resources
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import ReleasekitError, UsageError
from .redact import redact

if TYPE_CHECKING:
    from .context import Context

__all__ = [
    "EVENTS",
    "FORMAT_ENV",
    "LOG_FILE_ENV",
    "EventLog",
    "Listener",
    "open_event_log",
    "release_events",
    "schema",
]

FORMAT_ENV = "RELEASEKIT_LOG_FORMAT"
LOG_FILE_ENV = "RELEASEKIT_LOG_FILE"
FORMATS = ("text", "json")
#: Every event name a line can carry (the schema's enum).
EVENTS = (
    "release-start",
    "release-complete",
    "release-failed",
    "release-rolled-back",
    "step-begin",
    "step-end",
    "step-failed",
    "effect",
    "verdict",
    "warning",
    "error",
)

Listener = Callable[[Mapping[str, Any]], None]


def _redacted(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(_redacted(k)): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redacted(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else str(value))


def _now() -> str:
    now = datetime.datetime.now(datetime.UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


class EventLog:
    """Writes events as JSON lines to ``stream`` (none: events reach the listeners only)."""

    def __init__(self, stream: IO[str] | None = None, *, owned: bool = False) -> None:
        self.stream = stream
        self._owned = owned
        self._lock = threading.Lock()
        #: The journal's release id, set while a release runs (``--resume`` keeps it).
        self.release_id: str | None = None
        self.listeners: list[Listener] = []

    @property
    def writing(self) -> bool:
        return self.stream is not None

    def emit(
        self,
        event: str,
        *,
        level: str = "info",
        step: str | None = None,
        message: str = "",
        **fields: Any,
    ) -> dict[str, Any]:
        """Record one event: redacted, written as one line, then handed to every listener."""
        record: dict[str, Any] = {
            "ts": _now(),
            "level": level,
            "event": event,
            "release_id": self.release_id,
            "step": step,
            "message": message,
            **fields,
        }
        record = _redacted(record)
        if self.stream is not None:
            self._write(json.dumps(record, ensure_ascii=False, default=str))
        for listener in list(self.listeners):
            listener(record)
        return record

    def _write(self, line: str) -> None:
        """One line, whole; a log that cannot be written (a full disk) stops, the release not."""
        with self._lock:
            if self.stream is None:
                return
            try:
                self.stream.write(line + "\n")
                self.stream.flush()
            except (OSError, ValueError) as exc:  # ValueError: the stream was closed
                self.stream = None
                sys.stderr.write(redact(f"WARNING structured log stopped: {exc}\n"))

    def close(self) -> None:
        if self.stream is not None and self._owned:
            self.stream.close()
        self.stream = None


def open_event_log(
    log_format: str | None, log_file: Path | None, environ: Mapping[str, str] | None = None
) -> tuple[EventLog, bool]:
    """The event log the command line asked for, and whether the human output stays visible.

    ``--log-file`` (or RELEASEKIT_LOG_FILE) writes JSON lines to that file, and the terminal
    keeps its human output. ``--log-format json`` (or RELEASEKIT_LOG_FORMAT=json) without a file
    writes them to stderr, and the human output is suppressed so the stream stays pure JSON.
    """
    env = os.environ if environ is None else environ
    chosen = log_format or env.get(FORMAT_ENV) or None
    if chosen is not None and chosen not in FORMATS:
        where = "--log-format" if log_format else f"environment variable {FORMAT_ENV}"
        raise UsageError(
            f"{where}: unknown log format {chosen!r}", hint="use `text` (default) or `json`"
        )
    path = log_file or (Path(env[LOG_FILE_ENV]) if env.get(LOG_FILE_ENV) else None)
    if path is not None:
        if chosen == "text":
            raise UsageError(
                f"--log-file {path}: the log file is JSON lines, but the log format is text",
                hint="drop --log-format text (or RELEASEKIT_LOG_FORMAT=text)",
            )
        try:
            stream = path.open("a", encoding="utf-8")
        except OSError as exc:
            raise UsageError(
                f"--log-file {path}: cannot open it for writing ({exc.strerror})",
                hint="pass a file in a writable directory",
            ) from None
        return EventLog(stream, owned=True), True
    if chosen == "json":
        return EventLog(sys.stderr), False
    return EventLog(), True


def schema() -> dict[str, Any]:
    """The JSON Schema every log line validates against (``releasekit/logschema.json``)."""
    text = resources.files("releasekit").joinpath("logschema.json").read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def _failed_step(ctx: Context) -> str | None:
    failed = [r for r in ctx.journal.records if r.get("event") == "failed"]
    return str(failed[-1]["step"]) if failed else None


@contextlib.contextmanager
def release_events(ctx: Context) -> Iterator[None]:
    """``release-start`` now; ``release-complete`` or ``release-failed`` when the run ends."""
    events = ctx.reporter.events
    events.release_id = ctx.journal.release_id
    resumed = any(r.get("event") == "begin" for r in ctx.journal.records)
    target = str(getattr(ctx.target, "name", ""))  # step tests run some steps without a target
    facts: dict[str, Any] = {"version": ctx.version, "target": target, "resumed": resumed}
    verb = "resuming" if resumed else "starting"
    events.emit(
        "release-start", message=f"{verb} the release of {ctx.version}", step="release", **facts
    )
    try:
        yield
    except ReleasekitError as exc:
        step = _failed_step(ctx)
        events.emit(
            "release-failed",
            level="error",
            step=step,
            message=f"the release of {ctx.version} failed in {step}",
            error=exc.message.splitlines()[0],
            exit_code=exc.exit_code,
            **facts,
        )
        raise
    events.emit("release-complete", step="release", message=f"released {ctx.version}", **facts)
