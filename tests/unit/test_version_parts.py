"""dnspython's shape: ``MAJOR``/``MINOR``/``MICRO``/``RELEASELEVEL``/``SERIAL`` in a module
hatch's ``code`` source runs (``expression = "version"``): read, written exactly, refused where
the module cannot say the version."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasekit.errors import ConfigError
from releasekit.versions import detect_source
from releasekit.versions.parts import PartsVersion

from ..conftest import PROJECTS

PYPROJECT = {
    "project": {"name": "tinydns", "dynamic": ["version"]},
    "build-system": {"requires": ["hatchling"], "build-backend": "hatchling.build"},
    "tool": {
        "hatch": {"version": {"source": "code", "path": "dns/version.py", "expression": "version"}}
    },
}
#: dnspython's dns/version.py, as the shape-dnspython fixture project has it
MODULE = (PROJECTS / "shape-dnspython" / "dns" / "version.py").read_text()


def _source(root: Path, module: str = MODULE) -> PartsVersion:
    (root / "dns").mkdir(exist_ok=True)
    (root / "dns" / "version.py").write_text(module)
    source = detect_source(root, PYPROJECT, name="tinydns")
    assert isinstance(source, PartsVersion)
    return source


def _computed(root: Path) -> str:
    """What the module itself computes, as hatch's ``code`` source would run it."""
    namespace: dict[str, object] = {}
    exec((root / "dns" / "version.py").read_text(), namespace)  # noqa: S102 - our own fixture
    return str(namespace["version"])


@pytest.mark.parametrize(
    ("version", "level", "serial"),
    [("2.7.1", "0x0F", "0"), ("2.8.0rc1", "0x0C", "1"), ("2.8.0.dev0", "0x00", "0")],
)
def test_the_parts_are_written_in_the_files_spelling(
    tmp_path: Path, version: str, level: str, serial: str
) -> None:
    source = _source(tmp_path)
    assert source.read() == "2.7.0"
    assert source.describe() == "dns/version.py ([tool.hatch.version] code: MAJOR, MINOR, MICRO)"
    source.write(version)
    source.verify(version)
    text = (tmp_path / "dns" / "version.py").read_text()
    assert f"\nRELEASELEVEL = {level}\nSERIAL = {serial}\n" in text
    assert text.replace(f"RELEASELEVEL = {level}", "RELEASELEVEL = 0x0F").count("\n") == (
        MODULE.count("\n")
    )
    assert _computed(tmp_path).replace("dev", ".dev") in {version, version.replace(".dev", "dev")}


@pytest.mark.parametrize(
    ("version", "why"),
    [("2.7.0.post1", "a post-release"), ("2.8", "2 release numbers"), ("3.0.0rc1.dev1", "dev")],
)
def test_a_version_the_module_cannot_say_is_refused_before_writing(
    tmp_path: Path, version: str, why: str
) -> None:
    source = _source(tmp_path)
    reason = source.cannot_hold(version)
    assert reason is not None and why in reason
    with pytest.raises(ConfigError, match="cannot express"):
        source.write(version)
    assert (tmp_path / "dns" / "version.py").read_text() == MODULE


def test_without_a_release_level_only_final_versions(tmp_path: Path) -> None:
    module = 'MAJOR = 1\nMINOR = 2\nPATCH = 3\nversion = f"{MAJOR}.{MINOR}.{PATCH}"\n'
    source = _source(tmp_path, module)
    assert source.read() == "1.2.3"
    assert source.cannot_hold("1.2.4rc1") is not None
    source.write("1.3.0")
    assert (tmp_path / "dns" / "version.py").read_text() == module.replace(
        "MINOR = 2\nPATCH = 3", "MINOR = 3\nPATCH = 0"
    )


@given(
    release=st.tuples(*[st.integers(0, 300)] * 3),
    phase=st.sampled_from(["", "a", "b", "rc", ".dev"]),
    serial=st.integers(0, 20),
)
def test_every_expressible_version_reads_back_and_is_what_the_module_computes(
    tmp_path_factory: pytest.TempPathFactory, release: tuple[int, int, int], phase: str, serial: int
) -> None:
    root = tmp_path_factory.mktemp("parts")
    source = _source(root)
    version = ".".join(map(str, release)) + (f"{phase}{serial}" if phase else "")
    source.write(version)
    assert source.read() == version
    computed = _computed(root)
    expected = version.replace(".dev", "dev")
    if phase in ("a", "b"):  # dnspython spells other levels in hex: %x of 0xA is "a"
        expected = version
    assert computed == expected
