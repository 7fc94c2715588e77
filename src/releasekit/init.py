"""``releasekit init``: set a project up for releasekit without clobbering what it has.

It first detects what the project already has -- its changelog kind (towncrier, keep-a-changelog,
a CHANGES/HISTORY/NEWS file, or none), its tag style, remote and test environment -- and reports
it. It never adds
a second changelog: a project that keeps ``CHANGES.rst`` by hand keeps exactly that. It adds only
what is missing: a ``[tool.releasekit]`` table and the fragment directory of a towncrier project.
Only when asked: ``--towncrier`` sets towncrier up for a project that keeps no changelog, and
``--noxfile`` adds a noxfile using :mod:`releasekit.nox` where the project has no test runner
configuration (the gate runs the tests the way the project does, so a noxfile nobody asked for
would change that); ``--ci github`` adds a GitHub Actions workflow (:mod:`releasekit.ci`).
pyproject.toml is edited with tomlkit so existing formatting and comments survive; no file is
ever overwritten.
"""

from __future__ import annotations

import tomllib
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.exceptions import TOMLKitError

from .changelogs import Changelog, NoChangelog, Towncrier, detect
from .changelogs.towncrier import MARKDOWN_START
from .ci import CI_KINDS, DEFAULT_SHARDS, workflow
from .config import is_legacy_project, load_config, project_file
from .effective import version_sources
from .errors import ConfigError
from .tags import detect_style, effective_tag_format
from .testenv import detect as detect_test_env
from .textfiles import read_text
from .workspace import package_name

__all__ = ["InitReport", "init_project"]

START = MARKDOWN_START
NOXFILE = "import releasekit.nox\n\nreleasekit.nox.install()\n"
CHANGELOG = f"# Changelog\n\n{START}\n"


@dataclass
class InitReport:
    done: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    detected: list[str] = field(default_factory=list)  # "what: value (how)" lines


def _towncrier_table() -> tomlkit.items.Table:
    table = tomlkit.table()
    table.add(tomlkit.comment("changelog fragments: changelog.d/<issue>.<type>.md"))
    table.add("directory", "changelog.d")
    table.add("filename", "CHANGELOG.md")
    table.add("start_string", f"{START}\n")
    table.add("title_format", "## {version} ({project_date})")
    return table


def _parse(path: Path) -> tomlkit.TOMLDocument:
    try:
        text = read_text(path)
        document = tomlkit.parse(text)
        _same_reading(document, text, path)
    except FileNotFoundError:
        if not is_legacy_project(path.parent):
            raise ConfigError(
                f"{path}: no pyproject.toml here", hint="run releasekit init in the project's root"
            ) from None
        document = tomlkit.document()  # setup.cfg/setup.py only: nothing is written to it
        if (path.parent / "setup.cfg").is_file():
            read_text(path.parent / "setup.cfg")  # not UTF-8: one line naming the byte
    except TOMLKitError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}", hint="fix the syntax first") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text", hint="save it as UTF-8") from None
    _tool_table(document, path)  # a 'tool' that is no table: one error line, here
    if package_name(document.unwrap(), path.parent) is None:
        where = project_file(path.parent)
        raise ConfigError(
            f"{where}: no project name ([project], [tool.poetry] or setup.cfg [metadata])",
            hint="add [metadata] name and version to setup.cfg"
            if is_legacy_project(path.parent)
            else "add [project] with name and version (PEP 621) first",
        )
    return document


def _same_reading(document: tomlkit.TOMLDocument, text: str, path: Path) -> None:
    """Refuse a file tomlkit reads otherwise than TOML does (an array of tables extended by a
    later ``[tool.b.sub]`` after a ``[tool]`` table): an edit would change its meaning."""
    try:
        expected = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}", hint="fix the syntax first") from None
    try:
        same = document.unwrap() == expected
    except TOMLKitError:  # tomlkit's own reading of the same tables contradicts itself
        same = False
    if not same:
        raise ConfigError(
            f"{path}: its tables are laid out in a way tomlkit misreads, so releasekit cannot "
            "add [tool.*] tables without changing its meaning",
            hint='add it by hand: [tool.releasekit] with target = "local"',
        )


