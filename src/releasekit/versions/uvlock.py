"""uv.lock records the version of the project's own packages when it is static (``uv init``'s
shape: ``[project] version`` and a ``uv.lock``). After the bump it would still say the old one,
and the project's next ``uv sync --locked`` fails ("The lockfile needs to be updated").

So when the lock records a package being released, the version step asks uv whether the lock is
current before it writes (``uv lock --check --offline``); if it is, uv updates it after the
version is written (``uv lock --offline``: the new version and nothing else, from the lock
itself) and the lock is read back. A lock that was out of date before the release is left as it
was, with a WARNING: updating it would put other changes in the release commit. A dynamic
version is not in the lock; nothing is done then.
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


def relock(root: Path, uv: str, names: Collection[str], version: str) -> None:
    """``uv lock --offline`` after the bump, then the lock must record ``version``."""
    done = process.run(
        [uv, "lock", "--offline"], cwd=root, check=False, what="updating uv.lock (uv lock)"
    )
    recorded = locked_versions(root, names)
    wrong = {name: found for name, found in recorded.items() if found != version}
    if done.returncode != 0 or wrong:
        said = done.output.strip().splitlines()[-1] if done.output.strip() else "no output"
        raise StepFailed(
            f"{root / LOCK}: `uv lock --offline` did not record {version} for "
            f"{', '.join(sorted(wrong or recorded))} (exit {done.returncode}: {said})",
            hint="run `uv lock` yourself to see why, then `releasekit release --resume` (or "
            "--rollback)",
        )
