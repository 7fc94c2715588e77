"""The state of one ``pytest --gate`` session and what the hooks in ``plugin.py`` ask of it.

Roles: ``plain`` (no xdist) runs tests and decides; an xdist ``worker`` runs tests and ships
its tally, coverage data and rule data to the ``controller`` through ``workeroutput``; the
controller merges them and alone evaluates the rules and sets the exit status.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from . import report
from .covmemo import CACHE_NAME
from .durations import Recorder, load
from .gatehistory import coverage_summary, record_and_render
from .gates import GateRun, Unmeasurable, all_keys, evaluate, rules
from .gates.tiers import pytest_status_verdict
from .gitdiff import BASE_ENV
from .measure import CoverageSource, Measurement, combine
from .options import Options, coverage_disabled, loaded, loaded_plugins, pytest_cov_active
from .settings import GateSettings, load_settings, read_gate_table
from .shards import (
    Evidence,
    ShardError,
    describe,
    fingerprint,
    plan,
    read_data,
)
from .tiers import UNIT, AutoMarker, Tally, parse_auto_mark
from .verdict import GateResult, Outcome, Verdict

__all__ = ["STATE", "GateSession", "Options", "loaded"]


PAYLOAD = "releasekit"  # key of workerinput / workeroutput


@dataclass
class GateSession:
    config: pytest.Config
    options: Options
    settings: GateSettings | None = None
    automarker: AutoMarker | None = None
    tally: Tally = field(default_factory=Tally)
    measurement: Measurement = field(default_factory=Measurement)
    #: the controller (or plain process) decided the gate measures coverage itself
    measure: bool = False
    #: coverage.py was already running when the gate wanted to start it (``coverage run``)
    foreign_coverage: bool = False
    pieces: list[bytes] = field(default_factory=list)
    collected: dict[str, list[Any]] = field(default_factory=dict)
    missing_workers: list[str] = field(default_factory=list)
    #: ``--gate-shard``: fingerprint of the collection the shard was split from
    collection: dict[str, Any] = field(default_factory=dict)
    #: ``--gate-shard``: the recorded durations the split reads (None: no file)
    durations: dict[str, float] | None = None
    #: ``--gate-shard``: how the collection was split (:func:`shards.describe`); "problem":
    #: why the durations file could not be read (then the split is by count)
    split: dict[str, Any] = field(default_factory=dict)
    recorder: Recorder = field(default_factory=Recorder)
    result: GateResult | None = None
    exit_status: int = 0
    not_evaluated: str | None = None
    #: when this session was set up (to tell a report written in this run from a stale one)
    started: float = field(default_factory=time.time)
    coverage: CoverageSource | None = None
    #: lines for the terminal summary about the history and HTML outputs
    notes: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ set-up
    @classmethod
    def create(cls, config: pytest.Config, namespace: Any = None) -> GateSession:
        options = Options.read(config, namespace)
        state = cls(config, options)
        try:
            rules_ = parse_auto_mark(options.auto_mark)
        except ValueError as exc:
            raise pytest.UsageError(f"releasekit: {exc}") from None
        state.automarker = AutoMarker(rules_, config.rootpath) if rules_ else None
        state.tally.selection = options.tiers
        if options.shard is not None:
            path = config.invocation_params.dir / options.durations
            try:
                state.durations = load(path)
            except ShardError as exc:  # e.g. a stale CI cache: the split falls back to counts
                state.split["problem"] = str(exc)
        if options.gate:
            try:
                table, label = read_gate_table(config.rootpath)
                state.settings = load_settings(
                    table,
                    options.sets,
                    all_keys(),
                    table_source=label,
                    base=options.base
                    if options.base is not None
                    else (os.environ.get(BASE_ENV) or None),
                    base_source="--gate-base" if options.base is not None else BASE_ENV,
                )
            except pytest.UsageError as exc:  # no stale report for CI to read
                state.not_evaluated = str(exc)
                state.exit_status = int(pytest.ExitCode.USAGE_ERROR)
                state._write_reports(state.exit_status)
                raise
            wants = any(rule.needs_coverage(state.settings) for rule in rules())
            state.measure = (
                wants
                and not options.coverage_file
                and not pytest_cov_active(config, namespace)
                and not coverage_disabled(config, namespace)
            )
        return state

    @property
    def role(self) -> str:
        if hasattr(self.config, "workerinput"):
            return "worker"
        return "controller" if self.config.pluginmanager.hasplugin("dsession") else "plain"

    def start_measuring(self) -> None:
        """Start coverage.py here if this process must measure and is not measuring yet."""
        if not self.measure or self.measurement.active:
            return
        import coverage

        if coverage.Coverage.current() is not None:
            self.foreign_coverage = True
            return
        self.measurement.start()

    def obey_controller(self, instructions: dict[str, Any] | None) -> None:
        """On an xdist worker: measure exactly when the controller says so."""
        self.measure = bool(instructions and instructions.get("measure"))
        if not self.measure and self.measurement.active:
            self.measurement.stop()
        self.start_measuring()

    def split_for(self, nodeids: list[str]) -> set[int]:
        """``--gate-shard=K/N``: the indexes of this shard's tests; records the split."""
        assert self.options.shard is not None  # noqa: S101 - only called for a shard
        k, n = self.options.shard
        self.collection = fingerprint(nodeids)
        split = plan(nodeids, n, self.durations)
        self.split = {**describe(split, k, nodeids, self.durations), **self.split}
        return set(split.parts[k - 1])

    # ------------------------------------------------------------------ finish
    def worker_payload(self) -> dict[str, Any]:
        piece = self.measurement.stop()
        return {
            "tally": self.tally.to_json(),
            "coverage": piece,
            "foreign_coverage": self.foreign_coverage,
            "collected": self._collect(),
            "collection": self.collection,
            "split": self.split,
            "durations": self.recorder.seconds,
        }

    def _collect(self) -> dict[str, Any]:
        return {
            rule.name: value for rule in rules() if (value := rule.collect(self.config)) is not None
        }

    def merge(self, worker: str, payload: dict[str, Any] | None) -> None:
        if payload is None:
            self.missing_workers.append(worker)
            return
        self.tally.merge(payload["tally"])
        if payload.get("coverage") is not None:
            self.pieces.append(payload["coverage"])
        self.foreign_coverage |= bool(payload.get("foreign_coverage"))
        self.collection = self.collection or dict(payload.get("collection") or {})
        if "by" not in self.split:  # the controller did not collect: the workers split
            self.split = {**dict(payload.get("split") or {}), **self.split}
        self.recorder.merge(payload.get("durations") or {})
        for name, value in payload.get("collected", {}).items():
            self.collected.setdefault(name, []).append(value)

    def crashed(self, nodeid: str) -> None:
        """On the controller: a worker crashed while running ``nodeid``. Its tiers are those its
        path implies (the controller has no items to read markers from), else ``unit``."""
        tier = None
        if self.automarker is not None:
            tier = self.automarker.tier_for(self.config.rootpath / nodeid.partition("::")[0])
        self.tally.crash(nodeid, (tier,) if tier else (UNIT,))

    def finish(self, session: pytest.Session) -> None:
        """Evaluate the gate (controller or plain process) and set the exit status."""
        status = int(session.exitstatus)
        piece = self.measurement.stop()
        if piece is not None:
            self.pieces.append(piece)
        if self.role == "plain":
            for name, value in self._collect().items():
                self.collected.setdefault(name, []).append(value)
        if (
            status
            in (
                pytest.ExitCode.INTERRUPTED,
                pytest.ExitCode.INTERNAL_ERROR,
                pytest.ExitCode.USAGE_ERROR,
            )
            or self.config.option.collectonly
        ):
            self.not_evaluated = (
                "collect-only run" if self.config.option.collectonly else _ended(status, session)
            )
            self.exit_status = status
            self._write_reports(status)
            return
        if self.options.shard is not None:
            self._write_shard(status)
            return
        assert self.settings is not None  # noqa: S101 - set whenever the gate is enabled
        run = GateRun(
            settings=self.settings,
            tally=self.tally,
            coverage=self._coverage_source(),
            rootdir=self.config.rootpath,
            invocation_dir=self.config.invocation_params.dir,
            plugins=frozenset(loaded_plugins(self.config)),
            collected=self.collected,
            config=self.config,
        )
        result = evaluate(run)
        self.coverage = run.coverage
        if self.missing_workers:
            result = GateResult.of(
                [
                    *result.verdicts,
                    Verdict(
                        "workers",
                        Outcome.ERROR,
                        measured=len(self.missing_workers),
                        threshold=0,
                        summary=f"no gate data from {', '.join(self.missing_workers)} (crashed?)",
                        fix="see the worker's error above; the gate's counts are incomplete",
                    ),
                ]
            )
        unexplained = pytest_status_verdict(status, not result.passed, self.config)
        if unexplained is not None:
            result = GateResult.of([*result.verdicts, unexplained])
        self.result = result
        self.exit_status = result.exit_status(status)
        session.exitstatus = self.exit_status
        self._write_reports(status)

    def _coverage_source(self) -> CoverageSource:
        cwd = self.config.invocation_params.dir
        assert self.settings is not None  # noqa: S101 - set whenever the gate is enabled
        if not any(rule.needs_coverage(self.settings) for rule in rules()):
            return CoverageSource.unneeded(cwd)
        if self.options.coverage_file:
            data = str(cwd / self.options.coverage_file)
            return CoverageSource("--gate-coverage-file", data, cwd=cwd, memo_dir=self._memo_dir())
        if pytest_cov_active(self.config):
            import coverage

            config_file = self.config.getoption("cov_config", ".coveragerc")
            with contextlib.chdir(cwd):
                cov = coverage.Coverage(config_file=config_file)
                data_file = os.path.abspath(cov.config.data_file)
                json_file = self._pytest_cov_json(cov.config.json_output)
            return CoverageSource(
                "pytest-cov",
                data_file,
                config_file=config_file,
                cwd=cwd,
                json_file=json_file,
                memo_dir=self._memo_dir(),
            )
        if coverage_disabled(self.config):
            return CoverageSource(
                "--no-cov",
                cwd=cwd,
                problem=Unmeasurable(
                    "coverage measurement is disabled (--no-cov)",
                    "drop --no-cov, or switch the coverage rules off for this run "
                    "(e.g. --gate-set coverage_total=off)",
                ),
            )
        if self.foreign_coverage:
            return CoverageSource(
                "coverage run",
                cwd=cwd,
                problem=Unmeasurable(
                    "coverage.py was already measuring this process (`coverage run`?) and "
                    "saves its data only after pytest exits",
                    "run `pytest --gate --cov=PKG` (pytest-cov) or plain `pytest --gate` (the gate "
                    "measures), or gate saved data with --gate-coverage-file",
                ),
            )
        if not self.measurement.data_file:
            return CoverageSource(
                "none",
                cwd=cwd,
                problem=Unmeasurable(
                    "the gate did not measure coverage in this process", "pass --cov=PKG"
                ),
            )
        data_file = self.measurement.data_file
        combine(self.pieces, data_file)
        return CoverageSource("measured by the gate", data_file, cwd=cwd, memo_dir=self._memo_dir())

    def _write_shard(self, status: int) -> None:
        """``--gate-shard``: record this shard's evidence for ``pytest-releasekit combine``."""
        assert self.options.shard is not None  # noqa: S101 - only called for a shard
        source = self._coverage_source()
        blob, problem = None, None
        if source.problem is not None:
            problem = (source.problem.reason, source.problem.fix)
        elif source.data_file is None or not os.path.isfile(source.data_file):
            problem = (f"no coverage data: {source.data_file} does not exist", "pass --cov=PKG")
        else:
            blob = read_data(source.data_file)
        evidence = Evidence(
            shard=self.options.shard[0],
            shards=self.options.shard[1],
            pytest_exit_status=status,
            tally=self.tally.to_json(),
            collected=self.collected,
            plugins=loaded_plugins(self.config),
            coverage=blob,
            coverage_problem=problem,
            missing_workers=self.missing_workers,
            collection=self.collection or fingerprint([]),
            durations=self.recorder.seconds,
            split=self.split,
            elapsed=time.time() - self.started,
        )
        path = evidence.write(self.config.invocation_params.dir / self.options.shard_dir)
        k, n = self.options.shard
        self.not_evaluated = (
            f"shard {k}/{n}: evidence written to {path}; decide over all shards with "
            f"`pytest-releasekit combine {self.options.shard_dir}`"
        )
        self.exit_status = status
        self._write_reports(status)

    def _memo_dir(self) -> Path | None:
        """pytest's cache directory for coverage.py's memoised per-file results (None under
        ``-p no:cacheprovider``)."""
        cache = getattr(self.config, "cache", None)
        return None if cache is None else Path(cache.mkdir(CACHE_NAME))

    def _pytest_cov_json(self, default: str) -> str | None:
        """pytest-cov's ``--cov-report=json[:PATH]`` written in this run, if any (absolute)."""
        reports = self.config.getoption("cov_report", None)
        if not isinstance(reports, dict) or "json" not in reports:
            return None
        path = os.path.abspath(reports["json"] or default)
        try:
            fresh = os.stat(path).st_mtime >= self.started
        except OSError:
            return None
        return path if fresh else None

    def _write_reports(self, pytest_status: int) -> None:
        extra: dict[str, Any] = {
            "tiers": self.tally.to_json(),
            "settings": self.settings.to_json() if self.settings else {},
        }
        if self.not_evaluated:
            extra["reason"] = self.not_evaluated
        analysed = self.coverage.analysed if self.coverage is not None else None
        if analysed is not None:
            extra["coverage"] = coverage_summary(analysed, self.config.rootpath)
        extra["duration_s"] = round(time.time() - self.started, 3)
        # writable when the run started (options' check); a full disk since is a usage error too
        try:
            report.publish(
                self.result,
                exit_status=self.exit_status,
                pytest_exit_status=pytest_status,
                extra=extra,
                json_path=(
                    self.config.invocation_params.dir / self.options.report
                    if self.options.report
                    else None
                ),
            )
        except report.ReportError as exc:
            raise pytest.UsageError(str(exc)) from None
        if self.options.history or self.options.html:
            document = report.to_json(
                self.result,
                exit_status=self.exit_status,
                pytest_exit_status=pytest_status,
                extra=extra,
            )
            self.notes += record_and_render(
                document,
                self.config.rootpath,
                history=self.options.history,
                html=self.config.invocation_params.dir / self.options.html
                if self.options.html
                else None,
            )
        if self.result is None:
            return
        xmlpath = self.config.getoption("xmlpath", None)
        if xmlpath:
            report.add_junit_properties(self.config.invocation_params.dir / xmlpath, self.result)


def _ended(status: int, session: pytest.Session) -> str:
    """Why the gate was not evaluated, in pytest's words."""
    if status == pytest.ExitCode.INTERRUPTED and session.testsfailed:
        return (
            f"pytest stopped with exit status {status}: {session.testsfailed} error(s) during "
            "collection (see the ERRORS section above)"
        )
    try:
        name = pytest.ExitCode(status).name.lower().replace("_", " ")
    except ValueError:  # a plugin's own status
        return f"pytest ended the session with exit status {status}"
    return f"pytest ended the session with exit status {status} ({name})"


STATE = pytest.StashKey[GateSession]()
