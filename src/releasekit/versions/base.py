"""The version-source contract, and the text surgery every file-backed source shares.

A source knows where one package's version lives. It can ``read`` it, say which ``files`` a
``write`` would change, ``write`` exactly the planned version (changing nothing but the version
string, byte for byte) and ``verify`` by reading back: the version read must equal the planned one
as a PEP 440 version AND as the literal string, or :class:`~releasekit.errors.StepFailed` stops the
release before anything is committed. VCS sources (``vcs`` is true) write nothing; the build pins
the planned version through the backend's environment variables (:meth:`build_env`).
"""

from __future__ import annotations

import abc
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.version import InvalidVersion, Version

from ..errors import ConfigError, StepFailed

if TYPE_CHECKING:
    from .project import Project

__all__ = [
    "TOML_HEADER",
    "Slot",
    "SlotVersion",
    "TextSlot",
    "VersionSource",
    "sections",
    "toml_slot",
]


class VersionSource(abc.ABC):
    """Where a package's version is kept; one subclass per kind."""

    #: Short name of the kind, shown by plan, init and doctor.
    kind: str = ""

    def __init__(self, root: Path) -> None:
        self.root = root  # the package's directory (paths are shown relative to it)

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        """This kind's source for ``project``, or None when the project is not of this kind.

        Kinds only made by another kind's detection (setup.cfg's ``attr:``) keep this default.
        """
        return None

    @property
    def vcs(self) -> bool:
        """The version is the latest release tag; nothing is written."""
        return False

    @abc.abstractmethod
    def read(self) -> str:
        """The version as written (not normalised). Raises ConfigError if it cannot be read."""

    @abc.abstractmethod
    def files(self) -> tuple[Path, ...]:
        """The files :meth:`write` changes (absolute paths)."""

    @abc.abstractmethod
    def write(self, version: str) -> None:
        """Replace the version string with ``version``; nothing else in the file changes."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the version lives, for humans: ``pyproject.toml [project] version``."""

    def cannot_hold(self, version: str) -> str | None:
        """Why this source cannot be written as ``version``, or None when it can (asked before
        anything changes)."""
        return None

    def next_version(self, current: str, bump: str, now: dt.datetime) -> str | None:
        """The version a release planned at ``now`` gets for ``bump``, where the source decides
        it (a calendar version made at build time); None: PEP 440 arithmetic decides
        (:func:`releasekit.versioning.next_version`)."""
        return None

    def build_env(self, name: str, version: str) -> dict[str, str]:
        """Environment that makes the build backend produce ``version`` (VCS sources)."""
        return {}

    def build_tag(self, version: str) -> str | None:
        """The tag the build's private checkout needs on the release commit to produce
        ``version``: VCS sources that read ``git describe`` and take no pinned version."""
        return None

    def verify(self, version: str) -> None:
        """Read the version back; anything but exactly ``version`` is a failed step."""
        found = self.read()
        try:
            same = Version(found) == Version(version) and found == version
        except InvalidVersion:
            same = False
        if not same:
            raise StepFailed(
                f"{self.describe()}: wrote version {version} but read back {found!r}",
                hint="nothing was committed; check that file and run `releasekit release "
                "--rollback`",
            )


class SlotVersion(VersionSource):
    """A version written once in one file, at the place its :class:`TextSlot` finds."""

    slot: TextSlot

    def read(self) -> str:
        return self.slot.read()

    def files(self) -> tuple[Path, ...]:
        return (self.slot.path,)

    def write(self, version: str) -> None:
        self.slot.write(version)


@dataclass(frozen=True)
class Slot:
    """Where a version string sits in a file's text."""

    start: int
    end: int
    text: str


Ranges = Callable[[str], Iterator[tuple[int, int]]]


class TextSlot:
    """A version held in one text file, found by a regex with a ``version`` group.

    ``within`` limits the search to parts of the text (a TOML table, an INI section).
    """

    def __init__(
        self, path: Path, pattern: re.Pattern[str], where: str, *, within: Ranges | None = None
    ) -> None:
        self.path = path
        self.pattern = pattern
        self.where = where  # e.g. "__version__" or "[project] version"
        self.within = within

    def _text(self) -> str:
        try:
            return self.path.read_bytes().decode("utf-8")  # no newline translation
        except FileNotFoundError:
            raise ConfigError(
                f"{self.path}: no such file, but it should hold the version ({self.where})",
                hint="create it or correct the setting that points at it",
            ) from None
        except (UnicodeDecodeError, IsADirectoryError) as exc:
            raise ConfigError(
                f"{self.path}: cannot be read as UTF-8 text ({exc.__class__.__name__})",
                hint="the file holding the version must be UTF-8 text",
            ) from None

    def find(self, text: str | None = None) -> Slot:
        text = self._text() if text is None else text
        ranges = self.within(text) if self.within else iter([(0, len(text))])
        for start, end in ranges:
            match = self.pattern.search(text, start, end)
            if match:
                return Slot(match.start("version"), match.end("version"), match.group("version"))
        raise ConfigError(
            f"{self.path}: no {self.where} found",
            hint=f"write the version as {self.where} in that file",
        )

    def read(self) -> str:
        return self.find().text

    def write(self, version: str) -> None:
        text = self._text()
        slot = self.find(text)
        # byte-exact: keep the file's own line endings (no newline translation on either side)
        self.path.write_bytes((text[: slot.start] + version + text[slot.end :]).encode("utf-8"))


def sections(header: re.Pattern[str], name: str) -> Ranges:
    """The bodies of the sections whose ``header`` match's ``name`` group is ``name``."""

    def ranges(text: str) -> Iterator[tuple[int, int]]:
        heads = list(header.finditer(text))
        for index, head in enumerate(heads):
            if re.sub(r"[\s\"']", "", head.group("name")) == name:
                yield head.end(), heads[index + 1].start() if index + 1 < len(heads) else len(text)

    return ranges


#: TOML table headers ``[a.b]`` and array-of-tables headers ``[[a.b]]`` (which end a table too).
TOML_HEADER = re.compile(
    r"^[ \t]*\[\[?[ \t]*(?P<name>[^\]\n]+?)[ \t]*\]\]?[ \t]*(?:#[^\n]*)?\r?$", re.M
)


def toml_slot(path: Path, table: str, key: str = "version") -> TextSlot:
    """The string value of ``key`` directly in TOML ``[table]``, quoted '...' or "..."."""
    value = rf"^[ \t]*{re.escape(key)}[ \t]*=[ \t]*(?P<q>\"|')(?P<version>[^\"'\n]*)(?P=q)"
    return TextSlot(
        path,
        re.compile(value, re.M),
        f'[{table}] {key} = "..."',
        within=sections(TOML_HEADER, table),
    )
