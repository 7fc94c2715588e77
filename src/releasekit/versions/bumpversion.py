"""bump-my-version as the engine, where a project configures it.

Its configuration lives in ``.bumpversion.toml``, ``.bumpversion.cfg``, ``pyproject.toml``
``[tool.bumpversion]`` or ``setup.cfg [bumpversion]`` (bump-my-version's own search order). It
writes the files the project lists, but it serialises the new version with the project's
``parse``/``serialize``, and the default ones drop pre-release, dev and post parts (``4.0.2rc1``
would be written as ``4.0.2``). So before anything changes, :meth:`BumpMyVersion.problem` asks
bump-my-version itself (a dry run) which version it would write, and refuses a release whose
version its configuration cannot express; after the bump, the version sources read the version
back and compare.
"""

from __future__ import annotations

import configparser
import re
import tempfile
import tomllib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import process
from ..errors import ConfigError, ProcessError, StepFailed
from .base import TextSlot, VersionSource, sections, toml_slot
from .bumpfiles import config_without
from .project import Project

__all__ = ["BumpMyVersion", "BumpVersionSource", "error_line", "find_bumpversion"]

_ENV = {"COLUMNS": "4000", "NO_COLOR": "1", "TERM": "dumb"}
_WILL_BE = re.compile(r"New version will be '(?P<version>[^']*)'")
_CUSTOM = ("parse", "serialize", "search", "replace")
_CURRENT = re.compile(r"^current_version[ \t]*[=:][ \t]*(?P<version>[^\s#;]+)[ \t]*\r?$", re.M)
_BUMPVERSION = sections(re.compile(r"^\[(?P<name>[^\]\n]+)\][ \t]*\r?$", re.M), "bumpversion")
PEP440_HINT = (
    "extend [tool.bumpversion] parse and serialize to carry pre-release, dev and post parts "
    "(see releasekit's docs: how-to 'Versions'), or remove [tool.bumpversion] and releasekit "
    "writes the version itself"
)


def error_line(output: str) -> str:
    """The text inside bump-my-version's Rich error box, as one line (else its last line)."""
    lines = output.splitlines()
    for index, line in enumerate(lines):
        if line.lstrip().startswith("╭") and "Error" in line:
            body = []
            for inner in lines[index + 1 :]:
                if inner.lstrip().startswith("╰"):
                    break
                body.append(inner.strip().strip("│").strip())
            text = " ".join(part for part in body if part)
            if text:
                return text
    rest = [line.strip() for line in lines if line.strip()]
    return rest[-1] if rest else "no output"


