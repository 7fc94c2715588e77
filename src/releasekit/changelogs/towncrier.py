"""towncrier: ``towncrier build`` writes the configured file and consumes the fragments."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import process
from ..errors import ConfigError
from ..textfiles import describe_path, named_path, read_text
from ..versioning import (
    Fragment,
    find_fragments,
    fragment_types,
    stray_fragments,
    towncrier_settings,
    unreadable_fragments,
)
from .base import Applied, Changelog, Problem, ReleaseInfo
from .entries import VERSION, headings, line_version, pending
from .location import is_markdown

__all__ = ["DEFAULT_START", "EMPTY_RELEASE", "MARKDOWN_START", "Towncrier", "towncrier_table"]

#: What ``towncrier build`` writes for a release without fragments.
EMPTY_RELEASE = "No significant changes."
#: What towncrier looks for when ``start_string`` is not configured: Markdown's, else this.
DEFAULT_START = ".. towncrier release notes start"
MARKDOWN_START = "<!-- towncrier release notes start -->"


def towncrier_table(root: Path, pyproject: dict[str, Any]) -> dict[str, Any] | None:
    """``[tool.towncrier]`` of towncrier.toml, else of pyproject.toml (towncrier's precedence)."""
    path = root / "towncrier.toml"
    if path.is_file():
        try:
            settings = towncrier_settings(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            settings = None
        if settings is not None:
            return _named_paths(root, settings, path)
    settings = towncrier_settings(pyproject)
    return None if settings is None else _named_paths(root, settings, root / "pyproject.toml")


#: The keys of [tool.towncrier] that name a path in the project.
_PATH_KEYS = ("filename", "directory", "template", "package_dir")


def _named_paths(root: Path, settings: dict[str, Any], source: Path) -> dict[str, Any]:
    """``settings``, once every path they name is one the file system can name."""
    for key in _PATH_KEYS:
        if isinstance(value := settings.get(key), str):
            named_path(root, value, f"{source}: [tool.towncrier] {key}")
    return settings


class Towncrier(Changelog):
    kind = "towncrier"

    @classmethod
    def detect(cls, root: Path, pyproject: dict[str, Any]) -> Towncrier | None:
        settings = towncrier_table(root, pyproject)
        if settings is None:
            return None
        named = bool(settings.get("name") or pyproject.get("project", {}).get("name"))
        if not named and settings.get("package"):
            # towncrier would import the package for its name (``package.title()`` unless it
            # uses incremental), which works only where the project is installed; releasekit's
            # Python does not have it (python-dateutil: setup.cfg metadata, no [project] name)
            settings = {**settings, "name": str(settings["package"]).title()}
        return cls(root, root / str(settings.get("filename", "NEWS.rst")), settings)

    @property
    def filename(self) -> str:
        """The file towncrier writes, relative to the root (the linked file, for a symlink)."""
        named = str(self.settings.get("filename", "NEWS.rst"))
        return self.rel(self.path) if self.path and self.path != self.root / named else named

    @property
    def directory(self) -> str:
        """The fragment directory: configured, else towncrier's default next to the package."""
        if "directory" in self.settings:
            return str(self.settings["directory"]).rstrip("/") or "."
        package = self.settings.get("package")
        if package:
            base = Path(str(self.settings.get("package_dir", ".")))
            return (base / str(package).replace(".", "/") / "newsfragments").as_posix()
        return "newsfragments"

    def _settings(self) -> dict[str, Any]:
        return {**self.settings, "directory": self.directory}

    def fragments(self) -> list[Fragment]:
        return find_fragments(self.root, self._settings())

    def describe(self) -> str:
        return f"towncrier ({self.filename}, fragments in {self.directory}/)"

    def touched(self) -> list[str]:
        return [self.filename, self.directory]

    def plan(self, release: ReleaseInfo) -> tuple[str, list[str]]:
        count = len(self.fragments())
        if not count:
            action = (
                f"WARNING: no fragments in {self.directory}/: towncrier writes its empty "
                f"release ({EMPTY_RELEASE!r})"
            )
        else:
            action = f"consume {count} fragment(s) from {self.directory}/"
        return f"write {self.filename} for {release.version} with towncrier", [action]

    def start_string(self) -> str:
        """The line towncrier writes below (its default for the file's type when unset)."""
        markdown = Path(self.filename).suffix == ".md"  # towncrier's own test
        default = MARKDOWN_START if markdown else DEFAULT_START
        return str(self.settings.get("start_string") or default).strip()

    def above_title(self) -> tuple[str, int] | None:
        """``(title, line)`` when towncrier would write the new entry above the file's title:
        without its start line, towncrier puts the entry at the very top, right for a file that
        begins with its latest entry (resolvelib's), wrong above ``Release History``. ``line``
        is where the latest entry begins (1-based), where the start line belongs."""
        path = self.root / self.filename
        start = self.start_string()
        if self.settings.get("single_file", True) is False or not path.is_file():
            return None
        try:
            text = read_text(path)
        except ConfigError:  # not UTF-8: the base check reports it
            return None
        if start in text:
            return None
        lines = text.splitlines()
        found = headings(lines, is_markdown(path))
        if not found or line_version(found[0].text) or pending(found[0].text):
            return None
        entry = next((h for h in found if line_version(h.text) or pending(h.text)), None)
        return found[0].text, (entry.start + 1 if entry else len(lines) + 1)

    def check(self) -> Iterator[Problem]:
        yield from super().check()
        misplaced = self.above_title()
        if misplaced is not None:
            title, line = misplaced
            yield (
                f"{self.filename} has no `{self.start_string()}` line, so towncrier would write "
                f"the new entry above the file's title `{title}`",
                f"add the line `{self.start_string()}` where new releases go ({self.filename} "
                f"line {line}, above the latest entry), or set [tool.towncrier] start_string",
            )
        settings = self._settings()
        directory = self.root / self.directory
        if (directory.exists() or directory.is_symlink()) and not directory.is_dir():
            yield (
                f"{self.directory}: the fragment directory is not a directory "
                f"({describe_path(directory)}), so towncrier cannot read the fragments",
                f"make {self.directory} a directory, or set [tool.towncrier] directory",
            )
        for path in unreadable_fragments(self.root, settings):
            yield (
                f"{self.rel(path)}: named as a fragment, but {describe_path(path)}: towncrier "
                "would fail to read it",
                "make it a file, or remove it",
            )
        strays = stray_fragments(self.root, settings)
        if strays:
            names = ", ".join(self.rel(p) for p in strays[:5])
            more = f" and {len(strays) - 5} more" if len(strays) > 5 else ""
            yield (
                f"{names}{more}: not a fragment type [tool.towncrier] declares "
                f"({', '.join(fragment_types(settings))}), so towncrier would leave "
                f"{'them' if len(strays) > 1 else 'it'} out of {self.filename}",
                "rename to NAME.TYPE.md with one of those types, or list the file in "
                "[tool.towncrier] ignore",
            )
        if importlib.util.find_spec("towncrier") is None:
            yield ("towncrier is not installed", "pip install towncrier")
        template = self.settings.get("template")
        # a path relative to the configuration's directory; ``package:resource`` is a package's
        local = isinstance(template, str) and ":" not in template
        if local and not (self.root / str(template)).is_file():
            yield (
                f"[tool.towncrier] template = {template!r}: no such file in {self.root} "
                "(an sdist may leave it out), so towncrier cannot write the changelog",
                "add the template file, or remove the key for towncrier's default template",
            )

    def _build(self, version: str, date: str, *, draft: bool) -> str:
        named = ("--name", str(self.settings["name"])) if self.settings.get("name") else ()
        done = process.run(
            [
                *process.TOOL,
                "towncrier",
                "build",
                "--draft" if draft else "--yes",
                *("--version", version, "--date", date, *named),
            ],
            cwd=self.root,
            what="writing the changelog with towncrier",
            hint=f"check [tool.towncrier] and the fragments in {self.directory}/",
        )
        return done.stdout

    def _version(self, before: str, release: ReleaseInfo) -> str:
        """The version as the file's entries write it: pip-tools' and setuptools' maintainers
        pass ``--version v7.6.1`` to towncrier, whose format adds no ``v``, and their headings
        say ``v7.6.1``. When the latest entry's version has a ``v`` and towncrier's draft of
        this release would not, the ``v`` is passed too."""
        marker = str(self.settings.get("start_string", "")).strip()
        at = before.find(marker) if marker else -1
        written = VERSION.search(before, at + len(marker) if at >= 0 else 0)
        if written is None or not written.group(0).startswith("v"):
            return release.version
        draft = self._build(release.version, release.date, draft=True)
        drafted = re.search(rf"(?<![\w.])(v?){re.escape(release.version)}(?![\w.])", draft)
        return f"v{release.version}" if drafted and not drafted.group(1) else release.version

    def apply(self, release: ReleaseInfo) -> Applied:
        consumed = [self.rel(f.path) for f in self.fragments()]
        path = self.root / self.filename
        before = read_text(path) if path.is_file() else ""
        self._build(self._version(before, release), release.date, draft=False)
        after = read_text(path) if path.is_file() else ""
        return Applied([self.filename, *consumed], notes=_added(before, after))


def _added(before: str, after: str) -> str:
    """The text towncrier inserted (the new release's section)."""
    start = 0
    while start < min(len(before), len(after)) and before[start] == after[start]:
        start += 1
    end = len(after) - (len(before) - start)
    return after[start:end].strip() + "\n" if end > start else ""
