"""One ERROR line for a ``[tool.releasekit]`` table pydantic refused: the first problem, where
it is (the file, or the environment variable that set the key), the key, the value, and what
was expected."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

__all__ = ["format_validation", "show"]


def _describe_location(loc: tuple[int | str, ...]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


_EXPECTED = {  # pydantic error type -> what the value should have been
    "bool_type": "expected a boolean (true or false)",
    "bool_parsing": "expected a boolean (true or false)",
    "string_type": "expected a string",
    "list_type": "expected a list",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "missing": "required, missing",
    "string_too_long": "too long",
}


def show(value: Any) -> str:
    """A value as an ERROR line quotes it: its repr, cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(item: Any, where: Mapping[str, str], path: Path) -> str:
    loc = tuple(p for p in item["loc"] if not str(p).startswith("function-"))
    key = _describe_location(loc)
    origin = where.get(str(loc[0]), str(path)) if loc else str(path)
    table = "[tool.releasekit]" if origin == str(path) else ""
    kind = item["type"]
    if kind == "extra_forbidden":
        return (
            f"{origin}: {table} unknown key '{key}' -- remove it or check the spelling "
            "(see `releasekit config --keys`)"
        ).replace(":  ", ": ")
    if kind == "literal_error":
        what = "expected " + str(item.get("ctx", {}).get("expected", "one of the allowed values"))
    elif kind in _EXPECTED:
        what = _EXPECTED[kind]
    else:
        what = str(item["msg"]).removeprefix("Value error, ")
        what = what[0].lower() + what[1:] if what else "invalid"
    shown = "" if kind == "missing" else f" = {show(item.get('input'))}"
    return f"{origin}: {table} key '{key}'{shown}: {what}".replace(":  ", ": ")


def format_validation(error: ValidationError, where: Mapping[str, str], path: Path) -> str:
    problems = list(dict.fromkeys(_problem(item, where, path) for item in error.errors()))
    more = len(problems) - 1
    return problems[0] + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")
