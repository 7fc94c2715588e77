"""The project's documentation environment: where the docs step runs mkdocs and mike.

A project that declares its documentation dependencies (a ``docs`` dependency group or extra,
poetry's docs group, ``docs/requirements.txt``: :func:`releasekit.testreqs.requirements_for_docs`)
gets its site built the way it builds it: in a fresh venv under the release's work directory,
with those dependencies (under ``uv.lock``'s versions when there is one), MkDocs and mike unless
they name them, and the built wheels, so mkdocstrings documents the code being released.
typing-inspection's ``docs`` group names mkdocstrings, which no ``releasekit[docs]`` has. A
project that declares none builds with the MkDocs installed next to releasekit, as before.
Promoting the alias and rolling back run mike from the same venv (made again, without the wheels,
when the work directory is gone): mike reads mkdocs.yml, whose plugins must be importable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .config import read_pyproject
from .testreqs import install_args, requirement_name, requirements_for_docs
from .venv import VirtualEnv

if TYPE_CHECKING:
    from .context import Context

__all__ = ["DOCS_TOOLS", "docs_env", "docs_requirements"]

#: Installed into the docs environment unless the project's requirements name them.
DOCS_TOOLS = ("mkdocs", "mike")
_VENV = "venv-docs"


def docs_requirements(root: Path) -> tuple[tuple[str, ...], str | None]:
    """The documentation dependencies ``root`` declares, and where (None: it declares none)."""
    pyproject = root / "pyproject.toml"
    data = read_pyproject(pyproject) if pyproject.is_file() else {}
    return requirements_for_docs(data, pyproject)


def docs_env(ctx: Context, *, wheels: list[Path] | None = None) -> VirtualEnv | None:
    """The docs environment, or None when the project declares no documentation dependencies.
    With ``wheels`` it is made afresh with them in it (the build); without, the one made for the
    build is reused, or one is made without them (promote, rollback)."""
    requirements, source = docs_requirements(ctx.root)
    if source is None:
        return None
    path = ctx.release_dir / _VENV
    venv = VirtualEnv(path)
    if wheels is None and (path / "bin" / "mike").is_file():
        return venv
    venv = VirtualEnv.create(path, what="creating the docs environment")
    named = {p.path: p.name for p in ctx.workspace.packages}
    skip = {p.canonical for p in ctx.workspace.packages}  # the wheels are the project
    args, names = install_args(
        [r for r in requirements if requirement_name(r) not in skip],
        ctx.root,
        named,
        ctx.release_dir / "docs-requirements",
    )
    tools = [tool for tool in DOCS_TOOLS if tool not in names]
    venv.install(
        [*(wheels or []), *args, *tools],
        what=f"installing the docs environment ({source}, {', '.join(DOCS_TOOLS)})",
    )
    return venv
