"""The HTML report: static files (``index.html`` + ``plotly.min.js``) that open offline.

The current verdict table, then trends over the history store's records (see
:mod:`.gatehistory` and ``releasekit.history`` for their fields): coverage, each benchmark with
its confidence band and the runs the gate flagged, tests and durations per tier, flaky tests, the
release timeline and, when given, release metrics. Charts are plotly figures (the ``html``
extra); plotly.js is written beside the page, never fetched from a CDN. Each chart's ``<div>`` has
a stable id (``plot-coverage``, ``plot-bench-<n>``, ...) for tests and for embedding.

The script is plotly.js's official *basic* partial bundle (scatter, bar, pie: every trace the
report draws), vendored from npm's ``plotly.js-basic-dist-min`` (``static/``; re-vendor with
``pytest_plugin/scripts/vendor-plotly.sh``): a quarter of the full bundle, which is most of the
time a browser takes to open the page. When the installed plotly bundles another major version of
plotly.js, its own full bundle is written instead, so page and figures always agree.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["BASIC_TRACES", "VENDORED_PLOTLYJS", "plotly_js", "write_report"]

_JS = "plotly.min.js"
#: the vendored basic bundle's plotly.js version (see scripts/vendor-plotly.sh)
VENDORED_PLOTLYJS = "4.1.1"
#: the trace types in plotly.js's basic bundle
BASIC_TRACES = frozenset({"scatter", "bar", "pie"})
_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:1200px;color:#222}"
    "table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
    "td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;font-size:.9rem}"
    "th{background:#f3f3f3}.pass{color:#2e7d32}.fail,.error{color:#c62828}.warn{color:#a67c00}"
    "h2{margin-top:2rem;border-bottom:1px solid #ddd}.empty{color:#777}"
)


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value))


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _verdicts(current: Mapping[str, Any] | None, gates: Sequence[Mapping[str, Any]]) -> str:
    rules = list(current.get("rules", [])) if current else []
    verdict = current.get("verdict") if current else None
    if not rules and gates:
        rules, verdict = list(gates[-1].get("rules", [])), gates[-1].get("verdict")
    if not rules:
        return '<p class="empty">No gate verdicts yet.</p>'
    rows = "".join(
        f'<tr class="{_e(r.get("verdict"))}"><td><code>{_e(r.get("rule"))}</code></td>'
        f"<td>{_e(_num(r.get('measured')))}{_e(r.get('unit') or '')}</td>"
        f"<td>{_e(r.get('op') or '')} {_e(_num(r.get('threshold')))}</td>"
        f"<td>{_e(str(r.get('verdict', '')).upper())}</td><td>{_e(r.get('summary', ''))}</td></tr>"
        for r in rules
    )
    return (
        f'<p id="gate-verdict" class="{_e(verdict)}">gate: <b>{_e(verdict)}</b></p>'
        '<table id="verdicts"><thead><tr><th>rule</th><th>measured</th><th>threshold</th>'
        f"<th>verdict</th><th>summary</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _num(value: Any) -> Any:
    return f"{value:.2f}" if isinstance(value, float) else value


class _Figures:
    """Collects plotly figures as ``<div>`` snippets, imported lazily (the ``html`` extra)."""

    def __init__(self) -> None:
        import plotly.graph_objects as go

        self.go = go
        self.parts: list[str] = []

    def add(self, div_id: str, title: str, traces: list[Any], yaxis: str = "") -> None:
        fig = self.go.Figure(data=traces)
        fig.update_layout(
            title=title,
            height=320,
            margin={"l": 50, "r": 20, "t": 50, "b": 40},
            yaxis_title=yaxis,
            template="plotly_white",
            legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
        )
        self.parts.append(
            fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, validate=False)
        )

    def flush(self) -> str:
        out, self.parts = "".join(self.parts), []
        return out


def _gate_sections(figs: _Figures, gates: Sequence[Mapping[str, Any]]) -> str:
    go = figs.go
    out = []
    covered = [g for g in gates if (g.get("coverage") or {}).get("total") is not None]
    out.append("<h2>Coverage</h2>")
    if covered:
        figs.add(
            "plot-coverage",
            "total coverage",
            [
                go.Scatter(
                    x=[g["time"] for g in covered],
                    y=[g["coverage"]["total"] for g in covered],
                    mode="lines+markers",
                    name="total %",
                    text=[g.get("commit") or "" for g in covered],
                )
            ],
            "%",
        )
        out.append(figs.flush())
        files = covered[-1]["coverage"].get("files") or {}
        lowest = sorted(files.items(), key=lambda kv: kv[1])[:15]
        out.append("<h3>Least covered files (latest run)</h3>")
        out.append(_table(["file", "coverage %"], [(n, f"{p:.1f}") for n, p in lowest]))
    else:
        out.append('<p class="empty">No run with coverage data.</p>')
    out.append("<h2>Benchmarks</h2>")
    names = sorted({n for g in gates for n in (g.get("benchmarks") or {})})
    for number, name in enumerate(names):
        figs.add(f"plot-bench-{number}", name, _bench_traces(go, gates, name), "seconds")
    out.append(figs.flush() if names else '<p class="empty">No benchmark in the history.</p>')
    out.append("<h2>Tests per tier</h2>")
    tiers = sorted({t for g in gates for t in (g.get("tiers") or {})})
    if tiers:
        figs.add(
            "plot-tests",
            "tests run per tier",
            [
                go.Scatter(
                    x=[g["time"] for g in gates],
                    y=[sum((g.get("tiers") or {}).get(t, {}).values()) for g in gates],
                    mode="lines+markers",
                    name=t,
                )
                for t in tiers
            ],
            "tests",
        )
        figs.add(
            "plot-durations",
            "duration per tier",
            [
                go.Scatter(
                    x=[g["time"] for g in gates],
                    y=[(g.get("durations") or {}).get(t, 0.0) for g in gates],
                    mode="lines+markers",
                    name=t,
                )
                for t in tiers
            ],
            "seconds",
        )
        out.append(figs.flush())
    else:
        out.append('<p class="empty">No test counts in the history.</p>')
    out.append("<h2>Flaky tests</h2>")
    figs.add(
        "plot-flaky",
        "tests that passed only on a rerun",
        [
            go.Bar(
                x=[g["time"] for g in gates],
                y=[len(g.get("flaky") or []) for g in gates],
                name="flaky",
            )
        ],
        "tests",
    )
    out.append(figs.flush())
    counts: dict[str, int] = {}
    for g in gates:
        for nodeid in g.get("flaky") or []:
            counts[nodeid] = counts.get(nodeid, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    out.append(_table(["test", "runs where it was flaky"], ranked) if ranked else "")
    return "".join(out)


def _bench_traces(go: Any, gates: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    points = [
        (g["time"], g["benchmarks"][name])
        for g in gates
        if (g.get("benchmarks") or {}).get(name, {}).get("estimate_s") is not None
    ]
    x = [t for t, _ in points]
    band = [(b.get("base_s"), b.get("low"), b.get("high")) for _, b in points]
    lows = [base * low if None not in (base, low) else None for base, low, _ in band]
    highs = [base * high if None not in (base, high) else None for base, _, high in band]
    flagged = [(t, b["estimate_s"]) for t, b in points if b.get("flagged")]
    return [
        go.Scatter(x=x, y=highs, mode="lines", line={"width": 0}, showlegend=False, name="high"),
        go.Scatter(
            x=x,
            y=lows,
            mode="lines",
            line={"width": 0},
            fill="tonexty",
            fillcolor="rgba(33,150,243,0.2)",
            name="confidence band",
        ),
        go.Scatter(
            x=x, y=[b["estimate_s"] for _, b in points], mode="lines+markers", name="estimate"
        ),
        go.Scatter(
            x=[t for t, _ in flagged],
            y=[v for _, v in flagged],
            mode="markers",
            marker={"color": "#c62828", "size": 12, "symbol": "x"},
            name="flagged by the gate",
        ),
    ]


def _release_sections(
    figs: _Figures, releases: Sequence[Mapping[str, Any]], metrics: Mapping[str, Any] | None
) -> str:
    go = figs.go
    out = ["<h2>Releases</h2>"]
    if releases:
        outcomes = sorted({str(r.get("outcome")) for r in releases})
        colours = {"released": "#2e7d32", "rolled-back": "#c62828", "failed": "#ef6c00"}
        figs.add(
            "plot-releases",
            "release timeline",
            [
                go.Scatter(
                    x=[
                        r.get("finished") or r.get("started") for r in releases if r["outcome"] == o
                    ],
                    y=[r.get("duration_s") for r in releases if r["outcome"] == o],
                    text=[r.get("version") for r in releases if r["outcome"] == o],
                    mode="markers+text",
                    textposition="top center",
                    marker={"size": 12, "color": colours.get(o, "#607d8b")},
                    name=o,
                )
                for o in outcomes
            ],
            "release duration (s)",
        )
        steps = list(dict.fromkeys(s["name"] for r in releases for s in r.get("steps", [])))
        figs.add(
            "plot-release-steps",
            "step durations per release",
            [
                go.Bar(
                    x=[r.get("version") for r in releases],
                    y=[_step_time(r, step) for r in releases],
                    name=step,
                )
                for step in steps
            ],
            "seconds",
        )
        out.append(figs.flush())
        rows = [
            (r.get("version"), r.get("outcome"), r.get("started"), r.get("commit"), r.get("id"))
            for r in reversed(releases)
        ]
        out.append(_table(["version", "outcome", "started", "commit", "id"], rows[:30]))
    else:
        out.append('<p class="empty">No release in the history.</p>')
    if metrics:
        out.append("<h2>Release metrics</h2>")
        out.append(
            _table(
                ["metric", "value", "unit", "what"],
                [
                    (m["name"], _num(m.get("value")), m.get("unit"), m.get("help"))
                    for m in metrics.get("figures", [])
                ],
            )
        )
        per = list(metrics.get("releases", []))
        if per:
            figs.add(
                "plot-lead-time",
                "lead time for changes (median, commit to release)",
                [
                    go.Bar(
                        x=[p["version"] for p in per],
                        y=[p.get("lead_time_h") for p in per],
                        marker={
                            "color": ["#c62828" if p.get("failed") else "#1976d2" for p in per]
                        },
                        name="lead time",
                    )
                ],
                "hours",
            )
            out.append(figs.flush())
    return "".join(out)


def _step_time(release: Mapping[str, Any], step: str) -> float | None:
    for s in release.get("steps", []):
        if s.get("name") == step:
            value = s.get("duration_s")
            return float(value) if value is not None else None
    return None


def render(
    records: Sequence[Mapping[str, Any]],
    *,
    current: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
    title: str = "releasekit report",
) -> str:
    """The page (``index.html``) for ``records`` (gate and release records, any order)."""
    ordered = sorted(records, key=lambda r: str(r.get("id", "")))
    gates = [r for r in ordered if r.get("kind") == "gate"]
    releases = [r for r in ordered if r.get("kind") == "release"]
    figs = _Figures()
    body = (
        f"<h1>{_e(title)}</h1>"
        f"<p>{len(gates)} gate run(s), {len(releases)} release(s) in the history.</p>"
        f"<h2>Current verdicts</h2>{_verdicts(current, gates)}"
        + _gate_sections(figs, gates)
        + _release_sections(figs, releases, metrics)
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title><style>{_STYLE}</style>"
        f'<script src="{_JS}"></script></head><body>{body}</body></html>\n'
    )


def write_report(
    directory: Path,
    records: Sequence[Mapping[str, Any]],
    *,
    current: Mapping[str, Any] | None = None,
    metrics: Mapping[str, Any] | None = None,
) -> Path:
    """Write ``index.html`` and ``plotly.min.js`` into ``directory``; return the page's path."""
    page = render(records, current=current, metrics=metrics)
    directory.mkdir(parents=True, exist_ok=True)
    js = directory / _JS
    script = plotly_js()
    if not js.is_file() or js.stat().st_size != len(script.encode("utf-8")):
        js.write_text(script, encoding="utf-8")
    index = directory / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def plotly_js() -> str:
    """The vendored basic bundle when the installed plotly makes figures for the same major
    version of plotly.js, else that plotly's own full bundle."""
    from plotly.offline import get_plotlyjs, get_plotlyjs_version

    if str(get_plotlyjs_version()).split(".")[0] != VENDORED_PLOTLYJS.split(".", maxsplit=1)[0]:
        return str(get_plotlyjs())
    bundle = resources.files(__package__).joinpath("static", "plotly-basic.min.js")
    return bundle.read_text(encoding="utf-8")
