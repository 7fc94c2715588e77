"""The history store: one JSON record per gate run or release, kept where CI does not lose it.

Two places, one interface (:class:`Store`):

- ``git`` (or ``git:REF``): a dedicated ref, ``refs/releasekit/history`` by default, whose commit
  holds one file per record. It is written with git plumbing only (``hash-object``, ``mktree``,
  ``commit-tree``) and moved with a compare-and-swap ``git update-ref REF NEW OLD``, retried when
  another writer moved it first: concurrent writers never lose a record, and no branch, index or
  work tree is touched. :meth:`GitStore.sync` fetches the remote's ref, merges the two sets of
  records (a union: records are never edited) and pushes, retrying on a race.
- a directory (``--gate-history=DIR``, for a CI cache): one file per record, each written through a
  temporary file and renamed into place.

Record names sort by time: ``<kind>-<UTC time>-<random>.json``.
"""

from __future__ import annotations

import abc
import contextlib
import fcntl
import json
import os
import random
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import _run, jsonfile

__all__ = [
    "DEFAULT_REF",
    "DirStore",
    "GitStore",
    "HistoryError",
    "Store",
    "check_spec",
    "new_id",
    "open_store",
]

DEFAULT_REF = "refs/releasekit/history"
KINDS = ("gate", "release")
_ATTEMPTS = 200
_BAD_REF = re.compile(r"[\s~^:?*\[\\\x00-\x1f\x7f]|\.\.|@\{|//")
_IDENTITY = {
    "GIT_AUTHOR_NAME": "releasekit",
    "GIT_AUTHOR_EMAIL": "releasekit@localhost",
    "GIT_COMMITTER_NAME": "releasekit",
    "GIT_COMMITTER_EMAIL": "releasekit@localhost",
}


class HistoryError(Exception):
    """The store cannot be read or written; the message says where and how to fix it."""


def new_id(when: float | None = None) -> str:
    """A record id that sorts by time and is unique across processes and machines."""
    stamp = datetime.fromtimestamp(time.time() if when is None else when, UTC)
    return f"{stamp:%Y%m%dT%H%M%S.%fZ}-{uuid.uuid4().hex[:8]}"


def _name(kind: str, record_id: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r} (one of {', '.join(KINDS)})")
    return f"{kind}-{record_id}.json"


def _kind_of(name: str) -> str:
    return name.split("-", 1)[0]


