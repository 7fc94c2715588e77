"""The next version: from BUMP (``major|minor|patch``, a pre-release step, or an explicit PEP 440
version), or derived from the towncrier fragment types when BUMP is omitted.

Every result is strictly greater than the current version (PEP 440 ordering) or a
:class:`~releasekit.errors.UsageError` naming both versions. The keywords, with ``N`` counting
from 1:

* ``major`` / ``minor`` / ``patch``: the next release at that level. From a pre-release or
  development version of an unreleased X.Y.Z the bump finishes it when X.Y.Z already is at that
  level (the convention of semver, npm and poetry): ``8.5.0.dev0 patch -> 8.5.0``,
  ``4.0.2rc1 patch -> 4.0.2``, ``2.0.0b1 major -> 2.0.0``, ``1.3.2a1 minor -> 1.4.0``.
  hatch (``hatch version patch``) would give 8.5.1 and skip the version the pre-release was
  heading for; that is the one place releasekit deliberately differs from hatch.
* ``alpha`` / ``beta`` / ``rc``: from a final (or post) release, the first pre-release of the next
  patch (``1.2.3 rc -> 1.2.4rc1``); in the same phase the next number (``rc1 -> rc2``); a later
  phase starts at 1 (``a2 beta -> b1``); an earlier phase is refused; from a dev version of a
  pre-release, that pre-release (``1.2.4rc1.dev2 rc -> 1.2.4rc1``).
  Combined with a level (``minor,rc``) the level is bumped first.
* ``release``: drops the pre-release and development parts (``4.0.2rc1 -> 4.0.2``,
  ``8.5.0.dev0 -> 8.5.0``, ``1.2.3.post1.dev1 -> 1.2.3.post1``); refused on a final release.
* ``post``: the next post-release of a released version (``1.2.3 -> 1.2.3.post1``,
  ``.post1 -> .post2``, ``1.2.3.post2.dev1 -> 1.2.3.post2``); refused on a development version
  of an unreleased version (there is no release to follow up yet).
* ``dev``: the next development version, always above the current one: a final (or post) release
  gives the next patch's ``.dev1`` (``1.2.3 -> 1.2.4.dev1``), a dev version counts on
  (``.dev1 -> .dev2``), a pre-release gives the next pre-release's first dev version
  (``1.2.4rc1 -> 1.2.4rc2.dev1``). ``dev`` may be combined with a level or a phase
  (``minor,dev -> 1.3.0.dev1``, ``rc,dev -> 1.2.4rc1.dev1``).

Explicit versions are normalised (``2.0.0-RC1 -> 2.0.0rc1``); local versions (``+abc``) are
refused because no index accepts them.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from packaging.version import InvalidVersion, Version

from .errors import UsageError

__all__ = [
    "BUMP_HELP",
    "Fragment",
    "bump_from_fragments",
    "find_fragments",
    "fragment_types",
    "next_version",
    "stray_fragments",
    "towncrier_settings",
    "unreadable_fragments",
]

PARTS = ("major", "minor", "patch")
PRE = {"alpha": "a", "beta": "b", "rc": "rc"}
PRE_ORDER = ("a", "b", "rc")
OTHER = ("release", "post", "dev")
BUMP_HELP = (
    "use major, minor, patch, alpha, beta, rc, release, post, dev, a combination like "
    "'minor,rc', or an explicit PEP 440 version such as 2.0.0"
)
TOWNCRIER_DEFAULT_TYPES = ("feature", "bugfix", "doc", "removal", "misc")


@dataclass(frozen=True)
class _V:
    """The parts of a version being built (epoch kept from the current version)."""

    epoch: int
    release: tuple[int, ...]
    pre: tuple[str, int] | None = None
    post: int | None = None
    dev: int | None = None

    def __str__(self) -> str:
        text = (f"{self.epoch}!" if self.epoch else "") + ".".join(map(str, self.release))
        if self.pre:
            text += f"{self.pre[0]}{self.pre[1]}"
        if self.post is not None:
            text += f".post{self.post}"
        if self.dev is not None:
            text += f".dev{self.dev}"
        return text


def _unreleased(now: Version) -> bool:
    """A pre-release, or a development version of a version not released yet."""
    return now.pre is not None or (now.dev is not None and now.post is None)


def _level(now: Version, part: str) -> tuple[int, ...]:
    """The release ``part`` leads to (an unreleased version at that level is finished), with as
    many components as the current version has, where ``part`` needs no more: packaging's
    ``26.3`` -> ``26.4`` (minor) and ``26.4.dev0`` -> ``26.4``, as its tags are, not 26.4.0."""
    major, minor, patch = [*now.release, 0, 0, 0][:3]
    rest = now.release[3:]
    index = PARTS.index(part)
    width = min(3, max(len(now.release), index + 1))
    if _unreleased(now) and not any(rest) and not any((major, minor, patch)[index + 1 :]):
        return (major, minor, patch)[: min(3, len(now.release))]  # finished as written
    if part == "major":
        return (major + 1, 0, 0)[:width]
    if part == "minor":
        return (major, minor + 1, 0)[:width]
    return major, minor, patch + 1


def _pre(now: Version, phase: str) -> _V:
    """A lone alpha/beta/rc step (see the module docstring)."""
    if now.pre is None:
        if now.dev is not None and now.post is None:  # X.devN -> XaN..: the first pre of X
            return _V(now.epoch, now.release, (phase, 1))
        return _V(now.epoch, _level(now, "patch"), (phase, 1))
    current_phase, number = now.pre
    if PRE_ORDER.index(phase) < PRE_ORDER.index(current_phase):
        raise UsageError(
            f"cannot go back from {now} to an earlier pre-release phase ({phase})",
            hint="use the same or a later phase (a < b < rc), or 'release'",
        )
    if phase != current_phase:
        return _V(now.epoch, now.release, (phase, 1))
    if now.dev is not None and now.post is None:  # finishing X rcN.devM -> X rcN
        return _V(now.epoch, now.release, now.pre)
    return _V(now.epoch, now.release, (phase, number + 1))


def _dev(now: Version) -> _V:
    if now.dev is not None:
        return _V(now.epoch, now.release, now.pre, now.post, now.dev + 1)
    if now.pre is not None:
        return _V(now.epoch, now.release, (now.pre[0], now.pre[1] + 1), None, 1)
    return _V(now.epoch, _level(now, "patch"), None, None, 1)


def _post(now: Version) -> _V:
    if now.post is not None and now.dev is not None:
        return _V(now.epoch, now.release, now.pre, now.post)
    if now.dev is not None:
        raise UsageError(
            f"{now} is a development version of an unreleased version; a post-release follows "
            "a release",
            hint="use 'release' to release it first",
        )
    return _V(now.epoch, now.release, now.pre, (now.post or 0) + 1)


def next_version(current: str, bump: str) -> str:
    """The version after ``current`` for ``bump``; always greater. Raises UsageError otherwise."""
    try:
        now = Version(current)
    except InvalidVersion:
        raise UsageError(f"current version {current!r} is not PEP 440") from None
    words = [w.strip().lower() for w in bump.split(",") if w.strip()]
    if words and all(w in PARTS or w in PRE or w in OTHER for w in words):
        result = str(_step(now, words))
        what = f"{bump!r} on {current}"
    else:
        try:
            explicit = Version(bump)
        except InvalidVersion:
            raise UsageError(f"invalid BUMP {bump!r}", hint=BUMP_HELP) from None
        if explicit.local is not None:
            raise UsageError(
                f"version {bump} has a local part (+{explicit.local}); package indexes refuse "
                "local versions",
                hint=f"give a public version such as {explicit.public}",
            )
        result, what = str(explicit), f"version {bump}"
    if Version(result) <= now:
        raise UsageError(
            f"{what} gives {result}, which is not greater than the current version {current}",
            hint="give a higher version, or a bump such as patch",
        )
    return result


def _step(now: Version, words: list[str]) -> _V:
    parts = [w for w in words if w in PARTS]
    pres = [PRE[w] for w in words if w in PRE]
    others = [w for w in words if w in OTHER and w != "dev"]
    dev = "dev" in words
    if (
        len(parts) > 1
        or len(pres) > 1
        or len(others) > 1
        or (others and (parts or pres or dev))
        or len(words) != len(set(words))
    ):
        raise UsageError(f"conflicting BUMP {','.join(words)!r}", hint=BUMP_HELP)
    if others == ["release"]:
        if now.pre is None and now.dev is None:
            raise UsageError(
                f"{now} is not a pre-release or development version; 'release' has nothing to "
                "finish",
                hint="use major, minor or patch",
            )
        return _V(now.epoch, now.release, None, now.post if now.pre is None else None)
    if others == ["post"]:
        return _post(now)
    if parts:
        made = _V(now.epoch, _level(now, parts[0]), (pres[0], 1) if pres else None)
    elif pres:
        made = _pre(now, pres[0])
    else:
        return _dev(now)
    return _V(made.epoch, made.release, made.pre, None, 1) if dev else made


@dataclass(frozen=True)
class Fragment:
    path: Path
    type: str


def towncrier_settings(pyproject_data: dict[str, Any]) -> dict[str, Any] | None:
    table = pyproject_data.get("tool", {}).get("towncrier")
    return table if isinstance(table, dict) else None


def fragment_types(settings: dict[str, Any]) -> tuple[str, ...]:
    """The fragment types as towncrier reads them: ``[tool.towncrier.fragment.<type>]`` tables,
    else ``[[tool.towncrier.type]]`` entries (``directory``, by default the name lowercased),
    else towncrier's defaults."""
    tables = settings.get("fragment")
    if isinstance(tables, dict) and tables:
        return tuple(str(name) for name in tables)
    declared = settings.get("type")
    if isinstance(declared, list) and declared:
        return tuple(
            str(t.get("directory", str(t.get("name", "")).lower()))
            for t in declared
            if isinstance(t, dict)
        )
    return TOWNCRIER_DEFAULT_TYPES


