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
    report = init_project(tmp_path)
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
    again = init_project(tmp_path)
    assert again.done == []
    assert (tmp_path / "pyproject.toml").read_text() == text


def test_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ORIGINAL + '\n[tool.towncrier]\ndirectory = "news"\n')
    (tmp_path / "noxfile.py").write_text("# mine\n")
    (tmp_path / "CHANGELOG.md").write_text("# History\n")
    report = init_project(tmp_path)
    assert (tmp_path / "noxfile.py").read_text() == "# mine\n"
    assert (tmp_path / "CHANGELOG.md").read_text() == "# History\n"
    assert (tmp_path / "news" / ".gitkeep").exists()
    assert any("no `<!-- towncrier" in line for line in report.kept)


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(ORIGINAL)
    report = init_project(tmp_path, dry_run=True)
    assert report.done
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]
    assert (tmp_path / "pyproject.toml").read_text() == ORIGINAL


@pytest.mark.parametrize(
    ("text", "message"),
    [("[tool.x]\na = 1\n", "no \\[project\\] table"), ("[project\n", "malformed TOML")],
)
def test_bad_pyproject(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        init_project(tmp_path)
    assert (tmp_path / "pyproject.toml").read_text() == text
