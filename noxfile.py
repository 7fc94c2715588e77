"""releasekit's own sessions. On a fresh machine: ``python -m pip install nox && nox -s tests``.

This file needs nothing but nox: every session installs what it uses into its own venv
(with uv when it is installed, which makes that much faster).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nox

nox.needs_version = ">=2024.10"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_existing_virtualenvs = True

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml("pyproject.toml")
PYTHONS = ["3.11", "3.12", "3.13"]
SYSTEM_TOOLS = ("git", "buildah", "podman", "docker-registry", "debootstrap", "chromium")


def _install_project(session: nox.Session, *groups: str) -> None:
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))
    session.install("-e", "./pytest_plugin", "-e", ".")


def _bytecode(session: nox.Session) -> dict[str, str]:
    """Compiled modules kept for the test run, outside every tree: the suite starts thousands of
    Python processes (releasekit, pytest, twine, tox, the projects' tests), and where the machine
    sets PYTHONDONTWRITEBYTECODE (CI's image does) each compiled every module it imported again
    (about 40% of the suite's CPU). An empty value turns that off, as Python documents."""
    return {
        "PYTHONDONTWRITEBYTECODE": "",
        "PYTHONPYCACHEPREFIX": str(Path(session.cache_dir).resolve() / "pycache"),
    }


def _system_tools(session: nox.Session) -> None:
    """The image tests drive buildah/podman/docker-registry for real; install them if we may."""
    missing = [tool for tool in SYSTEM_TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        session.log(f"installing system tools: {', '.join(missing)}")
        session.run("apt-get", "update", "-qq", external=True)
        session.run("bash", ".ci/image-setup.sh", external=True)
        return
    session.error(
        f"missing system tools {', '.join(missing)}: run `sudo bash .ci/image-setup.sh`"
        " (Debian/Ubuntu) or install them with your package manager"
    )


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite with the real tools (git, pypiserver, build, twine, buildah)."""
    _system_tools(session)
    _install_project(session, "test")
    args = session.posargs or ["-n", str(_test_workers()), "--dist", "loadgroup"]
    session.run("pytest", *args, env={"NO_COLOR": "1", **_bytecode(session)})


def _test_workers() -> int:
    """One xdist worker more than there are CPUs: the suite's tests wait on the processes and
    servers they start (builds, venvs, twine, git), so a worker per CPU leaves them idle part of
    the time. On 2 CPUs the whole suite took 29 minutes with 2 workers and 27 with 3; 4 were
    no faster than 3 (measured on test_faults' kill tests)."""
    usable = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else None
    return (len(usable) if usable else os.cpu_count() or 1) + 1


@nox.session(python=PYTHONS, name="tests-matrix")
def tests_matrix(session: nox.Session) -> None:
    """The unit and plugin tests on every supported Python (CI runs the full suite once)."""
    _install_project(session, "test")
    session.run(
        "pytest",
        *("-n", "2", "tests/unit", "pytest_plugin/tests", *session.posargs),
        env=_bytecode(session),
    )


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint + format check) and mypy --strict over both distributions."""
    _install_project(session, "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")
    # the benchmarks call the library directly: an API change must not break `nox -s bench`
    session.run("mypy", "benchmarks")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site with --strict (warnings and broken links fail)."""
    _install_project(session, "docs")
    session.run("mkdocs", "build", "--strict", "--site-dir", str(ROOT / "site"))


@nox.session
def bench(session: nox.Session) -> None:
    """Speed targets as ratios against named baselines in the same run (no wall-clock asserts)."""
    _install_project(session, "bench")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    session.run(
        "python",
        "benchmarks/bench_release.py",
        "--json",
        str(out / "release.json"),
        *session.posargs,
    )
    session.run(
        "python", "benchmarks/bench_plugin.py", "--json", str(out / "plugin.json"), *session.posargs
    )
    session.run("python", "benchmarks/bench_redact.py", "--json", str(out / "redact.json"))
    session.run("python", "benchmarks/bench_shards.py", "--json", str(out / "shards.json"))
    session.run("python", "benchmarks/bench_html.py", "--json", str(out / "html.json"))
    session.run("python", "benchmarks/bench_alerts.py", "--json", str(out / "alerts.json"))


@nox.session(name="bench-gate")
def bench_gate(session: nox.Session) -> None:
    """The benchmark-gate experiment: A/A and A/B false-alarm and detection rates vs
    pytest-benchmark's own compare-fail, written to docs/gate/benchmark-results.md."""
    _install_project(session, "bench")
    session.run("python", "benchmarks/bench_gate.py", *session.posargs)


@nox.session
def adoption(session: nox.Session) -> None:
    """Real projects released unmodified: popular projects' sdists from PyPI at pinned versions,
    each made a git repository, then `releasekit init` + `releasekit release patch --to local`.

    ``nox -s adoption`` runs all and writes docs/adoption.md; ``-- --subset ci`` the fast few."""
    _install_project(session)
    # the tools the projects' maintainers run their tests with (the gate detects and uses them)
    session.install("nox", "tox", "tox-uv", "hatch")
    args = session.posargs or ["--markdown", str(ROOT / "docs" / "adoption.md")]
    session.run("python", "benchmarks/adoption.py", *args, env={"NO_COLOR": "1"})


@nox.session
def demo(session: nox.Session) -> None:
    """A complete release of an example project onto the embedded local index: no account,
    no credentials, nothing outside a temporary directory changed."""
    _install_project(session)
    session.run("releasekit", "demo", *session.posargs)


@nox.session
def release(session: nox.Session) -> None:
    """Release releasekit and pytest-releasekit together, with releasekit itself.

    ``nox -s release -- minor --to pypi``; default target: the embedded local index."""
    _install_project(session, "test")
    session.install("-e", ".[attest]")  # on CI with an OIDC identity: PEP 740 attestations
    session.run("releasekit", "release", *session.posargs, external=False)
