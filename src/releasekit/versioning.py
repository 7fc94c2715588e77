"""The next version: from BUMP (``major|minor|patch``, a pre-release step, or an explicit PEP 440
version), or derived from the towncrier fragment types when BUMP is omitted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from .errors import UsageError

__all__ = [
    "Fragment",
    "bump_from_fragments",
    "find_fragments",
    "next_version",
    "towncrier_settings",
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


def _release(version: Version, part: str) -> tuple[int, int, int]:
    major, minor, patch = [*version.release, 0, 0, 0][:3]
    if part == "major":
        return major + 1, 0, 0
    if part == "minor":
        return major, minor + 1, 0
    return major, minor, patch + 1


def _fmt(
    release: tuple[int, ...],
    pre: tuple[str, int] | None = None,
    post: int | None = None,
    dev: int | None = None,
    epoch: int = 0,
) -> str:
    text = (f"{epoch}!" if epoch else "") + ".".join(str(n) for n in release)
    if pre:
        text += f"{pre[0]}{pre[1]}"
    if post is not None:
        text += f".post{post}"
    if dev is not None:
        text += f".dev{dev}"
    return text


def next_version(current: str, bump: str) -> str:
    """The version after ``current`` for ``bump``. Raises UsageError for anything invalid."""
    try:
        now = Version(current)
    except InvalidVersion:
        raise UsageError(f"current version {current!r} is not PEP 440") from None
    words = [w.strip().lower() for w in bump.split(",") if w.strip()]
    if words and all(w in PARTS or w in PRE or w in OTHER for w in words):
        return _step(now, words)
    try:
        explicit = Version(bump)
    except InvalidVersion:
        raise UsageError(f"invalid BUMP {bump!r}", hint=BUMP_HELP) from None
    if explicit <= now:
        raise UsageError(
            f"version {bump} is not greater than the current version {current}",
            hint="give a higher version, or a bump such as patch",
        )
    return str(explicit)


def _step(now: Version, words: list[str]) -> str:
    parts = [w for w in words if w in PARTS]
    pres = [PRE[w] for w in words if w in PRE]
    others = [w for w in words if w in OTHER]
    if len(parts) > 1 or len(pres) > 1 or (others and (parts or pres)) or len(others) > 1:
        raise UsageError(f"conflicting BUMP {','.join(words)!r}", hint=BUMP_HELP)
    release = tuple(now.release)
    if others == ["release"]:
        if not (now.is_prerelease or now.is_devrelease):
            raise UsageError(
                f"{now} is not a pre-release; 'release' has nothing to finish",
                hint="use major, minor or patch",
            )
        return _fmt(release, epoch=now.epoch)
    if others == ["post"]:
        return _fmt(release, now.pre, (now.post or 0) + 1, epoch=now.epoch)
    if others == ["dev"]:
        return _fmt(
            release,
            now.pre,
            now.post,
            (now.dev or 0) + 1 if now.dev is not None else 1,
            epoch=now.epoch,
        )
    if parts:
        release = _release(now, parts[0])
        return _fmt(release, (pres[0], 1) if pres else None, epoch=now.epoch)
    # a lone pre-release step
    phase = pres[0]
    if now.pre is None:  # final -> pre-release of the next patch
        return _fmt(_release(now, "patch"), (phase, 1), epoch=now.epoch)
    current_phase, number = now.pre
    if phase == current_phase:
        return _fmt(release, (phase, number + 1), epoch=now.epoch)
    if PRE_ORDER.index(phase) < PRE_ORDER.index(current_phase):
        raise UsageError(
            f"cannot go back from {now} to an earlier pre-release phase ({phase})",
            hint="use the same or a later phase (a < b < rc), or 'release'",
        )
    return _fmt(release, (phase, 1), epoch=now.epoch)


@dataclass(frozen=True)
class Fragment:
    path: Path
    type: str


def towncrier_settings(pyproject_data: dict[str, Any]) -> dict[str, Any] | None:
    table = pyproject_data.get("tool", {}).get("towncrier")
    return table if isinstance(table, dict) else None


def _types(settings: dict[str, Any]) -> tuple[str, ...]:
    declared = settings.get("type")
    if isinstance(declared, list) and declared:
        return tuple(str(t.get("directory")) for t in declared if isinstance(t, dict))
    return TOWNCRIER_DEFAULT_TYPES


def find_fragments(root: Path, settings: dict[str, Any]) -> list[Fragment]:
    """The towncrier fragments waiting in the fragment directory (``name.TYPE[.N][.ext]``)."""
    directory = root / str(settings.get("directory", "newsfragments"))
    if not directory.is_dir():
        return []
    types = _types(settings)
    found = []
    for path in sorted(directory.iterdir()):
        if (
            not path.is_file()
            or path.name.startswith(".")
            or path.name.lower()
            in {"readme", "readme.md", "readme.rst", "template.md", "template.rst", ".gitignore"}
        ):
            continue
        kind = next((part for part in path.name.split(".")[1:] if part in types), None)
        if kind is not None:
            found.append(Fragment(path=path, type=kind))
    return found


def bump_from_fragments(fragments: list[Fragment], bump_map: dict[str, str]) -> str:
    """The largest bump any fragment type asks for (types not in the map ask for patch)."""
    wanted = {bump_map.get(f.type, "patch") for f in fragments}
    for part in PARTS:
        if part in wanted:
            return part
    return "patch"
