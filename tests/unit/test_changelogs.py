"""Each changelog kind on real files (and real git where the kind reads history): exact texts."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
import readme_renderer.rst

from releasekit.changelogs import (
    KeepAChangelog,
    NoChangelog,
    ReleaseInfo,
    TextFile,
    Towncrier,
    choose_bump,
    detect,
    resolve,
)
from releasekit.changelogs.commits import Commit, bump_from_commits, commits_since
from releasekit.config import load_config
from releasekit.errors import ConfigError, ProcessError, UsageError

COMMITS = (
    Commit("1", "chore: bump deps"),
    Commit("2", "fix(cli): crash on empty input"),
    Commit("3", "Tidy the README"),
    Commit("4", "feat: add --json"),
    Commit("5", "refactor!: drop Python 3.9", ""),
)
RELEASE = ReleaseInfo("3.2.0", "2026-12-02", "v3.2.0", "v3.1.0", COMMITS)
PYPROJECT = "[project]\nname = 'pkg'\nversion = '3.1.0'\n"


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _project(root: Path, files: dict[str, str], pyproject: str = PYPROJECT) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(pyproject)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _repo(root: Path) -> Path:
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "T")
    _git(root, "config", "user.email", "t@example.invalid")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "initial")
    return root


# ------------------------------------------------------------------ keep-a-changelog
KAC = """\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

### Added

- `--json` output.

## [3.1.0] - 2026-01-05

### Fixed

- A crash.

[Unreleased]: https://github.com/o/r/compare/v3.1.0...HEAD
[3.1.0]: https://github.com/o/r/compare/v3.0.0...v3.1.0
"""
KAC_RELEASED = """\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

## [3.2.0] - 2026-12-02

### Added

- `--json` output.

## [3.1.0] - 2026-01-05

### Fixed

- A crash.

[Unreleased]: https://github.com/o/r/compare/v3.2.0...HEAD
[3.2.0]: https://github.com/o/r/compare/v3.1.0...v3.2.0
[3.1.0]: https://github.com/o/r/compare/v3.0.0...v3.1.0
"""


def test_keepachangelog_releases_the_unreleased_section(tmp_path: Path) -> None:
    root = _project(tmp_path, {"CHANGELOG.md": KAC})
    kind = detect(root)
    assert isinstance(kind, KeepAChangelog)
    summary, actions = kind.plan(RELEASE)
    assert summary == "release the [Unreleased] section of CHANGELOG.md"
    assert actions == ["## [Unreleased] -> ## [3.2.0] - 2026-12-02"]
    applied = kind.apply(RELEASE)
    assert (root / "CHANGELOG.md").read_text() == KAC_RELEASED
    assert applied.files == ["CHANGELOG.md"]
    assert applied.notes == "### Added\n\n- `--json` output.\n"


def test_keepachangelog_keeps_the_link_label_as_written(tmp_path: Path) -> None:
    text = "## [Unreleased]\n- x\n\n[unreleased]: https://h/o/r/compare/0.9...main\n"
    root = _project(tmp_path, {"CHANGELOG.md": text})
    detect(root).apply(ReleaseInfo("1.0", "2026-12-02", "1.0"))
    assert (root / "CHANGELOG.md").read_text() == (
        "## [Unreleased]\n\n## [1.0] - 2026-12-02\n- x\n\n"
        "[unreleased]: https://h/o/r/compare/1.0...main\n[1.0]: https://h/o/r/compare/0.9...1.0\n"
    )


def test_keepachangelog_without_links_and_with_a_non_semver_history(tmp_path: Path) -> None:
    text = "# Changelog\n\n## [Unreleased]\n- x\n\n## [1.0] - 2020-01-01\n- first\n"
    root = _project(tmp_path, {"CHANGES.md": text})
    kind = detect(root)
    assert isinstance(kind, KeepAChangelog)
    kind.apply(ReleaseInfo("1.1.0rc1", "2026-12-02", "1.1.0rc1"))
    assert (root / "CHANGES.md").read_text() == (
        "# Changelog\n\n## [Unreleased]\n\n## [1.1.0rc1] - 2026-12-02\n- x\n\n"
        "## [1.0] - 2020-01-01\n- first\n"
    )


STRUCTLOG = """\
# Changelog

