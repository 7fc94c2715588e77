"""Complete releases with the real tools: git + bare remote, build, twine, pypiserver, venvs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from releasekit.index import LocalIndex

from ..conftest import Sandbox
from .supply_checks import check_supply_chain


def _install_from_index(sandbox: Sandbox, python: Path, requirement: str) -> None:
    """Install with pip from the embedded index, served the way `releasekit index serve` does."""
    with LocalIndex.running(sandbox.index) as index:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(python),
                "install",
                "-q",
                "--no-cache-dir",
                "--disable-pip-version-check",
                "--index-url",
                index.simple_url,
                requirement,
            ],
            check=True,
        )


def test_release_minor_to_local_index(sandbox: Sandbox, venv_python: Path) -> None:
    done = sandbox.run("release", "minor", "--to", "local", "--yes", check=True)
    assert "Released simple-pkg 1.1.0 to local" in done.stderr

    # version bumped in the configured file, changelog written, fragment consumed
    assert 'version = "1.1.0"' in (sandbox.repo / "pyproject.toml").read_text()
    changelog = (sandbox.repo / "CHANGELOG.md").read_text()
    assert "## 1.1.0" in changelog and "Added a greeting." in changelog
    assert not (sandbox.repo / "changelog.d" / "1.feature.md").exists()

    # exactly one release commit, one tag, both on the remote; nothing left uncommitted
    assert sandbox.git("log", "--format=%s") == "Release 1.1.0\nInitial commit"
    assert sandbox.remote_git("tag") == "v1.1.0"
    assert sandbox.remote_git("rev-parse", "main") == sandbox.git("rev-parse", "HEAD")
    assert sandbox.remote_git("rev-parse", "v1.1.0^{commit}") == sandbox.git("rev-parse", "HEAD")
    assert sandbox.remote_git("cat-file", "-t", "v1.1.0") == "tag"  # annotated
    assert sandbox.git("status", "--porcelain") == ""

    # sdist and wheel on the index, byte for byte what was built
    files = sandbox.index_files()
    assert sorted(files) == ["simple_pkg-1.1.0-py3-none-any.whl", "simple_pkg-1.1.0.tar.gz"]
    built = {
        f["filename"]: f["sha256"]
        for e in sandbox.journal_events()
        if e["step"] == "build" and e["event"] == "done"
        for f in e["facts"]["files"]
    }
    assert built == files

    # installable from the index into a fresh venv, and it works
    _install_from_index(sandbox, venv_python, "simple-pkg==1.1.0")
    out = subprocess.run(
        [venv_python.parent / "simple-pkg", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "simple-pkg 1.1.0"

    # every step ran and the journal says the release is complete
    events = sandbox.journal_events()
    done_steps = [e["step"] for e in events if e["event"] == "done"]
    assert done_steps == [
        "preflight",
        "gate",
        "version",
        "changelog",
        "commit",
        "build",
        "supply",
        "verify",
        "publish",
        "verify-published",
        "tag",
    ]
    assert events[-1]["event"] == "complete"

    # re-running a finished release is a no-op that says so
    again = sandbox.run("release", "--resume", check=True)
    assert "already completed" in again.stderr


def test_two_package_workspace_in_dependency_order(
    workspace_sandbox: Sandbox, venv_python: Path
) -> None:
    sb = workspace_sandbox
    sb.run("release", "patch", "--yes", check=True)
    assert sorted(sb.remote_git("tag").split()) == ["app-tool-v2.0.1", "core-lib-v2.0.1"]
    for package in ("core", "app"):
        text = (sb.repo / "packages" / package / "pyproject.toml").read_text()
        assert 'version = "2.0.1"' in text
    uploads = [
        e["filename"]
        for e in sb.journal_events()
        if e["step"] == "publish" and e.get("action") == "uploaded"
    ]
    # configured as [app, core]; released core first because app depends on it
    assert [name.split("-")[0] for name in uploads] == [
        "core_lib",
        "core_lib",
        "app_tool",
        "app_tool",
    ]
    assert len(sb.index_files()) == 4
    sboms = check_supply_chain(sb, sb.journal_events(), "app-tool-v2.0.1")
    app = next(bom for name, bom in sboms.items() if name.startswith("app_tool"))
    assert [c["name"] for c in app["components"]] == ["core-lib"]  # its one dependency
    _install_from_index(sb, venv_python, "app-tool==2.0.1")
    out = subprocess.run(
        [venv_python.parent / "app-tool"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "the answer is 42"


def test_plan_and_dry_run_change_nothing(sandbox: Sandbox) -> None:
    before = sandbox.snapshot()
    plan = sandbox.run("plan", "minor", check=True)
    assert "1.0.0 -> 1.1.0" in plan.stderr
    assert "ready to release 1.1.0" in plan.stderr
    dry = sandbox.run("release", "--dry-run", check=True)  # BUMP from the fragment: feature
    assert "1.0.0 -> 1.1.0 (minor)" in dry.stderr
    assert sandbox.snapshot() == before
    assert not (sandbox.repo / ".releasekit").exists()


def test_bump_derived_from_fragment_types(sandbox: Sandbox) -> None:
    (sandbox.repo / "changelog.d" / "1.feature.md").unlink()
    (sandbox.repo / "changelog.d" / "2.bugfix.md").write_text("Fixed it.\n")
    sandbox.git("add", "-A")
    sandbox.git("commit", "-qm", "bugfix only")
    assert "1.0.0 -> 1.0.1 (patch)" in sandbox.run("plan", check=True).stderr


def test_same_commit_builds_byte_identical_artifacts(sandbox: Sandbox, tmp_path: Path) -> None:
    from releasekit.config import load_config
    from releasekit.steps.build import build_package
    from releasekit.workspace import load_workspace

    package = load_workspace(sandbox.repo, load_config(sandbox.repo)).packages[0]
    epoch = int(sandbox.git("show", "-s", "--format=%ct", "HEAD"))
    first = build_package(package, sandbox.repo, tmp_path / "one", epoch=epoch)
    second = build_package(package, sandbox.repo, tmp_path / "two", epoch=epoch)
    assert (
        [p.name for p in first]
        == [p.name for p in second]
        == ["simple_pkg-1.0.0-py3-none-any.whl", "simple_pkg-1.0.0.tar.gz"]
    )
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_python_build_fallback_gives_the_same_bytes(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without uv, releasekit builds with `python -m build`: the artifacts are identical."""
    from releasekit.config import load_config
    from releasekit.steps.build import build_package
    from releasekit.workspace import load_workspace

    package = load_workspace(sandbox.repo, load_config(sandbox.repo)).packages[0]
    epoch = int(sandbox.git("show", "-s", "--format=%ct", "HEAD"))
    with_uv = build_package(package, sandbox.repo, tmp_path / "uv", epoch=epoch)
    monkeypatch.setenv("RELEASEKIT_NO_UV", "1")
    without = build_package(package, sandbox.repo, tmp_path / "build", epoch=epoch)
    assert [p.read_bytes() for p in with_uv] == [p.read_bytes() for p in without]


