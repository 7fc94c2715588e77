"""Value checks shared by the configuration model and the command line.

Each function returns the value (possibly normalised) or raises ``ValueError`` with a sentence
saying what is wrong; pydantic and argparse turn that into the one ``ERROR`` line.
"""

from __future__ import annotations

import os
import re
import shlex
import string
import urllib.parse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pytest_releasekit.history import check_spec

__all__ = [
    "check_command",
    "check_format",
    "check_history",
    "check_port",
    "check_ref_name",
    "check_url",
    "non_empty",
    "path_name",
    "writable_dir",
]

_REF_BAD = re.compile(r"[\s~^:?*\[\\\x00-\x1f\x7f]|\.\.|@\{|//")


def check_history(value: str) -> str:
    """``[tool.releasekit] history``: ``off`` or a store the plugin can open."""
    return value if value == "off" else check_spec(value)


def non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def check_format(
    template: str, fields: Iterable[str], *, required: str | tuple[str, ...] | None = None
) -> str:
    """A ``str.format`` template that uses only ``fields`` (each as a plain ``{name}``), and one
    of ``required`` when given."""
    known = sorted(fields)
    allowed = ", ".join("{" + f + "}" for f in known)
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"is not a valid template ({exc}); use {allowed}") from None
    used = set()
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in known:
            shown = "{" + name + "}" if name else "{}"
            raise ValueError(f"uses unknown field {shown}; the fields are {allowed}")
        if spec or conversion:
            raise ValueError(f"{{{name}}} takes no format spec or conversion; use {allowed}")
        used.add(name)
    needed = (required,) if isinstance(required, str) else required or ()
    if needed and not used.intersection(needed):
        raise ValueError("must contain " + " or ".join("{" + f + "}" for f in needed))
    return template


def check_ref_name(value: str, what: str = "name") -> str:
    """What ``git check-ref-format`` accepts for one tag, branch or remote name."""
    if not value:
        raise ValueError(f"{what} must not be empty")
    if (
        _REF_BAD.search(value)
        or value.startswith(("-", ".", "/"))
        or value.endswith(("/", ".", ".lock"))
        or value == "@"
    ):
        raise ValueError(
            f"{what} {value!r} is not a valid git ref name "
            "(no spaces, ~ ^ : ? * [ \\, '..', and no leading '-' or '.')"
        )
    return value


def check_command(value: Any) -> Any:
    """Commands may be written as a string (split like a shell would) or as a list."""
    if isinstance(value, str):
        try:
            value = shlex.split(value)
        except ValueError as exc:
            raise ValueError(f"cannot be split like a shell command line ({exc})") from None
        if not value:
            raise ValueError("must not be empty")
    if isinstance(value, list):
        if not value:
            raise ValueError("must not be empty")
        if any(isinstance(item, str) and not item.strip() for item in value):
            raise ValueError("must not contain empty arguments")
    return value


def check_url(value: str) -> str:
    """An http(s) URL with a host (and a valid port, if any)."""
    try:
        parts = urllib.parse.urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError as exc:
        raise ValueError(f"is not a valid URL ({exc})") from None
    if parts.scheme not in {"http", "https"} or not parts.hostname or not port_ok:
        raise ValueError(
            "must be an http:// or https:// URL with a host, e.g. https://host/legacy/"
        )
    return value


def check_port(value: int) -> int:
    if not 1 <= value <= 65535:
        raise ValueError(f"port {value} is out of range (1-65535)")
    return value


_NAME_MAX = 255  # bytes in one name: Linux's file systems, APFS, NTFS
_PATH_MAX = 4095  # bytes in a path (Linux's PATH_MAX, less its NUL)


def path_name(value: str) -> str:
    """A path the file system can name: no NUL, no name longer than 255 bytes, no path longer
    than 4095 (else every look-up fails with ``File name too long``)."""
    if "\0" in value:
        raise ValueError("must not contain a NUL character")
    raw = value.encode("utf-8", "surrogateescape")
    longest = max(len(name) for name in raw.split(b"/"))
    if longest > _NAME_MAX:
        raise ValueError(f"has a name of {longest} bytes, longer than a file system allows (255)")
    if len(raw) > _PATH_MAX:
        raise ValueError(f"is {len(raw)} bytes long, longer than a path can be (4095)")
    return value


def writable_dir(path: Path) -> str | None:
    """Why ``path`` cannot be (or become) a writable directory; None when it can."""
    try:
        return _writable_dir(path)
    except OSError as exc:  # a name too long for the file system, ...
        return f"cannot be a directory: {exc.strerror}"


def _writable_dir(path: Path) -> str | None:
    if path.exists():
        if not path.is_dir():
            return "exists and is not a directory"
        return None if os.access(path, os.W_OK | os.X_OK) else "is not writable"
    parent = path.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        return f"cannot be created: {parent} is not a directory"
    if not os.access(parent, os.W_OK | os.X_OK):
        return f"cannot be created: {parent} is not writable"
    return None
