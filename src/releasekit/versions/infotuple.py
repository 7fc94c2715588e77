"""A version kept as a tuple of numbers in a Python module, with ``__version__`` computed from it.

pyparsing writes ``__version_info__ = version_info(3, 2, 3, "final", 1)`` and
``__version__ = __version_info__.__version__``; older projects write ``VERSION = (1, 2, 3)`` and
``__version__ = ".".join(map(str, VERSION))``. The tuple is recognised only when the module's
``__version__`` line names it. Its items are the release numbers, then optionally a release level
and serial as in :data:`sys.version_info` (``"alpha"``, ``"beta"``, ``"candidate"``, ``"final"``,
or ``"a"``, ``"b"``, ``"rc"``): ``(3, 2, 4, "candidate", 1)`` is ``3.2.4rc1``. A final release may
have a level without a serial (soupsieve's ``Version(2, 7, 0, "final")``, which hatch's ``code``
source reads).

Writing changes only the items, in the file's own spelling (long or short level words, its
quotes). A version such a tuple cannot express (a dev, post or local version; a pre-release in
a tuple without a level; another number of release parts) is refused by :meth:`cannot_hold`
before anything changes. What the module really computes is checked later, like every version,
in the built artifacts' metadata before any upload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..errors import ConfigError
from ..textfiles import read_text
from .base import VersionSource

__all__ = ["TupleVersion", "find_tuple"]

#: ``NAME = call(items)`` or ``NAME = (items)`` at the start of a line
_ASSIGN = re.compile(
    r"^(?P<name>__version_info__|__version_tuple__|version_info|version_tuple|VERSION_INFO|VERSION)"
    r"[ \t]*(?::[^=\n]+)?=[ \t]*(?P<call>[A-Za-z_][\w.]*)?\((?P<body>[^()\n]*)\)",
    re.M,
)
_ITEM = re.compile(r"[^,\s][^,]*?(?=\s*(?:,|$))")
_LONG = {"alpha": "a", "beta": "b", "candidate": "rc", "final": ""}
_SHORT = {"a": "a", "b": "b", "c": "rc", "rc": "rc", "f": ""}
_LEVEL = {**_LONG, **_SHORT}
_WORDS = {phase: word for word, phase in _LONG.items()}
#: a short-spelled tuple's final release: sys.version_info's word, which such modules compare with
_SHORT_WORDS = {"a": "a", "b": "b", "rc": "rc", "": "final"}


@dataclass(frozen=True)
class _Tuple:
    """The items of a version tuple and where each sits in the file's text."""

    name: str
    call: str  # the callable in front of the parentheses (pyparsing's ``version_info``), or ""
    spans: tuple[tuple[int, int], ...]
    items: tuple[str, ...]

    @property
    def numbers(self) -> int:
        return next((i for i, item in enumerate(self.items) if not item.isdigit()), len(self.items))

    def level(self) -> tuple[str, str] | None:
        """(quote, word) of the release level, if the tuple has one."""
        if self.numbers >= len(self.items):
            return None
        raw = self.items[self.numbers]
        return raw[0], raw[1:-1]

    def version(self) -> str | None:
        """The PEP 440 version the tuple spells, or None when it is not a version tuple."""
        numbers, rest = self.items[: self.numbers], self.items[self.numbers :]
        if len(numbers) < 2:
            return None
        text = ".".join(str(int(n)) for n in numbers)
        if not rest:
            return text
        level = self.level()
        if (
            len(rest) > 2
            or level is None
            or level[0] not in "'\""
            or level[1] not in _LEVEL
            or (len(rest) == 2 and not rest[1].isdigit())
        ):
            return None
        pre = _LEVEL[level[1]]
        if len(rest) == 1:  # a level without a serial (soupsieve's ``Version(2, 7, 0, "final")``)
            return None if pre else text
        return f"{text}{pre}{int(rest[1])}" if pre else text

    @property
    def serial(self) -> bool:
        """Whether a serial follows the release level."""
        return len(self.items) > self.numbers + 1


def find_tuple(text: str) -> _Tuple | None:
    """The version tuple ``__version__`` is computed from in a module's ``text``, if any."""
    for match in _ASSIGN.finditer(text):
        name = match.group("name")
        if not re.search(rf"^__version__\b[^\n]*\b{re.escape(name)}\b", text, re.M):
            continue
        start = match.start("body")
        found = list(_ITEM.finditer(match.group("body")))
        spans = tuple((start + m.start(), start + m.end()) for m in found)
        items = tuple(m.group() for m in found)
        candidate = _Tuple(name, match.group("call") or "", spans, items)
        if candidate.version() is not None:
            return candidate
    return None


class TupleVersion(VersionSource):
    """The numbers of ``__version_info__ = (...)`` a module computes ``__version__`` from."""

    def __init__(self, root: Path, path: Path, *, kind: str) -> None:
        super().__init__(root)
        self.path = path
        self.kind = kind

    def _find(self) -> tuple[str, _Tuple]:
        text = read_text(self.path)
        found = find_tuple(text)
        if found is None:
            raise ConfigError(
                f"{self.path}: no version tuple that __version__ is computed from",
                hint='write __version__ = "X.Y.Z" in that file',
            )
        return text, found

    def read(self) -> str:
        return str(self._find()[1].version())

    def files(self) -> tuple[Path, ...]:
        return (self.path,)

    def describe(self) -> str:
        name = self._find()[1].name if self.path.is_file() else "__version_info__"
        return f"{self.path.relative_to(self.root).as_posix()} ({self.kind}: {name} tuple)"

    def cannot_hold(self, version: str) -> str | None:
        return self._cannot_hold(self._find()[1], version)

    def _cannot_hold(self, found: _Tuple, version: str) -> str | None:
        try:
            target = Version(version)
        except InvalidVersion:
            return f"{version!r} is not a PEP 440 version"
        what = (
            "a development version"
            if target.dev is not None
            else "a post-release"
            if target.post is not None
            else "a local version"
            if target.local
            else "an epoch"
            if target.epoch
            else f"{len(target.release)} release numbers (the tuple has {found.numbers})"
            if len(target.release) != found.numbers
            else "a pre-release (the tuple has no release level)"
            if target.pre and found.level() is None
            else "a pre-release (the tuple has no serial after its release level)"
            if target.pre and not found.serial
            else None
        )
        if what is None:
            return None
        return (
            f"{self.path}: the version is the tuple {found.name} = "
            f"{found.call}({', '.join(found.items)}), "
            f"which cannot express {version}: {what}"
        )

    def write(self, version: str) -> None:
        text, found = self._find()
        reason = self._cannot_hold(found, version)
        if reason:
            raise ConfigError(reason, hint="choose a version the tuple can express")
        target = Version(version)
        items = [str(n) for n in target.release]
        level = found.level()
        if level is not None:
            quote, word = level
            phase = target.pre[0] if target.pre else ""
            # the file's own spelling: its word when the phase is unchanged, else long or short
            spelled = (
                word
                if _LEVEL[word] == phase
                else (_WORDS if word in _LONG else _SHORT_WORDS)[phase]
            )
            items.append(f"{quote}{spelled}{quote}")
            if found.serial:
                items.append(str(target.pre[1]) if target.pre else found.items[found.numbers + 1])
        for (start, end), item in reversed(list(zip(found.spans, items, strict=True))):
            text = text[:start] + item + text[end:]
        self.path.write_bytes(text.encode("utf-8"))
