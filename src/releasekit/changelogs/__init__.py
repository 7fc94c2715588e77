"""Changelog kinds: one class per way projects keep their release notes.

:func:`resolve` picks the project's kind -- configured with ``changelog`` or detected: towncrier
(``[tool.towncrier]``), keep-a-changelog (a Markdown file with ``## [Unreleased]``), the Sphinx
``changelog`` extension's ``.. changelog::`` blocks in the docs (SQLAlchemy's, Mako's), a hand-kept
``CHANGES``/``HISTORY``/``NEWS``/``CHANGELOG`` file, a changelog section of the README (parse's),
a directory of one file per release (cookiecutter's ``CHANGELOG/2.7.1.md``), or none (notes from
the commits). Adding a kind is one class and one line in :data:`KINDS`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..config import Config, read_pyproject
from ..errors import ConfigError, UsageError
from ..versioning import bump_from_fragments
from .base import Applied, Changelog, ReleaseInfo
from .commits import Commit, bump_from_commits, commits_since
from .directive import SphinxChangelog
from .keepachangelog import KeepAChangelog
from .none import NoChangelog
from .perversion import PerVersionFiles
from .readme import ReadmeSection
from .textfile import TextFile
from .towncrier import Towncrier

__all__ = [
    "KINDS",
    "Applied",
    "Changelog",
    "Commit",
    "KeepAChangelog",
    "NoChangelog",
    "PerVersionFiles",
    "ReadmeSection",
    "ReleaseInfo",
    "SphinxChangelog",
    "TextFile",
    "Towncrier",
    "choose_bump",
    "commits_since",
    "detect",
    "resolve",
]

#: Detection order: the first kind that recognises the project wins.
KINDS: tuple[type[Changelog], ...] = (
    Towncrier,
    KeepAChangelog,
    SphinxChangelog,
    TextFile,
    ReadmeSection,
    PerVersionFiles,
    NoChangelog,
)
_NAMES = {kind.kind: kind for kind in KINDS}
HINT = (
    "set [tool.releasekit] changelog to towncrier, keepachangelog, sphinx-changelog, file, "
    "readme, per-version, none, "
    "a file's path, "
    "or false to turn the changelog step off"
)


def detect(root: Path, pyproject: dict[str, Any] | None = None) -> Changelog:
    """The changelog kind the project at ``root`` uses (``none`` when it keeps no changelog)."""
    data = read_pyproject(root / "pyproject.toml") if pyproject is None else pyproject
    for kind in KINDS:
        found = kind.detect(root, data)
        if found is not None:
            return found
    return NoChangelog(root)  # pragma: no cover - NoChangelog always detects


def resolve(root: Path, config: Config) -> Changelog | None:
    """The configured or detected kind; None when ``changelog = false``."""
    value = config.changelog
    if value is False:
        return None
    if value is None or value is True:
        return detect(root)
    where = config.sources.get("changelog", "configuration")
    data = read_pyproject(root / "pyproject.toml")
    if value in _NAMES:
        found = _NAMES[value].detect(root, data)
        if found is None:
            raise ConfigError(
                f"{where}: [tool.releasekit] key 'changelog': {value!r}, but the project has "
                f"no {value} changelog",
                hint=_missing_hint(value),
            )
        return found
    path = root / value
    if not path.is_file():
        raise ConfigError(
            f"{where}: [tool.releasekit] key 'changelog': {value!r} is neither a kind nor a "
            f"file in {root}",
            hint=HINT,
        )
    if KeepAChangelog.recognises(path):
        return KeepAChangelog(root, path)
    if SphinxChangelog.recognises(path):
        return SphinxChangelog(root, path)
    if path.name.upper().startswith("README") and ReadmeSection.recognises(path):
        return ReadmeSection(root, path)
    return TextFile(root, path)


def _missing_hint(kind: str) -> str:
    return {
        "towncrier": "add a [tool.towncrier] table (see `releasekit init`)",
        "keepachangelog": "add a '## [Unreleased]' section to CHANGELOG.md",
        "file": "create CHANGES.md (or CHANGES.rst, HISTORY.rst, ...)",
        "sphinx-changelog": "keep docs/changelog.rst in `.. changelog::` blocks",
        "readme": "add a 'Changelog' section with release entries to the README",
        "per-version": "keep one file per release in CHANGELOG/ (CHANGELOG/1.2.3.md, ...)",
    }.get(kind, HINT)


def choose_bump(root: Path, config: Config, bump: str | None, last_tag: str | None) -> str:
    """BUMP as given; else from towncrier fragment types; else from conventional commits."""
    if bump:
        return bump
    kind = resolve(root, config)
    if isinstance(kind, Towncrier):
        fragments = kind.fragments()
        if fragments:
            return bump_from_fragments(fragments, dict(config.bump_map))
        if config.require_fragments is not False:  # the fragments choose the bump
            raise UsageError(
                f"no BUMP given, and no changelog fragments in {kind.directory}/ to choose it",
                hint="add one (e.g. `towncrier create 123.feature.md`), or pass BUMP "
                "(e.g. `releasekit release patch`)",
            )
    wanted = bump_from_commits(commits_since(root, last_tag))
    if wanted is None:
        since = f"since {last_tag}" if last_tag else "in the history"
        raise UsageError(
            f"no BUMP given, and no towncrier fragments nor conventional commits (feat:, fix:) "
            f"{since} to derive it from",
            hint="pass one, e.g. `releasekit release patch` (or minor, major, rc, 2.0.0)",
        )
    return wanted
