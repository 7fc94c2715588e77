"""The one place releasekit runs other programs.

Every call takes an argv list (never a shell string), captures output, and passes the argv, the
output and every exception message through :func:`releasekit.redact.redact` before anything
could reach a terminal, a log, a journal or an exception.
"""

from __future__ import annotations

import os
import re
import select
import selectors
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import ProcessError
from .redact import redact

__all__ = ["RAISED", "TOOL", "Completed", "display", "run", "start"]

_TAIL_LINES = 25

Arg = str | os.PathLike[str]


@dataclass(frozen=True)
class Completed:
    """A finished command: its argv (redacted), exit status, output (redacted) and duration."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration: float

    @property
    def output(self) -> str:
        return "\n".join(part for part in (self.stdout, self.stderr) if part)


def _argv(argv: Sequence[Arg]) -> list[str]:
    if isinstance(argv, str | bytes):
        raise TypeError("process.run takes an argv list, not a string")
    return [os.fspath(a) for a in argv]


#: How releasekit runs a Python tool installed with it (``[*TOOL, "twine", ...]``): ``-P`` keeps
#: the working directory off ``sys.path``, so the project's own package cannot shadow the tool
#: when run from the project's root (bump-my-version's ``bumpversion/``, twine's, nox's).
TOOL = (sys.executable, "-P", "-m")


#: Variables that point a tool at releasekit's own environment: a command that manages its own
#: environments (the project's nox, tox or hatch) must not see them, or it installs into
#: releasekit's venv (nox sets UV_PYTHON, which every ``uv pip install`` obeys).
OUTER_ENVIRONMENT = ("VIRTUAL_ENV", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT", "PYTHONHOME")


def _environ(env: Mapping[str, str | None] | None, *, inherit: bool) -> dict[str, str]:
    """``os.environ`` (when inherited) updated by ``env``, where a value of None unsets."""
    merged = dict(os.environ) if inherit else {}
    for name, value in (env or {}).items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


def display(argv: Sequence[Arg]) -> str:
    """The command as a user could type it, with secrets redacted."""
    return redact(shlex.join(_argv(argv)))


#: How uv indents the reasons under its ``error:`` line.
_CAUSES = ("cause:", "Caused by:")


#: The line that ends a Python traceback: the exception raised (``FileNotFoundError: ...``).
#: The line a Python traceback ends with: ``ValueError: ...``, and packaging's ``InvalidSpecifier``
#: family, which setuptools raises for a bad ``python_requires`` or requirement in setup.cfg.
RAISED = re.compile(
    r"(?:\w+\.)*(?:\w+(?:Error|Exception|Warning|Exit|Interrupt)|Invalid[A-Z]\w*)\b(?::.*)?"
)
#: A line saying only that a command it ran failed (pypa/build's installer, any
#: ``CalledProcessError``): the command's own error, printed before it, says why.
_WRAPPER = re.compile(r"Command .+ returned non-zero exit status -?\d+\.?$")
#: The start of a new item in a tool's report (a wrapped line continues the one before it); uv
#: marks its errors with a multiplication sign and its causes with a box corner.
_ITEM = re.compile(r"^(?:[\w-]+(?: [\w-]+)*:|Traceback|File |[*>\u00d7\u2570])")
_WORDS = ("error", "failed", "forbidden", "denied", "invalid")


def _tracebacks(lines: list[str]) -> list[int]:
    return [at for at, line in enumerate(lines) if line.startswith("Traceback (most recent")]


def _raised(lines: list[str], starts: list[int]) -> str | None:
    """The exception that ended the last Python traceback in ``lines`` (its ``starts``), if there
    is one: a build backend's ``FileNotFoundError`` says more than uv's "the build backend
    returned an error"."""
    if not starts:
        return None
    return next((line for line in lines[starts[-1] + 1 :] if RAISED.fullmatch(line)), None)


def _last_words(lines: list[str]) -> str:
    """The line of a tool's output that best says why it failed (its last error, else its last),
    with the exception that ended a Python traceback in it, when it does not say that. A line
    that says only that a command failed gives way to that command's error before it."""
    lines = [line[2:].strip() if line.startswith("< ") else line for line in lines]  # build's
    said = _said(lines) or lines[-1][:300]
    starts = _tracebacks(lines)
    if starts and _WRAPPER.search(said):
        said = _said(lines[: starts[0]]) or said
    raised = _raised(lines, starts)
    if not raised or _WRAPPER.search(raised) or raised.partition(": ")[2] in said:
        return said
    return f"{said}: {raised}"[:500]


def _said(lines: list[str]) -> str | None:
    for at in range(len(lines) - 1, -1, -1):
        line = lines[at]
        if any(word in line.lower() for word in _WORDS):
            if line.endswith(":") and at + 1 < len(lines):  # its reason follows (uv, pip)
                return f"{line} {lines[at + 1].lstrip('╰─▶ ')}"[:500]
            causes = _causes(lines[at + 1 :])
            return f"{line}: {'; '.join(causes)}"[:500] if causes else line[:300]
    return None


def _causes(lines: list[str]) -> list[str]:
    """The reasons uv indents under its error line, each with the lines it wraps onto."""
    causes: list[str] = []
    within = False
    for line in lines:
        if line.startswith(_CAUSES):
            causes.append(line.partition(":")[2].strip())
            within = True
        elif within and not _ITEM.match(line):
            causes[-1] += f" {line}"
        else:
            within = False
    return causes


#: How long a command's output may stay open after the command exited. What the processes it
#: left running write meanwhile is kept; then those still holding the output are ended, and the
#: command's result returned (a test a project's suite leaves running, a ``multiprocessing``
#: worker, would otherwise hold the pipe, and the release, for ever).
LINGER = 5.0


