"""``releasekit demo``: a complete release of a small example project, end to end, with no account.

Everything happens in one new directory: the project (a git repository), its bare remote, and the
embedded index's package directory. Nothing else on the machine is touched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from . import api
from .errors import UsageError
from .git import Git
from .index import INDEX_DIR_ENV
from .ui import Reporter

__all__ = ["FILES", "run_demo"]

FILES: dict[str, str] = {
    "pyproject.toml": """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "hello-release"
version = "0.1.0"
description = "The example project releasekit's demo releases."
readme = "README.md"
license = "MIT"
requires-python = ">=3.11"

[project.scripts]
hello-release = "hello_release:main"

[tool.releasekit]
# The defaults do the rest: target "local", tag "v{version}", `python -m pytest --gate` as the gate.
smoke_command = "hello-release --version"

[tool.releasekit.gate]
min_tests = { unit = 2 }

[tool.releasekit.audit]
# The demo runs offline, where no advisory source (api.osv.dev) may be reachable: verify says
# so in a warning instead of stopping. A real project keeps the default, "fail".
unreachable = "warn"

[tool.towncrier]
directory = "changelog.d"
filename = "CHANGELOG.md"
start_string = "<!-- towncrier release notes start -->\\n"
title_format = "## {version} ({project_date})"

[tool.pytest.ini_options]
pythonpath = ["src"]
addopts = ["-p", "no:cacheprovider"]
""",
    "README.md": "# hello-release\n\nThe example project `releasekit demo` releases.\n",
    "CHANGELOG.md": "# Changelog\n\n<!-- towncrier release notes start -->\n",
    ".gitignore": "__pycache__/\ndist/\n",
    "changelog.d/1.feature.md": "Greet the world from the command line.\n",
    "changelog.d/2.bugfix.md": "Print the installed version with `--version`.\n",
    "src/hello_release/__init__.py": '''\
"""A friendly example package."""

import sys
from importlib.metadata import version


def greet(name: str = "world") -> str:
    return f"Hello, {name}!"


def main() -> None:
    if "--version" in sys.argv[1:]:
        print(f"hello-release {version('hello-release')}")
    else:
        print(greet())
''',
    "tests/test_hello.py": """\
from hello_release import greet


def test_greets_the_world() -> None:
    assert greet() == "Hello, world!"


def test_greets_by_name() -> None:
    assert greet("Ada") == "Hello, Ada!"
""",
}


def _write_project(project: Path) -> None:
    for rel, text in FILES.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _git_setup(project: Path, remote: Path) -> None:
    Git(remote.parent).run("init", "--quiet", "--bare", "--initial-branch", "main", str(remote))
    repo = Git(project)
    repo.run("init", "--quiet", "--initial-branch", "main")
    repo.run("config", "user.name", "releasekit demo")
    repo.run("config", "user.email", "demo@releasekit.invalid")
    repo.run("config", "commit.gpgsign", "false")
    repo.run("config", "tag.gpgsign", "false")
    repo.run("add", "--", *FILES)  # exactly the files the demo wrote
    repo.run("commit", "--quiet", "-m", "Start hello-release")
    repo.run("remote", "add", "origin", str(remote))
    repo.run("push", "--quiet", "origin", "main")


def run_demo(directory: Path | None, reporter: Reporter) -> Path:
    """Create the example in ``directory`` (default: a new temporary one) and release it."""
    if directory is None:
        directory = Path(tempfile.mkdtemp(prefix="releasekit-demo-"))
    elif directory.exists() and any(directory.iterdir()):
        raise UsageError(
            f"{directory} is not empty", hint="give a new or empty directory with --dir, or omit it"
        )
    directory = directory.resolve()
    project, remote, index = (
        directory / "hello-release",
        directory / "remote.git",
        directory / "index",
    )
    directory.mkdir(parents=True, exist_ok=True)
    _write_project(project)
    _git_setup(project, remote)
    os.environ[INDEX_DIR_ENV] = str(index)  # this demo's own index, not the user's cache
    reporter.info(f"Example project: {project}")
    api.release(project, None, to="local", yes=True, reporter=reporter)
    tags = Git(remote).run("tag", "--list")
    reporter.info("")
    reporter.info(f"  git remote   {remote} (tags: {tags.replace(chr(10), ', ')})")
    reporter.info(f"  index        {index}: {', '.join(sorted(p.name for p in index.iterdir()))}")
    reporter.info(f"  changelog    {project / 'CHANGELOG.md'}")
    reporter.info("Install it from the index:")
    reporter.info(f"  releasekit index serve --dir {index} --port 8765 &")
    reporter.info("  pip install --index-url http://127.0.0.1:8765/simple/ hello-release")
    return directory
