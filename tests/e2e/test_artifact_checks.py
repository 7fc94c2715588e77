"""Real releases of the fixture project that must stop before anything is uploaded: a planted
secret (verify), and a built file whose version is not the plan's (publish re-checks)."""

from __future__ import annotations

import base64
import io
import os
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


def test_a_key_the_last_release_published_as_it_is_warns_and_a_changed_one_stops(
    tmp_path: Path,
) -> None:
    """requests' test CA keys are in every sdist it published: the same file in the next
    release discloses nothing new (a WARNING); changed, it stops the release as any key does."""
    sandbox = make_sandbox(tmp_path, "simple")
    key = sandbox.repo / "tests" / "certs" / "server.key"
    key.parent.mkdir(parents=True)
    key.write_bytes(_private_key())
    allowed = sandbox.repo / "pyproject.toml"
    plain = allowed.read_text()
    allowed.write_text(
        plain + '\n[[tool.releasekit.secret_allow]]\npath = "tests/certs/*"\nreason = "test CA"\n'
    )
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "A test CA")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.run("release", "patch", "--yes", check=True)  # 1.0.1 published the key, allowed
    allowed.write_text(plain.replace('version = "1.0.0"', 'version = "1.0.1"'))
    sandbox.git("commit", "-q", "-am", "No allow-list entry")
    sandbox.git("push", "-q", "origin", "main")

    done = sandbox.run("release", "patch", "--yes")

    assert done.returncode == 0, done.stderr
    warned = [
        line
        for line in done.stderr.splitlines()
        if line.startswith("WARNING") and "content scan" in line
    ]
    assert len(set(warned)) == 1, warned  # one WARNING, however many findings (and its recap)
    text = " ".join(done.stderr.split())  # the terminal's width wraps it
    assert "2 finding(s) of the content scan in files 1.0.1 on local published as they are" in text
    assert "simple_pkg-1.0.2.tar.gz!tests/certs/server.key line 1: Private Key" in text
    assert "simple_pkg-1.0.2.tar.gz!tests/certs/server.key: Sensitive file name" in text
    facts = sandbox.step_facts("verify")["published_before"]
    assert isinstance(facts, list) and facts
    assert all(f.startswith("simple_pkg-1.0.2.tar.gz!tests/certs/server.key") for f in facts)
    assert "simple_pkg-1.0.2.tar.gz" in sandbox.index_files()

    key.write_bytes(_private_key())
    sandbox.git("commit", "-q", "-am", "A new test CA key")
    sandbox.git("push", "-q", "origin", "main")
    before = sandbox.index_files()

    changed = sandbox.run("release", "patch", "--yes")

    assert changed.returncode == 5, changed.stderr
    assert_one_error_line(
        changed, "simple_pkg-1.0.3.tar.gz!tests/certs/server.key", "Private Key", "secret_allow"
    )
    assert sandbox.index_files() == before
    assert "v1.0.3" not in sandbox.remote_git("tag")


def _private_key() -> bytes:
    """A private key's PEM shape around random bytes, made here: this file holds none."""
    body = base64.encodebytes(os.urandom(96))
    return b"-----BEGIN RSA " + b"PRIVATE KEY-----\n" + body + b"-----END RSA PRIVATE KEY-----\n"
