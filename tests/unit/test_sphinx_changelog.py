"""The Sphinx ``changelog`` extension's blocks (SQLAlchemy, Alembic, Mako): detected in the docs
before a root ``CHANGES`` stub, released from the waiting ``.. change::`` files or the commits,
dated as the last release is, under a new series heading when the series changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from releasekit.changelogs import SphinxChangelog, detect
from releasekit.changelogs.base import ReleaseInfo
from releasekit.changelogs.commits import Commit
from releasekit.changelogs.directive import blocks, released_text

PROJECTS = Path(__file__).resolve().parents[1] / "projects"
CHANGE = """.. change::
    :tags: bug, runtime
    :tickets: 420

    Fixed a crash when rendering an empty template.
"""
ALEMBIC = """==========
Changelog
==========

.. changelog::
    :version: 1.16.6
    :include_notes_from: unreleased

.. changelog::
    :version: 1.16.5
    :released: August 27, 2025

    .. change::
        :tags: bug, mysql

        Fixed rendering.
"""


def _release(version: str, *subjects: str) -> ReleaseInfo:
    commits = tuple(Commit(f"{n:040x}", s) for n, s in enumerate(subjects))
    return ReleaseInfo(version, "2026-12-04", f"rel_{version}", commits=commits)


@pytest.fixture
def mako(tmp_path: Path) -> Path:
    root = tmp_path / "mako"
    shutil.copytree(PROJECTS / "shape-mako", root)
    return root


def test_the_docs_changelog_wins_over_a_root_stub(mako: Path) -> None:
    found = detect(mako)
    assert isinstance(found, SphinxChangelog)
    assert found.file == mako / "doc/build/changelog.rst"
    assert found.directory == mako / "doc/build/unreleased"
    assert found.section() == "changed"


def test_a_patch_release_takes_the_waiting_changes_and_removes_them(mako: Path) -> None:
    waiting = mako / "doc/build/unreleased/420.rst"
    waiting.write_text(CHANGE)
    changelog = SphinxChangelog.detect(mako, {})
    assert changelog is not None
    before = changelog.file.read_text()
    applied = changelog.apply(_release("1.3.11", "fix: ignored, the files say it"))
    assert applied.files == ["doc/build/changelog.rst", "doc/build/unreleased/420.rst"]
    assert not waiting.exists() and (mako / "doc/build/unreleased/README.txt").is_file()
    text = changelog.file.read_text()
    expected_block = (
        "1.3\n===\n\n.. changelog::\n    :version: 1.3.11\n    :released: Fri Dec 4 2026\n\n"
        "    .. change::\n        :tags: bug, runtime\n        :tickets: 420\n\n"
        "        Fixed a crash when rendering an empty template.\n\n\n.. changelog::\n"
        "    :version: 1.3.10\n"
    )
    assert expected_block in text
    assert text.replace(expected_block, "1.3\n===\n\n.. changelog::\n    :version: 1.3.10\n") == (
        before
    )
    assert "Fixed a crash" in applied.notes and ":released:" not in applied.notes


def test_a_minor_release_starts_a_series_heading(mako: Path) -> None:
    changelog = SphinxChangelog.detect(mako, {})
    assert changelog is not None
    changelog.apply(_release("1.4.0", "feat: render filters"))
    text = changelog.file.read_text()
    assert "Changelog\n=========\n\n1.4\n===\n\n.. changelog::\n    :version: 1.4.0\n" in text
    assert "        :tags: changed\n\n        render filters\n\n\n1.3\n===\n\n" in text
    assert [b.version for b in blocks(text.splitlines())] == ["1.4.0", "1.3.10", "1.3.9", "1.2.4"]


def test_the_pending_block_is_released_in_place_with_the_files_it_names(tmp_path: Path) -> None:
    new, notes = released_text(ALEMBIC, _release("1.16.6"), [CHANGE])
    assert new == ALEMBIC.replace(
        "    :version: 1.16.6\n    :include_notes_from: unreleased\n",
        "    :version: 1.16.6\n    :released: December 4, 2026\n\n"
        + "".join("    " + line if line.strip() else line for line in CHANGE.splitlines(True))
        + "\n",
    )
    assert notes.startswith("    .. change::\n        :tags: bug, runtime")


def test_without_waiting_files_each_commit_is_a_change() -> None:
    new, notes = released_text(ALEMBIC, _release("1.16.6", "fix: a", "chore: quiet"), [])
    assert "    :released: December 4, 2026\n\n    .. change::\n        :tags: changed\n\n" in new
    assert "        a\n" in new and "quiet" not in new
    assert notes.count(".. change::") == 1


def test_a_version_other_than_the_pending_one_is_written() -> None:
    new, _ = released_text(ALEMBIC, _release("1.17.0"), [CHANGE])
    assert "    :version: 1.17.0\n    :released: December 4, 2026\n" in new
    assert ":include_notes_from:" not in new and "1.16.6" not in new


def test_a_configured_path_to_such_a_file_is_this_kind(mako: Path) -> None:
    assert SphinxChangelog.recognises(mako / "doc/build/changelog.rst")
    assert not SphinxChangelog.recognises(mako / "CHANGES")
    assert not SphinxChangelog.recognises(mako / "README.rst")
