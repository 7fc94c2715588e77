"""Copies of the version in the project's packages are written with its source and read back:
a release never ships a package whose ``__version__`` contradicts its metadata (typer's sdist:
``[project] version`` and ``typer/__init__.py`` both say 0.16.0)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from releasekit.errors import StepFailed
from releasekit.versions import WithCopies, detect_source, find_bumpversion

STATIC = (
    '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n\n'
    '[project]\nname = "tinytyper"\nversion = "0.16.0"\n'
)


def _make(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def _detect(root: Path) -> object:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    engine = find_bumpversion(root)
    return detect_source(root, data, name="tinytyper", bumpversion=engine)


@pytest.mark.parametrize("layout", ["", "src/"])
def test_a_copy_in_the_package_is_written_with_the_static_version(
    tmp_path: Path, layout: str
) -> None:
    _make(
        tmp_path,
        {
            "pyproject.toml": STATIC,
            f"{layout}tinytyper/__init__.py": '"""Typer."""\n\n__version__ = "0.16.0"\n',
            f"{layout}tinytyper/__about__.py": "__version__ = '0.16.0'\n",
            f"{layout}tinytyper/_vendor/__init__.py": '__version__ = "0.16.0"\n',  # not top
            f"{layout}other/__init__.py": '__version__ = "1.0.0"\n',  # another version
            "tests/__init__.py": '__version__ = "0.16.0"\n',  # not a package of the project
        },
    )
    source = _detect(tmp_path)
    assert isinstance(source, WithCopies)
    assert source.describe() == (
        "pyproject.toml [project] version; copied in "
        f"{layout}tinytyper/__init__.py, {layout}tinytyper/__about__.py"
    )
    before = {p: p.read_text() for p in tmp_path.rglob("*.py")}
    source.write("0.17.0rc1")
    source.verify("0.17.0rc1")
    assert 'version = "0.17.0rc1"' in (tmp_path / "pyproject.toml").read_text()
    init = tmp_path / layout / "tinytyper/__init__.py"
    assert init.read_text() == '"""Typer."""\n\n__version__ = "0.17.0rc1"\n'
    about = tmp_path / layout / "tinytyper/__about__.py"
    assert about.read_text() == "__version__ = '0.17.0rc1'\n"
    changed = {p for p in before if p.read_text() != before[p]}
    assert changed == {init, about}


@pytest.mark.parametrize("layout", ["", "src/"])
def test_a_copy_in_a_namespace_package_is_written(tmp_path: Path, layout: str) -> None:
    """poetry-core's shape: ``src/poetry/core/__init__.py`` repeats ``[project] version`` and
    its tests assert that the two agree; ``poetry/`` is a namespace package (no __init__.py)."""
    _make(
        tmp_path,
        {
            "pyproject.toml": STATIC,
            f"{layout}tinyns/core/__init__.py": '__version__ = "0.16.0"\n',
            f"{layout}tinyns/core/_vendor/lib/__init__.py": '__version__ = "0.16.0"\n',  # deeper
            "docs/tinyns/__init__.py": '__version__ = "0.16.0"\n',  # never the version's home
        },
    )
    source = _detect(tmp_path)
    assert isinstance(source, WithCopies)
    assert source.describe() == (
        f"pyproject.toml [project] version; copied in {layout}tinyns/core/__init__.py"
    )
    source.write("0.16.1")
    source.verify("0.16.1")
    assert (tmp_path / layout / "tinyns/core/__init__.py").read_text() == '__version__ = "0.16.1"\n'
    vendored = tmp_path / layout / "tinyns/core/_vendor/lib/__init__.py"
    assert vendored.read_text() == '__version__ = "0.16.0"\n'


def test_a_copy_changed_behind_the_release_fails_the_read_back(tmp_path: Path) -> None:
    _make(
        tmp_path,
        {"pyproject.toml": STATIC, "tinytyper/__init__.py": '__version__ = "0.16.0"\n'},
    )
    source = _detect(tmp_path)
    assert isinstance(source, WithCopies)
    source.write("0.16.1")
    (tmp_path / "tinytyper/__init__.py").write_text('__version__ = "0.16.0"\n')
    with pytest.raises(StepFailed, match=r"tinytyper/__init__.py.*read back '0.16.0'"):
        source.verify("0.16.1")


def test_no_copy_no_wrapper_and_bump_my_version_keeps_its_own_list(tmp_path: Path) -> None:
    _make(tmp_path, {"pyproject.toml": STATIC, "tinytyper/__init__.py": "X = 1\n"})
    assert not isinstance(_detect(tmp_path), WithCopies)
    bumpversion = (
        '\n[tool.bumpversion]\ncurrent_version = "0.16.0"\n\n'
        '[[tool.bumpversion.files]]\nfilename = "pyproject.toml"\n'
    )
    dynamic = STATIC.replace('version = "0.16.0"', 'dynamic = ["version"]')
    _make(
        tmp_path,
        {
            "pyproject.toml": dynamic + bumpversion,
            "tinytyper/__init__.py": '__version__ = "0.16.0"\n',
        },
    )
    assert not isinstance(_detect(tmp_path), WithCopies)