#: Names towncrier never reads as fragments (its own list, lowercased), and the template names
#: projects keep beside the fragments.
_NOT_FRAGMENTS = (".gitignore", ".gitkeep", ".keep", "readme", "readme.md", "readme.rst")
_TEMPLATES = ("template.md", "template.rst")


def _fragment_directory(root: Path, settings: dict[str, Any]) -> Path | None:
    """The fragment directory, when it is one."""
    directory = root / str(settings.get("directory", "newsfragments"))
    return directory if directory.is_dir() else None


def _fragment_files(directory: Path, settings: dict[str, Any]) -> Iterator[Path]:
    """The files towncrier reads from ``directory``: not hidden, not its template, not a name
    it or the project's ``ignore`` list leaves out."""
    return (path for path in _read_by_towncrier(directory, settings) if path.is_file())


def unreadable_fragments(root: Path, settings: dict[str, Any]) -> list[Path]:
    """What towncrier would open as a fragment but cannot read: a directory named as a fragment
    (``123.feature.md/``), a link in a cycle or to nothing."""
    directory = _fragment_directory(root, settings)
    if directory is None:
        return []
    types = fragment_types(settings)
    return [
        path
        for path in _read_by_towncrier(directory, settings)
        if not path.is_file() and _fragment_type(path.name, types)
    ]


