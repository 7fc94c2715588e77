"""Reading a test run's output: what failed (one line for an ERROR), why when a dependency is
missing, and which failed tests a rerun can decide.

pytest's own lines carry the cause: its short summary (``FAILED``/``ERROR`` lines), the
``E   ModuleNotFoundError: ...`` of a collection error, argparse's usage error when the
configuration names an option no installed plugin has (``error: unrecognized arguments:
--cov=...``), or a bare traceback when pytest could not start (a ``filterwarnings`` entry naming
a module that is not installed).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .process import RAISED
from .testplugins import AMBIGUOUS_FIXTURES, KNOWN, NOT_SOURCE

__all__ = [
    "MAX_RERUN",
    "failure_digest",
    "missing_dependency_hint",
    "missing_modules",
    "rerun_ids",
]

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")  # --color=yes in a project's addopts
_SUMMARY = re.compile(r"^(FAILED|ERROR) (?!\()\S")  # not unittest's FAILED (failures=1)
#: unittest's report of a failed test: ``FAIL: test_json (test_locators.LocatorTestCase.test_json)``
#: (before Python 3.11 the parentheses name the class only)
_UNITTEST = re.compile(r"^(FAIL|ERROR): (\w+) \(([\w.]+)\)")
_UNITTEST_FINAL = re.compile(r"^FAILED \((?:failures|errors)=\d+.*\)$")
_EXCEPTION = re.compile(r"^E\s+(\w+(?:Error|Exception|Exit)\b.*)$")
#: argparse's usage error: ``python -m pytest: error: unrecognized arguments: --cov=x``
_USAGE = re.compile(r"^(?:[\w./-]+ -m )?[\w./-]+: (error: .+)$")
_FINAL = re.compile(
    r"^=*\s*((?:\d+ \w+|no tests ran)(?:, \d+ \w+)*(?: in [\d.]+s.*?)?)\s*=*$", re.IGNORECASE
)
#: tox could not start a command (an ``allowlist_externals`` program not installed)
_TOX_SPAWN = re.compile(r"^[\w.-]+: Exception running subprocess .+$")
_MAX_NAMED = 3
_NO_MODULE = re.compile(r"No module named '(?P<name>[\w.]+)'")
#: A test skipped or expected to fail, with its reason: not why the run failed (pytest-xdist's
#: ``SKIPPED [3] ...: could not import 'pexpect': No module named 'pexpect'`` beside failures
#: that have nothing to do with pexpect).
_NOT_A_FAILURE = re.compile(r"^(?:SKIPPED|XFAIL|XPASS)\b|\b(?:SKIPPED|XFAIL) \(")
_UNKNOWN_OPTIONS = re.compile(r"error: unrecognized arguments: (?P<options>.+)")
_NO_FIXTURE = re.compile(r"fixture '(?P<name>\w+)' not found")
#: Fixtures of well-known pytest plugins, by the distribution that provides them.
PLUGIN_FIXTURES = {
    **{name: plugin.fixtures for name, plugin in KNOWN.items() if plugin.fixtures},
    **AMBIGUOUS_FIXTURES,
}
_DECLARE = (
    "the project's test dependencies (a `test` dependency group or extra, its requirements "
    "file, or the tox/nox environment's deps)"
)


def _short(line: str, limit: int = 200) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _lines(output: str) -> list[str]:
    return [line.rstrip() for line in _ANSI.sub("", output).splitlines() if line.strip()]


def _raised(lines: list[str]) -> list[str]:
    """A bare traceback's exception lines: the first and the last (what it became)."""
    found = list(dict.fromkeys(line for line in lines if RAISED.fullmatch(line)))
    return found if len(found) <= 2 else [found[0], found[-1]]


def failure_digest(output: str) -> str:
    """The lines of a failed test run that say what failed: a command tox could not start,
    pytest's ``FAILED``/``ERROR`` lines (the first few), the first exception
    (``ModuleNotFoundError: ...``), a usage error, and the final counts. Falls back to the
    last lines of the output when it has none of these."""
    lines = _lines(output)
    named = [line for line in lines if _SUMMARY.match(line)] or _unittest_failures(lines)
    exception = next((m.group(1) for line in lines if (m := _EXCEPTION.match(line))), None)
    usage = next((m.group(1) for line in lines if (m := _USAGE.match(line))), None)
    final = next((m.group(1) for line in reversed(lines) if (m := _FINAL.match(line))), None)
    final = final or next((line for line in reversed(lines) if _UNITTEST_FINAL.match(line)), None)
    spawn = [line for line in lines if _TOX_SPAWN.match(line)][:1]
    parts = [_short(line) for line in spawn + named[:_MAX_NAMED]]
    if len(named) > _MAX_NAMED:
        parts.append(f"(+{len(named) - _MAX_NAMED} more)")
    if exception and not any(exception in part for part in parts):
        parts.append(_short(exception))
    if usage:
        parts.append(_short(usage))
    if not parts:
        parts = [_short(line) for line in _raised(lines)]
    if final:
        parts.append(final)
    if not parts:
        parts = [_short(line) for line in lines[-2:]]
    return "; ".join(parts) or "(no output)"


