"""towncrier writes the version as the file's entries write it. setuptools' NEWS.rst (jaraco's
skeleton) and pip-tools' CHANGELOG.md head their entries ``v84.0.0`` and ``## v7.6.1``: their
maintainers pass ``--version v7.6.1``, and the format adds no ``v``. Before, releasekit wrote
``84.0.1`` over ``v84.0.0``. A format that adds the ``v`` itself (tox's) gets the bare version.
Real ``towncrier build`` runs in a git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from releasekit.changelogs import ReleaseInfo
from releasekit.changelogs.towncrier import Towncrier

NEWS = "v84.0.0\n=======\n\nBugfixes\n--------\n\n- An old fix. (#1)\n"
RELEASE = ReleaseInfo("84.0.1", "2026-12-06", "v84.0.1", "v84.0.0")


def _project(root: Path, title_format: str, news: str) -> Towncrier:
    (root / "newsfragments").mkdir(parents=True)
    (root / "newsfragments" / "4321.bugfix.rst").write_text("A new fix.\n", encoding="utf-8")
    (root / "NEWS.rst").write_text(news, encoding="utf-8")
    settings = {"name": "setuptools", "title_format": title_format, "directory": "newsfragments"}
    table = "".join(f"{key} = {value!r}\n" for key, value in settings.items())
    (root / "towncrier.toml").write_text(f"[tool.towncrier]\n{table}", encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initial"]):
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.invalid", *args],
            cwd=root,
            check=True,
        )
    return Towncrier(root, root / "NEWS.rst", settings)


@pytest.mark.parametrize(
    ("title_format", "news", "heading"),
    [
        pytest.param("{version}", NEWS, "v84.0.1\n=======\n", id="setuptools: v passed"),
        pytest.param("{version}", NEWS.replace("v84", "84"), "84.0.1\n======\n", id="bare"),
        pytest.param(
            "v{version} ({project_date})",
            NEWS.replace("v84.0.0\n=======", "v84.0.0 (2026-11-01)\n===================="),
            "v84.0.1 (2026-12-06)\n====================\n",
            id="tox: the format adds it",
        ),
    ],
)
def test_the_version_is_written_as_the_entries_write_it(
    tmp_path: Path, title_format: str, news: str, heading: str
) -> None:
    changelog = _project(tmp_path, title_format, news)
    applied = changelog.apply(RELEASE)
    written = (tmp_path / "NEWS.rst").read_text(encoding="utf-8")
    assert written.startswith(heading), written
    assert written.endswith(news)
    assert "A new fix. (#4321)" in applied.notes
