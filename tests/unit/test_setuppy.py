"""setup.py projects whose name and version come from code: the build backend is asked (real
``python -m build --metadata``), and the version's one home is found, written and read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.errors import ConfigError
from releasekit.versions import detect_source
from releasekit.versions.setuppy import SetupPyVersion
from releasekit.workspace import package_name

SIX_LIKE = """from setuptools import setup
import six
setup(name="tinysix", version=six.__version__, py_modules=["six"])
"""
LITERAL = """from setuptools import setup
setup(
    name="tinylit",
    version="1.4.0",
    py_modules=["tinylit"],
)
"""


def _project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_module_imported_by_setup_py_holds_the_version(tmp_path: Path) -> None:
    root = _project(tmp_path, {"setup.py": SIX_LIKE, "six.py": '__version__ = "1.17.0"\n'})
    assert package_name({}, root) == "tinysix"
    source = detect_source(root, {}, name="tinysix")
    assert isinstance(source, SetupPyVersion)
    assert source.read() == "1.17.0"
    source.write("1.17.1rc1")
    assert (root / "six.py").read_text() == '__version__ = "1.17.1rc1"\n'


def test_a_literal_version_in_setup_py_is_written_there(tmp_path: Path) -> None:
    root = _project(tmp_path, {"setup.py": LITERAL, "tinylit.py": "X = 1\n"})
    source = detect_source(root, {}, name="tinylit")
    assert source.describe() == "setup.py (setup.py: the version in a Python file)"
    source.write("1.4.1")
    assert '    version="1.4.1",\n' in (root / "setup.py").read_text()
    assert source.read() == "1.4.1"


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (
            {
                "six.py": '__version__ = "1.17.0"\n',
                "sixlib/__init__.py": '__version__ = "1.17.0"\n',
            },
            "which is written in several files (six.py, sixlib/__init__.py)",
        ),
        (
            {"six.py": "__version__ = '.'.join(map(str, (1, 17, 0)))\n"},
            "but no Python file holds it",
        ),
    ],
    ids=["twice", "computed"],
)
def test_a_version_releasekit_cannot_place_is_one_config_error(
    tmp_path: Path, files: dict[str, str], said: str
) -> None:
    root = _project(tmp_path, {"setup.py": SIX_LIKE, **files})
    with pytest.raises(ConfigError) as info:
        detect_source(root, {}, name="tinysix")
    assert str(info.value).startswith(f"{root / 'setup.py'}: setup.py gives version 1.17.0, ")
    assert said in str(info.value)
    assert "[tool.bumpversion]" in (info.value.hint or "")
