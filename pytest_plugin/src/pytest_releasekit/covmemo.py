"""A memo of coverage.py's per-file results, so a big project is not re-analysed on every run.

What coverage.py reports for one file depends only on that file's source, the lines (or arcs)
measured in it, the coverage.py and Python versions, the working directory and the report
options that shape analysis. When all of these equal those of an earlier run, the earlier
result *is* what coverage.py would compute again, so the gate reuses it; every other file is
analysed by coverage.py's own JSON reporter, as without the memo. Nothing is re-implemented:
the memo only stores coverage.py's answers, keyed by everything they depend on.

The memo lives in pytest's cache directory (``.pytest_cache/d/releasekit-coverage``; cleared by
``--cache-clear``, absent under ``-p no:cacheprovider``) and holds the files of the last report,
so a CI cache restored from the default branch's run makes a pull request's gate analyse only
what changed. It is bypassed (coverage.py analyses everything) when coverage.py plugins,
``[report] include/omit`` or report contexts are configured: then which files are reported, or
how, is not a function of one file alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import jsonfile

__all__ = ["CACHE_NAME", "FILE_NAME", "Memo", "slim", "totals"]

#: the memo's directory in pytest's cache (``.pytest_cache/d/<CACHE_NAME>``)
CACHE_NAME = "releasekit-coverage"
FILE_NAME = "analysis.json"
SCHEMA = 2
#: options that change how a file is analysed or named (part of the memo's key)
_SHAPING = (
    "run:branch",
    "run:relative_files",
    "report:exclude_lines",
    "report:exclude_also",
    "report:partial_branches",
    "report:partial_branches_always",
    "report:partial_also",
    "report:ignore_errors",
    "report:precision",
)
#: options under which the set of reported files is not a per-file matter: no memo
_BYPASS = ("run:plugins", "report:include", "report:omit", "report:contexts")
_SUMMARY = (
    "percent_covered",
    "num_statements",
    "covered_lines",
    "num_branches",
    "covered_branches",
)


def slim(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The part of coverage.py's JSON entry for one file that the gate reads."""
    summary = entry["summary"]
    slimmed = {
        "summary": {k: summary[k] for k in _SUMMARY if k in summary},
        "executed_lines": entry["executed_lines"],
        "missing_lines": entry["missing_lines"],
    }
    for arcs in ("executed_branches", "missing_branches"):  # present with branch data
        if arcs in entry:
            slimmed[arcs] = entry[arcs]
    return slimmed


def totals(entries: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``totals`` of a JSON report made of ``entries``, summed as coverage.py sums them
    (``Numbers``: covered statements and branches over all statements and branches)."""
    sums = dict.fromkeys(_SUMMARY[1:], 0)
    for entry in entries:
        for k in sums:
            sums[k] += int(entry["summary"].get(k, 0))
    covered = sums["covered_lines"] + sums["covered_branches"]
    possible = sums["num_statements"] + sums["num_branches"]
    percent = 100.0 * covered / possible if sums["num_statements"] > 0 else 100.0
    return {"percent_covered": percent, **sums}


def _digest(value: object) -> str:
    return hashlib.blake2b(repr(value).encode(), digest_size=16).hexdigest()


def _source_digest(path: str) -> str | None:
    try:
        with open(path, "rb") as stream:
            return hashlib.blake2b(stream.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def _in_memory(data: Any) -> Any:
    """``data`` copied into memory (its public ``dumps``/``loads``): read file by file from the
    data file, each ``lines()`` opens and closes a connection to it, 0.3 s of the memo's 0.5 s
    for 1,000 files; the copy is read in 0.05 s. Not data recorded per test (dynamic contexts),
    whose rows can be many times its lines: copying it would cost more memory than it saves."""
    from coverage import CoverageData

    if len(data.measured_contexts()) > 1:
        return data
    copy = CoverageData(no_disk=True)
    copy.loads(data.dumps())
    return copy


@dataclass
class Memo:
    """The memo of one report: which files can be reused, then the new state to store."""

    path: Path
    key: str
    old: dict[str, Any] = field(default_factory=dict)
    #: per measured file: (source digest, data digest), filled by :meth:`split`
    inputs: dict[str, tuple[str, str]] = field(default_factory=dict)

    @classmethod
    def open(cls, directory: Path | None, cov: Any, cwd: Path) -> Memo | None:
        """The memo in ``directory`` for this coverage.py configuration; None when unusable."""
        if directory is None or any(cov.get_option(name) for name in _BYPASS):
            return None
        import coverage

        key = _digest(
            (
                SCHEMA,
                coverage.__version__,
                sys.version,
                os.path.realpath(cwd),
                cov.get_data().has_arcs(),
                [cov.get_option(name) for name in _SHAPING],
            )
        )
        path = directory / FILE_NAME
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            doc = {}
        old = doc.get("files", {}) if isinstance(doc, dict) and doc.get("key") == key else {}
        return cls(path, key, old if isinstance(old, dict) else {})

    def split(self, morfs: Iterable[str], data: Any) -> tuple[dict[str, Any], list[str]]:
        """({name: entry} reused from the memo, [files coverage.py must analyse])."""
        hits: dict[str, Any] = {}
        misses: list[str] = []
        data = _in_memory(data)
        arcs = data.has_arcs()
        for morf in morfs:
            source = _source_digest(morf)
            if source is None:  # gone or unreadable: coverage.py says what is wrong
                misses.append(morf)
                continue
            measured = data.arcs(morf) if arcs else data.lines(morf)
            inputs = (source, _digest(sorted(measured or ())))
            self.inputs[morf] = inputs
            old = self.old.get(morf)
            if isinstance(old, dict) and old.get("inputs") == list(inputs):
                hits[old["name"]] = old["entry"]
            else:
                misses.append(morf)
        return hits, misses

    def store(self, files: Mapping[str, Any], cwd: Path, *, partial: bool = False) -> None:
        """Remember the entries of this report (``{name: slim entry}``) for the next run;
        ``partial``: a report on some files only, so the others' entries are kept too."""
        by_path = {os.path.normpath(os.path.join(cwd, name)): name for name in files}
        new = dict(self.old) if partial else {}
        for morf, inputs in self.inputs.items():
            name = by_path.get(os.path.normpath(morf))
            if name is not None:
                new[morf] = {"inputs": list(inputs), "name": name, "entry": files[name]}
        try:
            jsonfile.write(self.path, {"schema": SCHEMA, "key": self.key, "files": new})
        except OSError:
            return  # a memo that cannot be written costs time next run, nothing else
