"""setup.py projects whose name and version come from code: the build backend is asked (real
``python -m build --metadata``), and the version's one home is found, written and read back."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest

from releasekit.errors import ConfigError, StepFailed
from releasekit.versions import detect_source
from releasekit.versions.setuppy import SetupPyVersion, setup_py_metadata
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


def test_a_version_written_in_several_files_is_written_in_each(tmp_path: Path) -> None:
    """pycparser's and jmespath's shape: setup.py passes the literal, the package repeats it."""
    literal = LITERAL.replace('py_modules=["tinylit"]', 'packages=["tinylit"]')
    root = _project(
        tmp_path,
        {
            "setup.py": literal,
            "tinylit/__init__.py": "__version__ = '1.4.0'\n",
            "tinylit/about.py": '__version__ = "1.4.0"\n',
            "tests/test_it.py": '__version__ = "1.4.0"\n',  # never the version's home
        },
    )
    source = detect_source(root, {}, name="tinylit")
    assert source.describe().startswith("setup.py ")  # what setup() reads comes first
    assert {p.relative_to(root).as_posix() for p in source.files()} == {
        "setup.py",
        "tinylit/__init__.py",
        "tinylit/about.py",
    }
    source.write("1.4.1rc1")
    source.verify("1.4.1rc1")
    assert '    version="1.4.1rc1",\n' in (root / "setup.py").read_text()
    assert (root / "tinylit/__init__.py").read_text() == "__version__ = '1.4.1rc1'\n"
    assert (root / "tests/test_it.py").read_text() == '__version__ = "1.4.0"\n'


def test_a_version_file_setup_py_reads_is_written(tmp_path: Path) -> None:
    """cookiecutter's shape: setup.py reads ``cookiecutter/VERSION.txt``."""
    setup = (
        "from pathlib import Path\nfrom setuptools import setup\n"
        "version = (Path(__file__).parent / 'tinyck' / 'VERSION.txt').read_text().strip()\n"
        'setup(name="tinyck", version=version, packages=["tinyck"])\n'
    )
    root = _project(
        tmp_path,
        {"setup.py": setup, "tinyck/__init__.py": "", "tinyck/VERSION.txt": "2.6.0\n"},
    )
    source = detect_source(root, {}, name="tinyck")
    assert source.describe() == "tinyck/VERSION.txt (setup.py: a version file)"
    source.write("2.6.1")
    assert (root / "tinyck/VERSION.txt").read_text() == "2.6.1\n"
    assert source.read() == "2.6.1"


def test_a_module_version_constant_setup_py_reads_is_written(tmp_path: Path) -> None:
    """pytz's shape: setup.py passes ``pytz.VERSION``; the package says ``VERSION = '2025.2'``
    and ``__version__ = VERSION``."""
    setup = (
        "from setuptools import setup\nimport tinytz\n"
        'setup(name="tinytz", version=tinytz.VERSION, packages=["tinytz"])\n'
    )
    module = (
        "OLSON_VERSION = '2025b'\nVERSION = '2025.2'  # pip compatible\n__version__ = VERSION\n"
    )
    root = _project(tmp_path, {"setup.py": setup, "tinytz/__init__.py": module})
    source = detect_source(root, {}, name="tinytz")
    assert isinstance(source, SetupPyVersion)
    assert source.read() == "2025.2"
    source.write("2025.2.1")
    source.verify("2025.2.1")
    assert (root / "tinytz/__init__.py").read_text() == module.replace("2025.2'", "2025.2.1'")


def test_a_version_constant_in_setup_py_itself_is_written(tmp_path: Path) -> None:
    """websocket-client's shape: ``VERSION = "1.8.0"`` at the top of setup.py, passed as
    ``version=VERSION``, and repeated as ``__version__`` in the package: both are written."""
    setup = (
        'from setuptools import setup\n\nVERSION = "1.8.0"\n\n'
        'setup(name="tinyws", version=VERSION, packages=["tinyws"])\n'
    )
    root = _project(tmp_path, {"setup.py": setup, "tinyws/__init__.py": '__version__ = "1.8.0"\n'})
    source = detect_source(root, {}, name="tinyws")
    assert {p.relative_to(root).as_posix() for p in source.files()} == {
        "setup.py",
        "tinyws/__init__.py",
    }
    source.write("1.8.1")
    source.verify("1.8.1")
    assert 'VERSION = "1.8.1"' in (root / "setup.py").read_text()
    assert (root / "tinyws/__init__.py").read_text() == '__version__ = "1.8.1"\n'


