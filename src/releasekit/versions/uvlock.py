"""uv.lock records the version of the project's own packages when it is static (``uv init``'s
shape: ``[project] version`` and a ``uv.lock``). After the bump it would still say the old one,
and the project's next ``uv sync --locked`` fails ("The lockfile needs to be updated").

So when the lock records a package being released, the version step asks uv whether the lock is
current before it writes (``uv lock --check --offline``); if it is, the version is written in the
lock's entry for that package (the new version and nothing else) and uv must agree that the lock
is current again (``uv lock --check --offline``: it needs no package from the network, where
``uv lock --offline`` re-resolves and fails when uv's cache lacks a locked package, as on
click's and Flask's releases). A lock that was out of date before the release is left as it was,
with a WARNING: updating it would put other changes in the release commit. A dynamic version is
not in the lock; nothing is done then.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from pathlib import Path

from packaging.utils import canonicalize_name

from .. import process
from ..errors import StepFailed
from ..textfiles import read_text

__all__ = ["LOCK", "lock_is_current", "locked_versions", "relock"]

LOCK = "uv.lock"


def locked_versions(root: Path, names: Collection[str]) -> dict[str, str]:
    """The versions ``uv.lock`` records for the project's own packages among ``names`` (those
    built from the tree: an editable or virtual source), by name; empty without a lock."""
    path = root / LOCK
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError:
        return {}  # uv itself reports a broken lock when the project runs it
    wanted = {canonicalize_name(name) for name in names}
    found: dict[str, str] = {}
    for package in data.get("package", []):
        source = package.get("source", {})
        own = isinstance(source, dict) and ("editable" in source or "virtual" in source)
        name, version = package.get("name"), package.get("version")
        if own and isinstance(name, str) and isinstance(version, str) and name in wanted:
            found[name] = version
    return found


def lock_is_current(root: Path, uv: str) -> bool:
    """Whether ``uv.lock`` agrees with the project as it is (uv's own check, offline)."""
    done = process.run(
        [uv, "lock", "--check", "--offline"], cwd=root, check=False, what="checking uv.lock"
    )
    return done.returncode == 0


def _with_version(text: str, names: Collection[str], version: str) -> str:
    """``uv.lock``'s text with the version of the project's own packages among ``names`` (an
    editable or virtual source) set to ``version``; every other byte as it was (tomlkit keeps
    the document's formatting)."""
    import tomlkit  # imported when a lock file is rewritten

    document = tomlkit.parse(text)
    wanted = {canonicalize_name(name) for name in names}
    for package in document.get("package", []):
        source = package.get("source", {})
        own = isinstance(source, dict) and ("editable" in source or "virtual" in source)
        if own and package.get("name") in wanted and "version" in package:
            package["version"] = version
    return tomlkit.dumps(document)


def relock(root: Path, uv: str, names: Collection[str], version: str) -> None:
    """After the bump, the lock records ``version`` for the project's packages, and uv must
    agree that it is current (``uv lock --check --offline``); else the lock is put back and the
    step fails."""
    path = root / LOCK
    before = path.read_bytes()
    path.write_text(_with_version(before.decode("utf-8"), names, version), encoding="utf-8")
    recorded = locked_versions(root, names)
    wrong = {name: found for name, found in recorded.items() if found != version}
    done = process.run(
        [uv, "lock", "--check", "--offline"], cwd=root, check=False, what="checking uv.lock"
    )
    if done.returncode != 0 or wrong:
        path.write_bytes(before)
        said = done.output.strip().splitlines()[-1] if done.output.strip() else "no output"
        raise StepFailed(
            f"{path}: with {version} recorded for {', '.join(sorted(wrong or recorded))}, "
            f"`uv lock --check --offline` says it is not current (exit {done.returncode}: "
            f"{said})",
            hint="run `uv lock` yourself to see why, then `releasekit release --resume` (or "
            "--rollback)",
        )
