"""Bad input: one ERROR line saying what and how to fix, a meaningful exit code, no traceback,
and nothing changed: not the work tree, not git (here or on the remote), not dist/, the index."""

from __future__ import annotations

import os
import sys

import pytest

from ..conftest import RemoteIndex, Sandbox, assert_one_error_line, free_port


def _set_in_releasekit_table(sandbox: Sandbox, line: str) -> None:
    path = sandbox.repo / "pyproject.toml"
    path.write_text(path.read_text().replace("[tool.releasekit]\n", f"[tool.releasekit]\n{line}\n"))
    _commit(sandbox)


def _commit(sandbox: Sandbox, message: str = "setup") -> None:
    sandbox.git("add", "-A")
    sandbox.git("commit", "-qm", message)


def _refused(
    sandbox: Sandbox, args: list[str], code: int, *needles: str, env: dict[str, str] | None = None
) -> str:
    before = sandbox.snapshot()
    done = sandbox.run(*args, env=env)
    line = assert_one_error_line(done, *needles)
    assert done.returncode == code, done.stderr
    assert sandbox.snapshot() == before
    return line


def test_dirty_tree(sandbox: Sandbox) -> None:
    (sandbox.repo / "README.md").write_text("edited\n")
    _refused(
        sandbox,
        ["release", "minor", "--yes"],
        3,
        "uncommitted changes",
        "README.md",
        "commit or stash",
    )


def test_untracked_file_counts_as_dirty(sandbox: Sandbox) -> None:
    (sandbox.repo / "notes.txt").write_text("scratch\n")
    _refused(sandbox, ["release", "minor", "--yes"], 3, "uncommitted changes", "notes.txt")


def test_tag_already_exists(sandbox: Sandbox) -> None:
    sandbox.git("tag", "v1.1.0")
    _refused(sandbox, ["release", "minor", "--yes"], 3, "tag v1.1.0 already exists")


def test_tag_already_exists_on_remote(sandbox: Sandbox) -> None:
    sandbox.git("tag", "v1.1.0")
    sandbox.git("push", "-q", "origin", "v1.1.0")
    sandbox.git("tag", "-d", "v1.1.0")
    _refused(sandbox, ["release", "minor", "--yes"], 3, "v1.1.0 already exists on remote")


def test_version_already_on_index(sandbox: Sandbox) -> None:
    sandbox.index.mkdir()
    (sandbox.index / "simple_pkg-1.1.0.tar.gz").write_bytes(b"someone else's upload")
    _refused(
        sandbox,
        ["release", "minor", "--yes"],
        3,
        "simple-pkg 1.1.0 is already on local",
        "choose another version",
    )


def test_malformed_pyproject(sandbox: Sandbox) -> None:
    text = (sandbox.repo / "pyproject.toml").read_text()
    (sandbox.repo / "pyproject.toml").write_text(text.replace('name = "simple-pkg"', "name = "))
    _commit(sandbox)
    _refused(sandbox, ["release", "minor", "--yes"], 2, "pyproject.toml", "malformed TOML", "line")


@pytest.mark.parametrize("kind", ["a named pipe", "a character device"])
def test_a_pyproject_that_is_no_regular_file_is_not_read(sandbox: Sandbox, kind: str) -> None:
    """A named pipe would be read until something writes to it (a release that never ends), a
    link to /dev/zero until memory runs out (/dev/null stands for it here: the same kind of
    file, and safe to read if releasekit did)."""
    pyproject = sandbox.repo / "pyproject.toml"
    pyproject.unlink()
    if kind == "a named pipe":
        os.mkfifo(pyproject)
    else:
        pyproject.symlink_to(os.devnull)
        _commit(sandbox)
    before = sandbox.snapshot()
    done = sandbox.run("plan", "minor", timeout=60)  # reading the pipe would never end
    assert_one_error_line(done, "pyproject.toml", f"not a regular file but {kind}")
    assert done.returncode == 2, done.stderr
    assert sandbox.snapshot() == before


def test_unknown_config_key(sandbox: Sandbox) -> None:
    _set_in_releasekit_table(sandbox, "tagformat = 'v{version}'")
    _refused(
        sandbox,
        ["release", "minor", "--yes"],
        2,
        "pyproject.toml",
        "'tagformat'",
        "unknown key",
        "spelling",
    )


def test_wrong_type(sandbox: Sandbox) -> None:
    _set_in_releasekit_table(sandbox, "push = 'sometimes'")
    _refused(sandbox, ["release", "minor", "--yes"], 2, "'push'", "boolean", "'sometimes'")


def test_wrong_type_from_environment(sandbox: Sandbox) -> None:
    _refused(
        sandbox,
        ["release", "minor", "--yes"],
        2,
        "RELEASEKIT_PUSH",
        "'push'",
        env={"RELEASEKIT_PUSH": "perhaps"},
    )


@pytest.mark.parametrize(
    ("bump", "needle"),
    [
        ("huge", "invalid BUMP 'huge'"),
        ("1.0.0", "not greater than the current version 1.0.0"),
        ("0.9", "not greater"),
        ("release", "not a pre-release"),
        ("major,minor", "conflicting BUMP"),
    ],
)
def test_invalid_bump(sandbox: Sandbox, bump: str, needle: str) -> None:
    _refused(sandbox, ["release", bump, "--yes"], 2, needle)


def test_no_fragments_when_required(sandbox: Sandbox) -> None:
    (sandbox.repo / "changelog.d" / "1.feature.md").unlink()
    _set_in_releasekit_table(sandbox, "require_fragments = true")
    _refused(
        sandbox,
        ["release", "minor", "--yes"],
        3,
        "no changelog fragments",
        "require_fragments = false",
    )


