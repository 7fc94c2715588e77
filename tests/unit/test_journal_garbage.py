"""Whatever is in ``.releasekit/journal.jsonl`` or ``.releasekit/lock``: a JournalError (one
ERROR line), never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from releasekit.binding import verify
from releasekit.errors import JournalError
from releasekit.git import Git
from releasekit.journal import Journal, ReleaseLock

from ..conftest import make_sandbox

START = {"step": "release", "event": "start", "release_id": "r1", "version": "1.1.0"}


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)) * 4,
        b"\x00\xff\xfe garbage\nmore\x00\n",
        b"\xff\xfe\n" + json.dumps(START).encode() + b"\n",
        b"[1, 2, 3]\n",
        b'"a string"\n',
        b"null\n",
        b'{"event": "start"}\n',
        b'{"step": 1, "event": "start"}\n',
        json.dumps(START).encode()
        + b'\n{"step": "build", "event": "done", "facts": [1]}\n'
        + b'{"step": "build", "event": "begin"}\n',
        json.dumps(START).encode() + b"\n\x00\x01binary\n" + json.dumps(START).encode() + b"\n",
        b'{"step": "build", "event": "begin"}\n',
    ],
)
def test_garbage_journal_raises_journal_error(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "journal.jsonl").write_bytes(content)
    with pytest.raises(JournalError) as info:
        Journal.load(tmp_path)
    assert "journal.jsonl" in str(info.value)


def test_unreadable_journal_is_a_journal_error(tmp_path: Path) -> None:
    (tmp_path / "journal.jsonl").mkdir()
    with pytest.raises(JournalError, match="cannot read the journal"):
        Journal.load(tmp_path)


@pytest.mark.parametrize(
    "header",
    [
        {},
        {"version": "1.1.0", "bump": "minor", "target": "local", "previous_version": "1.0.0"},
        {
            "version": "1.1.0",
            "bump": "minor",
            "target": "local",
            "previous_version": "1.0.0",
            "base": "0" * 40,
            "repository": "not a mapping",
        },
    ],
    ids=["empty", "no-binding", "bad-repository"],
)
def test_journal_without_a_usable_binding_is_refused(
    tmp_path: Path, header: dict[str, object]
) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    state = sandbox.repo / ".releasekit"
    state.mkdir()
    journal = Journal.start(state, **header)
    with pytest.raises(JournalError, match=r"journal\.jsonl"):
        verify(journal, Git(sandbox.repo), rollback=False)


@pytest.mark.parametrize("content", [bytes(range(256)), b"[]", b"\xff{", b'{"pid": "x"'])
def test_garbage_lock_is_taken_over(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "lock").write_bytes(content)
    lock = ReleaseLock(tmp_path)
    with lock.held("releasekit release"):
        assert json.loads((tmp_path / "lock").read_text())["command"] == "releasekit release"


def test_lock_that_is_a_directory_is_a_journal_error(tmp_path: Path) -> None:
    (tmp_path / "lock").mkdir()
    with pytest.raises(JournalError, match="cannot open the release lock"):
        ReleaseLock(tmp_path).acquire("releasekit release")
