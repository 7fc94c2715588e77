"""The hard check before upload: built name and version (file name AND metadata) = the plan."""

from __future__ import annotations

import io
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from releasekit.artifacts import check_planned, read_built
from releasekit.config import load_config
from releasekit.errors import ConfigError, StepFailed

PLAN = {"simple-pkg": "simple-pkg"}


def _metadata(name: str, version: str) -> bytes:
    return f"Metadata-Version: 2.3\nName: {name}\nVersion: {version}\n\nA description.\n".encode()


def wheel(directory: Path, name: str, version: str, *, filename: str | None = None) -> Path:
    stem = f"{name.replace('-', '_')}-{version}"
    path = directory / (filename or f"{stem}-py3-none-any.whl")
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(f"{stem}.dist-info/METADATA", _metadata(name, version))
        archive.writestr("simple_pkg/__init__.py", b"")
    return path


def sdist(directory: Path, name: str, version: str, *, filename: str | None = None) -> Path:
    stem = f"{name.replace('-', '_')}-{version}"
    path = directory / (filename or f"{stem}.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        data = _metadata(name, version)
        info = tarfile.TarInfo(f"{stem}/PKG-INFO")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return path


def test_planned_files_pass_and_versions_compare_as_pep440(tmp_path: Path) -> None:
    files = [sdist(tmp_path, "Simple.Pkg", "4.0.2rc1"), wheel(tmp_path, "simple_pkg", "4.0.2rc1")]
    built = check_planned(files, PLAN, "4.0.2-rc.1")  # the same version, spelled differently
    assert [(b.kind, b.name, b.version) for b in built] == [
        ("sdist", "simple-pkg", "4.0.2rc1"),
        ("wheel", "simple-pkg", "4.0.2rc1"),
    ]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # the version files were not bumped: the final version was built for an rc plan
        (
            lambda d: [sdist(d, "simple-pkg", "4.0.2"), wheel(d, "simple-pkg", "4.0.2")],
            "built simple-pkg 4.0.2 but the plan is 4.0.2rc1",
        ),
        # a VCS version built before the tag: a .devN build
        (
            lambda d: [
                sdist(d, "simple-pkg", "4.0.2rc1"),
                wheel(d, "simple-pkg", "4.0.2rc2.dev3"),
            ],
            "built simple-pkg 4.0.2rc2.dev3 but the plan is 4.0.2rc1",
        ),
        # a wheel renamed to the planned file name: the metadata tells
        (
            lambda d: [
                sdist(d, "simple-pkg", "4.0.2rc1"),
                wheel(d, "simple-pkg", "4.0.1", filename="simple_pkg-4.0.2rc1-py3-none-any.whl"),
            ],
            "built simple-pkg 4.0.1 but the plan is 4.0.2rc1",
        ),
        # right metadata, wrong file name
        (
            lambda d: [
                sdist(d, "simple-pkg", "4.0.2rc1", filename="simple_pkg-4.0.2.tar.gz"),
                wheel(d, "simple-pkg", "4.0.2rc1"),
            ],
            "the file name says 4.0.2 but the plan is 4.0.2rc1",
        ),
        # another project's files
        (
            lambda d: [sdist(d, "other-pkg", "4.0.2rc1"), wheel(d, "other-pkg", "4.0.2rc1")],
            "built other-pkg 4.0.2rc1 but the plan releases only simple-pkg",
        ),
        # file name and metadata disagree on the name
        (
            lambda d: [
                sdist(d, "simple-pkg", "4.0.2rc1"),
                wheel(d, "simple-pkg", "4.0.2rc1", filename="other_pkg-4.0.2rc1-py3-none-any.whl"),
            ],
            "the file name says other-pkg, its metadata simple-pkg",
        ),
        # no sdist; two sdists
        (
            lambda d: [wheel(d, "simple-pkg", "4.0.2rc1")],
            "built 0 sdist(s) and 1 wheel(s)",
        ),
        (
            lambda d: [
                sdist(d, "simple-pkg", "4.0.2rc1"),
                sdist(d, "simple-pkg", "4.0.2rc1", filename="simple-pkg-4.0.2rc1.tar.gz"),
                wheel(d, "simple-pkg", "4.0.2rc1"),
            ],
            "built 2 sdist(s) and 1 wheel(s)",
        ),
    ],
    ids=[
        "not-bumped",
        "dev-build",
        "renamed-wheel",
        "renamed-sdist",
        "other-project",
        "name-mismatch",
        "no-sdist",
        "two-sdists",
    ],
)
def test_anything_but_the_plan_stops(
    tmp_path: Path, make: Callable[[Path], list[Path]], message: str
) -> None:
    with pytest.raises(StepFailed) as caught:
        check_planned(make(tmp_path), PLAN, "4.0.2rc1")
    assert message in str(caught.value)
    assert "nothing was uploaded" in str(caught.value)


def test_unreadable_or_foreign_files_are_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "simple_pkg-1.0-py3-none-any.whl"
    broken.write_bytes(b"not a zip")
    with pytest.raises(StepFailed, match="cannot be read"):
        read_built(broken)
    odd = tmp_path / "simple_pkg-1.0.zip"
    odd.write_bytes(b"")
    with pytest.raises(StepFailed, match="neither a wheel"):
        read_built(odd)
    no_metadata = tmp_path / "simple_pkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(no_metadata, "w") as archive:
        archive.writestr("simple_pkg/__init__.py", b"")
    with pytest.raises(StepFailed, match=r"expected one \*.dist-info/METADATA"):
        read_built(no_metadata)


def test_secret_allow_entry_needs_a_reason(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1.0"\n'
        '[[tool.releasekit.secret_allow]]\npath = "tests/keys/*"\nkind = "Private Key"\n'
    )
    with pytest.raises(ConfigError, match=r"secret_allow\[0\]\.reason"):
        load_config(tmp_path, environ={})
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1.0"\n'
        '[[tool.releasekit.secret_allow]]\npath = "tests/keys/*"\nreason = "  "\n'
    )
    with pytest.raises(ConfigError, match="must say why"):
        load_config(tmp_path, environ={})
