"""The distribution: installable alone, light dependencies, registered through pytest11."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

PLUGIN_ROOT = Path(__file__).parents[1]


def test_wheel_metadata(tmp_path: Path) -> None:
    pytest.importorskip("build")
    pytest.importorskip("hatchling")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(PLUGIN_ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    (wheel,) = tmp_path.glob("pytest_releasekit-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(info).decode())
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    required = [r for r in metadata.get_all("Requires-Dist") or [] if "extra ==" not in r]
    assert sorted(required) == ["coverage[toml]>=7.4", "pytest>=8"]
    assert "[pytest11]\nreleasekit = pytest_releasekit.plugin" in entry_points
    assert "[console_scripts]\npytest-releasekit = pytest_releasekit.combine:main" in entry_points
    for module in (
        "plugin.py",
        "settings.py",
        "tiers.py",
        "report.py",
        "_run.py",
        "measure.py",
        "covmemo.py",
        "jsonfile.py",
        "shards.py",
        "combine.py",
        "gates/__init__.py",
        "gates/coverage.py",
        "gates/diff.py",
        "gates/ratchet.py",
        "gitdiff.py",
        "covbaseline.py",
        "gates/tiers.py",
        "gates/flaky.py",
        "gates/api.py",
        "apidiff.py",
        "apirelease.py",
        "apialarms.py",
        "apitypes.py",
        "py.typed",
    ):
        assert f"pytest_releasekit/{module}" in names
