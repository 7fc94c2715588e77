"""Real releases of the fixture project that must stop before anything is uploaded: a planted
secret (verify), and a built file whose version is not the plan's (publish re-checks)."""

from __future__ import annotations

import io
import signal
import string
import zipfile
from pathlib import Path

import pytest

from releasekit.context import KILL_ENV

from ..conftest import assert_one_error_line, make_sandbox


def _fine_grained_token() -> str:
    body = (string.ascii_letters + string.digits) * 2
    return "github" + "_pat_" + body[3:25] + "_" + body[7:66]  # built here: this file holds none


def test_a_planted_secret_stops_the_release_in_verify(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    token = _fine_grained_token()
    nested = io.BytesIO()
    with zipfile.ZipFile(nested, "w") as archive:  # UTF-16, inside a zip, inside the package
        archive.writestr(
            "creds/settings.txt", f"# CI settings\nGH_TOKEN={token}\n".encode("utf-16")
        )
    (sandbox.repo / "src" / "simple_pkg" / "fixtures.zip").write_bytes(nested.getvalue())
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Add fixtures")
    sandbox.git("push", "-q", "origin", "main")
    before = sandbox.index_files()

    done = sandbox.run("release", "minor", "--yes")

    assert done.returncode == 5, done.stderr
    line = assert_one_error_line(
        done,
        "simple_pkg-1.1.0-py3-none-any.whl!simple_pkg/fixtures.zip!creds/settings.txt line 2",
        "GitHub Fine-grained Token",
        "secret_allow",
    )
    assert "verify" in done.stdout + done.stderr
    assert sandbox.index_files() == before == {}
    assert not sandbox.index.exists()  # not even an empty index directory
    output = done.stdout + done.stderr
    assert token[11:30] not in output, line
    assert sandbox.remote_git("tag") == ""


def _rewrite_metadata(wheel: Path, field: str, value: str) -> None:
    """The same file name, but its METADATA says another name or version (a renamed wheel)."""
    with zipfile.ZipFile(wheel) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    for name, data in members.items():
        if name.endswith(".dist-info/METADATA"):
            lines = [
                f"{field}: {value}" if line.startswith(f"{field}: ") else line
                for line in data.decode().split("\n")
            ]
            members[name] = "\n".join(lines).encode()
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("Version", "1.1.0.dev0", "built simple-pkg 1.1.0.dev0 but the plan is 1.1.0"),
        ("Version", "1.0.0", "built simple-pkg 1.0.0 but the plan is 1.1.0"),  # not bumped
        ("Name", "other-pkg", "built other-pkg 1.1.0 but the plan releases only simple-pkg"),
    ],
    ids=["dev-build", "not-bumped", "other-project"],
)
def test_a_built_file_that_is_not_the_plan_is_refused_right_before_upload(
    tmp_path: Path, field: str, value: str, message: str
) -> None:
    """Verify passed, the release died; the wheel is swapped for another build under the same
    file name; --resume goes straight to publish, which re-reads the metadata and stops."""
    sandbox = make_sandbox(tmp_path, "simple")
    done = sandbox.run("release", "minor", "--yes", env={KILL_ENV: "before:publish"})
    assert done.returncode == -signal.SIGKILL, done.stderr
    (wheel,) = (sandbox.repo / ".releasekit" / "work").glob("*/dist/*.whl")
    _rewrite_metadata(wheel, field, value)
    before = sandbox.index_files()

    resumed = sandbox.run("release", "--resume", "--yes")

    assert resumed.returncode == 5, resumed.stderr
    assert_one_error_line(
        resumed, f"simple_pkg-1.1.0-py3-none-any.whl: {message}", "nothing was uploaded"
    )
    assert sandbox.index_files() == before == {}
    assert sandbox.remote_git("tag") == ""
