"""Preflight knows the state the release depends on, and refuses before any side effect:
a branch behind or diverged from its remote, a remote that refuses pushes, a gate that writes
into the tree. The release commit holds exactly the files the release changed."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tarfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from releasekit.git import Git

from ..conftest import Sandbox, assert_one_error_line, free_port, git, make_sandbox, wait_until
from ..unit.test_preflight_target import http_server, pypi_token, website


def _refused(
    sandbox: Sandbox,
    code: int,
    *needles: str,
    env: dict[str, str] | None = None,
    to: str = "local",
) -> str:
    before = sandbox.snapshot()
    done = sandbox.run("release", "minor", "--yes", "--to", to, env=env)
    line = assert_one_error_line(done, *needles)
    assert done.returncode == code, done.stderr
    assert sandbox.snapshot() == before
    assert not (sandbox.repo / ".releasekit" / "journal.jsonl").exists()
    return line


def _push_from_elsewhere(sandbox: Sandbox) -> None:
    """Someone else pushes a commit to the remote's main."""
    other = sandbox.base / "other"
    git(sandbox.base, "clone", "-q", str(sandbox.remote), str(other))
    (other / "THEIRS.md").write_text("theirs\n")
    for args in (
        ("add", "THEIRS.md"),
        ("-c", "user.name=Other", "-c", "user.email=o@example.invalid", "commit", "-qm", "theirs"),
        ("push", "-q", "origin", "main"),
    ):
        git(other, *args)


def _commit_locally(sandbox: Sandbox, name: str = "MINE.md") -> None:
    (sandbox.repo / name).write_text("mine\n")
    sandbox.git("add", name)
    sandbox.git("commit", "-qm", "mine")


def test_branch_behind_its_remote_is_refused(sandbox: Sandbox) -> None:
    _push_from_elsewhere(sandbox)
    _refused(sandbox, 3, "branch 'main' is behind origin/main by 1 commit(s)", "git pull --rebase")
    # the fetch moved no ref: not main, not origin/main
    assert "THEIRS.md" not in sandbox.git("ls-tree", "-r", "--name-only", "origin/main")


def test_branch_diverged_from_its_remote_is_refused(sandbox: Sandbox) -> None:
    _push_from_elsewhere(sandbox)
    _commit_locally(sandbox)
    _refused(
        sandbox,
        3,
        "branch 'main' has diverged from origin/main (1 local and 1 remote commit(s) differ)",
        "git pull --rebase origin main",
    )


def test_branch_ahead_of_its_remote_is_fine(sandbox: Sandbox) -> None:
    _commit_locally(sandbox)
    done = sandbox.run("plan", "minor", check=True)
    assert "ready to release 1.1.0" in done.stderr


