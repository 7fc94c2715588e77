"""A version kept as a tuple that ``__version__`` is computed from (pyparsing's
``__version_info__ = version_info(3, 2, 3, "final", 1)``, older projects' ``VERSION = (1, 2, 3)``):
detected, read, written in the file's own spelling with nothing else changed, and versions the
tuple cannot express refused before anything is written. The module itself is imported after
each write to check that what it computes is the planned version."""

from __future__ import annotations

import runpy
import tomllib
from pathlib import Path

import pytest
from packaging.version import Version

from releasekit.errors import ConfigError
from releasekit.versions import detect_source
from releasekit.versions.infotuple import TupleVersion

FLIT = (
    '[build-system]\nrequires = ["flit_core >=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n\n'
    '[project]\nname = "demo-pkg"\ndynamic = ["version", "description"]\n'
)
SETUPTOOLS_ATTR = (
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
    '[project]\nname = "demo-pkg"\ndynamic = ["version"]\n\n'
    '[tool.setuptools.dynamic]\nversion = {attr = "demo_pkg.__version__"}\n'
)
# pyparsing 3.2.3's own lines, word for word
PYPARSING = '''"""Demo."""
from typing import NamedTuple


class version_info(NamedTuple):
    major: int
    minor: int
    micro: int
    releaselevel: str
    serial: int

    @property
    def __version__(self):
        return (
            f"{self.major}.{self.minor}.{self.micro}"
            + (
                f"{'r' if self.releaselevel[0] == 'c' else ''}{self.releaselevel[0]}{self.serial}",
                "",
            )[self.releaselevel == "final"]
        )


__version_info__ = version_info(%s)
__version_time__ = "25 Mar 2025 01:38 UTC"
__version__ = __version_info__.__version__
'''
HATCH_CODE = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "demo-pkg"\ndynamic = ["version"]\n\n'
    '[tool.hatch.version]\nsource = "code"\npath = "demo_pkg/__init__.py"\n'
)
# soupsieve 2.7's __meta__.py, its Version cut to what a final release uses
SOUPSIEVE = """from typing import NamedTuple


class Version(NamedTuple):
    major: int
    minor: int
    micro: int
    release: str = "final"
    pre: int = 0

    def _get_canonical(self) -> str:
        if self.micro == 0:
            return f"{self.major}.{self.minor}"
        return f"{self.major}.{self.minor}.{self.micro}"


__version_info__ = Version(%s)
__version__ = __version_info__._get_canonical()
"""
PLAIN = 'VERSION = (%s)\n__version__ = ".".join(map(str, VERSION))\nOTHER = (1, 2, 3)\n'
SHORT = (
    "__version_info__ = (%s)\n"
    "__version__ = '.'.join(map(str, __version_info__[:3])) + "
    "(__version_info__[3] + str(__version_info__[4]) if __version_info__[3] != 'final' else '')\n"
)


