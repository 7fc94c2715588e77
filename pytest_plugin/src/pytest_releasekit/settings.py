"""Typed settings of the gate: ``[tool.releasekit.gate]`` in pyproject.toml + ``--gate-set K=V``.

Precedence, lowest to highest: a key's default < pyproject.toml < ``--gate-set`` (and
``--gate-base`` for ``diff_base``); ``--gate-set KEY=off`` puts a key back to its default, which
switches its rule off for that run. :attr:`GateSettings.sources` records where each value came from.

Every rule declares the keys it owns as typed :class:`Key` objects (see ``gates/__init__.py``);
this module validates the table against the union of those keys, so a rule added later (e.g.
``benchmark_max_regression``) is configured exactly like the built-in ones::

    MAX_REGRESSION: Key[float | None] = Key(
        "benchmark_max_regression", percent, None,
        help="Largest allowed slow-down of any benchmark, in percent.",
        example="benchmark_max_regression = 10",
    )

A bad value raises ``pytest.UsageError`` (:data:`SettingsError`): one line naming the key, the
value and the fix.

Why not pydantic: the plugin is loaded by every pytest run of every project that installs it, and
importing pydantic costs ~170 ms here, i.e. more than the whole overhead budget of ``pytest --gate``
on a 5,000-test suite (3 %). The schema below is declarative and typed instead: each key is a
:class:`Key` with a converter (``percent``, ``count``, ``text``, ``globs``, ``table_of(...)``) that
either returns the typed value or raises :class:`Invalid` with the reason; converters are shared by
all rules, so no rule hand-checks its values.
"""

from __future__ import annotations

import difflib
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import pytest

from .globs import BadGlob, compile_glob

__all__ = [
    "GateSettings",
    "Invalid",
    "Key",
    "SettingsError",
    "count",
    "glob_pattern",
    "globs",
    "load_settings",
    "one_of",
    "parse_assignment",
    "percent",
    "read_gate_table",
    "table_of",
    "text",
]

T = TypeVar("T")
V = TypeVar("V")

TABLE = "[tool.releasekit.gate]"
#: the source of a key switched off with ``--gate-set KEY=off``
OFF_SOURCE = "--gate-set off"


#: Bad gate configuration; the message is one line naming the key, the value and the fix.
#: (``pytest.UsageError`` itself: pytest prints ``ERROR: <message>`` and exits with status 4.)
SettingsError = pytest.UsageError


class Invalid(ValueError):
    """Raised by a converter: why a value is rejected (the caller adds the key and value)."""


# ------------------------------------------------------------------------------- converters
def percent(value: Any) -> float:
    """A percentage between 0 and 100 (``90``, ``87.5``, or ``"90%"`` on the command line)."""
    if isinstance(value, str):
        try:
            value = float(value.strip().removesuffix("%"))
        except ValueError:
            raise Invalid("must be a percentage between 0 and 100") from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid("must be a percentage between 0 and 100")
    if not 0 <= value <= 100:
        raise Invalid("must be a percentage between 0 and 100")
    return float(value)


def count(value: Any) -> int:
    """A whole number >= 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Invalid("must be a whole number >= 0")
    return value


def text(value: Any) -> str:
    """A non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise Invalid("must be a non-empty string")
    return value.strip()


