"""The release journal: an append-only, fsync'ed JSON-lines record of everything a release did.

One file per release, ``.releasekit/journal.jsonl`` while it is current, moved to
``.releasekit/history/`` when a new release starts after it finished or was rolled back.
Each line is one event; a torn last line (power loss mid-write) is ignored on load.
Every line passes :func:`releasekit.redact.redact` before it is written (and so does the lock
file's command line): secrets never reach the disk.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import JournalError, LockHeld
from .redact import redact
from .steps.base import StepRecord

__all__ = ["Journal", "ReleaseLock"]

JOURNAL = "journal.jsonl"
#: what a release's start record says; resume and rollback need every one
HEADER_KEYS = ("version", "bump", "target", "previous_version")


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _record(line: bytes) -> dict[str, Any] | None:
    """One journal line as a record; None when it is not JSON or not a record."""
    try:
        record = json.loads(line)
    except ValueError:  # JSONDecodeError, or UnicodeDecodeError for bytes that are not text
        return None
    if not isinstance(record, dict):
        return None
    if not isinstance(record.get("event"), str) or not isinstance(record.get("step"), str):
        return None
    if not isinstance(record.get("facts", {}), dict):
        return None
    return record


def _redacted(value: Any) -> Any:
    """``value`` with every string in it redacted (before JSON escapes could hide a secret)."""
    if isinstance(value, dict):
        return {_redacted(k): _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return redact(value if isinstance(value, str) else str(value))


def _json_line(record: dict[str, Any]) -> str:
    return redact(json.dumps(_redacted(record), sort_keys=True))


@dataclass
class Journal:
    path: Path | None  # None: an in-memory journal for --dry-run, never written
    records: list[dict[str, Any]]
    torn: bool = False  # the last line was incomplete when loaded

    @classmethod
    def in_memory(cls, **header: Any) -> Journal:
        journal = cls(path=None, records=[])
        journal.append("release", "start", release_id="dry-run", **header)
        return journal

    # ------------------------------------------------------------ creating / loading
    @classmethod
    def start(cls, state_dir: Path, **header: Any) -> Journal:
        path = state_dir / JOURNAL
        if path.exists():
            raise JournalError(
                f"{path}: a release journal already exists",
                hint="finish it with `releasekit release --resume` or undo it with --rollback",
            )
        journal = cls(path=path, records=[])
        release_id = time.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        journal.append("release", "start", release_id=release_id, **header)
        _fsync_dir(state_dir)
        return journal

    @classmethod
    def load(cls, state_dir: Path) -> Journal | None:
        return cls.load_file(state_dir / JOURNAL)

    @classmethod
    def load_file(cls, path: Path) -> Journal | None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise JournalError(
                f"{path}: cannot read the journal ({exc.strerror})",
                hint="it must be the file releasekit wrote; move it away after checking the "
                "repository and index by hand",
            ) from None
        records: list[dict[str, Any]] = []
        lines = raw.split(b"\n")
        torn = False
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = _record(line)
            if record is None and number >= len(lines) - 1:  # only the last line may be torn
                torn = True
                break
            if record is None:
                raise JournalError(
                    f"{path}:{number}: corrupt journal line",
                    hint="the journal was edited by hand; restore it or remove it after checking "
                    "the repository and index by hand",
                )
            records.append(record)
        header = records[0] if records else {}
        if header.get("event") != "start" or not isinstance(header.get("release_id"), str):
            raise JournalError(
                f"{path}: not a releasekit journal (no start record)",
                hint="move it away after checking the repository and index by hand",
            )
        return cls(path=path, records=records, torn=torn)

    def require_header(self) -> None:
        """Refuse a start record that lacks what resume and rollback need."""
        missing = [k for k in HEADER_KEYS if not isinstance(self.header.get(k), str)]
        if missing:
            raise JournalError(
                f"{self.path}: the start record has no {', '.join(missing)}",
                hint="this journal was not written by this releasekit; move it away after "
                "checking the repository and index by hand",
            )

    def repair(self) -> None:
        """Rewrite the file without a torn last line, so appends stay well-formed."""
        if self.torn:
            self._rewrite()
            self.torn = False

    def _file(self) -> Path:
        if self.path is None:
            raise JournalError("a --dry-run journal is never written")
        return self.path

    def _rewrite(self) -> None:
        tmp = self._file().with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            for record in self.records:
                handle.write(_json_line(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(self._file())
        _fsync_dir(self._file().parent)

    # ------------------------------------------------------------ writing
    def append(self, step: str, event: str, **data: Any) -> None:
        record = {"ts": round(time.time(), 3), "step": step, "event": event, **data}
        line = _json_line(record)
        if self.path is None:
            self.records.append(json.loads(line))
            return
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        self.records.append(json.loads(line))

    def discard(self) -> None:
        """Forget a journal whose release changed nothing (it failed in preflight or gate)."""
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def archive(self) -> Path:
        history = self._file().parent / "history"
        history.mkdir(exist_ok=True)
        target = history / f"{self.release_id}.jsonl"
        self._file().replace(target)
        return target

    # ------------------------------------------------------------ reading
    @property
    def header(self) -> dict[str, Any]:
        return self.records[0]

    @property
    def release_id(self) -> str:
        return str(self.header.get("release_id", "unknown"))

    @property
    def complete(self) -> bool:
        return any(r["event"] == "complete" for r in self.records)

    @property
    def rolled_back(self) -> bool:
        return any(r["event"] == "rolled-back" for r in self.records)

    @property
    def finished(self) -> bool:
        return self.complete or self.rolled_back

    def steps(self) -> dict[str, StepRecord]:
        """Fold the events into one record per step, in the order steps first appeared."""
        result: dict[str, StepRecord] = {}
        for rec in self.records[1:]:
            name = rec["step"]
            if name == "release":
                continue
            state = result.setdefault(name, StepRecord(step=name))
            event = rec["event"]
            if event == "begin":
                state.state = "in flight"
            elif event == "effect":
                state.effects.append({k: v for k, v in rec.items() if k not in {"step", "event"}})
            elif event == "done":
                state.state = "done"
                state.facts = dict(rec.get("facts", {}))
            elif event == "skipped":
                state.state = "skipped"
            elif event == "failed":
                state.state = "in flight"  # its effects may be partial
            elif event == "undone":
                state.state = "undone"
        return result


class ReleaseLock:
    """One release per repository: an flock on ``.releasekit/lock`` naming its holder.

    The kernel drops the lock when its process dies (even by SIGKILL), so a stale lock file left
    by a dead process is detected by simply acquiring it, and its leftover contents are cleared.
    """

    def __init__(self, state_dir: Path) -> None:
        self.path = state_dir / "lock"
        self._fd: int | None = None
        self.stale_holder: dict[str, Any] | None = None

    def _holder(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_bytes() or b"{}")
        except (OSError, ValueError):  # unreadable, not UTF-8 or not JSON: nobody we can name
            return {}
        return data if isinstance(data, dict) else {}

    def acquire(self, command: str) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise JournalError(
                f"{self.path}: cannot open the release lock ({exc.strerror})",
                hint=f"remove {self.path} if no release is running",
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            holder = self._holder()
            pid = holder.get("pid", "?")
            raise LockHeld(
                f"another release is running in this repository (pid {pid}, "
                f"`{holder.get('command', 'releasekit')}`, started {holder.get('started', '?')})",
                hint="wait for it to finish, or stop that process and run "
                "`releasekit release --resume`",
            ) from None
        previous = self._holder()
        if previous.get("pid"):
            self.stale_holder = previous  # its process is gone: the kernel released the lock
        os.ftruncate(fd, 0)
        os.write(
            fd,
            json.dumps(
                {
                    "pid": os.getpid(),
                    "command": redact(command),  # `--to https://user:token@host/` stays secret
                    "started": time.strftime("%H:%M:%S"),
                }
            ).encode(),
        )
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    @contextlib.contextmanager
    def held(self, command: str) -> Iterator[ReleaseLock]:
        self.acquire(command)
        try:
            yield self
        finally:
            self.release()
