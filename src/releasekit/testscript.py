"""The environment a project's test script exports.

Projects that run their tests with a shell script (Typer's and FastAPI's ``scripts/test.sh``,
Starlette's ``scripts/test``) export there what their tests need: Typer's
``TERMINAL_WIDTH=3000``, FastAPI's ``PYTHONPATH=./docs_src``. Where releasekit runs pytest itself
(the gate's own venv, verify's tests against the installed wheel), it takes those variables:
each ``export NAME=VALUE`` the script runs whatever happens (outside any ``if``, ``case``, loop
or function) whose value is literal (no ``$`` or backquote to expand). The script's commands
are not run: they lint, measure coverage or install, which is the project's business; the
variables its tests read are what the tests need wherever they run.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigError
from .textfiles import read_text

__all__ = ["SCRIPTS", "ScriptEnvironment", "script_environment"]

#: where projects keep the script that runs their tests, first found wins
SCRIPTS = ("scripts/test", "scripts/test.sh", "scripts/tests", "scripts/tests.sh")
_OPEN = frozenset({"if", "case", "for", "while", "until", "select", "{"})
_CLOSE = frozenset({"fi", "esac", "done", "}"})
_SHELL = re.compile(r"\b(?:sh|bash|dash|zsh|ksh)\b")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: what the runner sets itself: a script's value would point the tests elsewhere
_RUNNER_OWNS = frozenset({"PATH", "VIRTUAL_ENV", "PYTHONHOME", "HOME"})


@dataclass(frozen=True)
class ScriptEnvironment:
    """The variables ``source`` (a path relative to the root) exports to the tests."""

    source: str | None = None
    variables: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str | None:
        """For the plan: the variables' names and where they come from (values may be private)."""
        if not self.variables:
            return None
        return f"with {', '.join(self.variables)} as {self.source} exports them"


def script_environment(root: Path) -> ScriptEnvironment:
    """The variables the project's test script at ``root`` exports (none without a script)."""
    for name in SCRIPTS:
        path = root / name
        if path.is_file():
            try:
                text = read_text(path)
            except (OSError, ConfigError):  # unreadable: the project's business, not a variable
                return ScriptEnvironment()
            shebang = text.partition("\n")[0] if text.startswith("#!") else ""
            if shebang and not _SHELL.search(shebang):  # a Python script, say: not ours to read
                return ScriptEnvironment()
            return ScriptEnvironment(name, exported(text))
    return ScriptEnvironment()


def exported(text: str) -> dict[str, str]:
    """The literal ``export NAME=VALUE`` assignments of the shell script ``text`` run at its
    top level; a name the script also sets or unsets elsewhere (under a condition, or to a
    value to expand) is left out: its value is not known before the script runs."""
    variables: dict[str, str] = {}
    unknown: set[str] = set()
    depth = 0
    for line in text.splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # an unclosed quote: a multi-line string or a heredoc
            continue
        top = depth == 0
        for word in (w.rstrip(";") for w in words):
            depth += (word in _OPEN) - (word in _CLOSE)
        depth = max(depth, 0)
        literal = top and words[:1] == ["export"] and "$" not in line and "`" not in line
        for word in words[1:] if words[:1] in (["export"], ["unset"]) else words:
            name, sign, value = word.partition("=")
            if not _NAME.fullmatch(name) or name in _RUNNER_OWNS:
                continue
            if literal and sign:
                variables[name] = value
            elif sign or words[0] == "unset":
                unknown.add(name)
    return {name: value for name, value in variables.items() if name not in unknown}