_NO_PYPROJECT = (
    "no pyproject.toml (setup.cfg/setup.py project): none is created, as one would change how "
    "pip builds it"
)


def _tool_table(document: tomlkit.TOMLDocument, path: Path) -> MutableMapping[str, Any]:
    """The document's ``tool`` table, whatever its shape (split, dotted, inline), made if absent."""
    if "tool" not in document:
        document["tool"] = tomlkit.table(is_super_table=True)
    tool = document["tool"]
    if not isinstance(tool, MutableMapping):
        raise ConfigError(
            f"{path}: 'tool' is {type(tool.unwrap()).__name__}, not a table",
            hint="make it a table ([tool.<name>] sections)",
        )
    return tool


def _add_table(tool: MutableMapping[str, Any], name: str, table: tomlkit.items.Table) -> None:
    """Add ``[tool.<name>]``; inside an inline ``tool = {...}`` it is an inline table too."""
    if isinstance(tool, tomlkit.items.InlineTable):
        inline = tomlkit.inline_table()
        inline.update(table.unwrap())
        tool[name] = inline
    else:
        table.add(tomlkit.nl())  # a blank line before whatever follows it in the file
        tool[name] = table


def _dumps(document: tomlkit.TOMLDocument, path: Path) -> str:
    """The edited document, refused (nothing written) unless it reads back with what was added."""
    text = tomlkit.dumps(document)
    if text.endswith("\n\n"):  # the table went last: no blank line to separate
        text = text[:-1]
    try:
        if tomllib.loads(text) == document.unwrap():
            return text
    except tomllib.TOMLDecodeError:
        pass
    raise ConfigError(
        f"{path}: cannot add [tool.*] tables to this file's layout without changing its meaning",
        hint='add it by hand: [tool.releasekit] with target = "local"',
    )


def _has_test_runner(root: Path, data: dict[str, Any]) -> bool:
    tool = data.get("tool", {})
    return (
        any((root / name).exists() for name in ("noxfile.py", "tox.ini"))
        or "tox" in tool
        or "envs" in tool.get("hatch", {})
    )


def _shape_lines(root: Path, name: str) -> list[str]:
    """The version source, tag style, remote and test environment a release would use."""
    try:
        config = load_config(root)
    except ConfigError:  # a bad [tool.releasekit] table: say what the tags say
        style = detect_style(root, [name])
        fmt, how = (style.format, style.source) if style else ("v{version}", "default")
        return [f"tag style: {fmt} ({how})"]
    fmt, how = effective_tag_format(root, config, [name])
    remote = config.sources.get("remote") or config.detected.get("remote", "default")
    gate = detect_test_env(root, config)
    versions = [
        f"{key}: {value} ({where})" for key, (value, where) in version_sources(root, config).items()
    ]
    return [
        *versions,
        f"tag style: {fmt} ({how})",
        f"remote: {config.remote} ({remote})",
        f"test environment: {gate.display} ({gate.source})",
    ]


def _towncrier_notes(root: Path, kind: Towncrier, report: InitReport) -> Path:
    """Report on an existing towncrier set-up; return its fragment directory."""
    report.kept.append("[tool.towncrier] (yours)")
    misplaced = kind.above_title()
    if misplaced is not None:
        report.kept.append(
            f"{kind.filename} has no `{kind.start_string()}` line: add it above the latest "
            f"entry (line {misplaced[1]}), or towncrier writes the next one above the title"
        )
    return root / kind.directory


def _only_fragments(directory: Path, kind: Towncrier) -> bool:
    """Whether nothing in the fragment directory would outlive the next release."""
    if not directory.is_dir():
        return True
    consumed = {f.path.name for f in kind.fragments()}
    return all(p.name in consumed for p in directory.iterdir())


def _add_releasekit(tool: MutableMapping[str, Any], *, legacy: bool, report: InitReport) -> bool:
    """Add ``[tool.releasekit]`` unless the project has one or has no pyproject.toml."""
    if legacy:
        report.kept.append(_NO_PYPROJECT + "; releasekit's defaults apply")
        return False
    if "releasekit" in tool:
        report.kept.append("[tool.releasekit] (yours)")
        return False
    table = tomlkit.table()
    table.add(tomlkit.comment("Every key has a default: `releasekit config --keys` lists them."))
    table.add("target", "local")
    _add_table(tool, "releasekit", table)
    report.done.append("added [tool.releasekit] to pyproject.toml")
    return True


