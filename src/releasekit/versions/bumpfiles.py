"""The files bump-my-version leaves to releasekit's changelog step.

bump-my-version's own release workflow has it write the changelog: generate-changelog adds an
``Unreleased`` section, then ``[[tool.bumpversion.files]] filename = "CHANGELOG.md" search =
"Unreleased"`` turns it into the version's heading. Under releasekit the changelog step writes
that file (the version's section, from the fragments or the commits), so those entries have
nothing to do: run, they fail on a changelog without ``Unreleased``, or give the version a second
heading. bump-my-version then runs from a copy of the configuration without the entries for the
changelog (in a temporary directory, every path made absolute), and releasekit writes
``current_version`` in the real file. Only the TOML configuration (``[tool.bumpversion]``);
bump-my-version's deprecated ``.cfg`` format runs as configured.

The copy also drops ``post_commit_hooks``: bump-my-version runs them after its own commit and
tag even when told to make neither (``--no-commit --no-tag``), so a project's ``["git push",
"git push --tags"]`` would push during the version step, before the release commit exists and
with whatever tags the clone holds. releasekit commits, then tags and pushes last; the plan names
the hooks it did not run. ``setup_hooks`` and ``pre_commit_hooks`` run as configured (what a
``pre_commit_hooks`` entry changes, such as ``uv sync --upgrade``'s uv.lock, joins the commit).
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from pathlib import Path
from typing import Any

from ..git import Git

__all__ = ["config_without", "left_files", "post_commit_hooks"]

_REPO_ROOT = "{repo_root}"
_POST = "post_commit_hooks"


def _table(config_file: Path) -> dict[str, Any] | None:
    if config_file.suffix != ".toml":
        return None
    data = tomllib.loads(config_file.read_text(encoding="utf-8"))
    table = data.get("tool", {}).get("bumpversion")
    return table if isinstance(table, dict) else None


def _expand(root: Path, value: str) -> str:
    """``{repo_root}`` as bump-my-version reads it: the top directory of the git repository
    (outside one, kept: bump-my-version says so itself)."""
    if _REPO_ROOT not in value:
        return value
    top = Git(root).run("rev-parse", "--show-toplevel", check=False)
    return value.replace(_REPO_ROOT, top) if top else value


def _target(root: Path, entry: object) -> Path | None:
    """The file a ``files`` entry names (None for a glob, or an entry that is not a table)."""
    name = entry.get("filename") if isinstance(entry, dict) else None
    if not isinstance(name, str):
        return None
    return (root / _expand(root, name)).resolve()


def left_files(config_file: Path, root: Path, leave: Collection[Path]) -> list[str]:
    """The files among ``leave`` that the configuration has entries for, relative to ``root``."""
    table = _table(config_file)
    if table is None:
        return []
    wanted = {path.resolve() for path in leave}
    found = {target for entry in table.get("files", []) if (target := _target(root, entry))}
    return sorted(path.relative_to(root.resolve()).as_posix() for path in found & wanted)


def post_commit_hooks(config_file: Path) -> list[str]:
    """The configuration's ``post_commit_hooks``, which releasekit does not let it run."""
    return _hooks(_table(config_file))


def _hooks(table: dict[str, Any] | None) -> list[str]:
    hooks = table.get(_POST) if table is not None else None
    return [str(hook) for hook in hooks] if isinstance(hooks, list) else []


def _absolute_path(root: Path, value: str) -> str:
    negated = value.startswith("!")  # a glob_exclude pattern may be negated
    value = _expand(root, value.removeprefix("!"))
    return ("!" if negated else "") + (value if Path(value).is_absolute() else str(root / value))


def _absolute(root: Path, entry: dict[str, Any]) -> dict[str, Any]:
    """``filename``, ``glob`` and ``glob_exclude`` as absolute paths: bump-my-version resolves
    relative ones from the configuration file's directory (1.8) or the working directory."""
    out = dict(entry)
    for key in ("filename", "glob"):
        if isinstance(out.get(key), str):
            out[key] = _absolute_path(root, out[key])
    if isinstance(out.get("glob_exclude"), list):
        out["glob_exclude"] = [_absolute_path(root, str(p)) for p in out["glob_exclude"]]
    return out


def config_without(
    config_file: Path, root: Path, leave: Collection[Path], into: Path
) -> Path | None:
    """A copy of the configuration without its entries for the files in ``leave`` and without
    ``post_commit_hooks``, written in the directory ``into``; None when it has neither (run it
    as it is)."""
    table = _table(config_file)
    if table is None or not (_hooks(table) or left_files(config_file, root, leave)):
        return None
    wanted = {path.resolve() for path in leave}
    kept = [
        _absolute(root, entry) if isinstance(entry, dict) else entry
        for entry in table.get("files", [])
        if _target(root, entry) not in wanted
    ]
    import tomlkit  # the one writer here, imported when a copy is written

    rest = {key: value for key, value in table.items() if key != _POST}
    copy = into / ".bumpversion.toml"
    copy.write_text(
        tomlkit.dumps({"tool": {"bumpversion": {**rest, "files": kept}}}), encoding="utf-8"
    )
    return copy
