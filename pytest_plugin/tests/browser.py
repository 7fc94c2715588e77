"""Open an HTML report in Debian's Chromium, headless, through playwright's Python API (which
cannot download its own browser here: it drives the system one)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
#: points of every trace of every plotly chart, read from the chart's own data
_POINTS = """() => Object.fromEntries(
  [...document.querySelectorAll('.plotly-graph-div')].map(
    d => [d.id, d.data.map(t => (t.x || []).length)]))"""
#: per chart, each trace's type as written and as plotly.js drew it: a type missing from the
#: bundle is silently drawn as another (plotly.js falls back to scatter)
_TYPES = """() => Object.fromEntries(
  [...document.querySelectorAll('.plotly-graph-div')].map(
    d => [d.id, d.data.map((t, i) => [t.type || 'scatter', d._fullData[i].type])]))"""
_DRAWN = """() => [...document.querySelectorAll('.plotly-graph-div')].every(
  d => d._fullLayout && d.querySelector('.main-svg'))"""


@dataclass
class Rendered:
    points: dict[str, list[int]]
    errors: list[str] = field(default_factory=list)
    #: navigation start to every chart drawn, as measured by the page itself
    render_ms: float = 0.0
    requests: list[str] = field(default_factory=list)
    text: str = ""
    #: CPU time of the page's main thread (Chrome's ThreadTime), contention aside
    cpu_ms: float = 0.0
    #: chart id -> [[type written, type drawn], ...]
    types: dict[str, list[list[str]]] = field(default_factory=dict)


def render(index: Path, screenshot: Path | None = None) -> Rendered:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            requests: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            cdp = page.context.new_cdp_session(page)
            cdp.send("Performance.enable")
            page.goto(index.resolve().as_uri(), wait_until="load")
            page.wait_for_function(_DRAWN, timeout=30_000)
            render_ms = float(page.evaluate("() => performance.now()"))
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            points = page.evaluate(_POINTS)
            types = page.evaluate(_TYPES)
            if screenshot is not None:
                page.screenshot(path=str(screenshot), full_page=True)
            text = page.inner_text("body")
            cpu_ms = float(metrics.get("ThreadTime", 0.0)) * 1000
            return Rendered(points, errors, render_ms, requests, text, cpu_ms, types)
        finally:
            browser.close()
