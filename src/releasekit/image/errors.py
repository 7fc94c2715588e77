"""The image and registry errors, and the one-line summary of a container tool's output."""

from __future__ import annotations

import re

from ..errors import StepFailed

__all__ = ["ImageError", "RegistryError", "one_line"]

_NOISE = re.compile(
    r"^(STEP \d+/\d+:|COMMIT|Getting image source|Copying |Writing manifest|"
    r"Storing signatures|--> |time=\"[^\"]*\" level=(info|debug))"
)
_MAX = 300
#: A Go struct printed with %+v: ``{Field:value Field:value ...}``.
_GO_VALUE = re.compile(r"\{[A-Z]\w*:[^{}]*\}")


class ImageError(StepFailed):
    """Building, smoke-testing or pushing the release's container image failed."""


class RegistryError(ImageError):
    """A container registry refused or could not answer a request."""


def one_line(output: str, fallback: str = "no output") -> str:
    """The line of a tool's output that says what went wrong, on one line.

    Container tools print progress first and the reason last, usually as ``Error: ...``; prefer
    the last line mentioning an error, else the last line that is not progress noise.
    """
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    useful = [ln for ln in lines if not _NOISE.match(ln)]
    errors = [ln for ln in useful if "error" in ln.lower()]
    chosen = (errors or useful or [fallback])[-1]
    chosen = re.sub(r"^time=\"[^\"]*\" level=\w+ msg=", "", chosen).strip('"')
    chosen = re.sub(r"\s*&\w+\.\w+\{.*$", "", chosen)  # a Go struct dump after the message
    chosen = _GO_VALUE.sub("{...}", chosen)  # one inside it: "for step {Env:[...] ...}: cause"
    if len(chosen) <= _MAX:
        return chosen
    # Go wraps errors as "what: why: root cause": keep the start and the root cause
    head = _MAX // 3
    return f"{chosen[:head]} ... {chosen[head + 5 - _MAX :]}"
