"""The gate's reports: terminal table, JSON file, Markdown step summary, JUnit XML properties.

Every renderer works on plain :class:`~pytest_releasekit.verdict.Verdict` objects (rule, measured,
threshold, verdict, summary, details, fix, data), so rules contributed later render unchanged.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import jsonfile
from .verdict import GateResult, Outcome, Verdict

__all__ = [
    "JSON_SCHEMA",
    "ReportError",
    "add_junit_properties",
    "format_measured",
    "format_threshold",
    "markdown",
    "terminal_lines",
    "to_json",
    "write_json",
]

JSON_SCHEMA = 1
_MAX_DETAILS = 10
_MAX_DATA = 160
_MARK = {Outcome.PASS: "✅", Outcome.FAIL: "❌", Outcome.ERROR: "⚠️", Outcome.WARN: "🟡"}


def _number(value: float | str | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.2f}{unit}"
    return f"{value}{unit}"


def format_measured(verdict: Verdict) -> str:
    return _number(verdict.measured, verdict.unit)


def format_threshold(verdict: Verdict) -> str:
    if verdict.threshold is None:
        return "-"
    shown = verdict.threshold
    if isinstance(shown, float) and shown.is_integer():
        shown = int(shown)
    text = _number(shown, verdict.unit)
    return f"{verdict.op} {text}" if verdict.op else text


def headline(result: GateResult, exit_status: int) -> str:
    if result.passed:
        return f"gate: PASSED ({len(result.verdicts)} rules)"
    failed, errors = result.count(Outcome.FAIL), result.count(Outcome.ERROR)
    parts = [f"{failed} failed"] if failed else []
    parts += [f"{errors} could not be measured"] if errors else []
    return f"gate: FAILED - {', '.join(parts)} (exit status {exit_status})"


def _data_lines(data: Mapping[str, Any]) -> list[str]:
    lines = []
    for key, value in data.items():
        shown = json.dumps(value, default=str, sort_keys=True)
        if len(shown) > _MAX_DATA:
            shown = shown[: _MAX_DATA - 3] + "..."
        lines.append(f"{key}: {shown}")
    return lines


def terminal_lines(
    result: GateResult, exit_status: int, *, verbose: int = 0
) -> list[tuple[str, dict[str, bool]]]:
    """The table as (line, markup) pairs for ``TerminalReporter.write_line``."""
    rows = [("rule", "measured", "threshold", "verdict")] + [
        (v.rule, format_measured(v), format_threshold(v), v.outcome.value.upper())
        for v in result.verdicts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out: list[tuple[str, dict[str, bool]]] = []

    def line(row: Sequence[str], summary: str = "") -> str:
        cells = "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row))
        return f"{cells}  {summary}".rstrip()

    out.append((line(rows[0]), {"bold": True}))
    for verdict, row in zip(result.verdicts, rows[1:], strict=True):
        colour = {Outcome.PASS: "green", Outcome.WARN: "yellow"}.get(verdict.outcome, "red")
        out.append((line(row, verdict.summary), {colour: True}))
        details = list(verdict.details)
        if len(details) > _MAX_DETAILS and verbose <= 0:
            details = [*details[:_MAX_DETAILS], f"... {len(details) - _MAX_DETAILS} more (-v)"]
        out.extend((f"    {d}", {}) for d in details)
        if verdict.fix and verdict.failed:
            out.append((f"    fix: {verdict.fix}", {"yellow": True}))
        if verdict.data and (verbose > 0 or verdict.failed):
            out.extend((f"    {d}", {}) for d in _data_lines(verdict.data))
    colour = "green" if result.passed else "red"
    out.append((headline(result, exit_status), {colour: True, "bold": True}))
    return out


def to_json(
    result: GateResult | None,
    *,
    exit_status: int,
    pytest_exit_status: int,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON report: every verdict, and the overall verdict (``not-evaluated`` if skipped)."""
    verdict = "not-evaluated" if result is None else ("pass" if result.passed else "fail")
    document: dict[str, Any] = {
        "schema": JSON_SCHEMA,
        "verdict": verdict,
        "exit_status": exit_status,
        "pytest_exit_status": pytest_exit_status,
        "rules": [] if result is None else [v.to_json() for v in result.verdicts],
    }
    document.update(extra or {})
    return document


