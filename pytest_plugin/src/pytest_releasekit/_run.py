"""The plugin's one subprocess runner: argv lists (never a shell string), captured text output."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Completed", "run"]

Arg = str | os.PathLike[str]


@dataclass(frozen=True)
class Completed:
    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    @property
    def output(self) -> str:
        return "\n".join(part for part in (self.stdout, self.stderr) if part)


def run(
    argv: Sequence[Arg],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float | None = 120,
    input: str | None = None,
) -> Completed:
    """Run ``argv`` and return its result; a missing program is returncode 127, not an exception."""
    if isinstance(argv, str | bytes):
        raise TypeError("_run.run takes an argv list, not a string")
    args = tuple(os.fspath(a) for a in argv)
    try:
        proc = subprocess.run(
            args,
            cwd=cwd,
            env=dict(env) if env is not None else None,
            capture_output=True,
            text=True,
            input=input,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError:
        return Completed(args, 127, "", f"{args[0]}: command not found")
    except subprocess.TimeoutExpired:
        return Completed(args, 124, "", f"{args[0]}: timed out after {timeout}s")
    return Completed(args, proc.returncode, proc.stdout, proc.stderr)