def _exchange(
    proc: subprocess.Popen[bytes], data: bytes | None, timeout: float | None
) -> tuple[bytes, bytes]:
    """Write ``data`` to the command and read its output until both pipes close, or until
    :data:`LINGER` seconds after it exited; with the command killed on ``timeout`` or any error."""
    try:
        return _pump(proc, memoryview(data or b""), timeout)
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def _pump(
    proc: subprocess.Popen[bytes], pending: memoryview, timeout: float | None
) -> tuple[bytes, bytes]:
    out, err = (stream.fileno() if stream else -1 for stream in (proc.stdout, proc.stderr))
    output = {out: bytearray(), err: bytearray()}
    deadline = None if timeout is None else time.monotonic() + timeout
    exited: float | None = None
    with selectors.DefaultSelector() as selector:
        for fd in output:
            selector.register(fd, selectors.EVENT_READ)
        if proc.stdin is not None:
            selector.register(proc.stdin, selectors.EVENT_WRITE)
        while selector.get_map():
            if exited is None and proc.poll() is not None:
                exited = time.monotonic()
            if exited is not None and time.monotonic() - exited >= LINGER:
                _end_holders([key.fd for key in selector.get_map().values()])
                break
            for key, _ in selector.select(_wait(proc, deadline, timeout)):
                if key.fileobj is proc.stdin:
                    pending = _feed(selector, proc.stdin, pending)
                elif chunk := os.read(key.fd, 65536):
                    output[key.fd] += chunk
                else:
                    selector.unregister(key.fd)
    return bytes(output[out]), bytes(output[err])  # the caller's ``with proc`` waits for it


def _wait(proc: subprocess.Popen[bytes], deadline: float | None, timeout: float | None) -> float:
    """How long to wait for output before looking at the command again."""
    if deadline is None:
        return 0.2
    left = deadline - time.monotonic()
    if left <= 0:
        raise subprocess.TimeoutExpired(proc.args, timeout or 0)
    return min(0.2, left)


def _feed(selector: selectors.BaseSelector, stdin: IO[bytes], pending: memoryview) -> memoryview:
    """Write what the pipe takes without blocking; close it when all is written."""
    try:
        pending = pending[os.write(stdin.fileno(), pending[: select.PIPE_BUF]) :]
    except BrokenPipeError:  # the command stopped reading
        pending = pending[:0]
    if not pending:
        selector.unregister(stdin)
        stdin.close()
    return pending


def _end_holders(pipes: Sequence[int]) -> None:
    """Send SIGTERM to the processes, other than releasekit, that hold ``pipes`` open: the ones a
    finished command left running. Linux's ``/proc`` says which; elsewhere they are left."""
    names = {f"pipe:[{os.fstat(pipe).st_ino}]" for pipe in pipes}
    for fds in Path("/proc").glob("[0-9]*/fd"):
        pid = int(fds.parent.name)
        try:
            holds = pid != os.getpid() and any(os.readlink(fd) in names for fd in fds.iterdir())
            if holds:
                os.kill(pid, signal.SIGTERM)
        except OSError:  # gone meanwhile, or another user's
            continue


def _text(output: bytes) -> str:
    """A command's output as text, its line endings as ``\\n`` (as ``text=True`` gives them)."""
    return output.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")


def run(
    argv: Sequence[Arg],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str | None] | None = None,
    inherit_env: bool = True,
    check: bool = True,
    input: str | None = None,
    timeout: float | None = None,
    what: str | None = None,
    hint: str | None = None,
) -> Completed:
    """Run ``argv`` and return its redacted result.

    With ``check`` (the default) a non-zero exit raises :class:`ProcessError` whose message names
    ``what`` was being done and ends with the last lines of the tool's output.
    """
    args = _argv(argv)
    start_time = time.monotonic()
    try:
        proc = subprocess.Popen(
            args,
            cwd=cwd,
            env=_environ(env, inherit=inherit_env),
            stdin=subprocess.PIPE if input is not None else None,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    except FileNotFoundError as exc:
        raise ProcessError(
            redact(f"{what or 'running a tool'}: command not found: {args[0]}"),
            hint=hint or f"install {args[0]} or put it on PATH",
            returncode=127,
        ) from exc
    try:
        with proc:
            out, err = _exchange(proc, None if input is None else input.encode(), timeout)
    except subprocess.TimeoutExpired as exc:
        raise ProcessError(
            redact(f"{what or display(args)}: timed out after {timeout:g}s"),
            hint=hint,
            returncode=124,
        ) from exc
    done = Completed(
        argv=tuple(redact(a) for a in args),
        returncode=proc.returncode,
        stdout=redact(_text(out)),
        stderr=redact(_text(err)),
        duration=time.monotonic() - start_time,
    )
    if check and done.returncode != 0:
        lines = [line.strip() for line in done.output.strip().splitlines() if line.strip()]
        message = f"{what or display(args)} failed (exit {done.returncode})"
        if lines:
            message += f": {_last_words(lines)}\n" + "\n".join(lines[-_TAIL_LINES:])
        raise ProcessError(
            redact(message), hint=hint, returncode=done.returncode, output=done.output
        )
    return done


def start(
    argv: Sequence[Arg],
    *,
    cwd: Path | str | None = None,
    env: Mapping[str, str | None] | None = None,
    stdout: int | None = subprocess.DEVNULL,
    stderr: int | None = subprocess.DEVNULL,
) -> subprocess.Popen[bytes]:
    """Start a long-running helper (a server) in the background; the caller stops it."""
    return subprocess.Popen(  # the one background-process entry point
        _argv(argv), cwd=cwd, env=_environ(env, inherit=True), stdout=stdout, stderr=stderr
    )
