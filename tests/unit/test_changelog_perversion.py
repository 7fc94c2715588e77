"""A directory of one file per release: which directories count, how the release's file is
named, and what is written when it is missing."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from releasekit.changelogs import PerVersionFiles, ReleaseInfo, TextFile, detect
from releasekit.changelogs.commits import Commit
from releasekit.errors import ConfigError

RELEASE = ReleaseInfo(
    "2.3.1", "2026-12-07", "v2.3.1", "v2.3.0", (Commit("1", "fix: a crash"), Commit("2", "Tidy"))
)


def _files(root: Path, directory: str, *names: str) -> None:
    (root / directory).mkdir(parents=True)
    for name in names:
        (root / directory / name).write_text(f"Notes of {name}\n")


@pytest.mark.parametrize(
    ("directory", "names", "expected"),
    [
        ("CHANGELOG", ("2.2.0.md", "2.3.0.md"), "CHANGELOG/2.3.1.md"),  # cookiecutter
        ("docs/releases", ("2.3.txt", "2.3.0.1.txt", "index.txt"), "docs/releases/2.3.1.txt"),
        ("doc/source/release", ("2.2.0-notes.rst", "2.3.0-notes.rst", "template.rst"),
         "doc/source/release/2.3.1-notes.rst"),  # NumPy, SciPy
        ("doc/source/whatsnew", ("v2.2.0.rst", "v2.3.0.rst", "index.rst"),
         "doc/source/whatsnew/v2.3.1.rst"),  # pandas
    ],
)  # fmt: skip
def test_detected_and_named_as_the_others(
    tmp_path: Path, directory: str, names: tuple[str, ...], expected: str
) -> None:
    _files(tmp_path, directory, *names)
    kind = detect(tmp_path, {})
    assert isinstance(kind, PerVersionFiles)
    assert kind.rel(kind.file_for("2.3.1")) == expected
    summary, actions = kind.plan(RELEASE)
    assert actions == [f"create {expected}"]
    assert summary == f"write {expected} from 2 commit(s) since v2.3.0 (no such file yet)"


@pytest.mark.parametrize(
    ("directory", "names"),
    [
        ("CHANGELOG", ("2.3.0.md",)),  # one file is not a habit
        ("changes", ("1234.bugfix.rst", "1240.feature.rst")),  # fragments, not releases
        ("docs/api", ("v2.2.0.rst", "v2.3.0.rst")),  # not a directory of notes
    ],
)
def test_not_detected(tmp_path: Path, directory: str, names: tuple[str, ...]) -> None:
    _files(tmp_path, directory, *names)
    assert not isinstance(detect(tmp_path, {}), PerVersionFiles)


def test_a_changelog_file_comes_first(tmp_path: Path) -> None:
    _files(tmp_path, "CHANGELOG", "2.2.0.md", "2.3.0.md")
    (tmp_path / "CHANGES.md").write_text("# Changes\n\n## 2.3.0\n\n- Older.\n")
    assert isinstance(detect(tmp_path, {}), TextFile)


def test_the_file_written_ahead_is_the_notes(tmp_path: Path) -> None:
    _files(tmp_path, "docs/releases", "2.2.txt", "2.3.txt")
    (tmp_path / "docs/releases/2.3.1.txt").write_text("Django 2.3.1 fixes a crash.\n")
    kind = detect(tmp_path, {})
    assert isinstance(kind, PerVersionFiles)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    # not committed: a file a killed release left, not the maintainers'
    assert not kind.written_ahead(tmp_path / "docs/releases/2.3.1.txt")
    assert kind.plan(RELEASE)[1] == ["create docs/releases/2.3.1.txt"]
    subprocess.run(["git", "add", "docs"], cwd=tmp_path, check=True)
    assert kind.plan(RELEASE) == (
        "docs/releases/2.3.1.txt is written already: its text is the release's notes",
        [],
    )
    applied = kind.apply(RELEASE)
    assert (applied.files, applied.notes) == ([], "Django 2.3.1 fixes a crash.\n")
    assert kind.file_for("2.3.0").name == "2.3.txt"  # 2.3 is 2.3.0


def test_written_in_the_directory_s_format(tmp_path: Path) -> None:
    _files(tmp_path, "doc/source/release", "2.2.0-notes.rst", "2.3.0-notes.rst")
    kind = detect(tmp_path, {})
    applied = kind.apply(RELEASE)
    text = "Fixes\n-----\n\n- a crash\n\nOther changes\n-------------\n\n- Tidy\n"
    assert applied.files == ["doc/source/release/2.3.1-notes.rst"]
    assert (tmp_path / "doc/source/release/2.3.1-notes.rst").read_text() == text
    assert applied.notes == text
    assert kind.describe() == "one file per release (doc/source/release/<version>-notes.rst)"


DJANGO = """==========================
Django 2.3.0 release notes
==========================

*September 3, 2024*

