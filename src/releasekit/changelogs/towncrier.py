"""towncrier: ``towncrier build`` writes the configured file and consumes the fragments."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import process
from ..textfiles import read_text
from ..versioning import (
    Fragment,
    find_fragments,
    fragment_types,
    stray_fragments,
    towncrier_settings,
)
from .base import Applied, Changelog, Problem, ReleaseInfo
from .entries import VERSION

__all__ = ["EMPTY_RELEASE", "Towncrier", "towncrier_table"]

#: What ``towncrier build`` writes for a release without fragments.
EMPTY_RELEASE = "No significant changes."


def towncrier_table(root: Path, pyproject: dict[str, Any]) -> dict[str, Any] | None:
    """``[tool.towncrier]`` of towncrier.toml, else of pyproject.toml (towncrier's precedence)."""
    path = root / "towncrier.toml"
    if path.is_file():
        try:
            settings = towncrier_settings(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            settings = None
        if settings is not None:
            return settings
    return towncrier_settings(pyproject)


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

    def check(self) -> Iterator[Problem]:
        yield from super().check()
        settings = self._settings()
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