def _docs_examples(tool: MutableMapping[str, Any], report: InitReport) -> bool:
    """Turn on ``[tool.releasekit.docs] examples`` unless the project already chose."""
    releasekit = tool.setdefault("releasekit", tomlkit.table())
    docs = releasekit.get("docs")
    if docs is not None and "examples" in docs:
        report.kept.append(f"[tool.releasekit.docs] examples = {str(docs['examples']).lower()}")
        return False
    if docs is None:
        docs = tomlkit.table()
        releasekit["docs"] = docs
    docs["examples"] = True
    report.done.append(
        "set [tool.releasekit.docs] examples = true (README and docs examples run before the "
        "docs are published)"
    )
    return True


def init_project(
    root: Path,
    *,
    dry_run: bool = False,
    towncrier: bool = False,
    noxfile: bool = False,
    docs_examples: bool = False,
    ci: str | None = None,
    ci_shards: int = DEFAULT_SHARDS,
) -> InitReport:
    """Add what releasekit needs to the project at ``root``; report what was detected and kept.

    ``towncrier``: set towncrier up when the project keeps no changelog yet. ``noxfile``: add a
    noxfile with releasekit's sessions when the project has no nox, tox or hatch set-up.
    ``docs_examples``: run the examples of README.md and docs/ in the docs step. ``ci``
    (a key of :data:`releasekit.ci.CI_KINDS`): add that CI workflow with ``ci_shards`` shard jobs.
    """
    path = root / "pyproject.toml"
    document = _parse(path)
    data = document.unwrap()
    report = InitReport()
    kind: Changelog = detect(root, data)
    report.detected.append(f"changelog: {kind.describe()}")
    name = package_name(data, root) or root.name
    report.detected.extend(_shape_lines(root, name))
    legacy = is_legacy_project(root)
    tool = _tool_table(document, path)
    changed = False
    files: dict[Path, str] = {}
    if isinstance(kind, Towncrier):
        directory = _towncrier_notes(root, kind, report)
        if _only_fragments(directory, kind):  # a release would consume it all, directory too
            files[directory / ".gitkeep"] = ""
    elif isinstance(kind, NoChangelog) and towncrier and legacy:
        report.kept.append(_NO_PYPROJECT + " (--towncrier needs [tool.towncrier])")
    elif isinstance(kind, NoChangelog) and towncrier:
        _add_table(tool, "towncrier", _towncrier_table())
        report.done.append("added [tool.towncrier] to pyproject.toml")
        files[root / "changelog.d" / ".gitkeep"] = ""
        files[root / "CHANGELOG.md"] = CHANGELOG
        changed = True
    elif kind.path is not None:
        report.kept.append(f"{kind.rel(kind.path)} (your changelog; no other is added)")
    changed = _add_releasekit(tool, legacy=legacy, report=report) or changed
    if docs_examples and not legacy:
        changed = _docs_examples(tool, report) or changed
    if noxfile and ((root / "noxfile.py").exists() or not _has_test_runner(root, data)):
        files[root / "noxfile.py"] = NOXFILE
    elif noxfile:
        report.kept.append("your test runner configuration (no noxfile.py is added)")
    if ci is not None:
        files[root / CI_KINDS[ci]] = workflow(ci, ci_shards)
    if not dry_run and changed:
        path.write_text(_dumps(document, path), encoding="utf-8")
    _create(root, files, report, dry_run=dry_run)
    return report


def _create(root: Path, files: dict[Path, str], report: InitReport, *, dry_run: bool) -> None:
    """Create the files that do not exist yet; an existing file is kept as it is."""
    for target, text in files.items():
        rel = target.relative_to(root)
        if target.exists():
            report.kept.append(f"{rel.parent if target.name == '.gitkeep' else rel} (exists)")
            continue
        if not dry_run:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        report.done.append(f"created {rel}")