def test_no_fragments_and_no_bump(sandbox: Sandbox) -> None:
    """By default the fragments choose the bump: none, and no BUMP, is refused."""
    (sandbox.repo / "changelog.d" / "1.feature.md").unlink()
    _commit(sandbox, "feat: a conventional commit does not stand in for fragments")
    _refused(sandbox, ["release", "--yes"], 2, "no BUMP given", "changelog.d/")


def test_missing_credentials_for_remote_target(sandbox: Sandbox) -> None:
    # PyPI itself cannot be reached from a test; the check fails before any request is made.
    _refused(
        sandbox,
        ["release", "minor", "--to", "pypi", "--yes"],
        3,
        "no credentials for target 'pypi'",
        "PYPI_TOKEN",
    )


def test_unknown_target(sandbox: Sandbox) -> None:
    _refused(
        sandbox,
        ["release", "minor", "--to", "prod", "--yes"],
        2,
        "unknown release target 'prod'",
        "pypi",
    )


def test_unreachable_index(sandbox: Sandbox) -> None:
    url = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    _refused(
        sandbox,
        ["release", "minor", "--to", url, "--yes"],
        6,
        "cannot reach the package index",
        env={"TWINE_PASSWORD": "tok-unused-1234"},
    )


def test_build_backend_failure_is_rolled_back(sandbox: Sandbox) -> None:
    path = sandbox.repo / "pyproject.toml"
    path.write_text(path.read_text().replace('license = "MIT"', 'license = "NOT A LICENSE"'))
    _commit(sandbox)
    line = _refused(
        sandbox,
        ["release", "minor", "--yes"],
        5,
        "building simple-pkg",
        "rolled back automatically",
    )
    assert "Traceback" not in line
    assert not (sandbox.repo / ".releasekit" / "journal.jsonl").exists()


def test_failing_gate(sandbox: Sandbox) -> None:
    failing = f"{sys.executable} -c 'import sys; sys.exit(3)'"
    _refused(
        sandbox,
        ["release", "minor", "--yes"],
        4,
        "quality gate failed",
        "exited 3",
        env={"RELEASEKIT_GATE_COMMAND": failing},
    )
    state = sandbox.repo / ".releasekit"  # only the gate's output, named on the ERROR line
    assert {p.name for p in state.iterdir()} <= {".gitignore", "lock", "gate.log"}


def test_no_git_remote_when_push_planned(sandbox: Sandbox) -> None:
    sandbox.git("remote", "remove", "origin")
    _refused(sandbox, ["release", "minor", "--yes"], 3, "no git remote 'origin'", "push = false")


def test_branch_not_allowed(sandbox: Sandbox) -> None:
    sandbox.git("checkout", "-q", "-b", "feature/x")
    _refused(sandbox, ["release", "minor", "--yes"], 3, "branch 'feature/x'")


def test_no_terminal_without_yes(sandbox: Sandbox) -> None:
    _refused(sandbox, ["release", "minor"], 2, "no terminal to confirm", "--yes")


def test_unknown_skip_step(sandbox: Sandbox) -> None:
    _refused(
        sandbox, ["release", "minor", "--yes", "--skip", "tests"], 2, "--skip tests", "steps are"
    )


def test_remote_url_target_with_wrong_password(sandbox: Sandbox, remote_index: RemoteIndex) -> None:
    env = {"TWINE_USERNAME": remote_index.username, "TWINE_PASSWORD": "wrong-password-xyz"}
    done = sandbox.run("release", "minor", "--to", remote_index.url, "--yes", env=env)
    assert done.returncode == 5
    line = assert_one_error_line(done, "uploading simple_pkg-1.1.0", "credentials")
    assert "wrong-password-xyz" not in done.stdout + done.stderr
    assert "wrong-password-xyz" not in line
    assert not list(remote_index.directory.iterdir())  # nothing was accepted


def test_remote_url_target_release(sandbox: Sandbox, remote_index: RemoteIndex) -> None:
    env = {"TWINE_USERNAME": remote_index.username, "TWINE_PASSWORD": remote_index.password}
    done = sandbox.run("release", "minor", "--to", remote_index.url, "--yes", env=env, check=True)
    assert remote_index.password not in done.stdout + done.stderr
    assert sorted(p.name for p in remote_index.directory.iterdir()) == [
        "simple_pkg-1.1.0-py3-none-any.whl",
        "simple_pkg-1.1.0.tar.gz",
    ]
    assert sandbox.remote_git("tag") == "v1.1.0"


def test_empty_wheel_is_refused_and_rolled_back(sandbox: Sandbox) -> None:
    with (sandbox.repo / "pyproject.toml").open("a") as handle:
        handle.write('\n[tool.hatch.build.targets.wheel]\npackages = ["src/no_such_package"]\n')
    _commit(sandbox)
    _refused(
        sandbox,
        ["release", "minor", "--yes"],
        5,
        "no importable package",
        "rolled back automatically",
    )


def test_garbage_in_the_lock_file_does_not_block_a_release(sandbox: Sandbox) -> None:
    """Binary garbage left in .releasekit/lock by no running process (issue 12: a traceback)."""
    state = sandbox.repo / ".releasekit"
    state.mkdir()
    (state / ".gitignore").write_text("*\n")
    (state / "lock").write_bytes(bytes(range(256)) * 4)
    done = sandbox.run("release", "minor", "--yes", check=True)
    assert "Traceback" not in done.stderr
    assert sandbox.remote_git("tag") == "v1.1.0"
    assert (state / "lock").read_bytes() == b""  # released: the garbage is gone with the lock