SCHEDULE_PYPROJECT = """\
[build-system]
requires = ["setuptools >= 61.0"]
build-backend = "setuptools.build_meta"

[project]
name = "tinysched"
description = "Job scheduling for humans."
dynamic = ["version", "classifiers", "keywords", "authors"]
"""


@pytest.mark.parametrize("backend", ["setuptools.build_meta", "setuptools.build_meta:__legacy__"])
def test_a_dynamic_project_version_setup_py_gives_is_written_there(
    tmp_path: Path, backend: str
) -> None:
    """schedule's shape: a ``[project]`` table with a dynamic version and no setuptools dynamic
    source, and setup.py passing ``version=SCHEDULE_VERSION``, assigned above it (a download URL
    built from it). Before, ``init`` stopped: "no version releasekit can bump". setuptools'
    legacy backend (``:__legacy__``, which also puts the root on ``sys.path``) runs setup.py
    just the same."""
    setup = (
        'from setuptools import setup\n\n\nSCHEDULE_VERSION = "1.2.2"\n'
        'URL = "https://example.invalid/tarball/" + SCHEDULE_VERSION\n\n'
        'setup(\n    name="tinysched",\n    packages=["tinysched"],\n'
        "    version=SCHEDULE_VERSION,\n"
        '    url=URL,\n    author="A Maintainer",\n    keywords=["schedule"],\n'
        '    classifiers=["Intended Audience :: Developers"],\n)\n'
    )
    pyproject = SCHEDULE_PYPROJECT.replace('"setuptools.build_meta"', f'"{backend}"')
    files = {"setup.py": setup, "pyproject.toml": pyproject, "tinysched/__init__.py": ""}
    root = _project(tmp_path, files)
    data = tomllib.loads(pyproject)
    source = detect_source(root, data, name="tinysched")
    assert source.describe() == "setup.py (setup.py: the version in a Python file)"
    assert source.read() == "1.2.2"
    source.write("1.2.3")
    source.verify("1.2.3")
    assert setup.replace('"1.2.2"', '"1.2.3"') == (root / "setup.py").read_text()


def test_another_backend_never_takes_the_version_from_setup_py(tmp_path: Path) -> None:
    pyproject = SCHEDULE_PYPROJECT.replace("setuptools.build_meta", "hatchling.build")
    setup = 'from setuptools import setup\nV = "1.2.2"\nsetup(name="tinysched", version=V)\n'
    root = _project(tmp_path, {"setup.py": setup, "pyproject.toml": pyproject})
    with pytest.raises(ConfigError, match="no version releasekit can bump"):
        detect_source(root, tomllib.loads(pyproject), name="tinysched")


def test_the_backend_is_asked_again_after_writing(tmp_path: Path) -> None:
    """A home releasekit did not find (the version computed from parts) keeps setup.py at the
    old version: the version step's read-back fails before anything is committed, rather than
    verify finding the old version in the built artifacts."""
    setup = (
        'from setuptools import setup\nMAJOR, MINOR = 1, 8\nVERSION = f"{MAJOR}.{MINOR}.0"\n'
        'setup(name="tinyparts", version=VERSION, packages=["tinyparts"])\n'
    )
    root = _project(
        tmp_path, {"setup.py": setup, "tinyparts/__init__.py": '__version__ = "1.8.0"\n'}
    )
    source = detect_source(root, {}, name="tinyparts")
    source.write("1.8.1")
    with pytest.raises(StepFailed, match=r"still gives 1\.8\.0: it reads the version from"):
        source.verify("1.8.1")


def test_a_version_releasekit_cannot_place_is_one_config_error(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"setup.py": SIX_LIKE, "six.py": "__version__ = '.'.join(map(str, (1, 17, 0)))\n"},
    )
    with pytest.raises(ConfigError) as info:
        detect_source(root, {}, name="tinysix")
    assert str(info.value).startswith(f"{root / 'setup.py'}: setup.py gives version 1.17.0, ")
    assert 'but no file holds it as __version__ = "..."' in str(info.value)
    assert "[tool.bumpversion]" in (info.value.hint or "")


INVOKE_LIKE = """from setuptools import setup
_locals = {}
with open("tinyinv/_version.py") as fp:
    exec(fp.read(), None, _locals)
setup(name="tinyinv", version=_locals["__version__"], packages=["tinyinv"])
"""


