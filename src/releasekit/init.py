"""``releasekit init``: set a project up for releasekit without clobbering what it has.

It adds only what is missing -- a ``[tool.towncrier]`` table, the fragment directory, a changelog
with towncrier's start marker, a noxfile using :mod:`releasekit.nox` -- edits pyproject.toml with
tomlkit so existing formatting and comments survive, and never overwrites a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from .errors import ConfigError

__all__ = ["InitReport", "init_project"]

START = "<!-- towncrier release notes start -->"
NOXFILE = "import releasekit.nox\n\nreleasekit.nox.install()\n"
CHANGELOG = f"# Changelog\n\n{START}\n"


@dataclass
class InitReport:
    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _towncrier_table() -> tomlkit.items.Table:
    table = tomlkit.table()
    table.add(tomlkit.comment("changelog fragments: changelog.d/<issue>.<type>.md"))
    table.add("directory", "changelog.d")
    table.add("filename", "CHANGELOG.md")
    table.add("start_string", f"{START}\n")
    table.add("title_format", "## {version} ({project_date})")
    return table


def init_project(root: Path, *, dry_run: bool = False) -> InitReport:
    """Add what releasekit needs to the project at ``root``; report what was done and kept."""
    path = root / "pyproject.toml"
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no pyproject.toml here", hint="run releasekit init in the project's root"
        ) from None
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}", hint="fix the syntax first") from None
    if "project" not in document:
        raise ConfigError(
            f"{path}: no [project] table",
            hint="add [project] with name and version (PEP 621) first",
        )
    report = InitReport()
    tool = document.setdefault("tool", tomlkit.table(is_super_table=True))
    changed = False
    if "towncrier" in tool:
        report.kept.append("[tool.towncrier] (yours)")
        fragments = root / str(tool["towncrier"].get("directory", "newsfragments"))
    else:
        tool.add("towncrier", _towncrier_table())
        report.done.append("added [tool.towncrier] to pyproject.toml")
        fragments, changed = root / "changelog.d", True
    if "releasekit" in tool:
        report.kept.append("[tool.releasekit] (yours)")
    else:
        table = tomlkit.table()
        table.add(
            tomlkit.comment("Every key has a default: `releasekit config --keys` lists them.")
        )
        table.add("target", "local")
        tool.add("releasekit", table)
        report.done.append("added [tool.releasekit] to pyproject.toml")
        changed = True
    files = {
        fragments / ".gitkeep": "",
        root / "CHANGELOG.md": CHANGELOG,
        root / "noxfile.py": NOXFILE,
    }
    if not dry_run and changed:
        path.write_text(tomlkit.dumps(document), encoding="utf-8")
    for target, text in files.items():
        rel = target.relative_to(root)
        if target.exists() or (target.name == ".gitkeep" and target.parent.is_dir()):
            report.kept.append(f"{rel.parent if target.name == '.gitkeep' else rel} (exists)")
            continue
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        report.done.append(f"created {rel}")
    changelog = root / "CHANGELOG.md"
    if changelog.exists() and START not in changelog.read_text(encoding="utf-8"):
        report.kept.append(
            f"CHANGELOG.md has no `{START}` line: add it where new "
            "releases should go (towncrier writes below it)"
        )
    return report
