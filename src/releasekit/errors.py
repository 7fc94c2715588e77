"""One exception family. Every message says what is wrong, where, and how to fix it.

The CLI maps :class:`ReleasekitError` to one ``ERROR`` line and :attr:`ReleasekitError.exit_code`;
anything else is a bug and shows a traceback.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "GateFailed",
    "IndexUnavailable",
    "Interrupted",
    "JournalError",
    "LockHeld",
    "PreflightError",
    "ProcessError",
    "ReleasekitError",
    "StepFailed",
    "UsageError",
]


class ReleasekitError(Exception):
    """Base of every error releasekit reports to users.

    ``message`` says what is wrong and where (file, key, value); ``hint`` says how to fix it.
    """

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} -- {self.hint}"
        return self.message


class UsageError(ReleasekitError):
    """The command line itself is wrong (bad BUMP, unknown step name, conflicting flags)."""

    exit_code = 2


class ConfigError(ReleasekitError):
    """pyproject.toml or the environment holds an invalid setting."""

    exit_code = 2


class PreflightError(ReleasekitError):
    """The repository is not in a state that can be released; nothing was changed."""

    exit_code = 3


class GateFailed(ReleasekitError):
    """The project's quality gate (its test command) failed."""

    exit_code = 4


class StepFailed(ReleasekitError):
    """A release step failed after the release had started; the journal can resume or roll back."""

    exit_code = 5


class ProcessError(ReleasekitError):
    """A tool releasekit drives exited non-zero. Output is already redacted."""

    exit_code = 5

    def __init__(
        self, message: str, *, hint: str | None = None, returncode: int = 1, output: str = ""
    ) -> None:
        super().__init__(message, hint=hint)
        self.returncode = returncode
        self.output = output


class IndexUnavailable(ReleasekitError):
    """A package index could not be reached or refused a request."""

    exit_code = 6


class JournalError(ReleasekitError):
    """The release journal is missing, unreadable or does not match the repository."""

    exit_code = 7


class LockHeld(ReleasekitError):
    """Another releasekit release is running in the same repository."""

    exit_code = 8


class Interrupted(ReleasekitError):
    """The user pressed Ctrl-C; the journal is written and the release can resume or roll back."""

    exit_code = 130
