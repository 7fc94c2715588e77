from pathlib import Path

import pytest

from releasekit.errors import UsageError
from releasekit.versioning import bump_from_fragments, find_fragments, next_version


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("1.2", "patch", "1.2.1"),
        ("1.2.3", "rc", "1.2.4rc1"),
        ("1.3.0rc1", "rc", "1.3.0rc2"),
        ("1.3.0a2", "beta", "1.3.0b1"),
        ("1.3.0rc2", "release", "1.3.0"),
        ("1.2.3", "minor,rc", "1.3.0rc1"),
        ("1.2.3", "major,alpha", "2.0.0a1"),
        ("1.2.3", "post", "1.2.3.post1"),
        ("1.2.3.post1", "post", "1.2.3.post2"),
        ("1.2.3", "dev", "1.2.3.dev1"),
        ("1.2.3", "2.0.0", "2.0.0"),
        ("1.2.3", "1.2.4b1", "1.2.4b1"),
        ("1!1.0", "minor", "1!1.1.0"),
    ],
)
def test_next_version(current: str, bump: str, expected: str) -> None:
    assert next_version(current, bump) == expected


@pytest.mark.parametrize(
    ("current", "bump", "message"),
    [
        ("1.2.3", "bogus", "invalid BUMP"),
        ("1.2.3", "1.2.3", "not greater"),
        ("1.2.3", "1.0", "not greater"),
        ("1.3.0rc1", "alpha", "cannot go back"),
        ("1.2.3", "release", "not a pre-release"),
        ("1.2.3", "major,minor", "conflicting"),
        ("1.2.3", "post,minor", "conflicting"),
    ],
)
def test_invalid_bumps(current: str, bump: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        next_version(current, bump)


def test_fragments_and_derived_bump(tmp_path: Path) -> None:
    directory = tmp_path / "changelog.d"
    directory.mkdir()
    for name in (
        "12.bugfix.md",
        "13.feature.md",
        "+orphan.misc.md",
        "README.md",
        ".gitignore",
        "notes.txt",
    ):
        (directory / name).write_text("x")
    settings = {"directory": "changelog.d"}
    fragments = find_fragments(tmp_path, settings)
    assert sorted(f.type for f in fragments) == ["bugfix", "feature", "misc"]
    bump_map = {"breaking": "major", "feature": "minor"}
    assert bump_from_fragments(fragments, bump_map) == "minor"
    assert bump_from_fragments([f for f in fragments if f.type != "feature"], bump_map) == "patch"
    (directory / "14.breaking.md").write_text("x")
    custom = {
        "directory": "changelog.d",
        "type": [{"directory": "breaking"}, {"directory": "feature"}],
    }
    assert bump_from_fragments(find_fragments(tmp_path, custom), bump_map) == "major"