The format is based on [Keep a Changelog](https://keepachangelog.com/).

<!-- changelog follows -->


## [Unreleased](https://github.com/hynek/structlog/compare/26.1.0...HEAD)

### Fixed

- A crash.


## [26.1.0](https://github.com/hynek/structlog/compare/25.5.0...26.1.0) - 2026-06-06

### Removed

- Python 3.9.
"""


def test_keepachangelog_with_the_compare_links_in_the_headings(tmp_path: Path) -> None:
    """structlog's CHANGELOG.md: the links are in the headings, and sections are two blank
    lines apart. The new heading links the last tag to this one, the Unreleased heading this
    one to HEAD, as the headings before them do."""
    root = _project(tmp_path, {"CHANGELOG.md": STRUCTLOG})
    detect(root).apply(ReleaseInfo("26.1.1", "2026-12-06", "26.1.1"))
    assert (root / "CHANGELOG.md").read_text() == STRUCTLOG.replace(
        "## [Unreleased](https://github.com/hynek/structlog/compare/26.1.0...HEAD)\n",
        "## [Unreleased](https://github.com/hynek/structlog/compare/26.1.1...HEAD)\n\n\n"
        "## [26.1.1](https://github.com/hynek/structlog/compare/26.1.0...26.1.1) - 2026-12-06\n",
    )


LOGURU = """\
`Unreleased`_
=============

- Add ``logger.reinstall()``.


`0.7.3`_ (2024-12-06)
=====================

- Fix Cython incompatibility.


`0.7.2`_ (2023-09-11)
=====================

- Add support for formatting of ``ExceptionGroup`` errors.


.. _Unreleased: https://github.com/delgan/loguru/compare/0.7.3...master
.. _0.7.3: https://github.com/delgan/loguru/releases/tag/0.7.3
.. _0.7.2: https://github.com/delgan/loguru/releases/tag/0.7.2
"""


def test_rst_headings_that_refer_to_link_targets_get_a_target(tmp_path: Path) -> None:
    """loguru's CHANGELOG.rst: each heading refers to a target below (`` `0.7.3`_ ``). The
    released heading needs ``.. _0.7.4:``, written like the last one, and the Unreleased target
    compares from the new tag; without them the reference dangles and Sphinx -W stops."""
    root = _project(tmp_path, {"CHANGELOG.rst": LOGURU})
    detect(root).apply(ReleaseInfo("0.7.4", "2026-12-06", "0.7.4", previous_tag="0.7.3"))
    written = (root / "CHANGELOG.rst").read_text()
    assert written.startswith("`0.7.4`_ (2026-12-06)\n=====================\n\n- Add ``logger")
    assert written.endswith(
        ".. _Unreleased: https://github.com/delgan/loguru/compare/0.7.4...master\n"
        ".. _0.7.4: https://github.com/delgan/loguru/releases/tag/0.7.4\n"
        ".. _0.7.3: https://github.com/delgan/loguru/releases/tag/0.7.3\n"
        ".. _0.7.2: https://github.com/delgan/loguru/releases/tag/0.7.2\n"
    )
    # every reference has its target: docutils' "Unknown target name" fails the rendering
    assert readme_renderer.rst.render(written, stream=io.StringIO()) is not None
    assert (
        readme_renderer.rst.render(LOGURU.replace(".. _0.7.3:", ".. _x:"), stream=io.StringIO())
        is None
    )


HATCH_HISTORY = """\
# History

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/).

## Unreleased

***Fixed:***

- A crash.

## 3.1.0 - 2026-01-05

- First.
"""


def test_an_unbracketed_unreleased_section_of_a_keepachangelog_file(tmp_path: Path) -> None:
    """hatch's and hatch-vcs's HISTORY.md: ``## Unreleased`` stays at the top, empty, and the
    release is a heading like the others below it (before, Unreleased itself was renamed)."""
    root = _project(tmp_path, {"HISTORY.md": HATCH_HISTORY})
    kind = detect(root)
    assert isinstance(kind, KeepAChangelog)
    kind.apply(RELEASE)
    assert (root / "HISTORY.md").read_text() == HATCH_HISTORY.replace(
        "## Unreleased\n", "## Unreleased\n\n## 3.2.0 - 2026-12-02\n"
    )


def test_an_unbracketed_unreleased_heading_elsewhere_is_not_keepachangelog(tmp_path: Path) -> None:
    text = HATCH_HISTORY.replace(
        "based on [Keep a Changelog](https://keepachangelog.com/en/1.0.0/)", "ours"
    )
    root = _project(tmp_path, {"HISTORY.md": text})
    assert not isinstance(detect(root), KeepAChangelog)


def test_keepachangelog_empty_section_is_said_in_the_plan(tmp_path: Path) -> None:
    root = _project(tmp_path, {"CHANGELOG.md": "# Changelog\n\n## [Unreleased]\n"})
    kind = detect(root)
    assert kind.plan(RELEASE)[0].endswith("(the section is empty)")


# ------------------------------------------------------------------ CHANGES.rst / .md
FLASK = """\
.. currentmodule:: flask

Version 3.2.0
-------------

Unreleased

-   Add ``--json``. :issue:`1`


Version 3.1.0
-------------

Released 2024-11-13

-   Drop support for Python 3.8.
"""
FLASK_RELEASED = """\
.. currentmodule:: flask

Version 3.2.0
-------------

Released 2026-12-02

-   Add ``--json``. :issue:`1`


Version 3.1.0
-------------

Released 2024-11-13

-   Drop support for Python 3.8.
"""
FLASK_FROM_COMMITS = """\
.. currentmodule:: flask

Version 3.2.0
-------------

Released 2026-12-02

-   drop Python 3.9
-   add --json
-   cli: crash on empty input
-   Tidy the README

Version 3.1.0
-------------

Released 2024-11-13

