"""Tag names as the project has them: the style is learned from existing tags.

``v1.2.3``, ``1.2.3``, ``name-1.2.3``, ``name-v1.2.3``, ``name@1.2.3`` and SQLAlchemy's
``rel_1_2_3`` (``{version_underscored}``: the version with ``_`` for ``.``) are recognised; the
style of the highest version tagged wins (the most recent release). Without tags the default is
``v{version}`` (``{name}-v{version}`` when packages are tagged separately). A configured
``tag_format`` always wins (config.py validates its fields against :data:`FIELDS`).
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from . import process

if TYPE_CHECKING:
    from .config import Config
    from .context import Context

__all__ = [
    "TagStyle",
    "detect_tag_format",
    "effective_tag_format",
    "format_tag",
    "lacking_version_tags",
    "last_release_tag",
    "latest_version_tag",
    "tag_names",
]

FIELDS = ("name", "version", "version_underscored")
#: The fields a tag format names its version with: one of them is required.
VERSION_FIELDS = ("version", "version_underscored")
_SEPARATORS = "-@_/"


def _git_lines(root: Path, *args: str) -> list[str]:
    done = process.run(["git", *args], cwd=root, check=False)
    return done.stdout.split() if done.returncode == 0 else []


def _all_tags(root: Path) -> list[str]:
    """Every tag, newest first (by the date of the tag or its commit)."""
    return _git_lines(
        root, "for-each-ref", "--sort=-creatordate", "--format=%(refname:short)", "refs/tags"
    )


def format_tag(fmt: str, name: str, version: str) -> str:
    """The tag ``fmt`` makes for package ``name`` at ``version``."""
    return fmt.format(name=name, version=version, version_underscored=version.replace(".", "_"))


def _parse(number: str, field: str) -> Version | None:
    """The version a tag's ``{version}`` or ``{version_underscored}`` part names, or None."""
    if field == "version_underscored":
        if "." in number:
            return None
        number = number.replace("_", ".")
    try:
        return Version(number)
    except InvalidVersion:
        return None


def _split(tag: str) -> tuple[str, str, Version, str] | None:
    """``(prefix, "v" or "", version, field)`` of a version-looking tag, shortest prefix first;
    ``field`` is ``version_underscored`` for ``rel_1_2_3``, else ``version``."""
    for i in range(len(tag)):
        if i and tag[i - 1] not in _SEPARATORS:
            continue
        rest = tag[i:]
        v = "v" if rest[:1] == "v" and rest[1:2].isdigit() else ""
        number = rest[len(v) :]
        if not number[:1].isdigit():
            continue
        for field in VERSION_FIELDS:
            version = _parse(number, field)
            if version is not None:
                return tag[:i], v, version, field
    return None


def lacking_version_tags(root: Path, names: Iterable[str]) -> list[str]:
    """Those of the tags ``names`` (a remote's) that name a version in any style releasekit
    learns (``v1.2.3``, ``1.2.3``, ``name-1.2.3``, ``rel_1_2_3``) and the repository at ``root``
    does not have."""
    local = set(_git_lines(root, "tag"))
    return sorted(tag for tag in names if tag not in local and _split(tag) is not None)


@dataclass(frozen=True)
class TagStyle:
    """A tag format learned from tags, and the tags it was learned from (oldest, newest)."""

    format: str
    oldest: str
    newest: str

    @property
    def source(self) -> str:
        span = self.newest if self.oldest == self.newest else f"{self.oldest}..{self.newest}"
        return f"detected from tags {span}"


def _format_of(prefix: str, v: str, field: str, names: Sequence[str]) -> str:
    version = v + "{" + field + "}"
    if not prefix:
        return version
    name_part, sep = prefix[:-1], prefix[-1]
    if name_part in names:
        return "{name}" + sep + version
    return prefix.replace("{", "{{").replace("}", "}}") + version


