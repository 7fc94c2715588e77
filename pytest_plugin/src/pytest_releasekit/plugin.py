"""pytest hooks of pytest-releasekit (the ``pytest11`` entry point). Hooks only: the work is done
by :mod:`.session` (the gate), :mod:`.tiers`, :mod:`.gates` and :mod:`.report`."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

import pytest

from . import report
from .durations import DEFAULT_PATH
from .gates import rules
from .session import PAYLOAD, STATE, GateSession, loaded
from .settings import OFF_SOURCE
from .shards import DEFAULT_DIR, prediction
from .tiers import DEFAULT_AUTO_MARK, MARKERS, OTHER_MARKERS, UNIT, item_tiers


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("releasekit", "test tiers and quality gate (pytest-releasekit)")
    group.addoption(
        "--gate",
        action="store_true",
        default=False,
        help="evaluate the rules of [tool.releasekit.gate] after the run and fail when one fails "
        "(ini: releasekit_gate)",
    )
    group.addoption(
        "--gate-set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override one key of [tool.releasekit.gate] (repeatable), e.g. coverage_total=90 "
        "or min_tests.e2e=1; implies --gate",
    )
    group.addoption(
        "--gate-base",
        metavar="REF",
        default=None,
        help="base ref of the diff_coverage rule (default: diff_base, else the merge-base with "
        "the default branch); implies --gate",
    )
    group.addoption(
        "--gate-report",
        metavar="PATH",
        default=None,
        help="write every rule's value, threshold and verdict as JSON to PATH; implies --gate "
        "(ini: releasekit_gate_report)",
    )
    group.addoption(
        "--gate-coverage-file",
        metavar="PATH",
        default=None,
        help="judge the coverage rules on this coverage.py data file instead of measuring; "
        "implies --gate (ini: releasekit_gate_coverage_file)",
    )
    group.addoption(
        "--gate-shard",
        metavar="K/N",
        default=None,
        help="run shard K of N (balanced by the durations in --gate-durations, else by test "
        "count) and write this shard's gate evidence and test durations instead of deciding; "
        "decide over all shards with `pytest-releasekit combine`; implies --gate",
    )
    group.addoption(
        "--gate-shard-dir",
        metavar="DIR",
        default=None,
        help=f"where --gate-shard writes shard-K-of-N.json (default: {DEFAULT_DIR})",
    )
    group.addoption(
        "--gate-durations",
        metavar="PATH",
        default=None,
        help="the durations file `pytest-releasekit combine` wrote, read by --gate-shard's "
        f"split (default: {DEFAULT_PATH}; ini: releasekit_gate_durations)",
    )
    group.addoption(
        "--gate-history",
        metavar="STORE",
        default=None,
        help="record this run in the history store: `git` (the ref refs/releasekit/history), "
        "`git:REF`, or a directory (e.g. one CI caches); implies --gate "
        "(ini: releasekit_gate_history)",
    )
    group.addoption(
        "--gate-html",
        metavar="DIR",
        default=None,
        help="write the HTML report (verdicts, trends over the history store) to DIR; "
        "needs the `html` extra (plotly); implies --gate (ini: releasekit_gate_html)",
    )
    group.addoption(
        "--tier",
        metavar="TIERS",
        default=None,
        help="run only these comma-separated tiers: unit, integration, e2e, performance, "
        "regression (ini: releasekit_tier)",
    )
    for rule in rules():  # options contributed by rules (e.g. the benchmark gate's)
        rule.add_options(group)
    parser.addini(
        "releasekit_gate", "evaluate the quality gate (like --gate)", type="bool", default=False
    )
    parser.addini("releasekit_gate_report", "JSON report path (like --gate-report)", default="")
    parser.addini(
        "releasekit_gate_coverage_file",
        "coverage data file (like --gate-coverage-file)",
        default="",
    )
    parser.addini(
        "releasekit_gate_durations",
        "durations file of --gate-shard (like --gate-durations)",
        default="",
    )
    parser.addini("releasekit_gate_history", "history store (like --gate-history)", default="")
    parser.addini("releasekit_gate_html", "HTML report directory (like --gate-html)", default="")
    parser.addini("releasekit_tier", "default tier selection (like --tier)", default="")
    parser.addini(
        "releasekit_auto_mark",
        "lines 'TIER: GLOB ...': tests under matching paths get the tier marker",
        type="linelist",
        default=DEFAULT_AUTO_MARK,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: pytest.Parser, args: list[str]
) -> None:
    """Start measuring coverage before conftest files are imported, as pytest-cov does."""
    state = GateSession.create(early_config, early_config.known_args_namespace)
    early_config.stash[STATE] = state
    state.start_measuring()


def pytest_configure(config: pytest.Config) -> None:
    for line in (*MARKERS.values(), *OTHER_MARKERS):
        config.addinivalue_line("markers", line)
    state = config.stash.get(STATE, None)  # created in pytest_load_initial_conftests
    if state is None:
        state = config.stash[STATE] = GateSession.create(config)
    if not state.options.gate:
        return
    config.pluginmanager.register(GateHooks(state), "releasekit-gate")
    if hasattr(config, "workerinput"):
        state.obey_controller(config.workerinput.get(PAYLOAD))
    else:
        state.start_measuring()
    if loaded(config, "xdist"):
        config.pluginmanager.register(XdistHooks(state), "releasekit-xdist")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """Auto-mark tiers by directory (before ``-m`` is applied), record tiers, apply ``--tier``."""
    state = config.stash[STATE]
    selection = state.options.tiers
    marker = state.automarker
    mark_unit = UNIT in (config.option.markexpr or "")  # `-m unit` selects unmarked tests too
    if not state.options.gate and selection is None:
        if marker is not None or mark_unit:
            for item in items:
                if mark_unit or (marker is not None and marker.tier_for(item.path) is not None):
                    item_tiers(item, marker, mark_unit=mark_unit)
        return
    kept, deselected = [], []
    by_nodeid = state.tally.tiers_by_nodeid
    for item in items:
        tiers = item_tiers(item, marker, mark_unit=mark_unit)
        if tiers != (UNIT,):
            by_nodeid[item.nodeid] = tiers
        if selection is None or not selection.isdisjoint(tiers):
            kept.append(item)
        else:
            deselected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_report_header(config: pytest.Config) -> str | None:
    state = config.stash.get(STATE, None)
    if state is None or state.settings is None:
        return None
    configured = sorted(
        k for k, source in state.settings.sources.items() if source not in ("default", OFF_SOURCE)
    )
    return f"releasekit gate: {', '.join(configured) or 'no rules configured'}"


class GateHooks:
    """Registered only with ``--gate``: nothing is counted or evaluated otherwise."""

    def __init__(self, state: GateSession) -> None:
        self.state = state

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        # Every process that runs tests counts them; the controller merges workers' tallies. The
        # tally itself is the hook (one call per report: this runs thrice per test).
        if self.state.role != "controller":
            session.config.pluginmanager.register(self.state.tally, "releasekit-tally")
            if self.state.options.shard is not None:
                session.config.pluginmanager.register(self.state.recorder, "releasekit-durations")

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """``--gate-shard=K/N``: keep shard K's files, after every other selection."""
        if self.state.options.shard is None:
            return
        mine = self.state.split_for([item.nodeid for item in items])
        deselected = [item for i, item in enumerate(items) if i not in mine]
        if deselected:
            config.hook.pytest_deselected(items=deselected)
            items[:] = [item for i, item in enumerate(items) if i in mine]

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> Generator[None, Any, Any]:
        # After every plain sessionfinish (and pytest-cov's runtestloop): data is complete, the
        # JUnit file is written; before the terminal summary (an outer wrapper) prints.
        result = yield
        if self.state.role == "worker":
            session.config.workeroutput[PAYLOAD] = self.state.worker_payload()  # type: ignore[attr-defined]
        else:
            self.state.finish(session)
        return result

    @pytest.hookimpl(trylast=True)
    def pytest_terminal_summary(
        self, terminalreporter: pytest.TerminalReporter, config: pytest.Config
    ) -> None:
        state = self.state
        terminalreporter.write_sep("=", "releasekit gate")
        if state.split and state.options.shard is not None:
            k, n = state.options.shard
            terminalreporter.write_line(
                f"shard {k}/{n}: {state.split['tests']} tests, {prediction(state.split)}",
                yellow="problem" in state.split,
            )
        for note in state.notes:
            terminalreporter.write_line(note, yellow=note.startswith("releasekit: cannot"))
        if state.result is None:
            terminalreporter.write_line(f"gate: not evaluated ({state.not_evaluated})", yellow=True)
            return
        for line, markup in report.terminal_lines(
            state.result, state.exit_status, verbose=config.get_verbosity()
        ):
            terminalreporter.write_line(line, **markup)


class XdistHooks:
    """Registered only when pytest-xdist is loaded (and ``--gate`` is on)."""

    def __init__(self, state: GateSession) -> None:
        self.state = state

    def pytest_configure_node(self, node: Any) -> None:
        node.workerinput[PAYLOAD] = {"measure": self.state.measure}

    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        self.state.merge(node.gateway.id, getattr(node, "workeroutput", {}).get(PAYLOAD))

    @pytest.hookimpl(optionalhook=True)
    def pytest_handlecrashitem(self, crashitem: str, report: Any, sched: Any) -> None:
        """A worker died while running ``crashitem``: that test failed (xdist reports it as
        failed on the controller only, which otherwise counts nothing itself)."""
        self.state.crashed(crashitem)
