"""trove-classifiers' shape, released unmodified: the ``calver`` setuptools plugin makes the
version from the build date (``use_calver="%Y.%m.%d.%H"``), nothing in the tree holds it.

Real ``releasekit init`` and ``release`` on tests/projects/shape-trove, a real build with the
calver plugin from the index. Without releasekit's pin of the planned version's time
(``SOURCE_DATE_EPOCH``), the build makes the version of the release commit's time: an explicit
version is then refused before upload, and a release planned at 09:59:59 and built at 10:00
would be too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from packaging.version import Version

from ..conftest import Sandbox, assert_one_error_line, make_sandbox, metadata_version

FORMAT = "%Y.%m.%d.%H"
CURRENT = "2025.5.9.12"


def _date_version(moment: dt.datetime) -> str:
    return str(Version(moment.strftime(FORMAT)))


@pytest.fixture
def trove(tmp_path: Path) -> Sandbox:
    sb = make_sandbox(tmp_path, "shape-trove")
    sb.git("tag", "-a", CURRENT, "-m", "release")
    sb.git("push", "-q", "origin", "main", "--tags")
    sb.run("init", check=True)
    if sb.git("status", "--porcelain"):
        sb.git("add", "-A")
        sb.git("commit", "-qm", "Set up releasekit")
        sb.git("push", "-q", "origin", "main")
    return sb


def _released(sb: Sandbox, version: str) -> None:
    """The index holds exactly the sdist and wheel of ``version``, each saying it inside, and
    the remote has its tag."""
    assert set(sb.index_files()) == {
        f"tinytrove-{version}.tar.gz",
        f"tinytrove-{version}-py3-none-any.whl",
    }
    for name in sb.index_files():
        assert metadata_version(sb.index / name) == version, name
    assert sb.remote_git("tag", "--list").split() == sorted([CURRENT, version])


@pytest.mark.xdist_group("calver")
def test_a_release_is_the_date_now_built_exactly_and_tagged(trove: Sandbox) -> None:
    plan = trove.run("plan", "patch", check=True)
    shown = plan.stdout + plan.stderr
    assert "calver" in shown and FORMAT in shown, shown
    before = dt.datetime.now(dt.UTC)
    trove.run("release", "patch", "--yes", "--to", "local", check=True, timeout=600)
    after = dt.datetime.now(dt.UTC)
    (tag,) = set(trove.remote_git("tag", "--list").split()) - {CURRENT}
    assert tag in {_date_version(before), _date_version(after)}
    _released(trove, tag)


@pytest.mark.xdist_group("calver")
def test_an_explicit_date_of_the_format_is_built_exactly(trove: Sandbox) -> None:
    trove.run("release", "2030.1.2.3", "--yes", "--to", "local", check=True, timeout=600)
    _released(trove, "2030.1.2.3")


@pytest.mark.parametrize(
    ("bump", "needles"),
    [
        ("rc", ("BUMP 'rc'", "no pre-, dev- or post-releases", FORMAT)),
        ("2030.1.2", ("version 2030.1.2 is not a date", FORMAT)),
        (CURRENT, (f"gives {CURRENT}, which is not greater", "one version per period")),
    ],
)
def test_a_version_calver_cannot_make_is_one_error_and_nothing_changes(
    trove: Sandbox, bump: str, needles: tuple[str, ...]
) -> None:
    before = trove.snapshot()
    done = trove.run("release", bump, "--yes", "--to", "local")
    assert done.returncode == 2, done.stdout + done.stderr
    assert_one_error_line(done, *needles)
    assert trove.snapshot() == before
