"""Preflight tells a package index from some other web server: a real pypiserver passes, a
``python -m http.server`` directory that is a website (or a plain file listing) does not."""

from __future__ import annotations

import base64
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit.steps.preflight_target import not_an_index, token_host_mismatch, token_location

from ..conftest import RemoteIndex, answers, free_port, wait_until


@contextlib.contextmanager
def http_server(root: Path) -> Iterator[str]:
    """A plain ``python -m http.server`` over ``root``; yields its URL."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "http.server", "-b", "127.0.0.1", "-d", str(root), str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until(lambda: answers(url), "http.server to start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def website(root: Path) -> None:
    """A project's website where an index was expected."""
    (root / "simple").mkdir(parents=True)
    (root / "simple" / "index.html").write_text(
        '<html><body><h1>Our project</h1><a href="about.html">About</a>'
        '<a href="docs/">Docs</a></body></html>'
    )


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    root = tmp_path / "site"
    root.mkdir()
    with http_server(root) as url:
        yield root, url


def test_pypiserver_is_an_index(remote_index: RemoteIndex) -> None:
    assert not_an_index(remote_index.url + "simple/", "simple-pkg") is None


def test_pypiserver_with_a_project_is_an_index(remote_index: RemoteIndex) -> None:
    (remote_index.directory / "simple_pkg-1.0.0.tar.gz").write_bytes(b"not really")
    assert not_an_index(remote_index.url + "simple/", "simple-pkg") is None


def test_a_website_is_not_an_index(serve: tuple[Path, str]) -> None:
    root, url = serve
    website(root)
    assert "'about.html'" in (not_an_index(url + "simple/", "simple-pkg") or "")


def test_a_file_listing_is_not_an_index(serve: tuple[Path, str]) -> None:
    root, url = serve
    (root / "notes.txt").write_text("hello")
    assert "notes.txt" in (not_an_index(url, "simple-pkg") or "")


def test_no_index_at_the_url_is_not_an_index(serve: tuple[Path, str]) -> None:
    _, url = serve
    assert "HTTP 404 at its root" in (not_an_index(url + "simple/", "simple-pkg") or "")


def test_a_static_simple_layout_is_an_index(serve: tuple[Path, str]) -> None:
    """PEP 503 allows a static directory tree: ``simple/<project>/`` with the files in it."""
    root, url = serve
    project = root / "simple" / "simple-pkg"
    project.mkdir(parents=True)
    (project / "simple_pkg-1.0.0.tar.gz").write_bytes(b"x")
    assert not_an_index(url + "simple/", "simple-pkg") is None


def test_an_unreachable_index_is_left_to_the_listing() -> None:
    assert not_an_index(f"http://127.0.0.1:{free_port()}/simple/", "simple-pkg") is None


def pypi_token(location: str) -> str:
    """A token shaped like PyPI's: ``pypi-`` + a v2 binary macaroon (location, identifier,
    signature), base64url without padding. Made here: PyPI itself cannot be reached."""
    fields = [(1, location.encode()), (2, b"user-token-id-0123"), (0, b"")]
    header = b"\x02" + b"".join(
        bytes([kind]) + (bytes([len(value)]) + value if kind else b"") for kind, value in fields
    )
    body = header + b"\x00" + b"\x06\x20" + bytes(range(32))
    return "pypi-" + base64.urlsafe_b64encode(body).decode().rstrip("=")


@pytest.mark.parametrize(
    ("location", "upload_url", "mismatch"),
    [
        ("pypi.org", "https://upload.pypi.org/legacy/", None),
        ("test.pypi.org", "https://test.pypi.org/legacy/", None),
        ("pypi.org", "https://test.pypi.org/legacy/", "pypi.org"),
        ("test.pypi.org", "https://upload.pypi.org/legacy/", "test.pypi.org"),
        ("pypi.org", "https://pypi.example.com/upload/", "pypi.org"),
    ],
)
def test_token_host_mismatch(location: str, upload_url: str, mismatch: str | None) -> None:
    assert token_location(pypi_token(location)) == location
    assert token_host_mismatch(pypi_token(location), upload_url) == mismatch


@pytest.mark.parametrize(
    "token", ["pypi-", "pypi-!!!!", "pypi-AgE", "pypi-" + "A" * 7, "s3cret", "", "pypi-AQ"]
)
def test_unreadable_tokens_are_not_judged(token: str) -> None:
    assert token_host_mismatch(token, "https://upload.pypi.org/legacy/") is None
