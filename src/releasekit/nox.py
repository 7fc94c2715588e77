"""nox sessions for projects that adopt releasekit. Their whole noxfile can be::

    import releasekit.nox

    releasekit.nox.install()

which registers ``tests`` (``pytest --gate``), ``lint`` (ruff, mypy), ``docs`` (``mkdocs build
--strict``, when mkdocs.yml exists), ``bench`` (the ``performance`` tier) and ``release``
(``releasekit release``; arguments after ``--`` go to it, e.g. ``nox -s release -- minor``).
Sessions the project defines itself with the same name are left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["install"]


def _nox() -> Any:
    try:
        import nox
    except ImportError as exc:  # pragma: no cover - only importable inside a noxfile
        raise RuntimeError("releasekit.nox is for noxfiles: install nox") from exc
    return nox


def _registered() -> set[str]:
    import nox.registry

    return set(nox.registry.get())


def install(
    *,
    python: str | Sequence[str] | None = None,
    project: str = ".",
    test_requires: Sequence[str] = ("pytest-cov", "pytest-xdist"),
    lint_paths: Sequence[str] = (".",),
    release_requirement: str = "releasekit",
) -> list[str]:
    """Register releasekit's standard sessions in the calling noxfile; return their names."""
    nox = _nox()
    existing = _registered()
    added: list[str] = []

    def session(func: Any) -> None:
        if func.__name__ not in existing:
            nox.session(python=python, name=func.__name__)(func)
            added.append(func.__name__)

    def tests(s: Any) -> None:
        """Run the test suite with the quality gate (pytest --gate)."""
        s.install(project, "pytest-releasekit", *test_requires)
        s.run("pytest", "--gate", *s.posargs)

    def lint(s: Any) -> None:
        """ruff check + format check, and mypy when configured."""
        s.install("ruff", "mypy")
        s.run("ruff", "check", *lint_paths)
        s.run("ruff", "format", "--check", *lint_paths)
        pyproject = Path("pyproject.toml")
        if pyproject.is_file() and "[tool.mypy]" in pyproject.read_text(encoding="utf-8"):
            s.install(project)
            s.run("mypy")

    def docs(s: Any) -> None:
        """Build the docs with mkdocs --strict."""
        if not Path("mkdocs.yml").is_file():
            s.skip("no mkdocs.yml")
        s.install(project, "mkdocs-material", "mkdocstrings[python]")
        s.run("mkdocs", "build", "--strict")

    def bench(s: Any) -> None:
        """The performance tier, with the benchmark gate."""
        s.install(project, "pytest-releasekit[benchmark]")
        s.run("pytest", "--gate", "--tier=performance", *s.posargs)

    def release(s: Any) -> None:
        """Release with releasekit (default target: the embedded local index)."""
        s.install(release_requirement)
        s.run("releasekit", "release", *s.posargs)

    for func in (tests, lint, docs, bench, release):
        session(func)
    return added
