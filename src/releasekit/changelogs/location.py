"""Where a project keeps its changelog file: ``CHANGELOG``, ``CHANGES``, ``HISTORY`` or ``NEWS``
(``.md``, ``.rst``, ...) at the root; else a page of its docs that holds release entries."""

from __future__ import annotations

import re
from pathlib import Path

from ..textfiles import read_text
from .base import DOCS
from .entries import release_entries

__all__ = ["STEMS", "SUFFIXES", "find_file", "is_markdown"]

STEMS = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
SUFFIXES = (".md", ".rst", ".markdown", ".txt", "")


def is_markdown(path: Path) -> bool:
    """Whether a changelog file is Markdown, as its name says."""
    return path.suffix.lower() in {".md", ".markdown"}


def _named(directory: Path, stems: tuple[str, ...]) -> list[Path]:
    """Files of ``directory`` named ``stem + suffix``, in the order of ``stems``, ``SUFFIXES``."""
    if not directory.is_dir():
        return []
    names = {p.name.upper(): p for p in directory.iterdir() if p.is_file()}
    return [names[n] for s in stems for x in SUFFIXES if (n := (s + x).upper()) in names]


def find_file(root: Path) -> Path | None:
    """The project's changelog file: CHANGELOG, CHANGES, HISTORY, NEWS (.md, .rst, ...) at the
    root; else one in the docs that holds release entries (Python-Markdown's
    ``docs/changelog.md``, Starlette's ``docs/release-notes.md``, wheel's ``docs/news.rst``) --
    never a page that only includes ``../CHANGES.rst``."""
    found = _named(root, STEMS)
    if found:
        return found[0]
    pages = [p for base in DOCS for p in _named(root / base, _DOCS_STEMS)] + _mkdocs_pages(root)
    for path in pages:
        markdown = is_markdown(path)
        if release_entries(read_text(path).splitlines(), markdown):
            return path
    return None


_DOCS_STEMS = (*STEMS, "RELEASE-NOTES", "RELEASE_NOTES")
_DOCS_DIR = re.compile(r"^docs_dir:\s*['\"]?([^'\"\s#]+)", re.MULTILINE)
_NAV_PAGE = re.compile(r"^\s*-\s*(?:[^:\n]*:\s*)?['\"]?([^'\"\s:#]+\.md)['\"]?\s*$", re.MULTILINE)


def _mkdocs_pages(root: Path) -> list[Path]:
    """The pages of an MkDocs ``nav`` named like a changelog, under its ``docs_dir`` (relative to
    its configuration): wcmatch's ``docs/src/markdown/about/changelog.md`` from mkdocs.yml,
    FastAPI's ``docs/en/docs/release-notes.md`` from the English ``docs/en/mkdocs.yml`` of its
    translated docs; none outside the project."""
    inside = root.resolve()
    stems = {stem.upper() for stem in _DOCS_STEMS}
    languages = sorted((root / "docs").glob("*/mkdocs.yml"), key=lambda p: p.parent.name != "en")
    pages = []
    for config in [root / "mkdocs.yml", *languages]:
        if not config.is_file():
            continue
        text = read_text(config)
        configured = _DOCS_DIR.search(text)
        docs = config.parent / (configured.group(1) if configured else "docs")
        named = [page for page in _NAV_PAGE.findall(text) if Path(page).stem.upper() in stems]
        pages += [docs / page for page in named]
    return [p for p in pages if p.is_file() and p.resolve().is_relative_to(inside)]
