import tomllib
from pathlib import Path

import pytest

from releasekit.errors import ConfigError
from releasekit.init import START, init_project

ORIGINAL = """# my project -- keep this comment
[project]
name = "mine"
version = "1.0"

[tool.ruff]
line-length = 88  # ours
"""


def test_adds_what_is_missing_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ORIGINAL)
    report = init_project(tmp_path, towncrier=True, noxfile=True)
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(ORIGINAL)  # untouched, only appended to
    data = tomllib.loads(text)
    assert data["tool"]["towncrier"]["directory"] == "changelog.d"
    assert data["tool"]["releasekit"] == {"target": "local"}
    assert data["tool"]["ruff"] == {"line-length": 88}
    assert (tmp_path / "changelog.d" / ".gitkeep").exists()
    assert START in (tmp_path / "CHANGELOG.md").read_text()
    assert "releasekit.nox.install()" in (tmp_path / "noxfile.py").read_text()
    assert len(report.done) == 5
    assert (
        report.detected[0] == "changelog: none (release notes from the commits since the last tag)"
    )
    again = init_project(tmp_path, towncrier=True, noxfile=True)
    assert again.done == []
    assert (tmp_path / "pyproject.toml").read_text() == text


def test_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ORIGINAL + '\n[tool.towncrier]\ndirectory = "news"\n')
    (tmp_path / "noxfile.py").write_text("# mine\n")
    (tmp_path / "NEWS.rst").write_text("History\n=======\n")
    report = init_project(tmp_path)
    assert (tmp_path / "noxfile.py").read_text() == "# mine\n"
    assert (tmp_path / "NEWS.rst").read_text() == "History\n=======\n"
    assert (tmp_path / "news" / ".gitkeep").exists()
    assert any("no `.. towncrier release notes start`" in line for line in report.kept)


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ORIGINAL)
    report = init_project(tmp_path, dry_run=True, towncrier=True, noxfile=True)
    assert report.done
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]
    assert (tmp_path / "pyproject.toml").read_text() == ORIGINAL


@pytest.mark.parametrize(
    ("text", "message"),
    [("[tool.x]\na = 1\n", "no project name"), ("[project\n", "malformed TOML")],
)
def test_bad_pyproject(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        init_project(tmp_path)
    assert (tmp_path / "pyproject.toml").read_text() == text


CHANGES_RST = "Version 3.1.0\n-------------\n\nReleased 2024-11-13\n\n-   A change.\n"
KAC = "# Changelog\n\n## [Unreleased]\n\n## [1.0.0] - 2020-01-01\n"


@pytest.mark.parametrize(
    ("name", "text", "kind"),
    [
        ("CHANGES.md", "# Changes\n\n## 8.5.0\n\n- x\n", "file (CHANGES.md, Markdown"),
        ("CHANGELOG.rst", "Changelog\n=========\n", "file (CHANGELOG.rst, reStructuredText"),
        ("HISTORY.rst", CHANGES_RST, "file (HISTORY.rst, reStructuredText"),
        ("CHANGES.rst", CHANGES_RST, "file (CHANGES.rst, reStructuredText"),
        ("CHANGELOG.md", KAC, "keep-a-changelog (CHANGELOG.md"),
    ],
)
def test_never_adds_a_second_changelog(tmp_path: Path, name: str, text: str, kind: str) -> None:
    (tmp_path / "pyproject.toml").write_text(ORIGINAL)
    (tmp_path / name).write_text(text)
    report = init_project(tmp_path, towncrier=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["pyproject.toml", name])
    assert (tmp_path / name).read_text() == text
    assert "towncrier" not in tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]
    assert report.detected[0].startswith(f"changelog: {kind}")
    assert f"{name} (your changelog; no other is added)" in report.kept


def test_towncrier_with_news_rst_adds_no_second_changelog(tmp_path: Path) -> None:
    pyproject = ORIGINAL + "\n[tool.towncrier]\npackage = 'mine'\n"
    (tmp_path / "pyproject.toml").write_text(pyproject)
    (tmp_path / "NEWS.rst").write_text(".. towncrier release notes start\n")
    (tmp_path / "tox.ini").write_text("[tox]\n")
    report = init_project(tmp_path, noxfile=True)
    assert report.detected[0] == "changelog: towncrier (NEWS.rst, fragments in mine/newsfragments/)"
    assert report.detected[1:3] == [
        "version source: pyproject.toml [project] version (detected: mine 1.0)",
        "tag style: v{version} (default: no release tags yet)",
    ]
    assert (tmp_path / "mine" / "newsfragments" / ".gitkeep").exists()
    assert not (tmp_path / "CHANGELOG.md").exists() and not (tmp_path / "noxfile.py").exists()
    assert "your test runner configuration (no noxfile.py is added)" in report.kept
    assert report.done == [
        "added [tool.releasekit] to pyproject.toml",
        "created mine/newsfragments/.gitkeep",
    ]


def test_reports_the_tag_style_of_the_repository(tmp_path: Path) -> None:
    import subprocess

    (tmp_path / "pyproject.toml").write_text(ORIGINAL)
    for args in (
        ["init", "-q", "-b", "main"],
        [
            "-c",
            "user.name=T",
            "-c",
            "user.email=t@e.invalid",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "x",
        ],
        ["tag", "8.5.0"],
    ):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)
    report = init_project(tmp_path, dry_run=True)
    assert "tag style: {version} (detected from tags 8.5.0)" in report.detected
    assert "remote: origin (default)" in report.detected
    assert report.detected[-1].startswith("test environment: ")


@pytest.mark.parametrize(
    ("files", "name"),
    [
        ({"pyproject.toml": "[tool.poetry]\nname = 'po'\nversion = '0.9.3'\n"}, "po"),
        (
            {
                "pyproject.toml": "[build-system]\nrequires = ['setuptools']\n",
                "setup.cfg": "[metadata]\nname = cfg\nversion = 1.4.2\n",
            },
            "cfg",
        ),
    ],
)
def test_projects_without_a_project_table(tmp_path: Path, files: dict[str, str], name: str) -> None:
    for rel, text in files.items():
        (tmp_path / rel).write_text(text)
    report = init_project(tmp_path)
    assert report.done == ["added [tool.releasekit] to pyproject.toml"]
    assert any(line.startswith("version source: ") and name in line for line in report.detected)


def test_towncrier_fragment_directory_outlives_the_release(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ORIGINAL + "\n[tool.towncrier]\ndirectory = 'news'\n")
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "12.feature.md").write_text("Added.\n")
    report = init_project(tmp_path)
    assert "created news/.gitkeep" in report.done  # towncrier would consume the only file
    (tmp_path / "news" / ".gitkeep").unlink()
    (tmp_path / "news" / "template.md.jinja").write_text("")
    assert "created news/.gitkeep" not in init_project(tmp_path).done


def test_docs_examples_option_turns_the_docs_examples_on(tmp_path: Path) -> None:
    from releasekit.config import load_config

    (tmp_path / "pyproject.toml").write_text(ORIGINAL)
    report = init_project(tmp_path, docs_examples=True)
    assert any("examples = true" in line for line in report.done)
    assert load_config(tmp_path, environ={}).docs.examples is True
    again = init_project(tmp_path, docs_examples=True)
    assert again.done == [] and "[tool.releasekit.docs] examples = true" in again.kept
