from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from releasekit.errors import UsageError
from releasekit.versioning import bump_from_fragments, find_fragments, next_version

from ..conftest import pep440_versions

KEYWORDS = ("major", "minor", "patch", "alpha", "beta", "rc", "release", "post", "dev")


@pytest.mark.parametrize(
    ("current", "bump", "expected"),
    [
        ("1.2.3", "major", "2.0.0"),
        ("1.2.3", "minor", "1.3.0"),
        ("1.2.3", "patch", "1.2.4"),
        ("1.2", "patch", "1.2.1"),
        ("1.2.3", "rc", "1.2.4rc1"),
        ("4.0.1", "rc", "4.0.2rc1"),
        ("1.3.0rc1", "rc", "1.3.0rc2"),
        ("1.3.0a2", "beta", "1.3.0b1"),
        ("1.3.0rc2", "release", "1.3.0"),
        ("4.0.2rc1", "release", "4.0.2"),
        ("8.5.0.dev0", "release", "8.5.0"),
        ("8.5.0.dev", "release", "8.5.0"),
        ("1.2.3.post1.dev1", "release", "1.2.3.post1"),
        ("1.2.3", "minor,rc", "1.3.0rc1"),
        ("1.2.3", "major,alpha", "2.0.0a1"),
        ("1.2.3", "post", "1.2.3.post1"),
        ("1.2.3.post1", "post", "1.2.3.post2"),
        ("1.2.3.post2.dev1", "post", "1.2.3.post2"),
        # dev always goes up: a final release's next patch, else the next dev/pre-release
        ("1.2.3", "dev", "1.2.4.dev1"),
        ("1.2.4.dev1", "dev", "1.2.4.dev2"),
        ("1.2.4rc1", "dev", "1.2.4rc2.dev1"),
        ("1.2.3.post1", "dev", "1.2.4.dev1"),
        ("1.2.3", "minor,dev", "1.3.0.dev1"),
        ("1.2.3", "rc,dev", "1.2.4rc1.dev1"),
        # a level bump from an unreleased version finishes it when it is at that level
        ("8.5.0.dev0", "patch", "8.5.0"),
        ("8.5.0.dev0", "minor", "8.5.0"),
        ("8.5.0.dev0", "major", "9.0.0"),
        ("4.0.2rc1", "patch", "4.0.2"),
        ("2.0.0b1", "major", "2.0.0"),
        ("1.3.2a1", "minor", "1.4.0"),
        ("1.2.4.dev3", "rc", "1.2.4rc1"),
        ("1.2.4rc1.dev2", "rc", "1.2.4rc1"),
        ("1.2.3", "2.0.0", "2.0.0"),
        ("1.2.3", "1.2.4b1", "1.2.4b1"),
        ("1.2.3", "2.0.0-RC1", "2.0.0rc1"),
        ("1!1.0", "minor", "1!1.1.0"),
    ],
)
def test_next_version(current: str, bump: str, expected: str) -> None:
    assert next_version(current, bump) == expected


@pytest.mark.parametrize(
    ("current", "bump", "message"),
    [
        ("1.2.3", "bogus", "invalid BUMP"),
        ("1.2.3", "1.2.3", "not greater than the current version 1.2.3"),
        ("1.2.3", "1.0", "version 1.0 gives 1.0, which is not greater"),
        ("1.2.3", "1.2.4+local", "local part"),
        ("1.3.0rc1", "alpha", "cannot go back"),
        ("1.3.0rc2", "minor,rc", "gives 1.3.0rc1, which is not greater than the current"),
        ("1.2.3", "release", "nothing to finish"),
        ("1.2.3.dev1", "post", "use 'release'"),
        ("1.2.3", "major,minor", "conflicting"),
        ("1.2.3", "post,minor", "conflicting"),
        ("1.2.3", "dev,dev", "conflicting"),
    ],
)
def test_invalid_bumps(current: str, bump: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        next_version(current, bump)


versions = pep440_versions()
bumps = st.sampled_from(KEYWORDS) | st.builds(
    lambda a, b: f"{a},{b}",
    st.sampled_from(("major", "minor", "patch", "alpha", "beta", "rc")),
    st.sampled_from(("alpha", "beta", "rc", "dev")),
)


@settings(max_examples=600, deadline=None)
@given(current=versions, bump=bumps)
def test_every_bump_goes_up_and_round_trips(current: str, bump: str) -> None:
    """Any keyword on any valid version: a PEP 440 version above the current one, or a refusal."""
    try:
        result = next_version(current, bump)
    except UsageError as exc:
        refusal = exc.message
    else:
        assert Version(result) > Version(current)
        assert str(Version(result)) == result  # normalised: what is written is what is read
        return
    assert current in refusal or "conflicting" in refusal


@settings(max_examples=200, deadline=None)
@given(current=versions, bump=st.sampled_from(("patch", "minor", "major", "dev", "rc")))
def test_keywords_that_always_have_an_answer(current: str, bump: str) -> None:
    """patch, minor, major, dev and rc (the last phase) never refuse."""
    result = next_version(current, bump)
    assert Version(result) > Version(current)


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
