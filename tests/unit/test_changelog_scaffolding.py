"""An unreleased entry as maintainers release it. Markdown: the template stays behind (Black's
``## Unreleased`` has a subsection per kind of change, each with an HTML comment for the pull
request's author, and its maintainers' release commit drops the comments and the empty
subsections as it renames the heading; before, releasekit published them). An entry written
ahead gets the released line the others have (Werkzeug's)."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from releasekit.changelogs import ReleaseInfo
from releasekit.changelogs.scaffolding import without_scaffolding
from releasekit.changelogs.textfile import TextFile

DATA = Path(__file__).parent / "data"


def _entry(text: str, heading: str) -> str:
    start = text.index(heading)
    return text[start : text.index("\n## ", start + 1)]


def test_blacks_unreleased_template_as_its_release_commit_left_it(tmp_path: Path) -> None:
    """The top of Black's CHANGES.md just before ``Prepare release 26.5.1`` (87928e6): only
    Stable style and Documentation have entries, and only they stay (the commit also added an
    entry under Packaging, which is why Black's 26.5.1 has that heading too)."""
    changes = tmp_path / "CHANGES.md"
    before = (DATA / "black-26.5.1-unreleased.md").read_text(encoding="utf-8")
    changes.write_text(before, encoding="utf-8")

    applied = TextFile(tmp_path, changes).apply(
        ReleaseInfo("26.5.1", "2026-05-18", "26.5.1", "26.5.0")
    )

    after = changes.read_text(encoding="utf-8")
    entry = _entry(after, "## Version 26.5.1")
    assert re.findall(r"^#+ .*$", entry, re.MULTILINE) == [
        "## Version 26.5.1",
        "### Stable style",
        "### Documentation",
    ]
    assert "<!--" not in entry and "\n\n\n" not in entry
    bullets = [line for line in _entry(before, "## Unreleased").splitlines() if line.strip()]
    bullets = [line for line in bullets if not line.startswith(("#", "<!--", "     "))]
    assert [line for line in entry.splitlines() if line in bullets] == bullets  # every line kept
    assert after.endswith(before[before.index("## Version 26.5.0") :])  # the rest as it was
    assert "<!--" not in applied.notes and "### Parser" not in applied.notes


def test_a_comment_beside_text_a_code_block_and_an_unclosed_comment_stay() -> None:
    body = [
        "",
        "### Added",
        "",
        "- a note <!-- with a comment beside it -->",
        "",
        "### Fixed",
        "",
        "```python",
        "# a comment in the code, not a heading",
        "<!-- nor this -->",
        "```",
        "",
        "### Removed",
        "",
        "<!-- nothing yet -->",
        "",
        "",
    ]
    assert without_scaffolding(body) == [*body[:11], "", ""]  # the entry's two blank lines
    unclosed = ["", "### Removed", "<!-- never closed", ""]
    assert without_scaffolding(unclosed) == unclosed


_BLOCKS = {
    "blank": [""],
    "heading": ["### Added"],
    "subheading": ["#### Sub"],
    "item": ["- item"],
    "hint": ["<!-- hint -->"],
    "long hint": ["<!-- a hint", "     on two lines -->"],
}


@given(st.lists(st.sampled_from(sorted(_BLOCKS)), max_size=20))
def test_only_comments_and_empty_headings_go(blocks: list[str]) -> None:
    """Whatever the template: every item stays, in order, no comment stays and no heading is
    left with nothing under it before one of its level or above."""
    body = [line for block in blocks for line in _BLOCKS[block]]
    out = without_scaffolding(body)
    assert [line for line in out if line == "- item"] == [line for line in body if line == "- item"]
    if out == body:
        return
    assert not any("<!--" in line or "-->" in line for line in out)
    for index, line in enumerate(out):
        if line.startswith("#"):
            rest = [n for n in out[index + 1 :] if n.strip()]
            level = len(line.split()[0])
            assert rest and not (rest[0].startswith("#") and len(rest[0].split()[0]) <= level)


def test_an_entry_written_ahead_gets_the_released_line_the_others_have(tmp_path: Path) -> None:
    """Werkzeug's CHANGES.rst on main: ``Version 3.2.0`` is written, without the
    ``Unreleased`` line its release commits turn into ``Released <date>`` (``release version
    3.1.3``, 6389612 wrote ``Released 2024-11-08`` so). Before, releasekit called the entry
    written and released 3.2.0 with no date in its changelog."""
    changes = tmp_path / "CHANGES.rst"
    before = (DATA / "werkzeug-3.2.0-changes.rst").read_text(encoding="utf-8")
    changes.write_text(before, encoding="utf-8")

    applied = TextFile(tmp_path, changes).apply(
        ReleaseInfo("3.2.0", "2026-12-06", "3.2.0", "3.1.3")
    )

    heading = "Version 3.2.0\n-------------\n\n"
    assert changes.read_text(encoding="utf-8") == before.replace(
        heading, heading + "Released 2026-12-06\n\n", 1
    )
    assert applied.notes.startswith("-   Drop support for Python 3.9. :pr:`3098`")
    # released again (a resumed release): written, nothing changes
    again = TextFile(tmp_path, changes).apply(ReleaseInfo("3.2.0", "2026-12-07", "3.2.0", "3.1.3"))
    assert "Released 2026-12-07" not in changes.read_text(encoding="utf-8")
    assert again.notes == applied.notes
