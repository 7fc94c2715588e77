"""FastAPI's, Typer's and SQLModel's release notes: ``docs/release-notes.md`` (FastAPI's under
its English docs, ``docs/en/docs/``) whose ``## Latest Changes`` collects each merged pull
request; a release puts ``## X.Y.Z (date)`` right under it and keeps it. Before, releasekit wrote
a second entry from the commits and left the real notes under ``Latest Changes``."""

from __future__ import annotations

from pathlib import Path

from releasekit.changelogs import ReleaseInfo
from releasekit.changelogs.commits import Commit
from releasekit.changelogs.location import find_file
from releasekit.changelogs.textfile import TextFile

DATA = Path(__file__).parent / "data"


def test_typers_0_27_1_release_notes_as_its_maintainer_wrote_them(tmp_path: Path) -> None:
    """The top of Typer's docs/release-notes.md before and after its 0.27.1 release commit
    (fe2aa0e2): the release inserts two lines, the heading and a blank line."""
    notes = tmp_path / "docs" / "release-notes.md"
    notes.parent.mkdir()
    notes.write_bytes((DATA / "typer-0.27.0-release-notes.md").read_bytes())
    changelog = TextFile(tmp_path, notes)
    assert changelog.pending_version() is None  # waiting, under no version

    applied = changelog.apply(ReleaseInfo("0.27.1", "2026-08-03", "0.27.1", "0.27.0"))

    assert notes.read_bytes() == (DATA / "typer-0.27.1-release-notes.md").read_bytes()
    assert applied.notes.startswith("### Features\n\n* ✨ Make `epilog` formatting consistent")
    assert "0.27.0" not in applied.notes and "Latest Changes" not in applied.notes


def test_the_release_notes_of_translated_docs_are_found(tmp_path: Path) -> None:
    """FastAPI: docs/en/mkdocs.yml's nav lists release-notes.md, under docs/en/docs/ (an MkDocs
    docs_dir is relative to its configuration); the English configuration first."""
    page = "## Latest Changes\n\n* Fix. PR #1.\n\n## 0.141.1 (2026-11-20)\n\n* Older.\n"
    for language in ("de", "en", "es"):
        docs = tmp_path / "docs" / language
        (docs / "docs").mkdir(parents=True)
        (docs / "mkdocs.yml").write_text(
            "site_name: FastAPI\nnav:\n- index.md\n- release-notes.md\n"
        )
        (docs / "docs" / "release-notes.md").write_text(page)
    assert find_file(tmp_path) == tmp_path / "docs" / "en" / "docs" / "release-notes.md"


def test_a_page_the_nav_does_not_list_is_not_taken(tmp_path: Path) -> None:
    docs = tmp_path / "docs" / "en"
    (docs / "docs").mkdir(parents=True)
    (docs / "mkdocs.yml").write_text("site_name: x\nnav:\n- index.md\n")
    (docs / "docs" / "release-notes.md").write_text("## 1.0.0\n\n* First.\n")
    assert find_file(tmp_path) is None


def test_nothing_under_latest_changes_lists_the_commits_right_below_it(tmp_path: Path) -> None:
    notes = tmp_path / "release-notes.md"
    notes.write_text("# Release Notes\n\n## Latest Changes\n\n## 0.27.1 (2026-08-03)\n\n* Old.\n")
    commits = (Commit("abc1234", "fix: crash on empty input", ""),)
    TextFile(tmp_path, notes).apply(
        ReleaseInfo("0.27.2", "2026-12-06", "0.27.2", "0.27.1", commits)
    )
    assert notes.read_text() == (
        "# Release Notes\n\n## Latest Changes\n\n## 0.27.2 (2026-12-06)\n\n"
        "* crash on empty input\n\n## 0.27.1 (2026-08-03)\n\n* Old.\n"
    )
