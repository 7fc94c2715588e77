"""Where towncrier writes when the file has no start line: at the very top. Right for a file
that begins with its latest entry (resolvelib's CHANGELOG.rst); above the title of one that
begins with ``Release History``, which preflight refuses and init explains."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.changelogs import ReleaseInfo, Towncrier, detect
from releasekit.init import init_project

PYPROJECT = """\
[project]
name = "pkg"
version = "1.2.1"

[tool.towncrier]
name = "pkg"
filename = "{filename}"
directory = "news"
"""
ENTRY = "1.2.1 (2025-10-11)\n==================\n\n- An older fix.\n"
RELEASE = ReleaseInfo("1.2.2", "2026-12-07", "1.2.2", "1.2.1")


def _project(root: Path, text: str, filename: str = "CHANGELOG.rst") -> Towncrier:
    (root / "pyproject.toml").write_text(PYPROJECT.format(filename=filename))
    (root / filename).write_text(text)
    (root / "news").mkdir()
    (root / "news" / "7.bugfix.rst").write_text("A new fix.\n")
    kind = detect(root)
    assert isinstance(kind, Towncrier)
    return kind


def _problems(kind: Towncrier) -> list[str]:
    return [what for what, _ in kind.check() if "towncrier would write" in what]


def test_a_file_that_begins_with_its_latest_entry_needs_no_start_line(tmp_path: Path) -> None:
    kind = _project(tmp_path, ENTRY)
    assert kind.above_title() is None
    assert _problems(kind) == []
    assert not any("start" in line for line in init_project(tmp_path).kept)
    kind.apply(RELEASE)  # the real towncrier: the new entry on top, over the older one
    text = (tmp_path / "CHANGELOG.rst").read_text()
    assert text.startswith("pkg 1.2.2 (2026-12-07)\n")
    assert text.index("A new fix.") < text.index(ENTRY)


@pytest.mark.parametrize(
    ("filename", "text", "title", "line", "start"),
    [
        ("CHANGELOG.rst", "Release History\n===============\n\n" + ENTRY, "Release History", 4,
         ".. towncrier release notes start"),
        ("CHANGELOG.md", "# Changelog\n\nAll notable changes.\n\n## 1.2.1\n\n- Older.\n",
         "Changelog", 5, "<!-- towncrier release notes start -->"),
        ("CHANGELOG.rst", "Changes\n=======\n", "Changes", 3, ".. towncrier release notes start"),
    ],
)  # fmt: skip
def test_a_title_without_the_start_line_is_refused_before_the_release(
    tmp_path: Path, filename: str, text: str, title: str, line: int, start: str
) -> None:
    kind = _project(tmp_path, text, filename)
    assert kind.above_title() == (title, line)
    [problem] = [(w, h) for w, h in kind.check() if "towncrier would write" in w]
    assert problem == (
        f"{filename} has no `{start}` line, so towncrier would write the new entry above the "
        f"file's title `{title}`",
        f"add the line `{start}` where new releases go ({filename} line {line}, above the "
        "latest entry), or set [tool.towncrier] start_string",
    )
    advice = [x for x in init_project(tmp_path).kept if "start" in x]
    assert advice == [
        f"{filename} has no `{start}` line: add it above the latest entry (line {line}), or "
        "towncrier writes the next one above the title"
    ]


def test_the_start_line_where_it_belongs_is_enough(tmp_path: Path) -> None:
    text = "Release History\n===============\n\n.. towncrier release notes start\n\n" + ENTRY
    kind = _project(tmp_path, text)
    assert kind.above_title() is None
    kind.apply(RELEASE)
    written = (tmp_path / "CHANGELOG.rst").read_text()
    assert written.startswith("Release History\n===============\n\n.. towncrier release notes")
    assert written.index("A new fix.") < written.index(ENTRY)


def test_a_file_not_in_utf8_is_one_problem_not_an_exception(tmp_path: Path) -> None:
    kind = _project(tmp_path, "Release History\n===============\n\n" + ENTRY)
    (tmp_path / "CHANGELOG.rst").write_bytes(b"Caf\xe9 History\n============\n\n" + ENTRY.encode())
    assert kind.above_title() is None
    [(what, _)] = list(kind.check())
    assert "CHANGELOG.rst" in what and "not UTF-8" in what