Django 2.3.0 fixes a security issue.
"""


def test_headed_as_the_latest_file(tmp_path: Path) -> None:
    """Django's title over and under its version, the date on its own line: the release's
    file is headed so, its notes a list; the latest file is the one before the release's
    version, not a later one written ahead."""
    _files(tmp_path, "docs/releases", "2.2.txt", "2.4.txt")
    (tmp_path / "docs/releases/2.3.txt").write_text(DJANGO)
    kind = detect(tmp_path, {})
    applied = kind.apply(RELEASE)
    assert (tmp_path / "docs/releases/2.3.1.txt").read_text() == (
        "==========================\nDjango 2.3.1 release notes\n==========================\n\n"
        "*December 7, 2026*\n\n- a crash\n- Tidy\n"
    )
    assert (applied.files, applied.notes) == (["docs/releases/2.3.1.txt"], "- a crash\n- Tidy\n")


INDEX = """Release notes
=============

.. toctree::
   :maxdepth: 1

{entries}
Older
-----
"""


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (["2.3.0", "2.2.0"], ["2.3.1", "2.3.0", "2.2.0"]),  # newest first
        (["2.2.0", "2.3.0"], ["2.2.0", "2.3.0", "2.3.1"]),  # oldest first
        (["2.3.0"], ["2.3.1", "2.3.0"]),
        (["2.2.0"], ["2.2.0"]),  # the latest is not listed: no guess where
    ],
)
def test_listed_beside_the_latest(tmp_path: Path, entries: list[str], expected: list[str]) -> None:
    _files(tmp_path, "docs/releases", "2.2.0.rst", "2.3.0.rst")
    index = tmp_path / "docs/releases/index.rst"
    index.write_text(INDEX.format(entries="".join(f"   {e}\n" for e in entries)))
    kind = detect(tmp_path, {})
    listing = ["list it in docs/releases/index.rst"] if expected != entries else []
    assert kind.plan(RELEASE)[1] == ["create docs/releases/2.3.1.rst", *listing]
    applied = kind.apply(RELEASE)
    assert applied.files == [
        "docs/releases/2.3.1.rst",
        *(["docs/releases/index.rst"] * bool(listing)),
    ]
    lines = index.read_text().splitlines()
    assert [line.strip() for line in lines[6:-3]] == expected
    assert all(line.startswith("   2.") for line in lines[6:-3])
    assert kind.apply(RELEASE).files == ["docs/releases/2.3.1.rst"]  # listed once


def test_listed_in_the_page_beside_the_directory(tmp_path: Path) -> None:
    """NumPy's doc/source/release.rst lists ``release/2.3.0-notes``; CRLF line ends stay."""
    _files(tmp_path, "doc/source/release", "2.2.0-notes.rst", "2.3.0-notes.rst")
    page = tmp_path / "doc/source/release.rst"
    page.write_bytes(
        b"Release notes\r\n=============\r\n\r\n.. toctree::\r\n    :maxdepth: 2\r\n\r\n"
        b"    release/2.3.0-notes\r\n    release/2.2.0-notes\r\n"
    )
    kind = detect(tmp_path, {})
    assert kind.touched() == ["doc/source/release", "doc/source/release.rst"]
    assert kind.apply(RELEASE).files == [
        "doc/source/release/2.3.1-notes.rst",
        "doc/source/release.rst",
    ]
    assert page.read_bytes().endswith(
        b"\r\n\r\n    release/2.3.1-notes\r\n    release/2.3.0-notes\r\n    release/2.2.0-notes\r\n"
    )


def test_an_old_file_in_latin_1_still_gives_the_heading(tmp_path: Path) -> None:
    _files(tmp_path, "docs/releases", "2.2.0.rst")
    (tmp_path / "docs/releases/2.3.0.rst").write_bytes(
        "2.3.0 (2024-05-01)\n==================\n\n- Fixed Jos\xe9's crash\n".encode("latin-1")
    )
    kind = detect(tmp_path, {})
    kind.apply(RELEASE)
    written = (tmp_path / "docs/releases/2.3.1.rst").read_text()
    assert written == "2.3.1 (2026-12-07)\n==================\n\n- a crash\n- Tidy\n"


def test_an_index_that_is_not_utf_8_is_named(tmp_path: Path) -> None:
    """Sphinx reads its sources as UTF-8: an index it could not read either stops the plan
    (doctor's and preflight's), naming the file, before anything is written."""
    _files(tmp_path, "docs/releases", "2.2.0.rst", "2.3.0.rst")
    (tmp_path / "docs/releases/index.rst").write_bytes(b".. toctree::\n\n   2.3.0\n   \xff\n")
    kind = detect(tmp_path, {})
    with pytest.raises(ConfigError, match=r"docs/releases/index\.rst"):
        kind.plan(RELEASE)
    assert not (tmp_path / "docs/releases/2.3.1.rst").exists()
