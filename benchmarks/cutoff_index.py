"""A local simple index that shows the upstream index as it was at a moment (the adoption run).

uv takes ``UV_EXCLUDE_NEWER``; pip has no setting that a pip inside a project's tool
environment (tox 3 provisioned by ``requires = tox<4``, nox's virtualenv backend) would take,
and pip's own ``--uploaded-prior-to`` is too new for the pips those tools embed. So pip gets
``PIP_INDEX_URL`` pointing here: ``GET /<cutoff>/simple/<project>/`` answers a PEP 503 page of
the project's files uploaded at or before ``<cutoff>`` (``YYYYMMDDTHHMMSSZ``; PEP 700
``upload-time`` from the upstream JSON API), each linking to the upstream file with its sha256,
``Requires-Python`` and yank mark. Everything else is a 404.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["CutoffIndex", "stamp"]

_FORMAT = "%Y%m%dT%H%M%SZ"


def stamp(moment: dt.datetime) -> str:
    """The URL form of a cutoff."""
    return moment.astimezone(dt.UTC).strftime(_FORMAT)


class CutoffIndex:
    """``with CutoffIndex(upstream) as index: index.url(cutoff)``: served from a thread."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self._pages: dict[str, list[dict[str, Any]] | None] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> CutoffIndex:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, cutoff: dt.datetime) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/{stamp(cutoff)}/simple/"

    def files(self, project: str) -> list[dict[str, Any]] | None:
        """The upstream JSON page's files of ``project`` (fetched once), or None if it has none."""
        with self._lock:
            if project not in self._pages:
                self._pages[project] = self._fetch(project)
            return self._pages[project]

    def _fetch(self, project: str) -> list[dict[str, Any]] | None:
        request = urllib.request.Request(  # noqa: S310 - the upstream index's https URL
            f"{self.upstream}/{project}/",
            headers={"Accept": "application/vnd.pypi.simple.v1+json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return list(json.load(response)["files"])
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise

    def page(self, cutoff: str, project: str) -> str | None:
        """The PEP 503 page of ``project`` as of ``cutoff``, or None for no such project."""
        files = self.files(project)
        if files is None:
            return None
        moment = dt.datetime.strptime(cutoff, _FORMAT).replace(tzinfo=dt.UTC)
        links = []
        for entry in files:
            uploaded = entry.get("upload-time")
            if not uploaded:
                continue
            when = dt.datetime.fromisoformat(str(uploaded).replace("Z", "+00:00"))
            if when > moment:
                continue
            href = entry["url"]
            if "sha256" in entry.get("hashes", {}):
                href += f"#sha256={entry['hashes']['sha256']}"
            attributes = f'href="{html.escape(href)}"'
            if entry.get("requires-python"):
                attributes += f' data-requires-python="{html.escape(entry["requires-python"])}"'
            if entry.get("yanked"):
                reason = entry["yanked"] if isinstance(entry["yanked"], str) else ""
                attributes += f' data-yanked="{html.escape(reason)}"'
            links.append(f"<a {attributes}>{html.escape(entry['filename'])}</a><br/>")
        body = "\n".join(links)
        return f"<!DOCTYPE html>\n<html><body>\n{body}\n</body></html>\n"


def _handler(index: CutoffIndex) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = [p for p in self.path.split("?")[0].split("/") if p]
            text = None
            if len(parts) == 3 and parts[1] == "simple":
                try:
                    text = index.page(parts[0], parts[2].lower())
                except (ValueError, OSError):
                    text = None
            if text is None:
                self.send_error(404)
                return
            data = text.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            """Quiet: the run's table is the output."""

    return Handler
