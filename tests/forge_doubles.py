"""Local HTTP doubles of GitHub's and GitLab's release APIs, served on 127.0.0.1.

GitHub's and GitLab's APIs cannot be reached from these machines, so these stand in for them. They
follow the published REST schemas (https://docs.github.com/en/rest/releases/releases,
https://docs.github.com/en/rest/releases/assets, https://docs.gitlab.com/api/releases/,
https://docs.gitlab.com/user/packages/generic_packages/): the status codes (201 created, 204 on
delete, 401 bad credentials, 404, 422 validation failed with its ``errors`` list), the JSON fields
releasekit reads and more, the ``upload_url`` template ``...{?name,label}`` (GitHub Enterprise
style: uploads under the API host), drafts that ``GET .../releases/tags/{tag}`` does not return.
releasekit's client is the same code for these as for the real services: only ``api_url`` differs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

Observe = Callable[[], Any]
NOW = "2026-12-02T12:00:00Z"


@dataclass
class Call:
    method: str
    path: str
    headers: dict[str, str]
    seen: Any = None  # what the test's observer saw when the call arrived


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args: Any) -> None:  # keep pytest's output clean
        pass

    def _serve(self) -> None:
        double = self.server.double
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        double.calls.append(
            Call(self.command, self.path, dict(self.headers.items()), double.observe())
        )
        with double.lock:
            status, answer = double.handle(self.command, self.path, dict(self.headers), body)
        data = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    double: Double


@dataclass
class Double:
    token: str
    repo: str
    observe: Observe = lambda: None
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    base: str = ""

    def handle(
        self, method: str, raw: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        raise NotImplementedError

    def calls_to(self, method: str, prefix: str = "") -> list[Call]:
        """The calls with ``method`` whose path (query aside) starts with ``prefix``."""
        return [c for c in self.calls if c.method == method and c.path.startswith(prefix)]


def _validation(resource: str, code: str, name: str) -> tuple[int, Any]:
    return 422, {
        "message": "Validation Failed",
        "errors": [{"resource": resource, "code": code, "field": name}],
        "documentation_url": "https://docs.github.com/rest/releases/releases#create-a-release",
        "status": "422",
    }


NOT_FOUND = {
    "message": "Not Found",
    "documentation_url": "https://docs.github.com/rest",
    "status": "404",
}


@dataclass
class GitHubDouble(Double):
    """``GET/POST/PATCH/DELETE /repos/{owner}/{repo}/releases...`` and the asset uploads."""

    releases: dict[int, dict[str, Any]] = field(default_factory=dict)
    uploaded: dict[str, bytes] = field(default_factory=dict)  # asset name -> bytes received
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1001))

    def _release_json(self, rel: dict[str, Any]) -> dict[str, Any]:
        number = rel["id"]
        api = f"{self.base}/repos/{self.repo}/releases/{number}"
        page = f"https://github.com/{self.repo}/releases/tag/"
        return {
            **{k: v for k, v in rel.items() if k != "assets"},
            "url": api,
            "assets_url": api + "/assets",
            "upload_url": f"{self.base}/uploads/repos/{self.repo}/releases/{number}/assets"
            "{?name,label}",
            "html_url": page + (f"untagged-{number:x}" if rel["draft"] else rel["tag_name"]),
            "tarball_url": None if rel["draft"] else f"{self.base}/tarball/{rel['tag_name']}",
            "zipball_url": None if rel["draft"] else f"{self.base}/zipball/{rel['tag_name']}",
            "node_id": f"RE_{number}",
            "author": {"login": "releaser", "id": 1, "type": "User"},
            "assets": list(rel["assets"].values()),
        }

    def handle(  # noqa: PLR0912 - one branch per endpoint, like a router
        self, method: str, raw: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if headers.get("Authorization") not in {f"Bearer {self.token}", f"token {self.token}"}:
            return 401, {"message": "Bad credentials", "status": "401"}
        url = urlsplit(raw)
        path, query = url.path, parse_qs(url.query)
        repo = f"/repos/{self.repo}"
        upload = f"/uploads{repo}/releases/"
        if path.startswith(upload) and method == "POST":
            return self._upload(int(path[len(upload) :].split("/")[0]), query, headers, body)
        if not path.startswith(repo):
            return 404, NOT_FOUND
        rest = path[len(repo) :]
        if rest == "" and method == "GET":
            return 200, {
                "id": 7,
                "full_name": self.repo,
                "private": False,
                "permissions": {"admin": False, "maintain": False, "push": True, "pull": True},
            }
        if rest == "/releases" and method == "GET":
            listed = sorted(self.releases.values(), key=lambda r: -r["id"])
            per_page = int(query.get("per_page", ["30"])[0])
            page = int(query.get("page", ["1"])[0])
            chunk = listed[(page - 1) * per_page : page * per_page]
            return 200, [self._release_json(r) for r in chunk]
        if rest == "/releases" and method == "POST":
            return self._create(json.loads(body or b"{}"))
        if rest.startswith("/releases/tags/") and method == "GET":
            tag = unquote(rest.removeprefix("/releases/tags/"))
            for rel in self.releases.values():
                if rel["tag_name"] == tag and not rel["draft"]:  # drafts are not found by tag
                    return 200, self._release_json(rel)
            return 404, NOT_FOUND
        if rest.startswith("/releases/assets/") and method == "DELETE":
            number = rest.removeprefix("/releases/assets/")
            for rel in self.releases.values():
                if rel["assets"].pop(number, None) is not None:
                    return 204, None
            return 404, NOT_FOUND
        if rest.startswith("/releases/"):
            rel = self.releases.get(int(rest.removeprefix("/releases/")))
            if rel is None:
                return 404, NOT_FOUND
            if method == "GET":
                return 200, self._release_json(rel)
            if method == "DELETE":
                del self.releases[rel["id"]]
                return 204, None
            if method == "PATCH":
                changes = json.loads(body or b"{}")
                rel.update({k: v for k, v in changes.items() if k in rel})
                if rel["draft"] is False and rel["published_at"] is None:
                    rel["published_at"] = NOW
                return 200, self._release_json(rel)
        return 404, NOT_FOUND

    def _create(self, data: dict[str, Any]) -> tuple[int, Any]:
        tag = data.get("tag_name")
        if not tag:
            return _validation("Release", "missing_field", "tag_name")
        if any(r["tag_name"] == tag and not r["draft"] for r in self.releases.values()):
            return _validation("Release", "already_exists", "tag_name")
        number = next(self.ids)
        draft = bool(data.get("draft", False))
        self.releases[number] = {
            "id": number,
            "tag_name": tag,
            "target_commitish": data.get("target_commitish", "main"),
            "name": data.get("name"),
            "body": data.get("body"),
            "draft": draft,
            "prerelease": bool(data.get("prerelease", False)),
            "created_at": NOW,
            "published_at": None if draft else NOW,
            "assets": {},
        }
        return 201, self._release_json(self.releases[number])

    def _upload(
        self, number: int, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        rel = self.releases.get(number)
        if rel is None:
            return 404, NOT_FOUND
        name = (query.get("name") or [""])[0]
        if not name or "Content-Type" not in headers:
            return _validation("ReleaseAsset", "missing_field", "name")
        if any(a["name"] == name for a in rel["assets"].values()):
            return _validation("ReleaseAsset", "already_exists", "name")
        number = next(self.ids)
        rel["assets"][str(number)] = {
            "url": f"{self.base}/repos/{self.repo}/releases/assets/{number}",
            "browser_download_url": f"https://github.com/{self.repo}/releases/download/"
            f"{rel['tag_name']}/{name}",
            "id": number,
            "node_id": f"RA_{number}",
            "name": name,
            "label": (query.get("label") or [""])[0],
            "state": "uploaded",
            "content_type": headers["Content-Type"],
            "size": len(body),
            "digest": "sha256:" + hashlib.sha256(body).hexdigest(),
            "download_count": 0,
            "created_at": NOW,
            "updated_at": NOW,
            "uploader": {"login": "releaser", "id": 1},
        }
        self.uploaded[name] = body
        return 201, rel["assets"][str(number)]


@dataclass
class GitLabDouble(Double):
    """``/api/v4/projects/:id/releases`` and the generic package registry."""

    tags: set[str] = field(default_factory=set)
    releases: dict[str, dict[str, Any]] = field(default_factory=dict)
    packages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(51))

    def handle(  # noqa: PLR0912 - one branch per endpoint, like a router
        self, method: str, raw: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        if headers.get("PRIVATE-TOKEN") != self.token:
            return 401, {"message": "401 Unauthorized"}
        url = urlsplit(raw)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        project = "/api/v4/projects/" + self.repo.replace("/", "%2F")
        if not url.path.startswith(project):
            return 404, {"message": "404 Project Not Found"}
        parts = [unquote(p) for p in url.path[len(project) :].split("/")[1:]]
        match method, parts:
            case "GET", []:
                access = {"access_level": 30, "notification_level": 3}
                return 200, {
                    "id": 3,
                    "path_with_namespace": self.repo,
                    "permissions": {"project_access": access, "group_access": None},
                }
            case "PUT", ["packages", "generic", name, version, filename]:
                package = self.packages.setdefault(
                    (name, version),
                    {"id": next(self.ids), "name": name, "version": version, "files": {}},
                )
                number = next(self.ids)
                package["files"][str(number)] = {
                    "id": number,
                    "file_name": filename,
                    "size": len(body),
                }
                return 201, {"message": "201 Created"}
            case "GET", ["packages"]:
                return 200, [
                    {k: v for k, v in p.items() if k != "files"} | {"package_type": "generic"}
                    for (name, version), p in self.packages.items()
                    if query.get("package_name", name) in name
                    and query.get("package_version", version) == version
                ]
            case "GET", ["packages", number, "package_files"]:
                found = self._package(number)
                return (200, list(found["files"].values())) if found else (404, None)
            case "DELETE", ["packages", number, "package_files", file_id]:
                found = self._package(number)
                if not found or found["files"].pop(file_id, None) is None:
                    return 404, {"message": "404 Not found"}
                return 204, None
            case "DELETE", ["packages", number]:
                found = self._package(number)
                if not found:
                    return 404, {"message": "404 Not found"}
                del self.packages[(found["name"], found["version"])]
                return 204, None
            case "POST", ["releases"]:
                data = json.loads(body or b"{}")
                tag = data.get("tag_name", "")
                if tag in self.releases:
                    return 409, {"message": "Release already exists"}
                if tag not in self.tags and not data.get("ref"):
                    return 422, {"message": "Ref is not specified"}
                links = data.get("assets", {}).get("links", [])
                self.releases[tag] = {
                    "tag_name": tag,
                    "name": data.get("name") or tag,
                    "description": data.get("description", ""),
                    "created_at": NOW,
                    "released_at": data.get("released_at", NOW),
                    "assets": {"count": len(links), "links": links, "sources": []},
                    "_links": {"self": f"https://gitlab.com/{self.repo}/-/releases/{tag}"},
                }
                return 201, self.releases[tag]
            case "GET", ["releases", tag]:
                return (200, self.releases[tag]) if tag in self.releases else (404, None)
            case "DELETE", ["releases", tag]:
                if tag not in self.releases:
                    return 404, {"message": "404 Not found"}
                return 200, self.releases.pop(tag)
        return 404, {"message": "404 Not found"}

    def _package(self, number: str) -> dict[str, Any] | None:
        return next((p for p in self.packages.values() if str(p["id"]) == number), None)


def serve(double: Double, prefix: str = "") -> Iterator[Double]:
    """Run ``double`` on a free loopback port until the generator is closed."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.double = double
    double.base = f"http://127.0.0.1:{server.server_address[1]}{prefix}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield double
    finally:
        server.shutdown()
        server.server_close()
