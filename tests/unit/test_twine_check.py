"""verify's ``twine check``: real builds of tiny projects, real twine. A warning PyPI accepts
(six and h11 publish without a description content type) is shown, an error stops the release."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from releasekit.errors import ProcessError
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
    with pytest.raises(ProcessError) as info:
        verify_artifacts(files, workdir=tmp_path / "work")
    assert str(info.value).startswith("twine check failed (exit 1): ")
    assert "\x1b[" not in str(info.value)  # no terminal colours in an ERROR line