def _unittest_failures(lines: list[str]) -> list[str]:
    """unittest's failed tests (distlib's tox runs ``python -m unittest``), as pytest's short
    summary would name them: ``FAILED test_locators.LocatorTestCase.test_json``."""
    named = []
    for line in lines:
        if found := _UNITTEST.match(line):
            kind, method, where = found.groups()
            test = where if where.endswith(f".{method}") else f"{where}.{method}"
            named.append(f"{'FAILED' if kind == 'FAIL' else 'ERROR'} {test}")
    return list(dict.fromkeys(named))


def _in_tree(root: Path, module: str) -> bool:
    return any(
        (base / module).is_dir() or (base / f"{module}.py").is_file()
        for base in (root, root / "src")
    )


def _deeper_in_tree(root: Path, module: str) -> str | None:
    """Where below the top of the tree a package or module named ``module`` is (argcomplete's
    ``test/test_package/test_package``, which its own test script puts on ``sys.path``)."""
    for directory, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in NOT_SOURCE)
        here = Path(directory)
        if module in dirs and (here / module / "__init__.py").is_file():
            return (here / module).relative_to(root).as_posix()
        if f"{module}.py" in files:
            return (here / f"{module}.py").relative_to(root).as_posix()
    return None


def _failure_text(output: str) -> str:
    """The output's lines, without those of skipped and expected failures."""
    return "\n".join(line for line in _lines(output) if not _NOT_A_FAILURE.search(line))


def missing_dependency_hint(output: str, root: Path) -> str | None:
    """How to fix a run that failed for want of a dependency: a module the tests import that
    neither the tree nor the environment has, an option of a pytest plugin not installed, or a
    fixture nothing provides (a well-known plugin's named: ``mocker`` is pytest-mock's)."""
    text = _failure_text(output)
    options = _UNKNOWN_OPTIONS.search(text)
    if options:
        named = options.group("options").split()[0]
        return (
            f"pytest's configuration passes {named}, an option of a pytest plugin that is not "
            f"installed where the tests ran: add that plugin to {_DECLARE}"
        )
    fixture = _NO_FIXTURE.search(text)
    if fixture:
        name = fixture.group("name")
        plugin = next((p for p, names in PLUGIN_FIXTURES.items() if name in names), None)
        which = f"{plugin}, which provides it," if plugin else "the pytest plugin that provides it"
        return (
            f"the tests use the fixture {name!r}, which nothing installed where they ran "
            f"provides: add {which} to {_DECLARE}"
        )
    missing = _NO_MODULE.search(text)
    if missing is None:
        return None
    module = missing.group("name").split(".")[0]
    if _in_tree(root, module):
        return None  # the project's own package: not a dependency
    deeper = _deeper_in_tree(root, module)
    if deeper is not None:
        return (
            f"the tests import {module}, which is in the tree ({deeper}) but not importable "
            "where pytest ran them: the project runs these tests another way (see its CI or "
            "Makefile); set [tool.releasekit] gate_command to that command"
        )
    return (
        f"the tests import {module}, which neither the tree nor the environment they ran in "
        f"has: add the distribution that provides it to {_DECLARE}"
    )


def missing_modules(output: str, root: Path) -> list[str]:
    """The top-level modules a failed run could not import (``No module named ...``) that the
    tree does not have anywhere: a dependency's, not the project's own, in order."""
    text = _failure_text(output)
    names = dict.fromkeys(m.group("name").split(".")[0] for m in _NO_MODULE.finditer(text))
    return [n for n in names if not _in_tree(root, n) and _deeper_in_tree(root, n) is None]


# ------------------------------------------------------------------------------ flaky reruns
_FAILED_ID = re.compile(r"^(?:FAILED|ERROR) (\S+?::.+?)(?: - .*)?$")  # ids may hold spaces
#: more failures than this in one run are not flakiness
MAX_RERUN = 50


def rerun_ids(output: str) -> list[str]:
    """The node ids of the failed tests of a run that a rerun can decide: pytest's short
    summary lists each; empty when a collection error or an interruption stopped the run (the
    same again, not chance), when there are none, or more than :data:`MAX_RERUN`."""
    lines = [line.rstrip() for line in _ANSI.sub("", output).splitlines()]
    named = [line for line in lines if _SUMMARY.match(line)]
    ids = [m.group(1) for line in named if (m := _FAILED_ID.match(line))]
    stopped = any(line.startswith("!!") and "Interrupted" in line for line in lines)
    if stopped or len(ids) != len(named) or len(ids) > MAX_RERUN:
        return []
    return list(dict.fromkeys(ids))


#: pytest-cov's and coverage.py's report that the total is under ``fail_under``
_UNDER_THRESHOLD = re.compile(
    r"Required test coverage of [\d.]+% not reached|Coverage failure: total"
)


def passed_under_coverage(output: str) -> bool:
    """Whether a rerun of failed tests passed them all and failed only coverage's threshold,
    which a few tests never reach (h2's ``fail_under = 100`` after a flaky Hypothesis test
    passed alone): pytest's last line counts passes and no failure or error."""
    lines = [line.strip() for line in _ANSI.sub("", output).splitlines() if line.strip()]
    finals = [m.group(1) for line in lines if (m := _FINAL.match(line))]
    if not finals or not _UNDER_THRESHOLD.search(output):
        return False
    counts = finals[-1].lower()
    return "passed" in counts and not re.search(r"\d+ (failed|errors?)\b", counts)
