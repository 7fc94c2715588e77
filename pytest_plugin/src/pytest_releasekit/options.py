"""The plugin's options as one session reads them: each command-line option falling back to its
ini twin, checked once (bad values are pytest usage errors), and which other plugins are loaded.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .bench import CHILD_ENV
from .durations import DEFAULT_PATH
from .gates import rules
from .history import check_spec
from .shards import DEFAULT_DIR, ShardError, parse_shard
from .tiers import parse_tiers

__all__ = ["Options", "coverage_disabled", "loaded", "loaded_plugins", "pytest_cov_active"]

#: plugins rules may care about -> the names they are registered under (entry point or ``-p``)
_PLUGINS = {
    "xdist": ("xdist", "xdist.plugin"),
    "pytest_cov": ("_cov",),
    "rerunfailures": ("rerunfailures", "pytest_rerunfailures"),
    "benchmark": ("benchmark", "pytest_benchmark.plugin"),
}


def loaded_plugins(config: pytest.Config) -> list[str]:
    """Which of the plugins rules may care about are registered (keys of ``_PLUGINS``)."""
    return [name for name in _PLUGINS if loaded(config, name)]


def loaded(config: pytest.Config, plugin: str) -> bool:
    """Whether ``plugin`` (a key of ``_PLUGINS``) is registered, however it was loaded."""
    return any(config.pluginmanager.hasplugin(name) for name in _PLUGINS[plugin])


@dataclass(frozen=True)
class Options:
    """The plugin's command-line options, each falling back to its ini twin."""

    gate: bool
    sets: tuple[str, ...]
    base: str | None
    report: str | None
    coverage_file: str | None
    tiers: frozenset[str] | None
    auto_mark: tuple[str, ...]
    #: --gate-shard=K/N as (K, N)
    shard: tuple[int, int] | None = None
    shard_dir: str = DEFAULT_DIR
    #: --gate-durations: the durations file the shard's split reads
    durations: str = DEFAULT_PATH
    #: --gate-history: ``git``, ``git:REF`` or a directory to record this run in
    history: str | None = None
    #: --gate-html: directory for the HTML report
    html: str | None = None

    @classmethod
    def read(cls, config: pytest.Config, namespace: Any = None) -> Options:
        ns = namespace if namespace is not None else config.option

        def pick(dest: str, ini: str) -> Any:
            value = getattr(ns, dest, None)
            return value if value not in (None, "", []) else (config.getini(ini) or None)

        sets = tuple(getattr(ns, "gate_set", None) or ())
        base = getattr(ns, "gate_base", None)
        report_path = pick("gate_report", "releasekit_gate_report")
        coverage_file = pick("gate_coverage_file", "releasekit_gate_coverage_file")
        shard_text = getattr(ns, "gate_shard", None)
        try:
            shard = parse_shard(shard_text) if shard_text else None
        except ShardError as exc:
            raise pytest.UsageError(f"releasekit: {exc}") from None
        gate = not os.environ.get(CHILD_ENV) and bool(
            shard
            or getattr(ns, "gate", False)
            or _ini_flag(config, "releasekit_gate")
            or sets
            or base
            or report_path
            or coverage_file
            or getattr(ns, "gate_history", None)
            or getattr(ns, "gate_html", None)
            or any(getattr(ns, dest, None) for rule in rules() for dest in rule.implies_gate)
        )
        _check_output(report_path, "--gate-report", directory=False)
        if shard:
            _check_output(getattr(ns, "gate_shard_dir", None), "--gate-shard-dir", directory=True)
        history = pick("gate_history", "releasekit_gate_history")
        try:
            check_spec(history) if history else None
        except ValueError as exc:
            raise pytest.UsageError(f"releasekit: --gate-history={history!r}: {exc}") from None
        html = pick("gate_html", "releasekit_gate_html")
        _check_output(html, "--gate-html", directory=True)
        tier_text = pick("tier", "releasekit_tier")
        try:
            tiers = parse_tiers(tier_text) if tier_text else None
        except ValueError as exc:
            raise pytest.UsageError(f"releasekit: {exc}") from None
        return cls(
            gate,
            sets,
            base,
            report_path,
            coverage_file,
            tiers,
            tuple(config.getini("releasekit_auto_mark")),
            shard,
            getattr(ns, "gate_shard_dir", None) or DEFAULT_DIR,
            pick("gate_durations", "releasekit_gate_durations") or DEFAULT_PATH,
            history=history,
            html=html,
        )


def _ini_flag(config: pytest.Config, name: str) -> bool:
    """A boolean ini setting; a word pytest cannot read as one is a usage error (pytest 9.1
    raises a bare ValueError for it, which would end the run with a traceback)."""
    try:
        return bool(config.getini(name))
    except ValueError as exc:
        raise pytest.UsageError(
            f"releasekit: ini setting {name}: {exc}; use true or false"
        ) from None


def _check_output(value: str | None, option: str, *, directory: bool) -> None:
    """An output path must not run into an existing file (or, for a file, a directory)."""
    if not value:
        return
    path = Path(value)
    wrong = path.exists() and path.is_dir() != directory
    blocked = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if wrong or blocked:
        what = (
            f"{blocked} is not a directory"
            if blocked
            else ("is a file" if directory else "is a directory")
        )
        raise pytest.UsageError(f"releasekit: {option}={value!r}: {what} (choose another path)")
    if path.exists() and not path.is_file() and not path.is_dir():
        return  # /dev/null, a pipe: written into as it is
    # written at the end of the run: a place no file can be made in (permissions, a read-only
    # or special file system) is found now, before the tests run, not after them
    start = path if directory else path.parent
    here = next(p for p in (start, *start.parents) if p.is_dir())
    try:
        with tempfile.NamedTemporaryFile(dir=here, prefix=".releasekit-probe-"):
            pass
    except OSError as exc:
        raise pytest.UsageError(
            f"releasekit: {option}={value!r}: no file can be written in {here} "
            f"({exc.strerror}) (choose another path)"
        ) from None


def pytest_cov_active(config: pytest.Config, namespace: Any = None) -> bool:
    ns = namespace if namespace is not None else config.option
    return bool(getattr(ns, "cov_source", None)) and not getattr(ns, "no_cov", False)


def coverage_disabled(config: pytest.Config, namespace: Any = None) -> bool:
    """pytest-cov's ``--no-cov``: the user turned coverage off (e.g. to debug)."""
    return bool(getattr(namespace if namespace is not None else config.option, "no_cov", False))
