"""Versions end to end: the version written, committed, built and uploaded is exactly the plan.

Real tools throughout: git with a bare remote, bump-my-version, uv/build with the real backends
(hatch-vcs comes from PyPI through build isolation), twine and the embedded pypiserver.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ..conftest import PROJECTS, Sandbox, assert_one_error_line, make_sandbox

SIMPLE = (PROJECTS / "simple" / "pyproject.toml").read_text(encoding="utf-8")


def test_hatch_vcs_release_builds_the_planned_version_and_tags_the_base(tmp_path: Path) -> None:
    """The tag is the version: nothing is committed, and the build is pinned (no .devN)."""
    sandbox = make_sandbox(tmp_path, "hatch_vcs")
    sandbox.git("tag", "-a", "v26.1.0", "-m", "26.1.0")
    (sandbox.repo / "src" / "vcs_demo" / "__init__.py").write_text('"""Changed."""\n')
    sandbox.git("commit", "-qam", "a change after the tag")  # untagged: hatch-vcs says .dev1
    sandbox.git("push", "-q", "origin", "main", "v26.1.0")
    base = sandbox.git("rev-parse", "HEAD")

    done = sandbox.run("release", "patch", "--yes", check=True)

    assert "Released vcs-demo 26.1.1 to local" in done.stderr
    assert set(sandbox.index_files()) == {
        "vcs_demo-26.1.1-py3-none-any.whl",
        "vcs_demo-26.1.1.tar.gz",
    }
    assert sandbox.git("rev-parse", "HEAD") == base  # no release commit: nothing to write
    assert sandbox.remote_git("rev-parse", "v26.1.1^{commit}") == base
    assert sandbox.git("status", "--porcelain") == ""


def test_bumpversion_that_would_write_another_version_is_refused_first(tmp_path: Path) -> None:
    """bump-my-version's default parse would write 1.0.1 for 1.0.1rc1: refused, nothing changed."""
    config = (
        '\n[tool.bumpversion]\ncurrent_version = "1.0.0"\n\n[[tool.bumpversion.files]]\n'
        'filename = "pyproject.toml"\nsearch = \'version = "{current_version}"\'\n'
        "replace = 'version = \"{new_version}\"'\n"
    )
    sandbox = make_sandbox(tmp_path, "simple", edit={"pyproject.toml": SIMPLE + config})
    before = sandbox.snapshot()

    plan = sandbox.run("plan", "rc")
    assert plan.returncode == 3, plan.stdout + plan.stderr
    assert "would write '1.0.1', not 1.0.1rc1" in plan.stdout + plan.stderr

    done = sandbox.run("release", "rc", "--yes")
    line = assert_one_error_line(done, "would write '1.0.1', not 1.0.1rc1")
    assert "╭" not in line
    assert done.returncode == 3
    assert sandbox.snapshot() == before


def test_current_dev_version_in_a_module_is_released_exactly(tmp_path: Path) -> None:
    """``__version__ = '8.5.0.dev0'`` (hatch path, single quotes) -> 8.5.0, no bump config."""
    pyproject = SIMPLE.replace('version = "1.0.0"', 'dynamic = ["version"]') + (
        '\n[tool.hatch.version]\npath = "src/simple_pkg/__init__.py"\n'
    )
    init = (PROJECTS / "simple" / "src" / "simple_pkg" / "__init__.py").read_text("utf-8")
    init = init.replace("__all__", "__version__ = '8.5.0.dev0'\n__all__", 1)
    sandbox = make_sandbox(
        tmp_path,
        "simple",
        edit={"pyproject.toml": pyproject, "src/simple_pkg/__init__.py": init},
    )

    sandbox.run("release", "release", "--yes", check=True)

    changed = sandbox.git("show", "--name-only", "--format=", "HEAD").splitlines()
    assert sorted(changed) == [
        "CHANGELOG.md",
        "changelog.d/1.feature.md",
        "src/simple_pkg/__init__.py",
    ]
    text = (sandbox.repo / "src" / "simple_pkg" / "__init__.py").read_text("utf-8")
    assert text == init.replace("'8.5.0.dev0'", "'8.5.0'")
    assert set(sandbox.index_files()) == {
        "simple_pkg-8.5.0-py3-none-any.whl",
        "simple_pkg-8.5.0.tar.gz",
    }
    assert sandbox.remote_git("tag") == "v8.5.0"