-   Drop support for Python 3.8.
"""


def test_changes_rst_unreleased_entry_gets_the_date(tmp_path: Path) -> None:
    root = _project(tmp_path, {"CHANGES.rst": FLASK})
    kind = detect(root)
    assert isinstance(kind, TextFile)
    assert kind.describe() == "file (CHANGES.rst, reStructuredText, kept by hand)"
    applied = kind.apply(RELEASE)
    assert (root / "CHANGES.rst").read_text() == FLASK_RELEASED
    assert applied.files == ["CHANGES.rst"]
    assert applied.notes == "-   Add ``--json``. :issue:`1`\n"


def test_changes_rst_without_unreleased_entry_gets_notes_from_commits(tmp_path: Path) -> None:
    released_only = FLASK.split("\n\n\n", 1)[1]
    root = _project(tmp_path, {"CHANGES.rst": ".. currentmodule:: flask\n\n" + released_only})
    TextFile(root, root / "CHANGES.rst").apply(RELEASE)
    assert (root / "CHANGES.rst").read_text() == FLASK_FROM_COMMITS


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (  # a heading "Unreleased" takes the style of the release below it
            "# Changes\n\n## Unreleased\n\n- new\n\n## 3.1.0 (2024-01-02)\n\n- old\n",
            "# Changes\n\n## 3.2.0 (2026-12-02)\n\n- new\n\n## 3.1.0 (2024-01-02)\n\n- old\n",
        ),
        (  # "X (unreleased)": the version is the release's, the date replaces "unreleased"
            "# Changes\n\n## 3.1.1 (unreleased)\n\n- new\n\n## 3.1.0 (2024-01-02)\n",
            "# Changes\n\n## 3.2.0 (2026-12-02)\n\n- new\n\n## 3.1.0 (2024-01-02)\n",
        ),
        (  # requests' HISTORY.md: a heading "dev" is the next release, underlined
            "History\n=======\n\ndev\n---\n\n- new\n\n3.1.0 (2024-01-02)\n------------------\n",
            "History\n=======\n\n3.2.0 (2026-12-02)\n------------------\n\n- new\n\n"
            "3.1.0 (2024-01-02)\n------------------\n",
        ),
        (  # two blank lines between entries are kept for a new entry
            "# Changes\n\n## 3.1.0\n\n- b\n\n\n## 3.0.0\n\n- a\n",
            "# Changes\n\n## 3.2.0\n\n- drop Python 3.9\n- add --json\n"
            "- cli: crash on empty input\n- Tidy the README\n\n\n## 3.1.0\n\n- b\n\n\n"
            "## 3.0.0\n\n- a\n",
        ),
        (  # "## 8.5.0" headings without dates, no unreleased entry: notes from the commits
            "# Changes\n\n## 3.1.0\n\n* old\n",
            "# Changes\n\n## 3.2.0\n\n* drop Python 3.9\n* add --json\n"
            "* cli: crash on empty input\n* Tidy the README\n\n## 3.1.0\n\n* old\n",
        ),
        (  # the entry for this version is already written: nothing changes
            "# Changes\n\n## 3.2.0\n\n- done by hand\n\n## 3.1.0\n",
            "# Changes\n\n## 3.2.0\n\n- done by hand\n\n## 3.1.0\n",
        ),
        (  # no entry yet: one under the title
            "# Changes\n",
            "# Changes\n\n## 3.2.0 (2026-12-02)\n\n- drop Python 3.9\n- add --json\n"
            "- cli: crash on empty input\n- Tidy the README\n",
        ),
    ],
)
def test_changes_md(tmp_path: Path, before: str, after: str) -> None:
    root = _project(tmp_path, {"CHANGES.md": before})
    applied = TextFile(root, root / "CHANGES.md").apply(RELEASE)
    assert (root / "CHANGES.md").read_text() == after
    assert applied.files == ([] if before == after else ["CHANGES.md"])


NOTES = "* drop Python 3.9\n* add --json\n* cli: crash on empty input\n* Tidy the README\n"


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        (  # PyYAML: recent entries are plain lines, older ones underlined: the new one on top
            "CHANGES",
            "For a complete changelog, see:\n\n* https://example.invalid/commits/\n\n"
            "3.1.0 (2024-08-06)\n\n* old\n\n2.5 (2019-12-02)\n----------------\n\n* older\n",
            "For a complete changelog, see:\n\n* https://example.invalid/commits/\n\n"
            "3.2.0 (2026-12-02)\n\n" + NOTES + "\n3.1.0 (2024-08-06)\n\n* old\n\n"
            "2.5 (2019-12-02)\n----------------\n\n* older\n",
        ),
        (  # simplejson: "Version X released DATE" lines; before, the entry went to the end
            "CHANGES.txt",
            "Version 3.1.0 released 2025-02-14\n\n* old\n\nVersion 1.0 released 2005-12-25\n\n"
            " * Initial release\n",
            "Version 3.2.0 released 2026-12-02\n\n"
            + NOTES
            + "\nVersion 3.1.0 released 2025-02-14\n\n* old\n\n"
            "Version 1.0 released 2005-12-25\n\n * Initial release\n",
        ),
        (  # distro: dates with dots; before, the last release's date was copied
            "CHANGELOG.md",
            "## 3.1.0 (2023.12.19)\n\n* old\n",
            "## 3.2.0 (2026.12.02)\n\n" + NOTES + "\n## 3.1.0 (2023.12.19)\n\n* old\n",
        ),
        (  # month names, the day unpadded as the last release wrote it
            "CHANGES.rst",
            "Version 3.1.0\n-------------\n\nReleased April 3, 2025\n\n* old\n",
            "Version 3.2.0\n-------------\n\nReleased December 2, 2026\n\n"
            + NOTES
            + "\nVersion 3.1.0\n-------------\n\nReleased April 3, 2025\n\n* old\n",
        ),
        (  # pycparser: entries are list items with a date, notes indented under them
            "CHANGES",
            "+ Starting with version 2.22, see the tags.\n\n+ Version 3.1.0 (2021.11.06)\n\n"
            "  - old\n",
            "+ Starting with version 2.22, see the tags.\n\n+ Version 3.2.0 (2026.12.02)\n\n"
            + NOTES.replace("* ", "  - ")
            + "\n+ Version 3.1.0 (2021.11.06)\n\n  - old\n",
        ),
        (  # websocket-client: "- 1.8.0" items, their notes right below, no blank line
            "ChangeLog",
            "ChangeLog\n=========\n\n- 3.1.0\n  - old\n\n- 3.0.0\n  - older\n",
            "ChangeLog\n=========\n\n- 3.2.0\n"
            + NOTES.replace("* ", "  - ")
            + "\n- 3.1.0\n  - old\n\n- 3.0.0\n  - older\n",
        ),
        (  # exceptiongroup: bold versions
            "CHANGES.rst",
            "Version history\n===============\n\nSemantic Versioning.\n\n**3.1.0**\n\n- old\n",
            "Version history\n===============\n\nSemantic Versioning.\n\n**3.2.0**\n\n"
            + NOTES.replace("* ", "- ")
            + "\n**3.1.0**\n\n- old\n",
        ),
        (  # Beautiful Soup: "= 4.13.4 (20250415)" lines; before, the entry went to the end
            "CHANGELOG",
            "= 3.1.0 (20250415)\n\n* old, wrapped\n  onto two lines\n\n= 3.0.0 (20250204)\n\n"
            "* older\n",
            "= 3.2.0 (20261202)\n\n" + NOTES + "\n= 3.1.0 (20250415)\n\n* old, wrapped\n"
            "  onto two lines\n\n= 3.0.0 (20250204)\n\n* older\n",
        ),
        (  # bleach: ordinal days; before, the last release's date was copied
            "CHANGES",
            "Bleach changes\n==============\n\nVersion 3.1.0 (October 29th, 2024)\n"
            "----------------------------------\n* old\n",
            "Bleach changes\n==============\n\nVersion 3.2.0 (December 2nd, 2026)\n"
            "----------------------------------\n"
            + NOTES
            + "\nVersion 3.1.0 (October 29th, 2024)\n----------------------------------\n* old\n",
        ),
        (  # sqlparse: the latest date in German (Dez), the ones before in English
            "CHANGELOG",
            "Release 3.1.0 (Dez 10, 2024)\n----------------------------\n\n* old\n\n\n"
            "Release 3.0.0 (Nov 4, 2024)\n---------------------------\n\n* older\n",
            "Release 3.2.0 (Dec 2, 2026)\n---------------------------\n\n"
            + NOTES
            + "\n\nRelease 3.1.0 (Dez 10, 2024)\n----------------------------\n\n* old\n\n\n"
            "Release 3.0.0 (Nov 4, 2024)\n---------------------------\n\n* older\n",
        ),
        (  # sh: "## 2.2.2 - 2/23/25", month first; before, the last date was copied
            "CHANGELOG.md",
            "# Changelog\n\n## 3.1.0 - 2/23/25\n\n- old\n",
            "# Changelog\n\n## 3.2.0 - 12/2/26\n\n"
            + NOTES.replace("* ", "- ")
            + "\n## 3.1.0 - 2/23/25\n\n- old\n",
        ),
        (  # vine (celery's shape): a label above each entry, the date and time right under the
            # underline; before, no label, a blank line, and the last release's time copied
            "Changelog",
            "Changes\n=======\n\n.. _version-3.1.0:\n\n3.1.0\n=====\n"
            ":release-date: 2023-11-05 2:45 P.M UTC+6:00\n:release-by: A Maintainer\n\n"
            "- old\n\n\n.. _version-3.0.0:\n\n3.0.0\n=====\n"
            ":release-date: 2020-09-06 6:10 P.M UTC+3:00\n\n- older\n",
            "Changes\n=======\n\n.. _version-3.2.0:\n\n3.2.0\n=====\n"
            ":release-date: 2026-12-02\n\n"
            + NOTES.replace("* ", "- ")
            + "\n\n.. _version-3.1.0:\n\n3.1.0\n=====\n"
            ":release-date: 2023-11-05 2:45 P.M UTC+6:00\n:release-by: A Maintainer\n\n"
            "- old\n\n\n.. _version-3.0.0:\n\n3.0.0\n=====\n"
            ":release-date: 2020-09-06 6:10 P.M UTC+3:00\n\n- older\n",
        ),
        (  # pyfakefs: a plan for a later version above the releases, each linked to PyPI;
            # before, the entry was written as "Planned changes ... (3.2.0)" with 3.1.0's link
            "CHANGES.md",
            "# Release Notes\n\n## Planned changes for next major release (4.0.0)\n* drop it\n\n"
            "## [Version 3.1.0](https://pypi.org/project/p/3.1.0) (2025-06-23)\n\n### Fixes\n"
            "* old\n",
            "# Release Notes\n\n## Planned changes for next major release (4.0.0)\n* drop it\n\n"
            "## [Version 3.2.0](https://pypi.org/project/p/3.2.0) (2026-12-02)\n\n"
            + NOTES
            + "\n## [Version 3.1.0](https://pypi.org/project/p/3.1.0) (2025-06-23)\n\n"
            "### Fixes\n* old\n",
        ),
        (  # python-dotenv: each heading's version is a link defined at the bottom; before, the
            # new heading's link was left undefined
            "CHANGELOG.md",
            "# Changelog\n\n## [3.1.0] - 2025-06-24\n\n- old\n\n[#78]: https://x.invalid/78\n"
            "[3.1.0]: https://x.invalid/p/compare/v3.0.0...v3.1.0\n",
            "# Changelog\n\n## [3.2.0] - 2026-12-02\n\n"
            + NOTES.replace("* ", "- ")
            + "\n## [3.1.0] - 2025-06-24\n\n- old\n\n[#78]: https://x.invalid/78\n"
            "[3.2.0]: https://x.invalid/p/compare/v3.1.0...v3.2.0\n"
            "[3.1.0]: https://x.invalid/p/compare/v3.0.0...v3.1.0\n",
        ),
        (  # Faker (and structlog, charset-normalizer): each heading links the changes since
            # the release before; before, the new entry's link was the last entry's
            "CHANGELOG.md",
            "## Changelog\n\n### [v3.1.0 - 2025-06-11](https://x.invalid/p/compare/v3.0.9...v3.1.0)"
            "\n\n* old\n",
            "## Changelog\n\n### [v3.2.0 - 2026-12-02](https://x.invalid/p/compare/v3.1.0...v3.2.0)"
            "\n\n"
            + NOTES
            + "\n### [v3.1.0 - 2025-06-11](https://x.invalid/p/compare/v3.0.9...v3.1.0)"
            "\n\n* old\n",
        ),
        (  # GitLab's compare URL, the date after the link (structlog's shape)
            "CHANGELOG.md",
            "## [3.1.0](https://gitlab.invalid/p/-/compare/3.0.0...3.1.0) - 2025-06-02\n\n- old\n",
            "## [3.2.0](https://gitlab.invalid/p/-/compare/v3.1.0...v3.2.0) - 2026-12-02\n\n"
            + NOTES.replace("* ", "- ")
            + "\n## [3.1.0](https://gitlab.invalid/p/-/compare/3.0.0...3.1.0) - 2025-06-02\n\n"
            "- old\n",
        ),
        (  # cssselect: the date in a sentence under the heading; before, the full stop hid
            # it and the entry was written without its "Released on" line
            "CHANGES",
            "Changelog\n=========\n\nVersion 3.1.0\n-------------\n\n"
            "Released on 2025-03-10.\n\n*   old\n\n\n"
            "Version 3.0.0\n-------------\n\nReleased on 2024-01-02.\n\n*   older\n",
            "Changelog\n=========\n\nVersion 3.2.0\n-------------\n\n"
            "Released on 2026-12-02.\n\n"
            + NOTES.replace("* ", "*   ")
            + "\n\nVersion 3.1.0\n-------------\n\nReleased on 2025-03-10.\n\n*   old\n\n\n"
            "Version 3.0.0\n-------------\n\nReleased on 2024-01-02.\n\n*   older\n",
        ),
        (  # pytest-repeat: bold lines, the month as a name; before, the date was ISO's
            "CHANGES.rst",
            "**3.1.0 (2025-Apr-5)**\n\n* old\n\n**3.0.0 (2023-Oct-9)**\n\n* older\n",
            "**3.2.0 (2026-Dec-2)**\n\n"
            + NOTES
            + "\n**3.1.0 (2025-Apr-5)**\n\n* old\n\n**3.0.0 (2023-Oct-9)**\n\n* older\n",
        ),
        (  # colorama: "0.4.6 Current release" over indented notes
            "CHANGELOG.rst",
            "3.1.0 Current release\n  * old\n\n3.0.0\n  * older\n",
            "3.2.0 Current release\n" + NOTES.replace("* ", "  * ") + "\n3.1.0 Current release\n"
            "  * old\n\n3.0.0\n  * older\n",
        ),
        (  # parse: each release one list item with its notes on its line, continued on
            # indented lines; before, the last entry's notes were copied into the new line
            "CHANGES.rst",
            "- 3.1.0 Field names can now contain - (thanks @a)\n- 3.0.0 Added slice access.\n"
            "  Also corrected matching\n",
            "- 3.2.0 drop Python 3.9\n  add --json\n  cli: crash on empty input\n"
            "  Tidy the README\n- 3.1.0 Field names can now contain - (thanks @a)\n"
            "- 3.0.0 Added slice access.\n  Also corrected matching\n",
        ),
        (  # tabulate: "- 0.9.0: notes", continued; before, nothing was written
            "CHANGELOG",
            "- 3.1.0: Drop support for Python 2.7.\n  Various bug fixes.\n- 3.0.0: Bug fix.\n",
            "- 3.2.0: drop Python 3.9\n  add --json\n  cli: crash on empty input\n"
            "  Tidy the README\n- 3.1.0: Drop support for Python 2.7.\n  Various bug fixes.\n"
            "- 3.0.0: Bug fix.\n",
        ),
        (  # tabulate's placeholder for the next release: the notes replace it; before, the
            # entry counted as written and the release wrote nothing
            "CHANGELOG",
            "- 3.2.0: Future version.\n- 3.1.0: Drop support for Python 2.7.\n",
            "- 3.2.0: drop Python 3.9\n  add --json\n  cli: crash on empty input\n"
            "  Tidy the README\n- 3.1.0: Drop support for Python 2.7.\n",
        ),
        (  # Unidecode's GNU ChangeLog: the date and the name before the version, tab-indented
            # notes; before, no entry was found and one in another style went to the end
            "ChangeLog",
            "2025-04-24\tpkg 3.1.0\n\t* old\n\t  continued\n\n2024-01-11\tpkg 3.0.0\n\t* older\n",
            "2026-12-02\tpkg 3.2.0\n" + NOTES.replace("* ", "\t* ") + "\n2025-04-24\tpkg 3.1.0\n"
            "\t* old\n\t  continued\n\n2024-01-11\tpkg 3.0.0\n\t* older\n",
        ),
        (  # pyparsing: a month and year, notes right under the underline, two blank lines
            "CHANGES",
            "Version 3.1.0 - March, 2025\n---------------------------\n- old\n\n\n"
            "Version 3.0.0 - May, 2024\n-------------------------\n- older\n",
            "Version 3.2.0 - December, 2026\n------------------------------\n"
            + NOTES.replace("* ", "- ")
            + "\n\nVersion 3.1.0 - March, 2025\n---------------------------\n- old\n\n\n"
            "Version 3.0.0 - May, 2024\n-------------------------\n- older\n",
        ),
        (  # the file's own trailing blank lines are kept
            "CHANGES.md",
            "## 3.1.0 (2024-01-02)\n\n* old\n\n## 3.0.0\n\n* older\n\n\n",
            "## 3.2.0 (2026-12-02)\n\n"
            + NOTES
            + "\n## 3.1.0 (2024-01-02)\n\n* old\n\n## 3.0.0\n\n* older\n\n\n",
        ),
    ],
)
def test_entry_styles_of_the_field(tmp_path: Path, name: str, before: str, after: str) -> None:
    root = _project(tmp_path, {name: before})
    kind = TextFile(root, root / name)
    kind.apply(RELEASE)
    assert (root / name).read_text() == after
    language = {".md": "Markdown", ".rst": "reStructuredText"}.get(Path(name).suffix, "plain text")
    assert kind.describe() == f"file ({name}, {language}, kept by hand)"


def test_history_rst_with_overlined_title_and_no_entry(tmp_path: Path) -> None:
    root = _project(tmp_path, {"HISTORY.rst": "=======\nHistory\n=======\n"})
    release = ReleaseInfo("0.1.0", "2026-12-02", "v0.1.0")
    detect(root).apply(release)
    assert (root / "HISTORY.rst").read_text() == (
        "=======\nHistory\n=======\n\n0.1.0 (2026-12-02)\n==================\n\n"
        "- No notable changes.\n"
    )


# ------------------------------------------------------------------ towncrier
def test_towncrier_defaults_news_rst_and_fragments_next_to_the_package(tmp_path: Path) -> None:
    pyproject = PYPROJECT + "[tool.towncrier]\npackage = 'pkg'\npackage_dir = 'src'\n"
    root = _project(
        tmp_path,
        {
            "src/pkg/__init__.py": "",
            "src/pkg/newsfragments/12.feature.rst": "Add --json.\n",
            "src/pkg/newsfragments/13.bugfix.rst": "Fix a crash.\n",
            "NEWS.rst": "",
        },
        pyproject,
    )
    _repo(root)
    kind = detect(root)
    assert isinstance(kind, Towncrier)
    assert kind.describe() == "towncrier (NEWS.rst, fragments in src/pkg/newsfragments/)"
    assert kind.plan(RELEASE) == (
        "write NEWS.rst for 3.2.0 with towncrier",
        ["consume 2 fragment(s) from src/pkg/newsfragments/"],
    )
    applied = kind.apply(RELEASE)
    assert applied.files == [
        "NEWS.rst",
        "src/pkg/newsfragments/12.feature.rst",
        "src/pkg/newsfragments/13.bugfix.rst",
    ]
    news = (root / "NEWS.rst").read_text()
    assert news.startswith("pkg 3.2.0 (2026-12-02)\n") and "- Add --json. (#12)" in news
    assert applied.notes == news.strip() + "\n"
    assert not (root / "src/pkg/newsfragments/12.feature.rst").exists()


def test_towncrier_names_a_package_it_cannot_import(tmp_path: Path) -> None:
    """python-dateutil: metadata in setup.cfg (no [project] name), towncrier's `package` set and
    its package_dir pointing nowhere; towncrier imports the package for the project's name and
    failed where it is not installed (releasekit's Python). It is named as towncrier names an
    importable package: `package.title()`."""
    pyproject = (
        "[tool.towncrier]\npackage = 'dateish'\npackage_dir = 'dateish'\nfilename = 'NEWS'\n"
        "directory = 'changelog.d'\n"
    )
    root = _project(
        tmp_path,
        {"src/dateish/__init__.py": "", "changelog.d/7.bugfix.rst": "Fix a leap year.\n"},
        pyproject,
    )
    _repo(root)
    kind = detect(root)
    assert isinstance(kind, Towncrier)
    kind.apply(RELEASE)
    news = (root / "NEWS").read_text()
    assert news.startswith("Dateish 3.2.0 (2026-12-02)\n")
    assert "- Fix a leap year. (#7)" in news


def test_towncrier_template_the_tree_lacks_is_known_before_the_release(tmp_path: Path) -> None:
    """shellingham's sdist: `template = "tasks/CHANGELOG.rst.jinja2"`, a file the sdist leaves
    out. towncrier failed in the changelog step, after the gate; check() now says so first."""
    pyproject = (
        "[project]\nname = 'shell'\n[tool.towncrier]\nfilename = 'CHANGELOG.rst'\n"
        "directory = 'news'\ntemplate = 'tasks/CHANGELOG.rst.jinja2'\n"
    )
    root = _project(tmp_path, {"news/1.feature.rst": "Detect fish.\n"}, pyproject)
    _repo(root)
    kind = detect(root)
    assert isinstance(kind, Towncrier)
    problems = list(kind.check())
    assert len(problems) == 1, problems
    assert "template = 'tasks/CHANGELOG.rst.jinja2': no such file" in problems[0][0]
    with pytest.raises(ProcessError, match="does not exist"):
        kind.apply(RELEASE)  # what the release met

    (root / "tasks").mkdir()
    (root / "tasks/CHANGELOG.rst.jinja2").write_text("{% for s in sections %}{% endfor %}")
    assert list(kind.check()) == []
    pyproject_with_resource = pyproject.replace("tasks/CHANGELOG.rst.jinja2", "towncrier:default")
    (root / "pyproject.toml").write_text(pyproject_with_resource)
    resource = detect(root)
    assert isinstance(resource, Towncrier) and list(resource.check()) == []


def test_towncrier_any_filename_from_towncrier_toml(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"towncrier.toml": "[tool.towncrier]\nfilename = 'docs/changes.md'\ndirectory = 'cl'\n"},
    )
    kind = detect(root)
    assert isinstance(kind, Towncrier) and kind.touched() == ["docs/changes.md", "cl"]


def test_a_changelog_symlinked_into_the_docs_is_written_and_committed_there(
    tmp_path: Path,
) -> None:
    """referencing's CHANGELOG.rst is a symlink to docs/changes.rst: a write through the link
    changes the docs' file, so that is the file the release restores, commits and names."""
    root = _project(tmp_path, {"docs/changes.rst": "v3.1.0\n------\n\n* A fix.\n"})
    (root / "CHANGELOG.rst").symlink_to("docs/changes.rst")
    _repo(root)
    kind = detect(root)
    assert isinstance(kind, TextFile) and kind.touched() == ["docs/changes.rst"]
    assert list(kind.check()) == []
    applied = kind.apply(RELEASE)
    assert applied.files == ["docs/changes.rst"]
    assert (root / "CHANGELOG.rst").is_symlink()
    assert (root / "docs/changes.rst").read_text().startswith("v3.2.0\n------\n")

    towncrier = PYPROJECT + "[tool.towncrier]\nfilename = 'CHANGELOG.rst'\ndirectory = 'news'\n"
    (root / "pyproject.toml").write_text(towncrier)
    assert detect(root).touched() == ["docs/changes.rst", "news"]


def test_a_changelog_linked_outside_the_repository_is_refused_before_the_release(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "elsewhere.rst"
    outside.write_text("v3.1.0\n------\n\n* A fix.\n")
    root = _project(tmp_path / "repo", {})
    (root / "CHANGES.rst").symlink_to(outside)
    _repo(root)
    problems = list(detect(root).check())
    assert len(problems) == 1, problems
    assert problems[0][0].startswith(f"CHANGES.rst links to {outside}, outside the repository")


LATIN1_CHANGES = "Changes\n=======\n\n3.1.0 (2024-01-02)\n------------------\n\n- Andr\u00e9.\n"


def test_a_changelog_in_latin1_gets_its_entry_in_latin1(tmp_path: Path) -> None:
    """ply's CHANGES is Latin-1: the release writes its entry in the file's encoding and every
    byte it does not touch stays as it was."""
    root = _project(tmp_path, {})
    (root / "CHANGES.rst").write_bytes(LATIN1_CHANGES.encode("latin-1"))
    kind = detect(root)
    assert isinstance(kind, TextFile)
    assert list(kind.check()) == []
    kind.plan(RELEASE)
    assert kind.apply(RELEASE).files == ["CHANGES.rst"]
    raw = (root / "CHANGES.rst").read_bytes()
    assert raw.endswith(LATIN1_CHANGES.split("\n\n", 1)[1].encode("latin-1"))
    assert raw.decode("cp1252").startswith("Changes\n=======\n\n3.2.0 (2026-12-02)\n-----")


def test_a_utf16_changelog_is_refused_not_read_as_latin1(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    (root / "CHANGES.rst").write_bytes(LATIN1_CHANGES.encode("utf-16"))
    problems = list(detect(root).check())
    assert [p[0].split(" (")[0] for p in problems] == [f"{root / 'CHANGES.rst'}: not UTF-8"]


def test_an_entry_a_legacy_encoding_cannot_hold_stops_at_the_plan(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    (root / "CHANGES.rst").write_bytes(LATIN1_CHANGES.encode("latin-1"))
    arrow = ReleaseInfo("3.2.0", "2026-12-02", "v3.2.0", "v3.1.0", (Commit("1", "feat: \u2192"),))
    with pytest.raises(ConfigError, match="is cp1252 text, which cannot hold '\u2192'"):
        detect(root).plan(arrow)
    assert (root / "CHANGES.rst").read_bytes() == LATIN1_CHANGES.encode("latin-1")


# ------------------------------------------------------------------ none: conventional commits
def test_no_changelog_groups_conventional_commits(tmp_path: Path) -> None:
    root = _project(tmp_path, {})
    kind = detect(root)
    assert isinstance(kind, NoChangelog)
    assert kind.plan(RELEASE)[0] == (
        "no changelog file: release notes from 5 commit(s) since v3.1.0, kept in the journal"
    )
    applied = kind.apply(RELEASE)
    assert applied.files == []
    assert applied.notes == (
        "### Breaking changes\n\n- drop Python 3.9\n\n"
        "### Features\n\n- add --json\n\n"
        "### Fixes\n\n- cli: crash on empty input\n\n"
        "### Other changes\n\n- Tidy the README\n"
    )


@pytest.mark.parametrize(
    ("subjects", "bodies", "bump"),
    [
        (["fix: a", "docs: b"], None, "patch"),
        (["fix: a", "feat(x): b"], None, "minor"),
        (["feat!: a", "fix: b"], None, "major"),
        (["feat: a"], ["BREAKING CHANGE: the API changed"], "major"),
        (["chore: a", "Update README"], None, None),
    ],
)
def test_bump_from_commits(subjects: list[str], bodies: list[str] | None, bump: str | None) -> None:
    commits = [
        Commit(str(i), s, (bodies or [""] * len(subjects))[i]) for i, s in enumerate(subjects)
    ]
    assert bump_from_commits(commits) == bump


def test_bump_from_the_commits_since_the_last_tag(tmp_path: Path) -> None:
    root = _repo(_project(tmp_path, {}))
    _git(root, "commit", "-q", "--allow-empty", "-m", "feat: old feature")
    _git(root, "tag", "v3.1.0")
    _git(root, "commit", "-q", "--allow-empty", "-m", "fix: a bug", "-m", "Closes #1.")
    config = load_config(root, environ={})
    assert [c.subject for c in commits_since(root, "v3.1.0")] == ["fix: a bug"]
    assert choose_bump(root, config, None, "v3.1.0") == "patch"
    assert choose_bump(root, config, "major", "v3.1.0") == "major"
    _git(root, "tag", "v3.1.1")
    _git(root, "commit", "-q", "--allow-empty", "-m", "Update the docs")
    with pytest.raises(UsageError, match="no BUMP given") as info:
        choose_bump(root, config, None, "v3.1.1")
    assert "since v3.1.1" in str(info.value) and info.value.hint


@pytest.mark.parametrize("require", ["", "require_fragments = true\n"])
def test_towncrier_fragments_choose_the_bump_by_default(tmp_path: Path, require: str) -> None:
    """No BUMP and no fragments: refused, even with conventional commits to go by."""
    pyproject = PYPROJECT + "[tool.towncrier]\ndirectory = 'cl'\n[tool.releasekit]\n" + require
    root = _repo(_project(tmp_path, {"cl/.gitkeep": ""}, pyproject))
    _git(root, "commit", "-q", "--allow-empty", "-m", "feat: a feature")
    config = load_config(root, environ={})
    with pytest.raises(UsageError, match=r"no changelog fragments in cl/ to choose it") as info:
        choose_bump(root, config, None, None)
    assert "towncrier create" in (info.value.hint or "")
    assert choose_bump(root, config, "patch", None) == "patch"  # an explicit BUMP needs none


def test_towncrier_without_required_fragments_bumps_from_commits(tmp_path: Path) -> None:
    pyproject = (
        PYPROJECT + "[tool.towncrier]\ndirectory = 'cl'\n[tool.releasekit]\n"
        "require_fragments = false\n"
    )
    root = _repo(_project(tmp_path, {"cl/.gitkeep": ""}, pyproject))
    _git(root, "commit", "-q", "--allow-empty", "-m", "feat: a feature")
    assert choose_bump(root, load_config(root, environ={}), None, None) == "minor"


def test_towncrier_plan_warns_of_an_empty_release(tmp_path: Path) -> None:
    pyproject = PYPROJECT + "[tool.towncrier]\ndirectory = 'cl'\n"
    root = _project(tmp_path, {"cl/.gitkeep": ""}, pyproject)
    kind = detect(root)
    assert isinstance(kind, Towncrier)
    _, actions = kind.plan(RELEASE)
    assert actions == [
        "WARNING: no fragments in cl/: towncrier writes its empty release "
        "('No significant changes.')"
    ]


# ------------------------------------------------------------------ configuration
@pytest.mark.parametrize(
    ("value", "kind"),
    [("false", None), ("'none'", NoChangelog), ("'file'", TextFile), ("'CHANGES.md'", TextFile)],
)
def test_configured_kind(tmp_path: Path, value: str, kind: type | None) -> None:
    pyproject = PYPROJECT + f"[tool.releasekit]\nchangelog = {value}\n"
    root = _project(tmp_path, {"CHANGES.md": "# Changes\n\n## 3.1.0\n"}, pyproject)
    found = resolve(root, load_config(root, environ={}))
    assert (type(found) if found else None) is kind


@pytest.mark.parametrize(
    ("value", "needle"),
    [("'towncrier'", "no towncrier changelog"), ("'CHANGES.txt'", "neither a kind nor a file")],
)
def test_configured_kind_that_is_not_there(tmp_path: Path, value: str, needle: str) -> None:
    pyproject = PYPROJECT + f"[tool.releasekit]\nchangelog = {value}\n"
    root = _project(tmp_path, {}, pyproject)
    with pytest.raises(ConfigError, match=needle) as info:
        load_config(root, environ={})  # checked when the configuration is loaded
    assert "'changelog'" in str(info.value) and info.value.hint
    assert str(root / "pyproject.toml") in str(info.value)


def test_a_changelog_in_the_docs_with_entries_is_found(tmp_path: Path) -> None:
    """Starlette's docs/release-notes.md, Python-Markdown's docs/changelog.md, wheel's
    docs/news.rst: before, none was found and the release wrote no changelog."""
    notes = "---\ntoc_depth: 2\n---\n\n## 3.1.0 (June 21, 2025)\n\n* old\n"
    root = _project(tmp_path, {"docs/release-notes.md": notes, "docs/index.md": "# Docs\n"})
    found = detect(root)
    assert isinstance(found, TextFile) and found.file == root / "docs/release-notes.md"
    found.apply(RELEASE)
    assert (root / "docs/release-notes.md").read_text() == notes.replace(
        "## 3.1.0", "## 3.2.0 (December 2, 2026)\n\n" + NOTES + "\n## 3.1.0"
    )


def test_the_changelog_page_of_the_mkdocs_nav_is_found(tmp_path: Path) -> None:
    """wcmatch's (and soupsieve's) mkdocs.yml: ``docs_dir: docs/src/markdown`` and
    ``- Changelog: about/changelog.md`` in its nav; before, the release wrote no changelog."""
    page = "# Changelog\n\n## 3.1.0\n\n-   **NEW**: old.\n"
    mkdocs = (
        "site_name: Demo\ndocs_dir: docs/src/markdown\nnav:\n  - Home: index.md\n"
        "  - About:\n      - Changelog: about/changelog.md\n      - License: about/license.md\n"
    )
    files = {"mkdocs.yml": mkdocs, "docs/src/markdown/about/changelog.md": page}
    root = _project(tmp_path, files | {"docs/src/markdown/about/license.md": "# License\n"})
    found = detect(root)
    assert (
        isinstance(found, TextFile) and found.file == root / "docs/src/markdown/about/changelog.md"
    )
    found.apply(RELEASE)
    entry = NOTES.replace("* ", "-   ")  # the page's own bullets
    assert found.file.read_text().startswith(f"# Changelog\n\n## 3.2.0\n\n{entry}\n## 3.1.0")


@pytest.mark.parametrize(
    "mkdocs",
    [
        "nav:\n  - Changelog: changelog.md\n",  # docs/ by default, where the page is not
        "docs_dir: ../elsewhere\nnav:\n  - Changelog: changelog.md\n",  # outside the project
        "docs_dir: docs/src/markdown\nnav:\n  - Changelog: about/changes.md\n",  # no such page
    ],
)
def test_an_mkdocs_nav_page_that_is_not_there_is_no_changelog(tmp_path: Path, mkdocs: str) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "changelog.md").write_text("# Changelog\n\n## 3.1.0\n\n- old\n")
    page = {"docs/src/markdown/about/changelog.md": "# Changelog\n\n## 3.1.0\n\n- old\n"}
    root = _project(tmp_path / "project", {"mkdocs.yml": mkdocs} | page)
    assert detect(root).kind == "none"


def test_a_docs_page_that_only_includes_the_changelog_is_not_it(tmp_path: Path) -> None:
    root = _project(tmp_path, {"docs/changes.rst": "Changes\n=======\n\n.. include:: ../X.rst\n"})
    assert detect(root).kind == "none"
    (root / "CHANGES.rst").write_text("Changes\n=======\n")
    (root / "docs/news.rst").write_text("3.1.0 (2025-01-01)\n\n- old\n")
    assert detect(root).path == root / "CHANGES.rst"  # the root's file wins
