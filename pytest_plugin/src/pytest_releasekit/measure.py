"""Coverage data for the gate: measuring it (when pytest-cov does not), finding it, analysing it.

Where the data comes from, in order:

1. ``--gate-coverage-file PATH``: an existing coverage.py data file (e.g. combined from shards);
2. pytest-cov (``--cov``): the data file pytest-cov combined and saved at the end of the test loop;
3. the gate itself: when coverage rules are configured and neither of the above applies, every
   process that runs tests measures with coverage.py (configured by ``[tool.coverage.*]`` as
   usual); xdist workers ship their data to the controller, which combines it into coverage.py's
   data file (``.coverage`` by default) so ``coverage report``/``html`` work afterwards.

The numbers come from coverage.py's own JSON reporter, so the total is exactly what
``coverage report`` prints for the same data file and configuration.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .covmemo import Memo, slim, totals
from .gates import Unmeasurable

__all__ = [
    "CoverageReport",
    "CoverageSource",
    "FileCoverage",
    "Measurement",
    "analyse",
    "combine",
]


@dataclass(frozen=True)
class FileCoverage:
    """One measured file, as coverage.py reports it."""

    name: str  #: coverage.py's display name (relative to the invocation dir when under it)
    path: str  #: absolute path
    percent: float  #: coverage.py's per-file "Cover" (statements and branches)
    statements: int
    covered: int
    branches: int
    covered_branches: int
    executed: frozenset[int]
    missing: frozenset[int]
    #: arcs (from line, to line; a negative "to" is an exit) that ran / did not run, as in
    #: coverage.py's JSON report (empty without branch data)
    executed_branches: frozenset[tuple[int, int]] = frozenset()
    missing_branches: frozenset[tuple[int, int]] = frozenset()


@dataclass(frozen=True)
class CoverageReport:
    """Totals and per-file numbers of one coverage data file."""

    data_file: str
    origin: str
    percent: float  #: coverage.py's TOTAL (what ``coverage report`` prints)
    statements: int
    covered: int
    branches: int
    covered_branches: int
    has_branches: bool
    files: tuple[FileCoverage, ...]
    warnings: tuple[str, ...] = ()

    def by_path(self) -> dict[str, FileCoverage]:
        return {f.path: f for f in self.files}


@contextlib.contextmanager
def _coverage_warnings(into: list[str]) -> Iterator[None]:
    """Record coverage.py's warnings (they go into the verdict) instead of letting
    ``filterwarnings = error`` turn them into tracebacks."""
    from coverage.exceptions import CoverageWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CoverageWarning)
        yield
    into.extend(str(w.message) for w in caught if issubclass(w.category, CoverageWarning))
    for w in caught:
        if not issubclass(w.category, CoverageWarning):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def analyse(
    data_file: str,
    *,
    config_file: str | bool,
    cwd: Path,
    origin: str,
    paths: Iterable[str] | None = None,
    memo_dir: Path | None = None,
) -> CoverageReport:
    """Report on ``data_file`` with coverage.py's JSON reporter (``paths``: only these files).

    ``memo_dir``: reuse coverage.py's results for files whose source and measured data are
    those of an earlier run (:mod:`.covmemo`); coverage.py analyses the others."""
    import coverage
    from coverage.exceptions import CoverageException

    notes: list[str] = []
    with contextlib.chdir(cwd), _coverage_warnings(notes), tempfile.TemporaryDirectory() as tmp:
        if not Path(data_file).is_file():
            raise Unmeasurable(f"no coverage data: {data_file} does not exist", _FIX_NO_DATA)
        cov = coverage.Coverage(data_file=data_file, config_file=config_file)
        try:
            cov.load()
            data = cov.get_data()
            measured = data.measured_files()
            if not measured:
                raise Unmeasurable(f"no coverage data: {data_file} measured no files", _FIX_NO_DATA)
            morfs = sorted(measured)
            if paths is not None:
                wanted = {os.path.realpath(p) for p in paths}
                morfs = [m for m in morfs if os.path.realpath(m) in wanted]
            memo = Memo.open(memo_dir, cov, cwd) if morfs else None
            hits, misses = memo.split(morfs, data) if memo else ({}, morfs)
            document: dict[str, Any] = {"files": {}, "totals": {}, "meta": {}}
            if misses:
                out = Path(tmp, "coverage.json")
                # every file: None, so coverage.py's own "No data to report" check applies
                every = paths is None and len(misses) == len(morfs)
                cov.json_report(morfs=None if every else misses, outfile=str(out))
                document = json.loads(out.read_text(encoding="utf-8"))
            if memo is not None:
                files = {name: slim(entry) for name, entry in document["files"].items()}
                if hits:
                    files.update(hits)
                    document = {"files": files, "totals": totals(files.values()), "meta": {}}
                memo.store(files, cwd, partial=paths is not None)
            document["meta"].setdefault("branch_coverage", data.has_arcs())
        except CoverageException as exc:
            raise Unmeasurable(
                f"coverage.py cannot report on {data_file}: {exc}",
                "make sure the measured source files are present and the data matches them "
                "(`coverage erase`, then run the tests again)",
            ) from None
    return _report(document, data_file, origin, cwd, notes)


def _report(
    document: dict[str, Any], data_file: str, origin: str, cwd: Path, notes: list[str]
) -> CoverageReport:
    files = []
    for name, entry in document["files"].items():
        summary = entry["summary"]
        files.append(
            FileCoverage(
                name=name,
                path=os.path.normpath(os.path.join(cwd, name)),
                percent=float(summary["percent_covered"]),
                statements=int(summary["num_statements"]),
                covered=int(summary["covered_lines"]),
                branches=int(summary.get("num_branches", 0)),
                covered_branches=int(summary.get("covered_branches", 0)),
                executed=frozenset(entry["executed_lines"]),
                missing=frozenset(entry["missing_lines"]),
                executed_branches=_arcs(entry.get("executed_branches", ())),
                missing_branches=_arcs(entry.get("missing_branches", ())),
            )
        )
    totals = document["totals"]
    return CoverageReport(
        data_file=data_file,
        origin=origin,
        percent=float(totals.get("percent_covered", 100.0)),
        statements=int(totals.get("num_statements", 0)),
        covered=int(totals.get("covered_lines", 0)),
        branches=int(totals.get("num_branches", 0)),
        covered_branches=int(totals.get("covered_branches", 0)),
        has_branches=bool(document["meta"].get("branch_coverage", False)),
        files=tuple(files),
        warnings=tuple(dict.fromkeys(notes)),
    )


def _arcs(pairs: Iterable[Sequence[int]]) -> frozenset[tuple[int, int]]:
    return frozenset((int(a), int(b)) for a, b in pairs)


_FIX_NO_DATA = (
    "measure the code under test: point `--cov=PKG` or `[tool.coverage.run] source` at it, "
    "and make sure the tests import it"
)


@dataclass
class CoverageSource:
    """Where this run's coverage data is; analyses it once, on first use."""

    origin: str
    data_file: str | None = None
    config_file: str | bool = True
    cwd: Path = field(default_factory=Path.cwd)
    #: set when the data cannot exist (e.g. coverage rules but measurement impossible)
    problem: Unmeasurable | None = None
    #: coverage.py's JSON report of exactly this data, already written in this run (pytest-cov's
    #: ``--cov-report=json``): read instead of analysing the sources a second time
    json_file: str | None = None
    #: where coverage.py's per-file results are memoised between runs (None: not at all)
    memo_dir: Path | None = None
    _full: CoverageReport | None = field(default=None, init=False, repr=False)

    @classmethod
    def unneeded(cls, cwd: Path) -> CoverageSource:
        """The source of a run without coverage rules: asking it for data is an error."""
        return cls(
            "none",
            cwd=cwd,
            problem=Unmeasurable("no coverage rule is configured", "configure a coverage rule"),
        )

    @property
    def analysed(self) -> CoverageReport | None:
        """The full report if a rule already asked for it (nothing is analysed here)."""
        return self._full

    def report(self, paths: Sequence[str] | None = None) -> CoverageReport:
        """The full report, or one restricted to ``paths`` (absolute) when no full one exists."""
        if self.problem is not None:
            raise self.problem
        if self._full is not None:
            return self._full
        if self.data_file is None:
            raise Unmeasurable("no coverage data was collected", _FIX_NO_DATA)
        if self.json_file is not None:
            document = json.loads(Path(self.json_file).read_text(encoding="utf-8"))
            self._full = _report(document, self.data_file, self.origin, self.cwd, [])
            return self._full
        report = analyse(
            self.data_file,
            config_file=self.config_file,
            cwd=self.cwd,
            origin=self.origin,
            paths=paths,
            memo_dir=self.memo_dir,
        )
        if paths is None:
            self._full = report
        return report


class Measurement:
    """coverage.py, started by the gate in a process that runs (or imports) tests."""

    def __init__(self) -> None:
        self._cov: Any = None
        self.data_file: str | None = None
        self.notes: list[str] = []

    @property
    def active(self) -> bool:
        return self._cov is not None

    def start(self) -> None:
        import coverage

        cov = coverage.Coverage(data_file=None, config_file=True)
        self.data_file = os.path.abspath(cov.config.data_file)
        with _coverage_warnings(self.notes):
            cov.start()
        self._cov = cov

    def stop(self) -> bytes | None:
        """Stop measuring; the data serialised for the controller (None if not measuring)."""
        cov, self._cov = self._cov, None
        if cov is None:
            return None
        with _coverage_warnings(self.notes):
            cov.stop()
            data: bytes = cov.get_data().dumps()
        return data


def combine(pieces: Sequence[bytes], data_file: str) -> None:
    """Write the union of ``pieces`` (``CoverageData.dumps()``) to ``data_file``."""
    from coverage import CoverageData

    target = CoverageData(basename=data_file)
    target.erase()
    for piece in pieces:
        part = CoverageData(no_disk=True)
        part.loads(piece)
        target.update(part)
    target.write()