UV_INIT = (PROJECTS / "shape-uv-init" / "pyproject.toml").read_text(encoding="utf-8")


def test_a_uv_lock_out_of_date_before_the_release_is_left_as_it_was(tmp_path: Path) -> None:
    """A dependency added without `uv lock`: updating the lock would put that in the release
    commit too, so the lock stays as it was and a WARNING says so."""
    stale = UV_INIT.replace("dependencies = []", 'dependencies = ["iniconfig"]')
    sandbox = make_sandbox(tmp_path, "shape-uv-init", edit={"pyproject.toml": stale})
    lock = (sandbox.repo / "uv.lock").read_text(encoding="utf-8")

    done = sandbox.run("release", "patch", "--yes", check=True)

    assert "Released tinyuv 0.1.1 to local" in done.stderr
    warning = next(line for line in done.stderr.splitlines() if line.startswith("WARNING"))
    assert "uv.lock was out of date before the release" in warning
    assert "it keeps tinyuv 0.1.0; run `uv lock` and commit it" in warning
    assert (sandbox.repo / "uv.lock").read_text(encoding="utf-8") == lock


def test_a_uv_lock_recording_the_version_needs_uv_and_doctor_says_so(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "shape-uv-init")
    before = sandbox.snapshot()
    done = sandbox.run("release", "patch", "--yes", env={"RELEASEKIT_NO_UV": "1"})
    assert_one_error_line(
        done, "uv.lock records tinyuv 0.1.0, and uv, which updates it, is not installed"
    )
    assert done.returncode == 3
    assert sandbox.snapshot() == before
    doctor = sandbox.run("doctor", env={"RELEASEKIT_NO_UV": "1"})
    assert doctor.returncode != 0
    assert "uv.lock records tinyuv 0.1.0, and uv, which updates it" in doctor.stdout + doctor.stderr


SRCLAYOUT = (PROJECTS / "srclayout" / "pyproject.toml").read_text(encoding="utf-8")
POST_COMMIT_HOOKS = (
    'current_version = "2.0.0"\npost_commit_hooks = ["git push --tags", "touch ran"]\n'
)


def test_bumpversion_post_commit_hooks_do_not_run_before_the_release_commit(
    tmp_path: Path,
) -> None:
    """A project's `post_commit_hooks = ["git push", "git push --tags"]` (a common shape):
    bump-my-version runs them even with --no-commit --no-tag, which would push every local tag
    during the version step. releasekit does not let it, says so, and tags and pushes last."""
    pyproject = SRCLAYOUT.replace('current_version = "2.0.0"\n', POST_COMMIT_HOOKS)
    sandbox = make_sandbox(tmp_path, "srclayout", edit={"pyproject.toml": pyproject})
    sandbox.git("tag", "wip-local-only")

    plan = sandbox.run("plan", "patch", check=True)
    done = sandbox.run("release", "patch", "--yes", check=True)

    assert sandbox.remote_git("tag") == "v2.0.1"  # not wip-local-only
    assert not (sandbox.repo / "ran").exists()
    said = "bump-my-version's post_commit_hooks are not run (git push --tags; touch ran)"
    assert said in " ".join(plan.stderr.split())
    assert f"WARNING pyproject.toml [tool.bumpversion]: {said}" in " ".join(done.stderr.split())
    assert 'post_commit_hooks = ["git push --tags", "touch ran"]' in sandbox.git(
        "show", "v2.0.1:pyproject.toml"
    )  # the project's configuration is left as it is


def test_a_uv_lock_gets_the_new_version_without_uvs_cache(tmp_path: Path) -> None:
    """click's and Flask's releases: after the bump, `uv lock --offline` re-resolved and failed
    because uv's cache lacked a locked package. The lock's entry gets the version, uv checks it
    offline (no package needed), and nothing else in the lock changes."""
    sandbox = make_sandbox(tmp_path, "shape-uv-init")
    before = (sandbox.repo / "uv.lock").read_text(encoding="utf-8")

    sandbox.run(
        "release", "patch", "--yes", env={"UV_CACHE_DIR": str(tmp_path / "empty")}, check=True
    )

    after = (sandbox.repo / "uv.lock").read_text(encoding="utf-8")
    assert after == before.replace(
        'name = "tinyuv"\nversion = "0.1.0"', 'name = "tinyuv"\nversion = "0.1.1"'
    )
    assert after != before
    assert sandbox.git("status", "--porcelain") == ""  # committed with the release


