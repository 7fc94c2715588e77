"""verify's ``twine check``: real builds of tiny projects, real twine. A warning PyPI accepts
(six and h11 publish without a description content type) is shown, an error stops the release."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from releasekit.errors import StepFailed
from releasekit.steps.verify import verify_artifacts
from releasekit.venv import uv_binary

SETUP = """from setuptools import setup
setup(name="tinysix", version="1.0", py_modules=["tinysix"],
      long_description=open("README.rst").read(){content_type})
"""


def _built(root: Path, readme: str, content_type: str = "") -> list[Path]:
    root.mkdir()
    (root / "setup.py").write_text(SETUP.format(content_type=content_type))
    (root / "README.rst").write_text(readme)
    (root / "tinysix.py").write_text("X = 1\n")
    dist = root / "dist"
    subprocess.run([uv_binary() or "uv", "build", "-q", "-o", str(dist), str(root)], check=True)
    return sorted(p for p in dist.iterdir() if p.name.endswith((".whl", ".tar.gz")))


def test_a_missing_content_type_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    files = _built(tmp_path / "six", "tinysix\n=======\n\nSix, smaller.\n")
    verified = verify_artifacts(files, workdir=tmp_path / "work")
    assert verified.metadata_warnings == (
        "`long_description_content_type` missing. defaulting to `text/x-rst`.",
    )


def test_a_description_pypi_cannot_render_stops_the_release(tmp_path: Path) -> None:
    broken = "tinysix\n=======\n\n.. unknown-directive:: here\n\n`unclosed\n"
    files = _built(tmp_path / "bad", broken, ', long_description_content_type="text/x-rst"')
    with pytest.raises(StepFailed) as info:
        verify_artifacts(files, workdir=tmp_path / "work")
    assert str(info.value).startswith("twine check failed (exit 1): ")
    assert "\x1b[" not in str(info.value)  # no terminal colours in an ERROR line


def test_the_error_names_the_readme_line_not_the_text_twine_quotes(tmp_path: Path) -> None:
    """tenacity's README: Sphinx's ``testcode`` directive over a code block whose last line
    says ``IOError``. The ERROR line was that code line; it is twine's error and its line."""
    readme = (
        "tinysix\n=======\n\n.. testcode::\n\n    import random\n\n"
        '    raise IOError("Broken sauce, everything is hosed!!!111one")\n'
    )
    files = _built(tmp_path / "sauce", readme, ', long_description_content_type="text/x-rst"')
    with pytest.raises(StepFailed) as info:
        verify_artifacts(files, workdir=tmp_path / "work")
    said = str(info.value)
    assert "line 4: Error: Unknown directive type" in said and "testcode" in said
    assert "Broken sauce" not in said


def test_a_field_newer_than_the_metadata_version_names_the_backend_to_upgrade(
    tmp_path: Path,
) -> None:
    """mkdocs 1.6.1, towncrier 24.8.0, execnet 2.1.1: hatchling 1.25 (their release week's)
    writes ``License-Expression`` under Metadata-Version 2.3, which twine and PyPI refuse."""
    root = tmp_path / "old"
    (root / "tinyold").mkdir(parents=True)
    (root / "tinyold" / "__init__.py").write_text("X = 1\n")
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling==1.25.0"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "tinyold"\nversion = "1.0"\nlicense = "MIT"\n'
    )
    dist = root / "dist"
    subprocess.run([uv_binary() or "uv", "build", "-q", "-o", str(dist), str(root)], check=True)
    files = sorted(p for p in dist.iterdir() if p.name.endswith((".whl", ".tar.gz")))
    with pytest.raises(StepFailed) as info:
        verify_artifacts(files, workdir=tmp_path / "work")
    said = " ".join(str(info.value).split())
    assert "license-expression introduced in metadata version 2.4, not 2.3" in said
    assert info.value.hint is not None
    assert "License-Expression" not in info.value.hint  # twine names it in lower case
    assert "license-expression under Metadata-Version 2.3" in info.value.hint
    assert "hatchling>=1.27" in info.value.hint