@contextlib.contextmanager
def _read_only_git_daemon(base: Path) -> Iterator[str]:
    """``git daemon``: fetches are served, pushes refused (its receive-pack is off by default)."""
    port = free_port()
    proc = subprocess.Popen(
        [
            "git",
            "daemon",
            "--export-all",
            "--reuseaddr",
            f"--base-path={base}",
            "--listen=127.0.0.1",
            f"--port={port}",
            str(base),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"git://127.0.0.1:{port}/remote.git"
    try:
        probe = ["git", "ls-remote", url]
        wait_until(
            lambda: subprocess.run(probe, capture_output=True, check=False).returncode == 0,
            "git daemon to start",
        )
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_remote_that_refuses_pushes_is_refused(sandbox: Sandbox) -> None:
    with _read_only_git_daemon(sandbox.base) as url:
        sandbox.git("remote", "set-url", "origin", url)
        _refused(sandbox, 3, "git remote 'origin' would refuse the release push", url)


def test_a_dry_run_push_cannot_know_a_pre_receive_hooks_verdict(sandbox: Sandbox) -> None:
    """What cannot be known without a side effect: hooks only run on a real push. This pins the
    limitation documented in cut-a-release.md (if git ever changes, preflight can do better)."""
    hook = sandbox.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    repo = Git(sandbox.repo)
    assert repo.push_refused("origin", "HEAD:refs/heads/main", "HEAD:refs/tags/v9") is None


def test_gate_that_changes_a_project_file_is_refused(sandbox: Sandbox) -> None:
    gate = "python -c \"open('README.md', 'a').write('from the tests')\""
    before = sandbox.snapshot()
    done = sandbox.run("release", "minor", "--yes", env={"RELEASEKIT_GATE_COMMAND": gate})
    assert_one_error_line(done, "the quality gate changed the project's files: README.md")
    assert done.returncode == 4
    after = sandbox.snapshot()
    assert isinstance(after["tree"], dict) and isinstance(before["tree"], dict)
    assert after["tree"].pop("README.md") != before["tree"].pop("README.md")  # the test's edit
    for key in ("tree", "head", "refs", "remote", "index", "dist"):
        assert after[key] == before[key], key
    assert not (sandbox.repo / ".releasekit" / "journal.jsonl").exists()
    assert sandbox.git("log", "--format=%s") == "Initial commit"


def test_a_lock_file_the_gates_installer_rewrote_is_restored(sandbox: Sandbox) -> None:
    """aiofiles' tox environment runs ``pdm install``, which rewrites pdm.lock: not the tests'
    doing. It is put back as committed, with a WARNING, and the release goes on; any other
    file changed in the same run still stops it."""
    (sandbox.repo / "pdm.lock").write_text("# as committed\n")
    sandbox.git("add", "pdm.lock")
    sandbox.git("commit", "-qm", "Lock")
    sandbox.git("push", "-q", "origin", "main")
    gate = "python -c \"open('pdm.lock', 'w').write('# re-locked')\""
    done = sandbox.run("release", "minor", "--yes", env={"RELEASEKIT_GATE_COMMAND": gate})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING the quality gate's environment rewrote pdm.lock as it installed" in (
        done.stdout + done.stderr
    )
    assert (sandbox.repo / "pdm.lock").read_text() == "# as committed\n"
    assert sandbox.git("status", "--porcelain") == ""
    assert sandbox.remote_git("tag") == "v1.1.0"
    both = "python -c \"[open(n, 'a').write('x') for n in ('pdm.lock', 'README.md')]\""
    done = sandbox.run("release", "patch", "--yes", env={"RELEASEKIT_GATE_COMMAND": both})
    assert_one_error_line(done, "the quality gate changed the project's files: README.md")


def test_files_the_gate_leaves_are_reported_and_kept_out_of_the_release(sandbox: Sandbox) -> None:
    """pyparsing's tests write diagrams into the working directory: new files are a WARNING;
    the release commit and the sdist hold none of them, and they are left where they are."""
    gate = "python -c \"open('leftover.html', 'w').write('from the tests')\""
    done = sandbox.run("release", "minor", "--yes", env={"RELEASEKIT_GATE_COMMAND": gate})
    assert done.returncode == 0, done.stderr
    assert "WARNING the quality gate left 1 new file(s) in the work tree: leftover.html" in (
        done.stdout + done.stderr
    )
    assert (sandbox.repo / "leftover.html").read_text() == "from the tests"
    assert sandbox.git("status", "--porcelain") == "?? leftover.html"
    assert "leftover.html" not in sandbox.git("show", "--name-only", "--format=", "HEAD")
    sdists = [name for name in sandbox.index_files() if name.endswith(".tar.gz")]
    assert len(sdists) == 1
    with tarfile.open(sandbox.index / sdists[0]) as archive:
        assert not [m for m in archive.getnames() if m.endswith("leftover.html")]
    assert sandbox.remote_git("tag") == "v1.1.0"


def test_release_commit_holds_exactly_the_release_files_with_state_dir_ignored(
    sandbox: Sandbox,
) -> None:
    ignore = sandbox.repo / ".gitignore"
    ignore.write_text(ignore.read_text() + ".releasekit/\n")
    sandbox.git("commit", "-qam", "ignore releasekit's state")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.run("release", "minor", "--to", "local", "--yes", check=True)
    changed = sandbox.git("show", "--name-status", "--format=", "HEAD").splitlines()
    assert sorted(changed) == [
        "D\tchangelog.d/1.feature.md",
        "M\tCHANGELOG.md",
        "M\tpyproject.toml",
    ]
    assert sandbox.git("status", "--porcelain") == ""
    assert sandbox.remote_git("rev-parse", "v1.1.0^{commit}") == sandbox.git("rev-parse", "HEAD")


def test_a_link_to_a_file_outside_the_repository_is_refused_before_the_release(
    sandbox: Sandbox,
) -> None:
    """The build checks out the release commit, which has the link but not its target: hatchling
    put the link into the sdist and uv refused it (an absolute target) or the wheel's build from
    the sdist found nothing there (a relative one), after the release commit. A link inside the
    repository is the project's business and is built as before."""
    outside = sandbox.base / "outside.txt"
    outside.write_text("a file of this machine's\n")
    data = sandbox.repo / "src" / "simple_pkg" / "data"
    data.mkdir()
    (data / "notes.txt").symlink_to("../../../../outside.txt")  # climbs out of the repository
    (sandbox.repo / "NOTICE").symlink_to(outside)  # absolute
    (sandbox.repo / "docs").mkdir()
    (sandbox.repo / "docs" / "index.md").symlink_to("../README.md")  # inside: fine
    sandbox.git("add", "-A")
    sandbox.git("commit", "-qm", "links")
    sandbox.git("push", "-q", "origin", "main")
    line = _refused(sandbox, 3, "outside the repository", "commit the file itself")
    assert line.startswith(f"ERROR NOTICE is a link to {outside}, "), line  # the first of two
    doctor = sandbox.run("doctor")
    assert doctor.returncode == 3, doctor.stderr
    named = [x for x in doctor.stderr.splitlines() if "outside the repository" in x]
    assert len(named) == 2, doctor.stderr
    climbing = "ERROR src/simple_pkg/data/notes.txt is a link to ../../../../outside.txt, "
    assert [x.startswith(climbing) for x in named] == [False, True], named
    assert "docs/index.md" not in doctor.stderr

    (data / "notes.txt").unlink()
    (sandbox.repo / "NOTICE").unlink()
    sandbox.git("add", "-A")
    sandbox.git("commit", "-qm", "no links out")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.run("release", "minor", "--to", "local", "--yes", check=True)


def test_index_url_that_is_a_website_is_refused(sandbox: Sandbox) -> None:
    site = sandbox.base / "site"
    website(site)
    with http_server(site) as url:
        env = {"TWINE_USERNAME": "someone", "TWINE_PASSWORD": "some-upload-password"}
        _refused(
            sandbox, 3, f"the index URL {url}simple/", "is not a package index", env=env, to=url
        )


def test_token_for_another_index_is_refused_before_use(sandbox: Sandbox) -> None:
    token = pypi_token("pypi.org")  # a pypi.org token, given for TestPyPI
    line = _refused(
        sandbox,
        3,
        "the API token for target 'testpypi' (TESTPYPI_TOKEN) was issued by pypi.org",
        "https://test.pypi.org/legacy/",
        env={"TESTPYPI_TOKEN": token},
        to="testpypi",
    )
    assert token not in line


def test_bumpversion_disagreeing_with_the_project_is_refused(sandbox: Sandbox) -> None:
    """Every step's check runs in preflight: here the version step's."""
    path = sandbox.repo / "pyproject.toml"
    path.write_text(path.read_text() + '\n[tool.bumpversion]\ncurrent_version = "0.9.0"\n')
    sandbox.git("commit", "-qam", "bump-my-version config")
    sandbox.git("push", "-q", "origin", "main")
    _refused(sandbox, 3, "current_version = '0.9.0'", "'1.0.0'", "pyproject.toml")


def test_doctor_reports_every_problem_even_when_the_remote_is_unreachable(
    sandbox: Sandbox,
) -> None:
    sandbox.git("remote", "set-url", "origin", str(sandbox.base / "gone.git"))
    (sandbox.repo / "README.md").write_text("edited\n")
    before = sandbox.snapshot()
    done = sandbox.run("doctor")
    assert done.returncode == 3
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert any("uncommitted changes (README.md)" in line for line in errors), done.stderr
    assert any("cannot reach git remote 'origin'" in line for line in errors), done.stderr
    assert "Traceback" not in done.stderr
    assert sandbox.snapshot() == before


@pytest.mark.parametrize(
    ("old", "new", "cause"),
    [
        ('license = "MIT"', 'license = "MIT OR"', "Invalid license expression: 'MIT OR'"),
        (
            'license = "MIT"',
            'license = "MIT"\nclassifiers = ["Programming Language :: Pyhton"]',
            "Unknown classifier in field `project.classifiers`: Programming Language :: Pyhton",
        ),
        ('readme = "README.md"', "readme = 5", "Field `project.readme` must be a string"),
    ],
    ids=["license-expression", "classifier-typo", "readme-number"],
)
def test_doctor_builds_the_project_and_names_what_its_backend_refuses(
    sandbox: Sandbox, old: str, new: str, cause: str
) -> None:
    """What the backend refuses in the metadata only it knows: doctor said ready, and the
    release stopped at its build, after its commit (rolled back). doctor now builds HEAD in a
    checkout of its own and names the backend's error; it changes nothing."""
    path = sandbox.repo / "pyproject.toml"
    path.write_text(path.read_text().replace(old, new, 1))
    sandbox.git("commit", "-qam", "metadata")
    sandbox.git("push", "-q", "origin", "main")
    before = sandbox.snapshot()
    done = sandbox.run("doctor")
    line = assert_one_error_line(done, "a trial build of HEAD failed", cause)
    assert done.returncode == 3, line
    assert sandbox.snapshot() == before
    assert not list(sandbox.repo.rglob("*.egg-info")) and not (sandbox.repo / "dist").exists()
    released = sandbox.run("release", "patch", "--yes")  # what doctor saved the user from
    assert released.returncode == 5 and cause in released.stderr, released.stderr


def test_a_version_behind_its_releases_is_found_by_doctor(tmp_path: Path) -> None:
    """click's main stays at 8.5.0.dev, its CHANGES.md at "Version 8.5.0 / Unreleased", while
    8.5.0 is released from its stable branch: doctor said ready, `release patch` stopped on the
    tag, and `release 8.5.1` listed 8.5.0's changes as 8.5.1's. doctor and preflight now say
    so, with what to do; done, the release is right."""
    sb = make_sandbox(tmp_path, "shape-flask")  # 3.1.1.dev, flit_core, CHANGES.rst
    sb.git("switch", "-q", "-c", "stable")
    for name, old, new in (
        ("pyproject.toml", '"3.1.1.dev"', '"3.1.1"'),
        ("CHANGES.rst", "Unreleased", "Released 2026-01-02"),
    ):
        path = sb.repo / name
        path.write_text(path.read_text().replace(old, new, 1))
    sb.git("commit", "-qam", "Release 3.1.1")
    sb.git("tag", "3.1.1")
    sb.git("switch", "-q", "main")
    sb.git("push", "-q", "origin", "main", "stable", "3.1.1")
    before = sb.snapshot()
    doctor = sb.run("doctor")
    assert doctor.returncode == 3
    errors = [line for line in doctor.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 2, doctor.stderr
    assert "version 3.1.1.dev is behind its releases" in errors[1]
    assert "`releasekit release 3.1.2` (or 3.2.0)" in errors[1]
    changelog = "CHANGES.rst: the entry of unreleased changes is headed 3.1.1, a version released"
    assert changelog in errors[0] and "(`git merge 3.1.1`)" in errors[0]
    refused = sb.run("release", "patch", "--to", "local", "--yes")
    assert refused.returncode == 3
    line = assert_one_error_line(refused, "tag 3.1.1 already exists")
    assert "after the newest tag 3.1.1: `releasekit release 3.1.2` (or 3.2.0)" in line
    refused = sb.run("release", "3.1.2", "--to", "local", "--yes")
    assert refused.returncode == 3
    assert_one_error_line(refused, changelog, "would list 3.1.1's changes again")
    assert sb.snapshot() == before
    sb.git("merge", "-q", "3.1.1")  # what the error says
    sb.git("push", "-q", "origin", "main")
    sb.run("release", "patch", "--to", "local", "--yes", check=True)
    assert sb.git("tag", "--points-at", "HEAD").split() == ["3.1.2"]
    text = (sb.repo / "CHANGES.rst").read_text()
    assert text.index("Version 3.1.2") < text.index("Version 3.1.1\n---")
    assert "Version 3.1.1\n-------------\n\nReleased 2026-01-02\n" in text


def test_a_released_version_s_entry_left_unreleased_is_found_by_doctor(tmp_path: Path) -> None:
    """gunicorn 23.0.0 and html5lib 1.1 were released (tagged) with their changelogs' top entry
    still "23.0.0 - unreleased" / "1.1 UNRELEASED": every release from there is refused in
    preflight (it would list 23.0.0's changes as the new version's), but doctor, checking with
    the project's own version, which is the entry's, said ready. Found by the adoption run's
    doctor check; doctor now checks the least release the version leads to, as `release patch`
    does, and says what preflight says."""
    sb = make_sandbox(tmp_path, "shape-flask")  # CHANGES.rst "Version 3.1.1 / Unreleased"
    path = sb.repo / "pyproject.toml"
    path.write_text(path.read_text().replace('"3.1.1.dev"', '"3.1.1"', 1))
    sb.git("commit", "-qam", "Release 3.1.1")  # as released, the entry left as it was
    sb.git("tag", "3.1.1")
    sb.git("push", "-q", "origin", "main", "3.1.1")
    before = sb.snapshot()
    doctor = sb.run("doctor")
    changelog = "CHANGES.rst: the entry of unreleased changes is headed 3.1.1, a version released"
    assert doctor.returncode == 3, doctor.stdout + doctor.stderr
    assert_one_error_line(doctor, changelog, "mark its entry released")
    refused = sb.run("release", "patch", "--to", "local", "--yes")
    assert refused.returncode == 3
    assert_one_error_line(refused, changelog)
    assert sb.snapshot() == before


def _cycle(path: Path) -> None:
    path.symlink_to(path.name)


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "keep.txt").write_text("a directory where a file belongs\n")


def _file(path: Path) -> None:
    path.write_text("a file where a directory belongs\n")


@pytest.mark.parametrize(
    ("rel", "make", "needles"),
    [
        ("noxfile.py", _cycle, ("noxfile.py is a link in a cycle", "sdist")),
        (
            "src/simple_pkg/__init__.py",
            _cycle,
            ("src/simple_pkg/__init__.py is a link in a cycle",),
        ),
        ("CHANGELOG.md", _cycle, ("CHANGELOG.md is a link in a cycle", "changelog")),
        ("CHANGELOG.md", _directory, ("CHANGELOG.md is a directory, not a file",)),
        ("changelog.d", _cycle, ("changelog.d: the fragment directory", "a link in a cycle")),
        ("changelog.d", _file, ("changelog.d: the fragment directory", "a regular file")),
        ("changelog.d/1.feature.md", _cycle, ("1.feature.md: named as a fragment", "cycle")),
        ("changelog.d/2.feature.md", _directory, ("2.feature.md: named as a fragment",)),
    ],
    ids=[
        "noxfile-cycle",
        "module-cycle",
        "changelog-cycle",
        "changelog-dir",
        "fragments-cycle",
        "fragments-file",
        "fragment-cycle",
        "fragment-dir",
    ],
)
def test_a_path_the_release_cannot_read_or_build_is_refused_before_it(
    sandbox: Sandbox, rel: str, make: Callable[[Path], None], needles: tuple[str, ...]
) -> None:
    """What the build or towncrier would trip over after the release commit (uv cannot unpack
    an sdist holding a link in a cycle; towncrier cannot read a fragment directory that is a
    file, nor write a changelog that is a directory): doctor names it and the release is
    refused before it changes anything. A traceback (a changelog linked to itself) before."""
    path = sandbox.repo / rel
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()
    make(path)
    sandbox.git("add", "-A")
    sandbox.git("commit", "-qm", f"{rel} broken")
    sandbox.git("push", "-q", "origin", "main")
    doctor = sandbox.run("doctor")
    assert_one_error_line(doctor, *needles)
    assert doctor.returncode == 3, doctor.stderr
    _refused(sandbox, 3, *needles)