def _read_by_towncrier(directory: Path, settings: dict[str, Any]) -> Iterator[Path]:
    ignored = [*_NOT_FRAGMENTS, *_TEMPLATES]
    template = settings.get("template")
    if isinstance(template, str):
        ignored.append(PurePosixPath(template).name.lower())
    ignore = settings.get("ignore")
    if isinstance(ignore, list):
        ignored.extend(str(pattern).lower() for pattern in ignore)
    for path in sorted(directory.iterdir()):
        lowered = path.name.lower()
        if not path.name.startswith(".") and not any(
            fnmatch.fnmatch(lowered, pattern) for pattern in ignored
        ):
            yield path


def _fragment_type(name: str, types: tuple[str, ...]) -> str | None:
    """towncrier's reading of a fragment's name: its last part after the first that is a type."""
    parts = name.split(".")
    return next((part for part in reversed(parts[1:]) if part in types), None)


def _classified(root: Path, settings: dict[str, Any]) -> list[tuple[Path, str | None]]:
    """Each file towncrier reads from the fragment directory, with its type (None: none)."""
    directory = _fragment_directory(root, settings)
    if directory is None:
        return []
    types = fragment_types(settings)
    files = _fragment_files(directory, settings)
    return [(path, _fragment_type(path.name, types)) for path in files]


def find_fragments(root: Path, settings: dict[str, Any]) -> list[Fragment]:
    """The towncrier fragments waiting in the fragment directory (``name.TYPE[.N][.ext]``)."""
    return [Fragment(path=path, type=kind) for path, kind in _classified(root, settings) if kind]


def stray_fragments(root: Path, settings: dict[str, Any]) -> list[Path]:
    """The files in the fragment directory that are no fragment of a type towncrier knows.
    With an ``ignore`` list towncrier is strict, and ``towncrier build`` refuses every such
    file; without one it leaves them out of the changelog without a word, so only those named
    like a fragment (``name.TYPE``, with an optional ``.md``/``.rst``/``.txt``) are reported."""
    strict = settings.get("ignore") is not None

    def named_like_one(name: str) -> bool:
        return len(re.sub(r"\.(?:md|rst|txt)$", "", name, flags=re.IGNORECASE).split(".")) > 1

    return [
        path
        for path, kind in _classified(root, settings)
        if kind is None and (strict or named_like_one(path.name))
    ]


def bump_from_fragments(fragments: list[Fragment], bump_map: dict[str, str]) -> str:
    """The largest bump any fragment type asks for (types not in the map ask for patch)."""
    wanted = {bump_map.get(f.type, "patch") for f in fragments}
    for part in PARTS:
        if part in wanted:
            return part
    return "patch"