def test_a_version_tuple_setup_py_execs_is_written(tmp_path: Path) -> None:
    """invoke's shape: setup.py execs ``_version.py``, whose ``__version__`` is joined from
    ``__version_info__ = (2, 2, 0)``; the tuple is the version's home, and the backend gives the
    new version after writing."""
    version_py = (
        '__version_info__ = (2, 2, 0)\n__version__ = ".".join(map(str, __version_info__))\n'
    )
    root = _project(
        tmp_path,
        {"setup.py": INVOKE_LIKE, "tinyinv/__init__.py": "", "tinyinv/_version.py": version_py},
    )
    source = detect_source(root, {}, name="tinyinv")
    assert source.describe() == (
        "tinyinv/_version.py (setup.py: a version tuple: __version_info__ tuple)"
    )
    assert source.read() == "2.2.0"
    assert "cannot express 2.2.1.dev1: a development version" in (
        source.cannot_hold("2.2.1.dev1") or ""
    )
    source.write("2.3.0")
    source.verify("2.3.0")  # the build backend now gives 2.3.0 too
    assert (root / "tinyinv/_version.py").read_text() == version_py.replace("2, 2, 0", "2, 3, 0")


def test_a_private_key_marker_in_the_readme_does_not_cut_the_metadata(tmp_path: Path) -> None:
    """ecdsa's README says PEM files look like ``"-----BEGIN EC PRIVATE KEY-----"``: the
    redactor took the marker for a key and masked the rest of the backend's JSON, and init
    stopped with a JSONDecodeError."""
    setup = LITERAL.replace(")\n", '    long_description=open("README.md").read(),\n)\n')
    readme = (
        'PEM files look like `"-----BEGIN EC ' + 'PRIVATE KEY-----"`, base64 encoded.\n'
    ) * 3 + "The end.\n"
    root = _project(tmp_path, {"setup.py": setup, "README.md": readme, "tinylit.py": ""})
    meta = setup_py_metadata(root)
    assert meta is not None
    assert (meta.name, meta.version) == ("tinylit", "1.4.0")


def test_an_annotated_final_version_setup_py_execs_is_written(tmp_path: Path) -> None:
    """outcome's ``_version.py``: ``__version__: 'Final[str]' = "1.3.0.post0"``; before, the
    annotation hid it and init stopped. A patch release from a post-release is 1.3.1."""
    setup = INVOKE_LIKE.replace("tinyinv", "tinyout")
    version_py = (
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from typing_extensions import "
        "Final\n\n__version__: 'Final[str]' = \"1.3.0.post0\"\n"
    )
    root = _project(
        tmp_path,
        {"setup.py": setup, "tinyout/__init__.py": "", "tinyout/_version.py": version_py},
    )
    source = detect_source(root, {}, name="tinyout")
    assert source.read() == "1.3.0.post0"
    source.write("1.3.1")
    source.verify("1.3.1")
    assert (root / "tinyout/_version.py").read_text() == version_py.replace("1.3.0.post0", "1.3.1")


DILL_LIKE = """from setuptools import setup
from version import __version__, write_info_py
write_info_py("tinydill/__info__.py")
setup(name="tinydill", version=__version__, packages=["tinydill"])
"""
DILL_VERSION = """__version__ = "0.4.0"


def write_info_py(path):
    with open(path, "w") as handle:
        handle.write(f"__version__ = {__version__!r}\\n")
"""


def test_a_file_the_build_writes_and_git_ignores_is_never_the_versions_home(
    tmp_path: Path,
) -> None:
    """dill's shape: setup.py writes ``dill/__info__.py`` from ``version.py``, .gitignore
    ignores it, and the sdist ships both: the version lives in version.py alone."""
    root = _project(
        tmp_path,
        {
            "setup.py": DILL_LIKE,
            "version.py": DILL_VERSION,
            "tinydill/__init__.py": "from .__info__ import __version__\n",
            "tinydill/__info__.py": "__version__ = '0.4.0'\n",
            ".gitignore": "/tinydill/__info__.py\n",
        },
    )
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    source = detect_source(root, {}, name="tinydill")
    assert [p.relative_to(root).as_posix() for p in source.files()] == ["version.py"]
    source.write("0.4.1")
    source.verify("0.4.1")  # setup.py gives it, having written __info__.py afresh
    assert '__version__ = "0.4.1"\n' in (root / "version.py").read_text()


def test_a_literal_version_among_other_arguments_on_one_line(tmp_path: Path) -> None:
    one_line = (
        "from setuptools import setup\nsetup(name='tinyone', version='1.5.1', py_modules=['m'])\n"
    )
    root = _project(tmp_path, {"setup.py": one_line, "m.py": ""})
    source = detect_source(root, {}, name="tinyone")
    source.write("1.5.2")
    source.verify("1.5.2")
    assert (
        "setup(name='tinyone', version='1.5.2', py_modules=['m'])"
        in (root / "setup.py").read_text()
    )
