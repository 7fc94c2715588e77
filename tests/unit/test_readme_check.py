"""Before the release: the README ``[project] readme`` names renders as PyPI renders it
(readme_renderer), or doctor and preflight say which line does not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from releasekit.artifacts.readme import readme_problem

TENACITY = """Tenacity
========

.. testcode::

    import random
"""


@pytest.mark.parametrize(
    ("readme", "files", "line"),
    [
        ("README.rst", {"README.rst": TENACITY}, 4),
        ({"file": "docs/intro.txt", "content-type": "text/x-rst"}, {"docs/intro.txt": TENACITY}, 4),
        ("README.rst", {"README.rst": "Title\n=====\n\n`unclosed\n"}, 4),
    ],
)
def test_a_readme_pypi_cannot_render_is_named_with_its_line(
    tmp_path: Path, readme: Any, files: dict[str, str], line: int
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    problem = readme_problem(tmp_path, {"project": {"readme": readme}})
    assert problem is not None
    message, hint = problem
    name = next(iter(files))
    key = "readme.file" if isinstance(readme, dict) else "readme"
    assert message.startswith(f"pyproject.toml: [project] {key} = {name!r} does not render")
    assert f"(line {line}: " in message
    assert "PyPI refuses an upload" in message
    assert name in hint


@pytest.mark.parametrize(
    "project",
    [
        {"readme": "README.rst"},  # renders
        {"readme": "README.md"},  # Markdown always renders
        {"readme": "README.rst", "dynamic": ["readme"]},  # hatch-fancy-pypi-readme's
        {"readme": "MISSING.rst"},  # the build says so
        {},
    ],
)
def test_a_readme_that_renders_or_is_not_static_rst_is_no_problem(
    tmp_path: Path, project: dict[str, Any]
) -> None:
    (tmp_path / "README.rst").write_text("Title\n=====\n\nText with ``code``.\n")
    (tmp_path / "README.md").write_text(TENACITY)
    if project.get("dynamic"):
        (tmp_path / "README.rst").write_text(TENACITY)
    assert readme_problem(tmp_path, {"project": project}) is None


def test_the_command_line_starts_without_docutils() -> None:
    """docutils (readme_renderer's renderer) was a third of releasekit's start-up, paid by every
    command; it is imported for a reStructuredText README only."""
    code = (
        "import sys, releasekit.cli; "
        "print(sorted(m for m in sys.modules"
        " if m.partition('.')[0] in ('docutils', 'readme_renderer')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
