"""A loopback test double of the OSV query API (POST /v1/query), for pip-audit's --osv-url.

TEST DOUBLE, used only because the real advisory sources (api.osv.dev, PyPI's JSON API) cannot
be reached from the test machines. It answers in OSV's v1 schema (``{"vulns": [...]}`` with id,
aliases, summary, details, affected[].ranges[].events), the same shape api.osv.dev returns, and
pip-audit is driven through its supported ``--osv-url`` option: everything else is real.

The one advisory it knows is real public data: PYSEC-2024-60 (CVE-2024-3651,
GHSA-jjg7-2v4v-x38h), a quadratic-time denial of service in ``idna.encode()`` affecting idna up
to 3.6, fixed in 3.7 (https://osv.dev/vulnerability/PYSEC-2024-60; idna's HISTORY for 3.7).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from packaging.version import Version

__all__ = ["IDNA_ADVISORY", "osv_double"]

IDNA_ADVISORY: dict[str, Any] = {
    "schema_version": "1.6.0",
    "id": "PYSEC-2024-60",
    "aliases": ["CVE-2024-3651", "GHSA-jjg7-2v4v-x38h"],
    "summary": "Quadratic complexity in idna.encode() leads to denial of service",
    "details": "A vulnerability was identified in the kjd/idna library, specifically within "
    "the `idna.encode()` function, affecting version 3.6.",
    "published": "2024-07-07T18:15:00Z",
    "affected": [
        {
            "package": {"name": "idna", "ecosystem": "PyPI", "purl": "pkg:pypi/idna"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.7"}]}],
        }
    ],
}
ADVISORIES = [IDNA_ADVISORY]


def _affects(advisory: dict[str, Any], name: str, version: str) -> bool:
    for affected in advisory["affected"]:
        if affected["package"]["name"] != name or affected["package"]["ecosystem"] != "PyPI":
            continue
        for span in affected["ranges"]:
            start, end = Version("0"), None
            for event in span["events"]:
                if "introduced" in event:
                    start = Version(event["introduced"])
                if "fixed" in event:
                    end = Version(event["fixed"])
            if Version(version) >= start and (end is None or Version(version) < end):
                return True
    return False


class _Handler(BaseHTTPRequestHandler):
    queries: list[dict[str, object]]

    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.queries.append(query)  # type: ignore[attr-defined]
        package = query.get("package", {})
        vulns = [
            a
            for a in ADVISORIES
            if package.get("ecosystem") == "PyPI"
            and _affects(a, package.get("name", ""), query.get("version", "0"))
        ]
        body = json.dumps({"vulns": vulns} if vulns else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def osv_double() -> Iterator[tuple[str, list[dict[str, object]]]]:
    """(the query URL, the queries received) of a double of OSV running on loopback."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.queries = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1/query", server.queries  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