def _sorted(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(records, key=lambda r: str(r.get("id", "")))


class Store(abc.ABC):
    """Where records are appended and read back, oldest first."""

    #: how people see this store in messages (``refs/releasekit/history in /repo``, a path)
    label: str

    def append(self, kind: str, record: Mapping[str, Any]) -> str:
        """Add ``record`` (a JSON-able mapping) as a ``kind`` record; return its id."""
        record_id = str(record.get("id") or new_id())
        body = {**record, "kind": kind, "id": record_id}
        self._put(_name(kind, record_id), json.dumps(body, sort_keys=True, default=str) + "\n")
        return record_id

    @abc.abstractmethod
    def _put(self, name: str, text: str) -> None: ...

    @abc.abstractmethod
    def records(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every record (of ``kind``), oldest first."""

    def sync(self, remote: str) -> int:
        """Merge with ``remote``'s store and push the union (only a git store travels)."""
        raise HistoryError(
            f"history {self.label}: only the git store can be synced with {remote}; "
            "a directory travels by CI's cache"
        )


class DirStore(Store):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.label = str(path)

    def _put(self, name: str, text: str) -> None:
        try:
            jsonfile.write(self.path / name, json.loads(text))
        except OSError as exc:
            raise HistoryError(
                f"history directory {self.path}: cannot write {name} ({exc.strerror}); "
                "choose a writable directory"
            ) from None

    def records(self, kind: str | None = None) -> list[dict[str, Any]]:
        if not self.path.is_dir():
            return []
        out = []
        for file in self.path.glob("*.json"):
            if kind is not None and _kind_of(file.name) != kind:
                continue
            try:
                out.append(json.loads(file.read_text(encoding="utf-8")))
            except (OSError, ValueError):  # a stray or half-copied file: not a record
                continue
        return _sorted(r for r in out if isinstance(r, dict))


class GitStore(Store):
    def __init__(self, repo: Path, ref: str = DEFAULT_REF) -> None:
        self.repo = repo
        self.ref = ref
        self.label = f"{ref} in {repo}"

    # ------------------------------------------------------------------ git plumbing
    def _git(self, *args: str, input: str | None = None, check: bool = True) -> _run.Completed:
        env = {**os.environ, **_IDENTITY}
        done = _run.run(["git", *args], cwd=self.repo, env=env, input=input)
        if check and not done.ok:
            last = done.output.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
            raise HistoryError(
                f"history {self.label}: `git {' '.join(args[:2])}` failed: {last[0]} "
                "(is it a git repository? run `git init`, or store history in a directory)"
            )
        return done

    def head(self) -> str | None:
        done = self._git("rev-parse", "--verify", "--quiet", f"{self.ref}^{{commit}}", check=False)
        return done.stdout.strip() if done.ok else None

    def _entries(self, commit: str | None) -> dict[str, str]:
        """The record files of ``commit`` as name -> blob id."""
        if commit is None:
            return {}
        out = self._git("ls-tree", "-z", commit).stdout
        entries = {}
        for item in out.split("\0"):
            if not item:
                continue
            meta, name = item.split("\t", 1)
            entries[name] = meta.split()[2]
        return entries

    def _commit(self, entries: Mapping[str, str], parents: Iterable[str], message: str) -> str:
        listing = "".join(f"100644 blob {sha}\t{name}\0" for name, sha in sorted(entries.items()))
        tree = self._git("mktree", "-z", input=listing).stdout.strip()
        args = ["commit-tree", tree, "-m", message]
        for parent in parents:
            args += ["-p", parent]
        return self._git(*args).stdout.strip()

    def _swap(self, new: str, old: str | None) -> bool:
        """Move the ref from ``old`` (None: it must not exist) to ``new``; False if it moved."""
        expected = old if old is not None else "0" * 40
        done = self._git("update-ref", self.ref, new, expected, check=False)
        return done.ok

    # ------------------------------------------------------------------ Store
    @contextlib.contextmanager
    def _local_turn(self) -> Iterator[None]:
        """Writers on this machine take turns (an flock in the git directory), so they do not
        waste work racing each other; the compare-and-swap still guards every other writer."""
        git_dir = Path(self._git("rev-parse", "--absolute-git-dir").stdout.strip())
        with (git_dir / "releasekit-history.lock").open("a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _put(self, name: str, text: str) -> None:
        blob = self._git("hash-object", "-w", "--stdin", input=text).stdout.strip()
        with self._local_turn():
            self._swap_in(name, blob)

    def _swap_in(self, name: str, blob: str) -> None:
        for attempt in range(_ATTEMPTS):
            old = self.head()
            entries = {**self._entries(old), name: blob}
            new = self._commit(entries, [old] if old else [], f"releasekit history: {name}")
            if self._swap(new, old):
                return
            time.sleep(random.uniform(0, 0.01 * min(attempt + 1, 10)))  # noqa: S311 - jitter
        raise HistoryError(
            f"history {self.label}: the ref kept moving under {_ATTEMPTS} attempts to add {name}; "
            "try again"
        )

    def records(self, kind: str | None = None) -> list[dict[str, Any]]:
        entries = self._entries(self.head())
        wanted = [(n, sha) for n, sha in entries.items() if kind is None or _kind_of(n) == kind]
        if not wanted:
            return []
        batch = self._git("cat-file", "--batch", input="".join(f"{sha}\n" for _, sha in wanted))
        return _sorted(_parse_batch(batch.stdout))

    # ------------------------------------------------------------------ remote
    def sync(self, remote: str) -> int:
        """Fetch ``remote``'s history, merge it with ours, push the union; return the number of
        records. Races with other pushers are retried."""
        tracking = f"refs/releasekit/remote-history/{_safe(remote)}"
        for _attempt in range(10):
            fetched = self._git("fetch", "--quiet", remote, f"+{self.ref}:{tracking}", check=False)
            theirs = self._rev(tracking) if fetched.ok else None
            if not fetched.ok and "couldn't find remote ref" not in fetched.output:
                raise HistoryError(
                    f"history: cannot fetch {self.ref} from {remote}: "
                    f"{fetched.output.strip()[-200:]} (check the remote's name and access)"
                )
            ours = self.head()
            merged = self._merge(ours, theirs)
            if merged is not None and merged != ours and not self._swap(merged, ours):
                continue  # a local writer moved our ref: merge again
            pushed = self._git("push", "--quiet", remote, f"{self.ref}:{self.ref}", check=False)
            if pushed.ok:
                return len(self._entries(merged))
            if "rejected" not in pushed.output and "failed to" not in pushed.output:
                raise HistoryError(
                    f"history: cannot push {self.ref} to {remote}: {pushed.output.strip()[-200:]}"
                )
        raise HistoryError(f"history: {remote}'s {self.ref} kept moving; run the sync again")

    def _rev(self, ref: str) -> str | None:
        done = self._git("rev-parse", "--verify", "--quiet", ref, check=False)
        return done.stdout.strip() if done.ok else None

    def _merge(self, ours: str | None, theirs: str | None) -> str | None:
        if theirs is None or ours == theirs:
            return ours
        if ours is None:
            return theirs
        mine, other = self._entries(ours), self._entries(theirs)
        if other.items() <= mine.items():
            return ours
        if mine.items() <= other.items():
            return theirs
        return self._commit({**other, **mine}, [ours, theirs], "releasekit history: merge")


def _safe(remote: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in remote)


def _parse_batch(out: str) -> list[dict[str, Any]]:
    """Records from ``git cat-file --batch`` output (header line, content, newline)."""
    records = []
    data = out.encode("utf-8")
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        size = int(header[2])
        body = data[end + 1 : end + 1 + size]
        pos = end + 1 + size + 1
        try:
            record = json.loads(body)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


def check_spec(spec: str) -> str:
    """``spec`` if it names a store (``git``, ``git:refs/...``, a directory); else ValueError
    saying why."""
    if not spec.strip():
        raise ValueError("must name a store: `git`, `git:refs/releasekit/NAME` or a directory")
    if spec == "git" or spec.startswith("git:"):
        ref = spec.partition(":")[2] or DEFAULT_REF
        if not ref.startswith("refs/") or _BAD_REF.search(ref) or ref.endswith(("/", ".lock")):
            raise ValueError(f"{ref!r} is not a full git ref name; use e.g. git:{DEFAULT_REF}")
    return spec


def open_store(spec: str, root: Path) -> Store:
    """``git`` / ``git:REF`` (the repository at ``root``) or a directory (relative to ``root``)."""
    try:
        check_spec(spec)
    except ValueError as exc:
        raise HistoryError(f"history store {spec!r}: {exc}") from None
    if spec == "git" or spec.startswith("git:"):
        return GitStore(root, spec.partition(":")[2] or DEFAULT_REF)
    return DirStore(root / spec)
