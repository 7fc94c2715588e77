import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from releasekit.errors import UsageError
from releasekit.versioning import (
    bump_from_fragments,
    find_fragments,
    fragment_types,
    next_version,
    stray_fragments,
)

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
        ("1!1.0", "minor", "1!1.1"),
        # as many components as the project writes (packaging's 26.3, 26.4.dev0)
        ("26.3", "minor", "26.4"),
        ("26.3", "major", "27.0"),
        ("26.3", "patch", "26.3.1"),
        ("26.4.dev0", "patch", "26.4"),
        ("26.4rc1", "minor", "26.4"),
        ("26.3", "minor,rc", "26.4rc1"),
        ("2", "minor", "2.1"),
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


@pytest.mark.parametrize(
    ("table", "types"),
    [
        ("", ("feature", "bugfix", "doc", "removal", "misc")),
        (  # the table form wins over [[type]] entries, as in towncrier
            "[tool.towncrier.fragment.breaking]\n[tool.towncrier.fragment.fixed]\n"
            "[[tool.towncrier.type]]\ndirectory = 'feature'\nname = 'Features'\n",
            ("breaking", "fixed"),
        ),
        (  # an entry without directory is its name, lowercased
            "[[tool.towncrier.type]]\nname = 'Removal'\n"
            "[[tool.towncrier.type]]\ndirectory = 'bugfix'\nname = 'Bug fixes'\n",
            ("removal", "bugfix"),
        ),
    ],
    ids=["defaults", "fragment-tables", "type-without-directory"],
)
def test_fragments_are_what_towncrier_itself_writes_and_the_rest_are_strays(
    tmp_path: Path, table: str, types: tuple[str, ...]
) -> None:
    """Our reading of the fragment directory agrees with ``towncrier build``: every fragment we
    find is in its draft, every stray we report is not; with an ``ignore`` list (towncrier is
    strict then) the names it lists are no strays, and towncrier refuses the strays we report."""
    config = (
        "[project]\nname = 'p'\nversion = '1.0'\n[tool.towncrier]\ndirectory = 'changes'\n"
        "filename = 'NEWS.md'\ntemplate = 'changes/notes.jinja'\n"
    )
    (tmp_path / "pyproject.toml").write_text(config + table)
    settings = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["towncrier"]
    directory = tmp_path / "changes"
    directory.mkdir()
    fragments = {f"{n}.{kind}.md" for n, kind in enumerate(types)}
    wrong = {"+x.fixd.md", "7.fix", "keep-me.info"}
    wrong.add("9.breaking.rst" if "breaking" not in types else "9.feature.rst")
    for name in [*fragments, *wrong, "README.md", "notes.txt", ".gitkeep"]:
        (directory / name).write_text(f"Note from {name}.\n")
    (directory / "notes.jinja").write_text(
        "{% for section, _ in sections.items() %}{% for category, val in definitions.items() %}"
        "{% for text in sections[section][category] %}{{ text }}\n{% endfor %}"
        "{% endfor %}{% endfor %}"
    )
    assert fragment_types(settings) == types

    def draft() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "towncrier", "build", "--draft", "--version", "1.1"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )

    found = {f.path.name for f in find_fragments(tmp_path, settings)}
    written = {name for name in [*fragments, *wrong] if f"from {name}." in draft().stdout}
    assert found == fragments
    assert written == {name for name in fragments if ".misc." not in name}  # no showcontent
    assert {p.name for p in stray_fragments(tmp_path, settings)} == wrong

    (tmp_path / "pyproject.toml").write_text(config + "ignore = ['keep-*']\n" + table)
    settings["ignore"] = ["keep-*"]
    strays = {p.name for p in stray_fragments(tmp_path, settings)}
    assert strays == wrong - {"keep-me.info"} | {"notes.txt"}  # strict: every other file
    refused = draft()
    assert refused.returncode != 0
    assert any(
        f"Invalid news fragment name: {name}" in refused.stdout + refused.stderr for name in strays
    )
    for name in strays:
        (directory / name).unlink()
    assert stray_fragments(tmp_path, settings) == []
    assert draft().returncode == 0
