"""Versions that ARE the git tags: hatch-vcs, setuptools-scm and pdm-backend's ``scm`` source.

The current version is the highest release tag reachable from HEAD (read with the project's tag
style). Nothing is written: the release tag makes the version, and the build is pinned to the
planned version through the backend's environment variables, so a build before the tag exists can
never come out as ``X.Y.Z.devN``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from .. import process
from .base import VersionSource

__all__ = ["DEFAULT_TAG_FORMATS", "VcsVersion", "latest_tag", "pretend_env"]

DEFAULT_TAG_FORMATS = ("v{version}", "{version}")


def _tag_regex(fmt: str, name: str) -> re.Pattern[str]:
    canonical = canonicalize_name(name)
    spellings = "|".join(
        sorted({re.escape(s) for s in (name, canonical, canonical.replace("-", "_"))})
    )
    pattern = ""
    for part in re.split(r"(\{version\}|\{name\})", fmt):
        if part == "{version}":
            pattern += r"(?P<version>[0-9]\S*)"
        elif part == "{name}":
            pattern += f"(?:{spellings})"
        else:
            pattern += re.escape(part)
    return re.compile(pattern + r"\Z")


def latest_tag(root: Path, name: str, formats: Sequence[str]) -> tuple[str, Version] | None:
    """The highest-versioned tag reachable from HEAD that fits one of ``formats``."""
    done = process.run(["git", "tag", "--merged", "HEAD"], cwd=root, check=False)
    if done.returncode != 0:
        return None
    regexes = [_tag_regex(fmt, name) for fmt in formats]
    best: tuple[str, Version] | None = None
    for tag in done.stdout.split():
        for regex in regexes:
            match = regex.match(tag)
            if not match:
                continue
            try:
                version = Version(match.group("version"))
            except InvalidVersion:
                continue
            if version.local is None and (best is None or version > best[1]):
                best = (tag, version)
    return best


def pretend_env(name: str, version: str) -> dict[str, str]:
    """What setuptools-scm (and so hatch-vcs) and pdm-backend read instead of git."""
    normalized = canonicalize_name(name).replace("-", "_").upper()
    return {
        "SETUPTOOLS_SCM_PRETEND_VERSION": version,
        f"SETUPTOOLS_SCM_PRETEND_VERSION_FOR_{normalized}": version,
        "PDM_BUILD_SCM_VERSION": version,
    }


class VcsVersion(VersionSource):
    """The version is the latest release tag; the build gets the planned version pinned."""

    def __init__(self, root: Path, *, kind: str, name: str, tag_formats: Sequence[str]) -> None:
        super().__init__(root)
        self.kind = kind
        self.name = name
        self.tag_formats = tuple(tag_formats)

    @property
    def vcs(self) -> bool:
        return True

    def read(self) -> str:
        found = latest_tag(self.root, self.name, self.tag_formats)
        return str(found[1]) if found else "0.0.0"

    def files(self) -> tuple[Path, ...]:
        return ()

    def write(self, version: str) -> None:
        """Nothing to write: the tag is the version."""

    def verify(self, version: str) -> None:
        """Nothing was written; the build pins ``version`` and verify compares the artifacts."""

    def describe(self) -> str:
        found = latest_tag(self.root, self.name, self.tag_formats)
        where = f"latest tag {found[0]}" if found else "no release tag yet"
        return f"git tags ({self.kind}; {where})"

    def build_env(self, name: str, version: str) -> dict[str, str]:
        return pretend_env(name, version)