@pytest.mark.parametrize("uv", [True, False], ids=["uv-build", "python-m-build"])
def test_a_backend_that_fails_on_the_sdist_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, uv: bool
) -> None:
    """asn1crypto's sdist leaves out the readme.md its setup.py reads: the wheel, built from the
    sdist, fails. uv build --quiet hid the backend's traceback, and the ERROR line said only
    that its hook failed."""
    from releasekit.config import load_config
    from releasekit.errors import ProcessError
    from releasekit.steps.build import build_package
    from releasekit.workspace import load_workspace

    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    )
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\n"
        "setup(name='tinyasn', version='1.5.1', py_modules=['tinyasn'],\n"
        "      long_description=open('readme.md').read())\n"
    )
    (tmp_path / "tinyasn.py").write_text("")
    (tmp_path / "readme.md").write_text("tiny\n")  # not in the sdist: no MANIFEST.in names it
    if not uv:
        monkeypatch.setenv("RELEASEKIT_NO_UV", "1")
    package = load_workspace(tmp_path, load_config(tmp_path)).packages[0]
    with pytest.raises(ProcessError) as info:
        build_package(package, tmp_path, tmp_path / "dist", epoch=1700000000)
    first = str(info.value).splitlines()[0]
    assert "FileNotFoundError: [Errno 2] No such file or directory: 'readme.md'" in first, first


def test_token_for_authenticated_index_never_leaks(sandbox: Sandbox) -> None:
    token = "pypi-SECRETTOKEN-0123456789abcdef-do-not-print"
    done = sandbox.run(
        "-v", "release", "minor", "--yes", env={"RELEASEKIT_INDEX_PASSWORD": token}, check=True
    )
    assert token not in done.stdout + done.stderr
    for root in (sandbox.repo, sandbox.index):
        for path in root.rglob("*"):
            if path.is_file() and ".git/objects" not in str(path):
                assert token.encode() not in path.read_bytes(), path
    assert len(sandbox.index_files()) == 2


