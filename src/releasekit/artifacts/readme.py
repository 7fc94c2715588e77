"""The README a release's metadata carries, rendered as PyPI renders it, before anything is built.

PyPI refuses an upload whose reStructuredText description does not render ("The description
failed to render for 'text/x-rst'"), and ``twine check`` finds it only in the built files, in
verify. The README the pyproject names is rendered here with readme_renderer (twine's, the
renderer PyPI uses), so doctor and preflight say so first: tenacity's README uses Sphinx's
``testcode`` directive, which docutils does not know. Markdown and plain text always render.
When verify's ``twine check`` still fails, :func:`twine_errors` reads its report for the ERROR
line: twine's error and the line it names, not the README text it quotes after them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..textfiles import read_text

__all__ = ["readme_problem", "twine_errors"]

#: docutils' report of a markup error: ``<string>:29: (ERROR/3) Unknown directive type "x".``
_REPORT = re.compile(r"^<string>:(?P<line>\d+): \(\w+/\d\) (?P<message>.+)$", re.MULTILINE)
#: twine check's error: on its own line, or after ``Checking FILE:`` (InvalidDistribution)
_ERROR = re.compile(r"^(?:Checking \S+: )?ERROR\s+(?P<error>.+)$")


def readme_problem(root: Path, pyproject: Mapping[str, Any]) -> tuple[str, str] | None:
    """What is wrong with the reStructuredText README ``[project] readme`` names, and how to fix
    it; None when it renders, or is not static reStructuredText."""
    project = pyproject.get("project", {})
    readme = project.get("readme")
    if "readme" in project.get("dynamic", []):
        return None
    if isinstance(readme, Mapping):
        key, name, kind = "readme.file", readme.get("file"), readme.get("content-type")
    else:
        key, name, kind = "readme", readme, None
    if not isinstance(name, str):
        return None
    path = root / name
    if kind is None:
        kind = "text/x-rst" if path.suffix.lower() == ".rst" else None
    if kind != "text/x-rst" or not path.is_file():
        return None
    # docutils is a third of releasekit's start-up: imported for a reStructuredText README only
    import readme_renderer.rst

    stream = io.StringIO()
    if readme_renderer.rst.render(read_text(path), stream=stream) is not None:
        return None
    found = _REPORT.search(stream.getvalue())
    where = f"line {found['line']}: {found['message']}" if found else "docutils reports errors"
    return (
        f"pyproject.toml: [project] {key} = {name!r} does not render as reStructuredText "
        f"({where}), and PyPI refuses an upload whose description does not render",
        f"fix the markup in {name} (Sphinx's own directives and roles, e.g. testcode, are not "
        "docutils'); `python -m readme_renderer " + name + "` shows every error",
    )


def twine_errors(output: str) -> str:
    """twine check's errors in ``output``, each with the line it names (``line 29: Error:
    Unknown directive type "testcode".``), not the README text it quotes after it."""
    lines = output.splitlines()
    errors = []
    for at, line in enumerate(lines):
        found = _ERROR.match(line)
        if found:
            error = found["error"].strip()
            following = lines[at + 1].strip() if at + 1 < len(lines) else ""
            errors.append(f"{error} {following}" if following.startswith("line ") else error)
    return "; ".join(errors)
