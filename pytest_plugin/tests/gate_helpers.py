"""Helpers of the pytest-releasekit tests: tiny projects on disk, run with pytester under each
execution mode, and their gate reports.

Runs that need separate processes (xdist workers, coverage measurement) use
``runpytest_subprocess`` with plugin autoloading off and the plugins named explicitly (much faster
start-up); a few tests keep autoloading on to prove the ``pytest11`` entry point works.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pytest_releasekit import _run

#: the execution modes the issue asks for: plain, ``-n 2`` and ``-p no:xdist``
MODES = ("plain", "xdist", "no-xdist")
#: plugins installed here that the inner runs do not need (hypothesis's is slow to start)
UNRELATED = (
    "-p",
    "no:cacheprovider",
    "-p",
    "no:hypothesispytest",
    "-p",
    "no:benchmark",
    "-p",
    "no:anyio",
)


@dataclass
class Run:
    result: pytest.RunResult
    report_path: Path

    @property
    def ret(self) -> int:
        return int(self.result.ret)

    @property
    def out(self) -> str:
        return self.result.stdout.str()

    @property
    def report(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.report_path.read_text(encoding="utf-8"))
        return loaded

    def rule(self, name: str) -> dict[str, Any]:
        matches = [r for r in self.report["rules"] if r["rule"] == name]
        assert matches, f"no verdict for {name!r} in {[r['rule'] for r in self.report['rules']]}"
        return matches[0]

    def verdicts(self) -> dict[str, str]:
        return {r["rule"]: r["verdict"] for r in self.report["rules"]}


class Project:
    """A project in ``pytester.path``: pyproject.toml with a gate table, sources and tests."""

    def __init__(self, pytester: pytest.Pytester) -> None:
        self.pytester = pytester
        self.path = pytester.path

    def write(self, files: dict[str, str]) -> None:
        for name, text in files.items():
            target = self.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")

    def configure(self, gate: str = "", *, coverage: str = "", pytest_ini: str = "") -> None:
        self.write(
            {
                "pyproject.toml": (
                    "[tool.pytest.ini_options]\n"
                    f"addopts = {json.dumps(['--strict-markers', *UNRELATED])}\n"
                    'pythonpath = ["src"]\n'
                    f"{textwrap.dedent(pytest_ini)}\n"
                    "[tool.coverage.run]\n"
                    'source = ["src"]\n'
                    f"{textwrap.dedent(coverage)}\n"
                    "[tool.releasekit.gate]\n"
                    f"{textwrap.dedent(gate)}\n"
                )
            }
        )

    def run(
        self,
        *args: str,
        mode: str = "plain",
        subprocess: bool = False,
        plugins: tuple[str, ...] = (),
        autoload: bool = False,
        cwd: Path | None = None,
    ) -> Run:
        """Run pytest (in ``cwd``, default here). ``plugins``: extra plugins of a subprocess run."""
        report = (cwd or self.path) / "gate-report.json"
        argv = [*args]
        if mode == "xdist":
            argv += ["-n", "2"]
            subprocess = True
        elif mode == "no-xdist":
            argv += ["-p", "no:xdist"]
        with pytest.MonkeyPatch.context() as patch:
            if cwd is not None:
                patch.chdir(cwd)
            if subprocess and not autoload:
                names = ["xdist.plugin"] if mode != "no-xdist" else []
                names += ["pytest_releasekit.plugin", *plugins]
                argv = [part for name in names for part in ("-p", name)] + argv
                patch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
                result = self.pytester.runpytest_subprocess(*argv)
            elif subprocess:
                result = self.pytester.runpytest_subprocess(*argv)
            else:
                result = self.pytester.runpytest(*argv)
        return Run(result, report)


# A small package and its tests, for the coverage and diff-coverage rules.
SOURCES = {
    "src/pkg/__init__.py": "",
    "src/pkg/core.py": """
        def add(a, b):
            return a + b


        def sign(x):
            if x > 0:
                return 1
            if x < 0:
                return -1
            return 0
    """,
    "src/pkg/never.py": """
        def never():
            return 1
    """,  # never imported: coverage.py reports it at 0 %, and so must the gate
    "src/pkg/legacy.py": """
        def old(x):
            if x:
                return "yes"
            return "no"


        def unused():
            a = 1
            b = 2
            return a + b
    """,
}
TESTS = {
    # imported before the tests start: under xdist, measured on the controller
    "tests/conftest.py": "import pkg.core\n",
    "tests/test_core.py": """
        from pkg.core import add, sign

        def test_add(): assert add(1, 2) == 3
        def test_sign_pos(): assert sign(5) == 1
        def test_sign_neg(): assert sign(-5) == -1
        def test_sign_zero(): assert sign(0) == 0
    """,
    "tests/test_legacy.py": """
        from pkg.legacy import old

        def test_old(): assert old(1) == "yes"
    """,
}
BRANCH = "branch = true"


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; its output, stripped (a failure fails the test with git's message)."""
    done = _run.run(["git", *args], cwd=cwd)
    assert done.ok, done.stderr
    return done.stdout.strip()
