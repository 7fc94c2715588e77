"""The commands around a release: --help/--version, doctor, config, index serve, demo, NO_COLOR,
and the nox sessions another project gets from ``releasekit.nox``."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import releasekit

from ..conftest import RemoteIndex, Sandbox, answers, assert_one_error_line, free_port, wait_until


def test_help_and_version(sandbox: Sandbox) -> None:
    out = sandbox.run("--help", check=True).stdout
    for command in ("release", "plan", "status", "doctor", "config", "index", "demo"):
        assert command in out
    assert "exit codes" in out
    assert sandbox.run("--version", check=True).stdout.strip() == (
        f"releasekit {releasekit.__version__}"
    )
    release_help = sandbox.run("release", "--help", check=True).stdout
    for flag in ("--to", "--yes", "--dry-run", "--skip", "--resume", "--rollback"):
        assert flag in release_help


def test_doctor_lists_every_problem_at_once(sandbox: Sandbox) -> None:
    ok = sandbox.run("doctor", check=True)
    assert "All checks passed" in ok.stderr
    (sandbox.repo / "README.md").write_text("dirty\n")
    sandbox.git("remote", "remove", "origin")
    sandbox.git("checkout", "-q", "-b", "topic")
    bad = sandbox.run("doctor", "--to", "pypi")
    assert bad.returncode == 3
    errors = [line for line in bad.stderr.splitlines() if line.startswith("ERROR")]
    joined = "\n".join(errors)
    for needle in (
        "uncommitted changes",
        "branch 'topic'",
        "no git remote 'origin'",
        "no credentials for target 'pypi'",
    ):
        assert needle in joined
    assert "4 problem(s) found" in bad.stderr


def test_a_readme_pypi_cannot_render_stops_doctor_and_preflight(sandbox: Sandbox) -> None:
    """tenacity's README.rst uses Sphinx's ``testcode``: PyPI refuses the upload. doctor says so,
    and the release stops in preflight (exit 3) with the tree, git and index as they were."""
    pyproject = sandbox.repo / "pyproject.toml"
    text = pyproject.read_text()
    assert 'readme = "README.md"' in text
    pyproject.write_text(text.replace('readme = "README.md"', 'readme = "README.rst"'))
    (sandbox.repo / "README.rst").write_text("Tiny\n====\n\n.. testcode::\n\n    import x\n")
    sandbox.git("add", "-A")
    sandbox.git("commit", "-qm", "an rst README")
    head = sandbox.git("rev-parse", "HEAD")
    doctor = sandbox.run("doctor")
    assert doctor.returncode == 3
    wanted = "readme = 'README.rst' does not render as reStructuredText (line 4: Unknown directive"
    assert wanted in doctor.stderr
    release = sandbox.run("release", "patch", "--yes")
    assert release.returncode == 3
    assert_one_error_line(release, wanted)
    assert sandbox.git("rev-parse", "HEAD") == head
    assert sandbox.git("status", "--porcelain") == ""
    assert sandbox.git("tag") == ""
    assert not sandbox.index.exists() or not any(sandbox.index.iterdir())


def test_config_shows_values_and_sources(sandbox: Sandbox) -> None:
    path = sandbox.repo / "pyproject.toml"
    path.write_text(
        path.read_text().replace("[tool.releasekit]\n", "[tool.releasekit]\npush = false\n")
    )
    out = sandbox.run("config", env={"RELEASEKIT_REMOTE": "upstream"}, check=True).stderr
    lines = {line.split(" = ")[0]: line for line in out.splitlines() if " = " in line}
    assert lines["remote"].endswith("(environment variable RELEASEKIT_REMOTE)")
    assert "remote = 'upstream'" in lines["remote"]
    assert lines["push"] == f"push = False  ({path})"
    assert lines["tag_format"] == "tag_format = 'v{version}'  (default: no release tags yet)"
    assert lines["changelog"].startswith("changelog = 'towncrier'  (detected: towncrier")
    assert " = None " not in out
    assert (
        "version source = 'pyproject.toml [project] version'  (detected: simple-pkg 1.0.0)" in out
    )
    keys = sandbox.run("config", "--keys", check=True).stderr
    assert "tag_format" in keys and "Tag name template" in keys


def test_plan_exit_code_when_preflight_would_refuse(sandbox: Sandbox) -> None:
    (sandbox.repo / "README.md").write_text("dirty\n")
    done = sandbox.run("plan", "patch")
    assert done.returncode == 3
    assert "preflight would refuse" in done.stderr


def test_no_color_is_respected(sandbox: Sandbox) -> None:
    (sandbox.repo / "README.md").write_text("dirty\n")
    env = {"FORCE_COLOR": "1", "TTY_COMPATIBLE": "1"}
    colored = sandbox.run("release", "patch", "--yes", env={**env, "NO_COLOR": ""})
    assert "\x1b[" in colored.stderr
    plain = sandbox.run("release", "patch", "--yes", env={**env, "NO_COLOR": "1"})
    assert plain.returncode == 3
    assert "\x1b[31m" not in plain.stderr and "\x1b[1;31m" not in plain.stderr
    assert "31m" in colored.stderr  # red was there without NO_COLOR


def test_index_serve_is_installable_from(sandbox: Sandbox, venv_python: Path) -> None:
    sandbox.run("release", "minor", "--yes", check=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "releasekit", "index", "serve", "--port", str(port)],
        env=sandbox.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/simple/"
        wait_until(lambda: answers(url), "the local index to start")
        page = urllib.request.urlopen(url + "simple-pkg/", timeout=10).read().decode()  # noqa: S310
        assert "simple_pkg-1.1.0-py3-none-any.whl" in page
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(venv_python),
                "install",
                "-q",
                "--no-cache-dir",
                "--index-url",
                url,
                "simple-pkg==1.1.0",
            ],
            check=True,
        )
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert f"http://127.0.0.1:{port}/" in err


def _tiny_wheel(directory: Path, name: str, version: str) -> None:
    """A minimal valid wheel of a pure module, written straight into an index directory."""
    import zipfile

    dist = f"{name.replace('-', '_')}-{version}"
    with zipfile.ZipFile(directory / f"{dist}-py3-none-any.whl", "w") as whl:
        whl.writestr(f"{name.replace('-', '_')}.py", "VALUE = 1\n")
        whl.writestr(
            f"{dist}.dist-info/METADATA",
            f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        )
        whl.writestr(
            f"{dist}.dist-info/WHEEL",
            "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        )
        whl.writestr(f"{dist}.dist-info/RECORD", "")


def _serve(env: dict[str, str], port: int, *args: str) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "releasekit", "index", "serve", "--port", str(port), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: answers(f"http://127.0.0.1:{port}/simple/"), "the local index to start")
    except AssertionError:
        server.terminate()
        raise AssertionError(server.communicate(timeout=10)) from None
    return server


def test_index_serve_falls_back_upstream_for_dependencies(
    sandbox: Sandbox, remote_index: RemoteIndex, tmp_path: Path
) -> None:
    """A release's dependencies are not on the embedded index: ``index serve`` redirects what it
    does not have to the upstream index (PyPI by default; a second pypiserver here)."""
    _tiny_wheel(remote_index.directory, "upstream-dep", "2.0")
    upstream = remote_index.url + "simple/"

    def download(port: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-cache-dir"),
                *("--index-url", f"http://127.0.0.1:{port}/simple/"),
                *("--dest", str(tmp_path / f"got-{port}"), "upstream-dep==2.0"),
            ],
            capture_output=True,
            text=True,
            check=False,
        )

    port = free_port()
    server = _serve(sandbox.env, port, "--fallback-url", upstream)
    try:
        assert download(port).returncode == 0
        assert (tmp_path / f"got-{port}" / "upstream_dep-2.0-py3-none-any.whl").is_file()
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    assert f"redirected to {upstream}" in err
    port = free_port()
    server = _serve(sandbox.env, port, "--no-fallback")
    try:
        assert download(port).returncode != 0  # only what was released here
    finally:
        server.terminate()
        server.communicate(timeout=10)


def test_index_serve_port_in_use(sandbox: Sandbox) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        done = sandbox.run("index", "serve", "--port", str(port))
    assert done.returncode == 6
    assert_one_error_line(done, "cannot start the local index", str(port), "--port")


def test_demo_releases_the_example_into_its_own_directory(tmp_path: Path) -> None:
    target = tmp_path / "demo"
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELEASEKIT_")}
    env["NO_COLOR"] = "1"
    done = subprocess.run(
        [sys.executable, "-m", "releasekit", "demo", "--dir", str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "Released hello-release 0.2.0 to local" in done.stderr
    assert sorted(p.name for p in (target / "index").iterdir()) == [
        "hello_release-0.2.0-py3-none-any.whl",
        "hello_release-0.2.0.tar.gz",
    ]
    tags = subprocess.run(
        ["git", "tag"], cwd=target / "remote.git", capture_output=True, text=True, check=True
    ).stdout
    assert tags.strip() == "v0.2.0"
    again = subprocess.run(
        [sys.executable, "-m", "releasekit", "demo", "--dir", str(target)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 2
    assert "is not empty" in again.stderr


def test_nox_sessions_for_other_projects(tmp_path: Path) -> None:
    (tmp_path / "noxfile.py").write_text("import releasekit.nox\n\nreleasekit.nox.install()\n")
    done = subprocess.run(
        [sys.executable, "-m", "nox", "--list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    for name in ("tests", "lint", "docs", "bench", "release"):
        assert f"* {name}" in done.stdout, done.stdout
    assert "pytest --gate" in done.stdout


def test_nox_sessions_keep_the_projects_own(tmp_path: Path) -> None:
    (tmp_path / "noxfile.py").write_text(
        "import nox\n\n\n@nox.session\ndef tests(session):\n    '''Our own tests.'''\n\n\n"
        "import releasekit.nox\n\nreleasekit.nox.install()\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "nox", "--list"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Our own tests." in done.stdout
    assert done.stdout.count("* tests") == 1