class ReportError(Exception):
    """The gate's report could not be written where it was asked for."""


def write_json(path: Path, document: Mapping[str, Any]) -> None:
    jsonfile.write(path, document, indent=2)


def publish(
    result: GateResult | None,
    *,
    exit_status: int,
    pytest_exit_status: int,
    extra: Mapping[str, Any],
    json_path: Path | None,
) -> None:
    """The gate's outputs besides the terminal: the JSON report (also when not evaluated) and
    the Markdown table appended to ``$GITHUB_STEP_SUMMARY`` when that is set."""
    if json_path is not None:
        document = to_json(
            result, exit_status=exit_status, pytest_exit_status=pytest_exit_status, extra=extra
        )
        try:
            write_json(json_path, document)
        except OSError as exc:
            raise ReportError(
                f"releasekit: --gate-report={str(json_path)!r}: cannot write it "
                f"({exc.strerror}) (choose another path)"
            ) from None
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if result is not None and summary:
        try:
            append_markdown(Path(summary), markdown(result, exit_status))
        except OSError as exc:
            raise ReportError(
                f"releasekit: GITHUB_STEP_SUMMARY={summary!r}: cannot append the gate's "
                f"table ({exc.strerror}) (point it at a writable file, or unset it)"
            ) from None


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(result: GateResult, exit_status: int) -> str:
    """A GitHub step summary: the table, then details, fixes and data of each rule."""
    icon = "✅" if result.passed else "❌"
    lines = [
        f"### {icon} releasekit {headline(result, exit_status)}",
        "",
        "| rule | measured | threshold | verdict | summary |",
        "|---|---|---|---|---|",
    ]
    for v in result.verdicts:
        lines.append(
            f"| `{_cell(v.rule)}` | {_cell(format_measured(v))} | {_cell(format_threshold(v))} "
            f"| {_MARK[v.outcome]} {v.outcome.value} | {_cell(v.summary)} |"
        )
    for v in result.verdicts:
        if not (v.details or v.data or (v.fix and v.failed)):
            continue
        lines += [
            "",
            f"<details{' open' if v.failed else ''}><summary><code>{v.rule}</code>"
            f" {v.outcome.value}</summary>",
            "",
        ]
        if v.fix and v.failed:
            lines += [f"**Fix:** {v.fix}", ""]
        lines += [f"- {_cell(d)}" for d in v.details]
        if v.data:
            lines += [
                "",
                "```json",
                json.dumps(v.data, indent=1, default=str, sort_keys=True),
                "```",
            ]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def append_markdown(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(text)


def junit_properties(result: GateResult) -> list[tuple[str, str]]:
    props = [("releasekit.gate", "pass" if result.passed else "fail")]
    for v in result.verdicts:
        prefix = f"releasekit.gate.{v.rule}"
        props += [
            (f"{prefix}.verdict", v.outcome.value),
            (f"{prefix}.measured", format_measured(v)),
            (f"{prefix}.threshold", format_threshold(v)),
        ]
        if v.summary:
            props.append((f"{prefix}.summary", v.summary))
    return props


def add_junit_properties(
    path: Path, result: GateResult, *, warn: Callable[[str], None] | None = None
) -> None:
    """Add the gate's results as ``<property>`` elements of every ``<testsuite>`` in ``path``."""
    try:
        tree = ET.parse(path)  # noqa: S314 - the file pytest's junitxml plugin just wrote
    except (OSError, ET.ParseError) as exc:
        if warn is not None:
            warn(f"releasekit: cannot add gate properties to {path}: {exc}")
        return
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    for suite in suites:
        properties = suite.find("properties")
        if properties is None:
            properties = ET.Element("properties")
            suite.insert(0, properties)
        for name, value in junit_properties(result):
            ET.SubElement(properties, "property", {"name": name, "value": value})
    tree.write(path, encoding="utf-8", xml_declaration=True)
