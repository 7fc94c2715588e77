"""A changelog kept as a section of the README, in the shapes of real projects: exact texts.

Before, each of these released with no changelog entry (the kind was ``none``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.changelogs import ReadmeSection, ReleaseInfo, TextFile, detect, resolve
from releasekit.changelogs.commits import Commit
from releasekit.config import load_config
from releasekit.errors import ConfigError

RELEASE = ReleaseInfo(
    "3.2.0",
    "2026-12-02",
    "3.2.0",
    "3.1.0",
    (Commit("2", "fix: a crash"), Commit("4", "feat: --json")),
)
PYPROJECT = "[project]\nname = 'pkg'\nversion = '3.1.0'\n"
INTRO = "pkg\n===\n\nParse things.\n\nUsage\n-----\n\nCall it.\n\n"
LICENSE = "\nLicense\n-------\n\nMIT.\n"


def _project(root: Path, files: dict[str, str], pyproject: str = PYPROJECT) -> Path:
    (root / "pyproject.toml").write_text(pyproject)
    for name, text in files.items():
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize(
    ("section", "written"),
    [
        (  # parse: one list item per release, its notes on its line
            "Changelog\n---------\n\n- 3.1.0 Field names can contain - (thanks @a)\n"
            "- 3.0.0 Added slice access\n",
            "Changelog\n---------\n\n- 3.2.0 --json\n  a crash\n"
            "- 3.1.0 Field names can contain - (thanks @a)\n- 3.0.0 Added slice access\n",
        ),
        (  # pytest-timeout: a heading per release, one level under the section's
            "Changelog\n---------\n\n3.1.0\n~~~~~\n\n- Detect debuggers.\n\n"
            "3.0.0\n~~~~~\n\n- Fixup.\n",
            "Changelog\n---------\n\n3.2.0\n~~~~~\n\n- --json\n- a crash\n\n3.1.0\n~~~~~\n\n"
            "- Detect debuggers.\n\n3.0.0\n~~~~~\n\n- Fixup.\n",
        ),
        (  # wcwidth: overlined section title, a dated line per release over indented notes
            "=======\nHistory\n=======\n\n3.1.0 *2024-01-06*\n  * **Bugfix** Hangul\n\n"
            "3.0.0 *2023-11-21*\n  * re-release\n",
            "=======\nHistory\n=======\n\n3.2.0 *2026-12-02*\n  * --json\n  * a crash\n\n"
            "3.1.0 *2024-01-06*\n  * **Bugfix** Hangul\n\n3.0.0 *2023-11-21*\n  * re-release\n",
        ),
    ],
)
def test_the_entry_is_written_inside_the_readmes_changelog_section(
    tmp_path: Path, section: str, written: str
) -> None:
    """The section ends at the next heading of its level: the License after it is kept as
    it was, and so is everything above it."""
    readme = INTRO.replace("pkg\n===", "===\npkg\n===") if "=====\nHistory" in section else INTRO
    root = _project(tmp_path, {"README.rst": readme + section + LICENSE})
    kind = detect(root)
    assert isinstance(kind, ReadmeSection)
    assert kind.describe() == "a section of README.rst (reStructuredText, kept by hand)"
    applied = kind.apply(RELEASE)
    assert applied.files == ["README.rst"]
    assert (root / "README.rst").read_text() == readme + written + LICENSE


def test_a_markdown_readme_section_ends_at_a_heading_of_its_level(tmp_path: Path) -> None:
    readme = (
        "# pkg\n\n## Changelog\n\n### 3.1.0 (2025-02-01)\n\n- old\n\n## License\n\n"
        "### 2.0.0 is not a release here\n"
    )
    root = _project(tmp_path, {"README.md": readme})
    detect(root).apply(RELEASE)
    assert (root / "README.md").read_text() == readme.replace(
        "### 3.1.0", "### 3.2.0 (2026-12-02)\n\n- --json\n- a crash\n\n### 3.1.0"
    )


@pytest.mark.parametrize(
    "readme",
    [
        # more-itertools: the section links to the documentation's history
        "Version History\n===============\n\nSee `documentation <https://x.invalid/versions>`_.\n",
        # prose about the project's past is no changelog
        "History\n-------\n\nStarted in 2010 as a fork of another parser.\n",
        # entries outside any changelog section are not one
        "Install\n-------\n\n- 3.1.0 is the first version with wheels\n",
    ],
)
def test_a_readme_without_a_changelog_section_is_none(tmp_path: Path, readme: str) -> None:
    root = _project(tmp_path, {"README.rst": INTRO + readme})
    assert detect(root).kind == "none"


def test_a_changelog_file_wins_over_the_readmes_section(tmp_path: Path) -> None:
    section = "Changelog\n---------\n\n3.1.0\n~~~~~\n\n- old\n"
    root = _project(tmp_path, {"README.rst": INTRO + section, "CHANGES.rst": "3.1.0\n-----\n"})
    found = detect(root)
    assert type(found) is TextFile and found.file == root / "CHANGES.rst"


@pytest.mark.parametrize("value", ["'readme'", "'README.rst'"])
def test_the_readme_section_configured(tmp_path: Path, value: str) -> None:
    pyproject = PYPROJECT + f"[tool.releasekit]\nchangelog = {value}\n"
    section = "Changelog\n---------\n\n- 3.1.0 Old parser\n"
    root = _project(tmp_path, {"README.rst": INTRO + section}, pyproject)
    found = resolve(root, load_config(root, environ={}))
    assert isinstance(found, ReadmeSection)
    found.apply(RELEASE)
    assert (
        (root / "README.rst")
        .read_text()
        .endswith("- 3.2.0 --json\n  a crash\n- 3.1.0 Old parser\n")
    )


def test_readme_configured_without_a_section_is_refused(tmp_path: Path) -> None:
    pyproject = PYPROJECT + "[tool.releasekit]\nchangelog = 'readme'\n"
    root = _project(tmp_path, {"README.rst": INTRO}, pyproject)
    with pytest.raises(ConfigError, match="no readme changelog") as info:
        load_config(root, environ={})
    assert info.value.hint == "add a 'Changelog' section with release entries to the README"