def _project(tmp_path: Path, pyproject: str, module: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    (tmp_path / "demo_pkg").mkdir()
    (tmp_path / "demo_pkg" / "__init__.py").write_text(module, encoding="utf-8")
    return tmp_path / "demo_pkg" / "__init__.py"


def _computed(path: Path) -> str:
    return str(runpy.run_path(str(path))["__version__"])


@pytest.mark.parametrize(
    ("pyproject", "module", "items", "version", "bumps"),
    [
        pytest.param(
            FLIT,
            PYPARSING,
            '3, 2, 3, "final", 1',
            "3.2.3",
            [
                ("3.2.4", '3, 2, 4, "final", 1'),
                ("3.3.0rc1", '3, 3, 0, "candidate", 1'),
                ("3.3.0rc2", '3, 3, 0, "candidate", 2'),
                ("3.3.0", '3, 3, 0, "final", 2'),
                ("4.0.0a1", '4, 0, 0, "alpha", 1'),
                ("4.0.0b3", '4, 0, 0, "beta", 3'),
            ],
            id="pyparsing",
        ),
        pytest.param(
            SETUPTOOLS_ATTR,
            PLAIN,
            "1, 4, 2",
            "1.4.2",
            [("1.4.3", "1, 4, 3"), ("2.0.0", "2, 0, 0")],
            id="plain-tuple-setuptools-attr",
        ),
        pytest.param(
            FLIT,
            SHORT,
            "0, 9, 1, 'rc', 2",
            "0.9.1rc2",
            [("0.9.1rc3", "0, 9, 1, 'rc', 3"), ("0.9.1", "0, 9, 1, 'final', 3")],
            id="short-words-single-quotes",
        ),
        pytest.param(
            HATCH_CODE,
            SOUPSIEVE,
            '2, 7, 0, "final"',
            "2.7",
            [("2.7.1", '2, 7, 1, "final"'), ("2.8.0", '2, 8, 0, "final"')],
            id="soupsieve-level-without-serial-hatch-code",
        ),
    ],
)
def test_tuple_versions_are_read_and_written_exactly(
    tmp_path: Path,
    pyproject: str,
    module: str,
    items: str,
    version: str,
    bumps: list[tuple[str, str]],
) -> None:
    path = _project(tmp_path, pyproject, module % items)
    source = detect_source(tmp_path, _toml(tmp_path), name="demo-pkg")
    assert isinstance(source, TupleVersion)
    assert Version(source.read()) == Version(version) == Version(_computed(path))
    assert source.files() == (path,)
    for new, spelled in bumps:
        assert source.cannot_hold(new) is None
        source.write(new)
        source.verify(new)
        assert path.read_text(encoding="utf-8") == module % spelled  # nothing else changed
        assert Version(_computed(path)) == Version(new)  # the module computes the planned one


@pytest.mark.parametrize(
    ("module", "items", "new", "reason"),
    [
        (PYPARSING, '3, 2, 3, "final", 1', "3.2.4.dev1", "a development version"),
        (PYPARSING, '3, 2, 3, "final", 1', "3.2.3.post1", "a post-release"),
        (PYPARSING, '3, 2, 3, "final", 1', "1!3.2.4", "an epoch"),
        (PYPARSING, '3, 2, 3, "final", 1', "3.3", "2 release numbers (the tuple has 3)"),
        (PLAIN, "1, 4, 2", "1.5.0rc1", "a pre-release (the tuple has no release level)"),
        (SOUPSIEVE, '2, 7, 0, "final"', "2.8.0rc1", "the tuple has no serial after its release"),
    ],
)
def test_a_version_the_tuple_cannot_express_is_refused_before_writing(
    tmp_path: Path, module: str, items: str, new: str, reason: str
) -> None:
    path = _project(tmp_path, FLIT, module % items)
    before = path.read_bytes()
    source = detect_source(tmp_path, _toml(tmp_path), name="demo-pkg")
    message = source.cannot_hold(new)
    assert message is not None
    assert str(path) in message and reason in message and new in message
    call = {PYPARSING: "version_info", SOUPSIEVE: "Version"}.get(module, "")  # as the file has it
    assert f"= {call}({items})" in message
    with pytest.raises(ConfigError, match="cannot express"):
        source.write(new)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "module",
    [
        # __version__ is a literal: the ordinary module source, not the tuple
        'VERSION = (1, 2, 3)\n__version__ = "1.2.3"\n',
        # a tuple __version__ is not computed from
        "VERSION = (1, 2, 3)\n__version__ = get_version()\n",
        # not a version tuple (one number; a level word that is not one)
        "VERSION = (1,)\n__version__ = str(VERSION)\n",
        'VERSION = (1, 2, "gamma", 1)\n__version__ = str(VERSION)\n',
    ],
)
def test_only_the_tuple_version_is_computed_from_is_taken(tmp_path: Path, module: str) -> None:
    _project(tmp_path, FLIT, module)
    source = detect_source(tmp_path, _toml(tmp_path), name="demo-pkg")
    assert not isinstance(source, TupleVersion)


def _toml(root: Path) -> dict[str, object]:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