def _styles(root: Path, names: Sequence[str]) -> list[tuple[Version, str, str]]:
    found = []
    for tag in _all_tags(root):
        parts = _split(tag)
        if parts is not None:
            found.append((parts[2], _format_of(parts[0], parts[1], parts[3], names), tag))
    return found


def detect_style(root: Path, names: Sequence[str]) -> TagStyle | None:
    """The style of the highest version tagged (ties: the newest tag), or None without tags."""
    found = _styles(root, names)
    if not found:
        return None
    best = max(found, key=lambda item: item[0])  # max keeps the first (newest) of equals
    same = sorted((item for item in found if item[1] == best[1]), key=lambda item: item[0])
    return TagStyle(best[1], same[0][2], same[-1][2])


def detect_tag_format(root: Path, names: Sequence[str]) -> str | None:
    """The tag format the repository at ``root`` uses for packages ``names``, or None."""
    style = detect_style(root, names)
    return style.format if style else None


def default_tag_format(per_package: bool) -> str:
    return "{name}-v{version}" if per_package else "v{version}"


def effective_tag_format(root: Path, config: Config, names: Sequence[str]) -> tuple[str, str]:
    """``(format, where it came from)``: configured, else detected from tags, else the default."""
    if config.tag_format:
        return config.tag_format, config.sources.get("tag_format", "configured")
    per_package = config.tag_per_package
    style = detect_style(root, names)
    if style is not None and (per_package is None or ("{name}" in style.format) == per_package):
        return style.format, style.source
    if per_package is None:
        per_package = len(names) > 1
    return default_tag_format(per_package), "default: no release tags yet"


def tag_names(ctx: Context, version: str | None = None) -> list[str]:
    """The tags of the release of ``version`` (default: the one being released): one per
    package when the format names the package, else one."""
    names = [p.name for p in ctx.workspace.packages]
    fmt, _ = effective_tag_format(ctx.root, ctx.config, names)
    tags = [format_tag(fmt, name, version or ctx.version) for name in names]
    return list(dict.fromkeys(tags))  # "v{version}" for a workspace is one tag, not two


def _pattern(fmt: str, name: str | None) -> tuple[re.Pattern[str], str]:
    """The regular expression of the tags ``fmt`` makes, and the version field it uses."""
    regex, used = "", "version"
    for literal, field, _, _ in string.Formatter().parse(fmt):
        regex += re.escape(literal)
        if field in VERSION_FIELDS:
            regex += r"(?P<version>[0-9][^/]*)"
            used = field
        elif field == "name":
            regex += re.escape(name) if name is not None else r".+?"
    return re.compile(regex), used


def tag_matcher(fmt: str, name: str | None = None) -> Callable[[str], Version | None]:
    """A function giving the version a tag made by ``fmt`` names (None for any other tag)."""
    pattern, field = _pattern(fmt, name)

    def version_of(tag: str) -> Version | None:
        match = pattern.fullmatch(tag)
        return _parse(match.group("version"), field) if match else None

    return version_of


def latest_version_tag(
    root: Path, fmt: str, *, name: str | None = None, merged: bool = True
) -> tuple[str, Version] | None:
    """The highest-versioned tag that ``fmt`` could have made, or None: of those reachable from
    HEAD, or (``merged=False``) of all, a release made on another branch too."""
    version_of = tag_matcher(fmt, name)
    best: tuple[str, Version] | None = None
    for tag in _git_lines(root, "tag", *(["--merged", "HEAD"] if merged else [])):
        version = version_of(tag)
        if version is not None and (best is None or version > best[1]):
            best = (tag, version)
    return best


def last_release_tag(root: Path, config: Config, names: Sequence[str]) -> str | None:
    """The tag of the last release of these packages (reachable from HEAD), or None."""
    fmt, _ = effective_tag_format(root, config, names)
    found = latest_version_tag(root, fmt, name=names[0] if names else None)
    return found[0] if found else None