@dataclass(frozen=True)
class BumpMyVersion:
    """The project's bump-my-version configuration, run as a tool."""

    root: Path
    config_file: Path
    current_version: str | None  # as configured (None: not set in the file)
    #: bump2version's ``files = a b`` key, which bump-my-version cannot read: releasekit does
    #: what bump2version did (each file's current version replaced, then ``current_version``).
    legacy_files: tuple[str, ...] = ()
    #: The keys next to ``files =`` that change that (parse, serialize, search, replace).
    legacy_custom: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        name = self.config_file.name
        return f"{name} [tool.bumpversion]" if name.endswith(".toml") else f"{name} [bumpversion]"

    @contextmanager
    def _config(self, leave: Collection[Path]) -> Iterator[Path]:
        """The configuration to run: a copy without the entries for ``leave`` (the files the
        changelog step writes; :mod:`.bumpfiles`) when it has any, else the file itself."""
        with tempfile.TemporaryDirectory(prefix="releasekit-bumpversion-") as tmp:
            yield config_without(self.config_file, self.root, leave, Path(tmp)) or self.config_file

    def _argv(self, config: Path, current: str, new: str, *extra: str) -> list[str]:
        return [
            *process.TOOL,
            "bumpversion",
            "bump",
            "--config-file",
            str(config),
            "--current-version",
            current,
            "--new-version",
            new,
            "--allow-dirty",
            "--no-commit",
            "--no-tag",
            *extra,
        ]

    def _would_write(
        self, config: Path, current: str, new: str, *extra: str
    ) -> tuple[str | None, str]:
        """bump-my-version's own dry run: the version it would write, and its error if any."""
        argv = self._argv(config, current, new, "--dry-run", "-v", *extra)
        done = process.run(argv, cwd=self.root, env=_ENV, check=False)
        match = _WILL_BE.search(done.output)
        error = error_line(done.output) if done.returncode != 0 else ""
        return (match.group("version") if match else None), error

    def problem(
        self, current: str, new: str, leave: Collection[Path] = ()
    ) -> tuple[str, str] | None:
        """Why bump-my-version would not write exactly ``new`` (its own dry run), or None.

        Two dry runs: ``current -> new`` shows the version it would write; ``new -> current``
        shows how it serialises the current version (a default ``parse`` reads ``4.0.2rc1`` as
        ``4.0.2`` and would leave ``current_version`` behind).
        """
        if self.legacy_files:
            return self._legacy_problem(current)
        with self._config(leave) as config:
            written, error = self._would_write(config, current, new)
            if error:
                return (
                    f"bump-my-version ({self.where}) cannot bump {current} -> {new}: {error}",
                    "fix [tool.bumpversion] (its files must contain the current version), then "
                    "run `releasekit plan` again",
                )
            if written is not None and written != new:
                return (
                    f"bump-my-version ({self.where}) would write {written!r}, not {new}: its "
                    "parse/serialize cannot express this version",
                    PEP440_HINT,
                )
            back, _ = self._would_write(
                config, new, current, "--ignore-missing-version", "--ignore-missing-files"
            )
        if back is not None and back != current:
            return (
                f"bump-my-version ({self.where}) reads the current version {current} as "
                f"{back!r}: its parse/serialize cannot express it",
                PEP440_HINT,
            )
        return None

    def _legacy_problem(self, current: str) -> tuple[str, str] | None:
        """Whether releasekit can do what bump2version did with ``files = ...``."""
        sections = " ".join(f"[bumpversion:file:{name}]" for name in self.legacy_files)
        if self.legacy_custom:
            return (
                f"{self.config_file}: {self.where} has bump2version's `files = ...` key with "
                f"{', '.join(self.legacy_custom)}, which bump-my-version cannot read",
                f"replace it with one section per file: {sections}",
            )
        for name in self.legacy_files:
            path = self.root / name
            if not path.is_file() or current not in path.read_text(encoding="utf-8"):
                return (
                    f"{self.config_file}: {self.where} files = ... lists {name}, which does not "
                    f"contain the current version {current}",
                    f"correct the files key, or set current_version = {current} there",
                )
        return None

    def _legacy_bump(self, current: str, new: str) -> None:
        """bump2version's default: every occurrence of the version, then ``current_version``."""
        for name in self.legacy_files:
            path = self.root / name
            text = path.read_bytes().decode("utf-8")
            path.write_bytes(text.replace(current, new).encode("utf-8"))
        slot = TextSlot(
            self.config_file, _CURRENT, f"{self.where} current_version", within=_BUMPVERSION
        )
        slot.write(new)

    def verify(self, new: str) -> None:
        """After the bump, ``current_version`` (if the project keeps one) must be ``new``."""
        found = find_bumpversion(self.root)
        now = found.current_version if found else None
        if self.current_version is not None and now != new:
            raise StepFailed(
                f"{self.config_file}: bump-my-version left current_version = {now!r}, not {new}",
                hint="nothing was committed; fix [tool.bumpversion] parse/serialize and run "
                "`releasekit release --rollback`",
            )

    def bump(self, current: str, new: str, leave: Collection[Path] = ()) -> None:
        if self.legacy_files:
            self._legacy_bump(current, new)
            return
        try:
            with self._config(leave) as config:
                process.run(
                    self._argv(config, current, new),
                    cwd=self.root,
                    env=_ENV,
                    what="bumping the version with bump-my-version",
                )
            if config != self.config_file and self.current_version is not None:
                # the copy got the new current_version; the project's file gets it here
                toml_slot(self.config_file, "tool.bumpversion", "current_version").write(new)
        except ProcessError as exc:
            raise StepFailed(
                f"bump-my-version ({self.where}) failed to bump {current} -> {new}: "
                f"{error_line(exc.output)}",
                hint="fix [tool.bumpversion], then `releasekit release --resume` (or --rollback)",
            ) from None


def _toml_table(path: Path, pyproject: bool) -> dict[str, object] | None:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: malformed TOML: {exc}", hint="fix the syntax") from None
    table = data.get("tool", {}).get("bumpversion")
    if table is None and not pyproject:
        table = data  # .bumpversion.toml may also hold the keys at top level
    return table if isinstance(table, dict) else None


def _cfg_section(path: Path) -> dict[str, str] | None:
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(path.read_text(encoding="utf-8"))
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: malformed: {exc}", hint="fix the syntax") from None
    return dict(parser["bumpversion"]) if parser.has_section("bumpversion") else None


def find_bumpversion(root: Path) -> BumpMyVersion | None:
    """The project's bump-my-version configuration, in bump-my-version's own search order."""
    for name in (".bumpversion.toml", ".bumpversion.cfg", "pyproject.toml", "setup.cfg"):
        path = root / name
        if not path.is_file():
            continue
        table: dict[str, object] | dict[str, str] | None
        if name.endswith(".toml"):
            table = _toml_table(path, pyproject=name == "pyproject.toml")
        else:
            table = _cfg_section(path)
        if table is not None:
            current = table.get("current_version")
            legacy = table.get("files") if name.endswith(".cfg") else None
            return BumpMyVersion(
                root,
                path,
                current if isinstance(current, str) else None,
                tuple(legacy.split()) if isinstance(legacy, str) else (),
                tuple(key for key in _CUSTOM if key in table) if legacy else (),
            )
    return None


class BumpVersionSource(VersionSource):
    """No version bump-my-version does not also hold: its ``current_version`` is the version."""

    kind = "bump-my-version current_version"

    def __init__(self, root: Path, engine: BumpMyVersion) -> None:
        super().__init__(root)
        self.engine = engine

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        engine = project.bumpversion
        return cls(project.root, engine) if engine and engine.current_version else None

    def read(self) -> str:
        found = find_bumpversion(self.engine.root)
        if found is None or found.current_version is None:
            raise ConfigError(
                f"{self.engine.config_file}: no current_version in {self.engine.where}",
                hint='add current_version = "X.Y.Z" there',
            )
        return found.current_version

    def files(self) -> tuple[Path, ...]:
        return (self.engine.config_file,)

    def write(self, version: str) -> None:
        self.engine.bump(self.read(), version)

    def describe(self) -> str:
        return f"{self.engine.where} current_version"