def test_doctor_asks_bump_my_version_about_the_least_release(tmp_path: Path) -> None:
    """doctor knows no BUMP, so it dry-runs bump-my-version for the least release (the patch):
    a file its configuration names that is gone made doctor say ready while `release patch`
    stopped at its plan."""
    sandbox = make_sandbox(tmp_path, "shape-bumpmyversion")
    sandbox.git("rm", "-q", "action.yml")
    sandbox.git("commit", "-qm", "no action")
    sandbox.git("push", "-q", "origin", "main")
    before = sandbox.snapshot()
    for args in (("doctor",), ("release", "patch", "--yes")):
        done = sandbox.run(*args)
        line = assert_one_error_line(done, "cannot bump 1.2.0 -> 1.2.1", "action.yml")
        assert done.returncode == 3, line
    assert sandbox.snapshot() == before


def _tagged_vcs_project(tmp_path: Path) -> Sandbox:
    sandbox = make_sandbox(tmp_path, "hatch_vcs")
    sandbox.git("tag", "-a", "v2.3.0", "-m", "2.3.0")
    (sandbox.repo / "src" / "vcs_demo" / "__init__.py").write_text('"""Changed."""\n')
    sandbox.git("commit", "-qam", "a change after the tag")
    (sandbox.repo / "src" / "vcs_demo" / "__init__.py").write_text('"""Changed again."""\n')
    sandbox.git("commit", "-qam", "another change")
    sandbox.git("push", "-q", "origin", "main", "v2.3.0")
    return sandbox


def test_a_clone_without_the_release_tags_makes_up_no_version(tmp_path: Path) -> None:
    """CI's checkout (`git clone --no-tags`, actions/checkout's default): the tag IS the
    version, and with none here the plan was 0.0.1 for a project at 2.3.0, released, uploaded
    and tagged. The remote's release tags this clone lacks are named; fetched, it releases."""
    sandbox = _tagged_vcs_project(tmp_path)
    sandbox.git("tag", "-d", "v2.3.0")  # as a clone that fetched no tags has it
    before = sandbox.snapshot()
    for args in (("doctor",), ("release", "patch", "--yes")):
        done = sandbox.run(*args)
        line = assert_one_error_line(
            done, "remote 'origin' has release tags this clone lacks (v2.3.0)", "git fetch origin"
        )
        assert done.returncode == 3, line
    assert sandbox.snapshot() == before
    assert not sandbox.index_files()

    sandbox.git("fetch", "-q", "origin", "--tags")
    done = sandbox.run("release", "patch", "--yes", check=True)
    assert "Released vcs-demo 2.3.1 to local" in done.stderr


def test_a_shallow_clone_is_refused(tmp_path: Path) -> None:
    """A shallow clone (`git clone --depth 1`) cuts off the commits the tags point at: the
    version from them, the notes since the last release and the tag style are not there."""
    sandbox = _tagged_vcs_project(tmp_path)
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{sandbox.remote}", str(shallow)],
        check=True,
        env=sandbox.env,
    )
    assert (
        "v2.3.0"
        not in subprocess.run(
            ["git", "tag"], cwd=shallow, capture_output=True, text=True, check=True
        ).stdout.split()
    )
    for args in (("doctor",), ("release", "patch", "--yes")):
        done = subprocess.run(
            [sys.executable, "-m", "releasekit", *args],
            cwd=shallow,
            check=False,
            env={
                **sandbox.env,
                "GIT_AUTHOR_NAME": "T",
                "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "T",
                "GIT_COMMITTER_EMAIL": "t@example.invalid",
            },
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert "the clone is shallow" in done.stderr, done.stderr
        assert "git fetch --unshallow --tags" in done.stderr
        assert "Traceback" not in done.stderr
        assert done.returncode == 3, done.stderr
    assert not sandbox.index_files()
    assert sandbox.remote_git("tag").split() == ["v2.3.0"]
