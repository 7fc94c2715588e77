"""bump-my-version leaves the changelog to the changelog step: its entries for that file are left
out of the configuration it runs (real bump-my-version runs, on projects in tmp directories)."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

from releasekit.versions import find_bumpversion
from releasekit.versions.bumpfiles import config_without, left_files

CONFIG = """\
[project]
name = "tinybump"
dynamic = ["version"]

[tool.bumpversion]
current_version = "1.2.0"
tag_name = "{new_version}"

[[tool.bumpversion.files]]
filename = "tinybump/__init__.py"

[[tool.bumpversion.files]]
filename = "CHANGELOG.md"
search = "Unreleased"

[[tool.bumpversion.files]]
filename = "{repo_root}/CHANGELOG.md"
search = "{current_version}...HEAD"
replace = "{current_version}...{new_version}"

[[tool.bumpversion.files]]
glob = "docs/*.txt"
glob_exclude = ["docs/old*.txt"]
"""


def _project(root: Path, changelog: str) -> Path:
    subprocess.run(["git", "init", "-q", str(root)], check=True)  # for {repo_root}
    (root / "tinybump").mkdir()
    (root / "tinybump" / "__init__.py").write_text('__version__ = "1.2.0"\n')
    (root / "docs").mkdir()
    (root / "docs" / "install.txt").write_text("pip install tinybump==1.2.0\n")
    (root / "docs" / "old-install.txt").write_text("pip install tinybump==1.2.0\n")
    (root / "CHANGELOG.md").write_text(changelog)
    (root / "pyproject.toml").write_text(CONFIG)
    return root / "CHANGELOG.md"


def test_the_entries_for_the_changelog_are_found_however_they_name_it(tmp_path: Path) -> None:
    changelog = _project(tmp_path, "# Changelog\n")
    config = tmp_path / "pyproject.toml"
    assert left_files(config, tmp_path, [changelog]) == ["CHANGELOG.md"]
    assert left_files(config, tmp_path, [tmp_path / "NEWS.md"]) == []
    assert left_files(config, tmp_path, []) == []


def test_the_copy_keeps_every_other_entry_with_absolute_paths(tmp_path: Path) -> None:
    changelog = _project(tmp_path, "# Changelog\n")
    into = tmp_path / "copy"
    into.mkdir()
    copy = config_without(tmp_path / "pyproject.toml", tmp_path, [changelog], into)
    assert copy is not None and copy.parent == into
    table = tomllib.loads(copy.read_text())["tool"]["bumpversion"]
    assert table["current_version"] == "1.2.0" and table["tag_name"] == "{new_version}"
    assert table["files"] == [
        {"filename": str(tmp_path / "tinybump" / "__init__.py")},
        {
            "glob": str(tmp_path / "docs" / "*.txt"),
            "glob_exclude": [str(tmp_path / "docs" / "old*.txt")],
        },
    ]
    # nothing to leave out: the project's file runs as it is
    assert config_without(tmp_path / "pyproject.toml", tmp_path, [tmp_path / "x.md"], into) is None


def test_a_cfg_configuration_runs_as_configured(tmp_path: Path) -> None:
    (tmp_path / ".bumpversion.cfg").write_text(
        "[bumpversion]\ncurrent_version = 1.0.0\n\n[bumpversion:file:CHANGELOG.md]\n"
    )
    changelog = tmp_path / "CHANGELOG.md"
    assert left_files(tmp_path / ".bumpversion.cfg", tmp_path, [changelog]) == []
    assert config_without(tmp_path / ".bumpversion.cfg", tmp_path, [changelog], tmp_path) is None


def test_bump_my_version_writes_everything_but_the_changelog(tmp_path: Path) -> None:
    """Without "Unreleased" its dry run fails; left to the changelog step, the bump writes the
    module, the globbed file and current_version, and not the changelog, even where it holds
    "Unreleased" (the changelog step would give the version a second heading otherwise)."""
    changelog = _project(tmp_path, "# Changelog\n\n## 1.2.0 (2025-06-07)\n")
    engine = find_bumpversion(tmp_path)
    assert engine is not None
    problem = engine.problem("1.2.0", "1.2.1")
    assert problem is not None and "Did not find 'Unreleased'" in problem[0]
    assert engine.problem("1.2.0", "1.2.1", [changelog]) is None

    pending = "# Changelog\n\n## Unreleased\n[compare](x/1.2.0...HEAD)\n\n## 1.2.0 (2025-06-07)\n"
    changelog.write_text(pending)
    engine.bump("1.2.0", "1.2.1", [changelog])
    engine.verify("1.2.1")
    assert (tmp_path / "tinybump" / "__init__.py").read_text() == '__version__ = "1.2.1"\n'
    assert (tmp_path / "docs" / "install.txt").read_text() == "pip install tinybump==1.2.1\n"
    assert (tmp_path / "docs" / "old-install.txt").read_text() == "pip install tinybump==1.2.0\n"
    assert changelog.read_text() == pending
    after = (tmp_path / "pyproject.toml").read_text()
    assert after == CONFIG.replace('current_version = "1.2.0"', 'current_version = "1.2.1"')
