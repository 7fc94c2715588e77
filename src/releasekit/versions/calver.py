"""A calendar version the ``calver`` setuptools plugin makes at build time (trove-classifiers).

``setup(use_calver="%Y.%m.%d.%H", setup_requires=["calver"])`` asks the plugin for the build
date in that format (``use_calver=True``: ``%Y.%m.%d``); calver reads ``SOURCE_DATE_EPOCH`` when
it is set, and a sdist's ``PKG-INFO`` when there is one. Nothing holds the version, so nothing is
written: the current version is the latest release tag (as for VCS versions), the next one is the
date in the project's format, and the build is pinned to it through ``SOURCE_DATE_EPOCH`` (a
time inside the planned version's period), so a release planned at 09:59 and built at 10:00 is
still exactly the planned version. Keywords that move a part (``patch``, ``minor``, ``major``)
all mean "the date now"; a calendar made by the build has no pre-, dev- or post-releases.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from packaging.version import InvalidVersion, Version

from ..errors import ConfigError, UsageError
from ..textfiles import read_text
from .project import Project
from .vcs import VcsVersion

__all__ = ["CalverVersion"]

#: The format ``use_calver=True`` means (calver's ``DEFAULT_FORMAT``).
DEFAULT_FORMAT = "%Y.%m.%d"
_TODAY = ("major", "minor", "patch", "release")


def _keyword(setup_py: Path) -> ast.expr | None:
    """The ``use_calver=`` argument of the ``setup(...)`` call in ``setup_py``, if any."""
    try:
        tree = ast.parse(read_text(setup_py), filename=str(setup_py))
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg == "use_calver":
                    return keyword.value
    return None


def _format(value: ast.expr, setup_py: Path) -> str:
    if isinstance(value, ast.Constant) and value.value is True:
        return DEFAULT_FORMAT
    if isinstance(value, ast.Constant) and isinstance(value.value, str) and value.value:
        return value.value
    raise ConfigError(
        f"{setup_py}: use_calver={ast.unparse(value)} computes the version in code, which "
        "releasekit cannot pin for the build",
        hint='give calver a format string (use_calver="%Y.%m.%d"), or write the version in the '
        "project",
    )


class CalverVersion(VcsVersion):
    kind = "calver"

    def __init__(self, root: Path, *, name: str, tag_format: str, date_format: str) -> None:
        super().__init__(root, name=name, tag_format=tag_format)
        self.date_format = date_format

    @classmethod
    def detect(cls, project: Project) -> CalverVersion | None:
        setup_py = project.root / "setup.py"
        if project.table("project").get("version") or not setup_py.is_file():
            return None
        value = _keyword(setup_py)
        if value is None:
            return None
        return cls(
            project.root,
            name=project.name,
            tag_format=project.tag_format,
            date_format=_format(value, setup_py),
        )

    def describe(self) -> str:
        return f"{super().describe()}; the build date as {self.date_format}"

    def _moment(self, version: str) -> dt.datetime | None:
        """The start of the period ``version`` names in the format (None: not of the format)."""
        # PEP 440 drops leading zeros (``%y`` of 2000 is ``00``, a version's ``0``); strptime
        # wants them back for some directives
        padded = ".".join(part.zfill(2) for part in version.split("."))
        for text in dict.fromkeys((version, padded)):
            try:
                moment = dt.datetime.strptime(text, self.date_format).replace(tzinfo=dt.UTC)
            except ValueError:
                continue
            if Version(moment.strftime(self.date_format)) == Version(version):
                return moment
        return None

    def next_version(self, current: str, bump: str, now: dt.datetime) -> str:
        """The version a release planned at ``now`` gets for ``bump``: the date in the format
        for a part keyword, or an explicit version of the format; always above ``current``."""
        if bump.strip().lower() in _TODAY:
            version, what = str(Version(now.strftime(self.date_format))), f"the date now ({bump})"
        else:
            try:
                version, what = str(Version(bump)), f"version {bump}"
            except InvalidVersion:
                raise UsageError(
                    f"BUMP {bump!r}: calver makes this project's version from the build date "
                    f"({self.date_format}), which has no pre-, dev- or post-releases",
                    hint="release with `releasekit release patch` (the date now) or give a "
                    f"version of the format {self.date_format}",
                ) from None
            if self._moment(version) is None:
                raise UsageError(
                    f"version {bump} is not a date of this project's calver format "
                    f"{self.date_format}",
                    hint="give a version of that format, or `patch` for the date now",
                )
        if Version(version) <= Version(current):
            raise UsageError(
                f"{what} gives {version}, which is not greater than the current version {current}",
                hint=f"the format {self.date_format} gives one version per period: release "
                "again when the next one starts",
            )
        return version

    def build_env(self, name: str, version: str) -> dict[str, str]:
        moment = self._moment(version)
        if moment is None:  # planned by next_version, which accepts only the format's dates
            raise ConfigError(
                f"version {version} is not a date of calver's format {self.date_format}",
                hint="plan the release again",
            )
        return {"SOURCE_DATE_EPOCH": str(int(moment.timestamp()))}
