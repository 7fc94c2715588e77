"""verify compares each wheel with the last release's on the target index.

humanize's shape (tests/projects/shape-humanize): its ``.mo`` translations are compiled by a
script before the build and ignored by git (``[tool.hatch.build] artifacts = ["*.mo"]``). The
last release, built by the maintainers after running the script, has them; releasekit builds
from a fresh checkout of the release commit, where they are not, so before this check it
published a wheel without translations. Real hatchling builds, real releases to the embedded
index.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile

import pytest

from ..conftest import Sandbox, make_sandbox

MO = "tinyhuman/locale/de_DE/LC_MESSAGES/tinyhuman.mo"


@pytest.fixture
def humanize(tmp_path_factory: pytest.TempPathFactory) -> Sandbox:
    """The project at 4.12.3, tagged, with 4.12.3's wheel on the index as its maintainers built
    it: the translations compiled first, then ``python -m build --wheel`` in the work tree."""
    sb = make_sandbox(tmp_path_factory.mktemp("humanize"), "shape-humanize")
    sb.git("tag", "-a", "4.12.3", "-m", "4.12.3")
    sb.git("push", "-q", "origin", "main", "--tags")
    subprocess.run(["sh", "scripts/generate-translation-binaries.sh"], cwd=sb.repo, check=True)
    sb.index.mkdir()
    build = [sys.executable, "-m", "build", "--wheel", "--outdir", str(sb.index), "."]
    subprocess.run(build, cwd=sb.repo, check=True, capture_output=True)
    with zipfile.ZipFile(sb.index / "tinyhuman-4.12.3-py3-none-any.whl") as wheel:
        assert MO in wheel.namelist()
    return sb


def test_a_wheel_that_lost_the_last_release_s_translations_is_not_published(
    humanize: Sandbox,
) -> None:
    head = humanize.git("rev-parse", "HEAD")
    done = humanize.run("release", "patch", "--yes", "--to", "local", timeout=600)
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, done.stderr
    assert errors[0].startswith(
        "ERROR tinyhuman-4.12.4-py3-none-any.whl lacks 1 file(s) that "
        "tinyhuman-4.12.3-py3-none-any.whl on local has, none of them deleted in git since "
        f"4.12.3: {MO} -- nothing was uploaded;"
    )
    assert sorted(p.name for p in humanize.index.iterdir()) == ["tinyhuman-4.12.3-py3-none-any.whl"]
    assert humanize.git("rev-parse", "HEAD") == head
    assert humanize.remote_git("tag", "--list").split() == ["4.12.3"]


def test_a_module_deleted_in_git_is_no_loss(humanize: Sandbox) -> None:
    """Files git deleted since the last tag were dropped on purpose; with the translations
    made by the build (here: committed), the release goes through."""
    humanize.git("rm", "-q", "--cached", "--", ".gitignore")
    (humanize.repo / ".gitignore").write_text("__pycache__/\n/dist/\n", encoding="utf-8")
    humanize.git("add", "-A")
    humanize.git("rm", "-q", "src/tinyhuman/locale/de_DE/LC_MESSAGES/tinyhuman.po")
    humanize.git("commit", "-qm", "ship the compiled catalogue, drop its source")
    humanize.run("release", "patch", "--yes", "--to", "local", check=True, timeout=600)
    with zipfile.ZipFile(humanize.index / "tinyhuman-4.12.4-py3-none-any.whl") as wheel:
        assert MO in wheel.namelist()
        assert MO.replace(".mo", ".po") not in wheel.namelist()


def test_verify_previous_false_turns_the_comparison_off(humanize: Sandbox) -> None:
    pyproject = humanize.repo / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + "\n[tool.releasekit]\nverify_previous = false\n", encoding="utf-8"
    )
    humanize.git("commit", "-qam", "drop the translations on purpose")
    humanize.run("release", "patch", "--yes", "--to", "local", check=True, timeout=600)
    with zipfile.ZipFile(humanize.index / "tinyhuman-4.12.4-py3-none-any.whl") as wheel:
        assert MO not in wheel.namelist()


def test_a_module_left_over_in_the_last_release_s_build_directory_is_no_loss(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """setuptools never empties ``build/lib``: ecdsa dropped ``_rwlock.py`` in 0.19.0 and its
    0.19.1 wheel, built where an older build ran, still has it. Requests' setup.py shape: the
    module is built once, deleted and committed, and the tagged release is built in the same
    directory, so its wheel has the module git no longer has; the next release goes through,
    naming the leftover. A module the new wheel still imports stays a loss."""
    sb = make_sandbox(tmp_path_factory.mktemp("stale"), "shape-setuppy")
    stale = sb.repo / "src/tinyreqs/_rwlock.py"
    stale.write_text("LOCK = None\n", encoding="utf-8")
    sb.git("add", "-A")
    sb.git("commit", "-qm", "a lock")
    build = [sys.executable, "-m", "build", "--wheel", "--outdir", str(sb.repo / "dist"), "."]
    subprocess.run(build, cwd=sb.repo, check=True, capture_output=True)
    sb.git("rm", "-q", "src/tinyreqs/_rwlock.py")
    sb.git("commit", "-qm", "drop the unused lock")
    sb.git("tag", "-a", "v2.32.4", "-m", "2.32.4")
    sb.git("push", "-q", "origin", "main", "--tags")
    sb.index.mkdir()
    build[-2:] = [str(sb.index), "."]
    subprocess.run(build, cwd=sb.repo, check=True, capture_output=True)
    with zipfile.ZipFile(sb.index / "tinyreqs-2.32.4-py3-none-any.whl") as wheel:
        assert "tinyreqs/_rwlock.py" in wheel.namelist()  # what setuptools does

    imports = sb.repo / "src/tinyreqs/__init__.py"
    original = imports.read_text(encoding="utf-8")
    imports.write_text(original + "from . import _rwlock\n", encoding="utf-8")
    sb.git("commit", "-qam", "use the lock")
    head = sb.git("rev-parse", "HEAD")
    refused = sb.run("release", "patch", "--yes", "--to", "local", timeout=600)
    assert refused.returncode != 0
    assert "lacks 1 file(s) that tinyreqs-2.32.4-py3-none-any.whl on local has" in refused.stderr
    assert sb.git("rev-parse", "HEAD") == head
    assert sorted(p.name for p in sb.index.iterdir()) == ["tinyreqs-2.32.4-py3-none-any.whl"]

    imports.write_text(original, encoding="utf-8")
    sb.git("commit", "-qam", "no lock after all")
    done = sb.run("release", "patch", "--yes", "--to", "local", check=True, timeout=600)
    assert (
        "tinyreqs-2.32.4-py3-none-any.whl on local has 1 module(s) that were not in the source "
        "at v2.32.4 and that nothing in tinyreqs-2.32.5-py3-none-any.whl imports, left over "
        "from the directory it was built in (not lost): tinyreqs/_rwlock.py"
    ) in " ".join((done.stdout + done.stderr).split())
    with zipfile.ZipFile(sb.index / "tinyreqs-2.32.5-py3-none-any.whl") as wheel:
        assert "tinyreqs/_rwlock.py" not in wheel.namelist()