@pytest.mark.parametrize("request_", ["src", f"{sys.version_info[0]}.{sys.version_info[1]}"])
def test_a_python_version_file_uv_cannot_satisfy_does_not_stop_the_build(
    tmp_path: Path, request_: str
) -> None:
    """sqlparse's tree has ``.python-version`` = ``sqlparse``: its maintainers' pyenv-virtualenv
    is named like the package directory, which uv reads as "the interpreter in directory
    sqlparse/" and finds none, so uv build failed the release. The build then uses releasekit's
    Python; a request uv can satisfy is left to uv."""
    from releasekit.steps.build import build_python
    from releasekit.venv import uv_binary

    from ..conftest import make_sandbox

    sandbox = make_sandbox(tmp_path, "simple", edit={".python-version": f"{request_}\n"})
    uv = uv_binary()
    assert uv is not None
    chosen = build_python(uv, sandbox.repo)
    assert chosen == ([] if request_[0].isdigit() else ["--python", sys.executable])
    sandbox.run("release", "patch", "--to", "local", "--yes", check=True)
    assert sorted(sandbox.index_files()) == [
        "simple_pkg-1.0.1-py3-none-any.whl",
        "simple_pkg-1.0.1.tar.gz",
    ]


def test_a_requires_python_no_installed_python_meets_builds_on_releasekit_s(
    tmp_path: Path,
) -> None:
    """Sphinx's ``requires-python = ">=3.12"`` where no such Python is installed: uv build
    would download one (and fail offline: "failed to lookup address information"), so the
    build runs on releasekit's Python, as ``python -m build`` does."""
    from releasekit.steps.build import build_python
    from releasekit.venv import uv_binary

    from ..conftest import PROJECTS

    uv = uv_binary()
    assert uv is not None
    pyproject = (PROJECTS / "simple" / "pyproject.toml").read_text(encoding="utf-8")
    for bound, chosen in ((">=3.99", ["--python", sys.executable]), (">=3.8", [])):
        project = tmp_path / bound.strip(">=")
        project.mkdir()
        edited = pyproject.replace('requires-python = ">=3.11"', f'requires-python = "{bound}"')
        assert edited != pyproject
        (project / "pyproject.toml").write_text(edited, encoding="utf-8")
        assert build_python(uv, project) == chosen


def test_a_requires_python_that_excludes_releasekit_s_python_stops_in_preflight(
    tmp_path: Path,
) -> None:
    """verify installs the wheels on releasekit's Python: Sphinx's ``>=3.12`` with releasekit
    on 3.11 failed there, after the build. doctor and preflight say so first."""
    from ..conftest import PROJECTS, assert_one_error_line, make_sandbox

    pyproject = (PROJECTS / "simple" / "pyproject.toml").read_text(encoding="utf-8")
    edited = pyproject.replace('requires-python = ">=3.11"', 'requires-python = ">=3.99"')
    sandbox = make_sandbox(tmp_path, "simple", edit={"pyproject.toml": edited})
    before = sandbox.snapshot()
    doctor = sandbox.run("doctor")
    assert doctor.returncode == 3 and "requires-python = '>=3.99' excludes Python" in doctor.stderr
    done = sandbox.run("release", "patch", "--to", "local", "--yes")
    assert_one_error_line(done, "requires-python = '>=3.99' excludes Python", "pipx install")
    assert done.returncode == 3
    assert sandbox.snapshot() == before


def test_versioneer_released_from_its_last_tagged_commit_builds_the_planned_version(
    tmp_path: Path,
) -> None:
    """toolz's shape with no commit since its annotated 1.0.0 tag: `git describe` in the build
    would prefer that tag to a lightweight one on the same commit, so the build's private clone
    holds the release tag alone."""
    from ..conftest import make_sandbox

    sandbox = make_sandbox(tmp_path, "shape-toolz")
    sandbox.git("tag", "-a", "1.0.0", "-m", "tinytoolz 1.0.0")
    sandbox.run("release", "patch", "--to", "local", "--yes", check=True)
    assert sorted(sandbox.index_files()) == [
        "tinytoolz-1.0.1-py3-none-any.whl",
        "tinytoolz-1.0.1.tar.gz",
    ]
    assert sandbox.remote_git("tag") == "1.0.1"
    assert sandbox.git("tag", "--points-at", "HEAD") == "1.0.0\n1.0.1"  # the project's own