def globs(value: Any) -> tuple[str, ...]:
    """A list of path globs (see :mod:`pytest_releasekit.globs`); a string is a list of one."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        raise Invalid("must be a list of globs")
    for item in items:
        glob_pattern(item)
    return tuple(items)


def glob_pattern(value: Any) -> str:
    """One path glob (see :mod:`pytest_releasekit.globs`)."""
    if not isinstance(value, str):
        raise Invalid(f"must be a glob string, got {value!r}")
    try:
        compile_glob(value)
    except BadGlob as exc:
        raise Invalid(f"bad glob: {exc}") from None
    return value


def table_of(
    values: Callable[[Any], V], *, keys: Callable[[Any], str] | None = None
) -> Callable[[Any], dict[str, V]]:
    """A TOML table whose values pass ``values`` (and whose keys pass ``keys``, if given)."""

    def convert(value: Any) -> dict[str, V]:
        if not isinstance(value, Mapping):
            raise Invalid("must be a table (e.g. {name = value})")
        out: dict[str, V] = {}
        for sub, item in value.items():
            try:
                out[keys(sub) if keys else str(sub)] = values(item)
            except Invalid as exc:
                raise Invalid(f"[{sub!r}] = {item!r} {exc}") from None
        return out

    return convert


def one_of(*choices: str) -> Callable[[Any], str]:
    """A string among ``choices``."""

    def convert(value: Any) -> str:
        if value not in choices:
            raise Invalid(f"must be one of {', '.join(choices)}")
        return cast(str, value)

    return convert


# ------------------------------------------------------------------------------- schema
@dataclass(frozen=True)
class Key(Generic[T]):
    """One key of ``[tool.releasekit.gate]``: its name, converter, default and documentation."""

    name: str
    convert: Callable[[Any], T]
    default: T
    help: str = ""
    example: str = ""
    #: a key whose value is a table may also be set per entry: ``--gate-set min_tests.e2e=1``
    table: bool = False

    def check(self, value: Any, source: str) -> T:
        try:
            return self.convert(value)
        except Invalid as exc:
            hint = f" (e.g. {self.example})" if self.example else ""
            raise SettingsError(
                f"releasekit: {source} {self.name} = {_show(value)}: {exc}{hint}"
            ) from None


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    return str(value).replace("True", "true").replace("False", "false")


@dataclass(frozen=True)
class GateSettings:
    """The validated values of every known key, and where each came from."""

    values: Mapping[str, Any]
    sources: Mapping[str, str] = field(default_factory=dict)

    def get(self, key: Key[T]) -> T:
        return cast(T, self.values.get(key.name, key.default))

    def is_set(self, key: Key[Any]) -> bool:
        """Whether the user configured ``key`` (not its default, not switched ``off``)."""
        return self.sources.get(key.name, "default") not in ("default", OFF_SOURCE)

    def to_json(self) -> dict[str, Any]:
        return {
            name: {"value": list(v) if isinstance(v, tuple) else v, "source": self.sources[name]}
            for name, v in sorted(self.values.items())
        }


def parse_assignment(item: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from the command line; VALUE is read as a TOML value, else as a string."""
    name, sep, raw = item.partition("=")
    name = name.strip()
    if not sep or not name:
        raise SettingsError(
            f"releasekit: --gate-set {item!r}: expected KEY=VALUE "
            "(e.g. --gate-set coverage_total=90)"
        )
    try:
        value: Any = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return name, value


def _unknown(name: str, value: Any, source: str, known: Iterable[str]) -> SettingsError:
    known = sorted(known)
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"known keys: {', '.join(known)}"
    return SettingsError(f"releasekit: {source} unknown key {name!r} (= {_show(value)}): {hint}")


def load_settings(
    table: Mapping[str, Any],
    overrides: Sequence[str],
    keys: Sequence[Key[Any]],
    *,
    table_source: str = TABLE,
    base: str | None = None,
    base_source: str = "--gate-base",
) -> GateSettings:
    """Validate ``table`` (pyproject.toml), then ``overrides`` (--gate-set), against ``keys``."""
    schema = {key.name: key for key in keys}
    values: dict[str, Any] = {key.name: key.default for key in keys}
    sources = dict.fromkeys(values, "default")
    for name, value in table.items():
        if name not in schema:
            raise _unknown(name, value, table_source, schema)
        values[name] = schema[name].check(value, table_source)
        sources[name] = "pyproject.toml"
    for item in overrides:
        name, value = parse_assignment(item)
        head, dot, sub = name.partition(".")
        if name not in schema and dot and head in schema and schema[head].table:
            merged = dict(values[head] or {})
            merged[sub] = value
            name, value = head, merged
        if name not in schema:
            raise _unknown(name, value, "--gate-set", schema)
        if isinstance(value, str) and value.lower() == "off":  # back to the default: rule off
            values[name], sources[name] = schema[name].default, OFF_SOURCE
            continue
        values[name] = schema[name].check(value, "--gate-set")
        sources[name] = "--gate-set"
    if base is not None and "diff_base" in schema:
        values["diff_base"] = schema["diff_base"].check(base, base_source)
        sources["diff_base"] = base_source
    return GateSettings(values, sources)


def read_gate_table(rootdir: Path) -> tuple[dict[str, Any], str]:
    """``[tool.releasekit.gate]`` of ``rootdir/pyproject.toml`` (empty if absent), and its label."""
    path = rootdir / "pyproject.toml"
    label = f"{path.name} {TABLE}"
    if not path.is_file():
        return {}, label
    try:
        with path.open("rb") as stream:
            document = tomllib.load(stream)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"releasekit: {path}: invalid TOML: {exc} (fix the file)") from None
    except UnicodeDecodeError:
        raise SettingsError(f"releasekit: {path}: not UTF-8 (save it as UTF-8)") from None
    table: Any = document
    for part in ("tool", "releasekit", "gate"):
        table = table.get(part, {}) if isinstance(table, dict) else None
    if not isinstance(table, dict):
        raise SettingsError(
            f"releasekit: {path}: tool.releasekit.gate must be a table "
            f"(write {TABLE} on its own line)"
        )
    return table, label
