"""Findings in files the last release published byte for byte (artifacts.published)."""

from __future__ import annotations

import base64
import os
import zipfile
from pathlib import Path

from releasekit.artifacts import scan
from releasekit.artifacts.published import published_before

from .archives import sdist


def _key() -> bytes:
    """A private key's PEM shape around random bytes, made here: this file holds none."""
    body = base64.encodebytes(os.urandom(96))
    return b"-----BEGIN RSA " + b"PRIVATE KEY-----\n" + body + b"-----END RSA PRIVATE KEY-----\n"


def test_only_a_file_the_last_sdist_has_byte_for_byte_is_public_already(tmp_path: Path) -> None:
    """requests' ``tests/certs``: the same key in 2.32.4 as in 2.32.3 is public already; a
    changed key, a new one, and the same bytes at another path are not."""
    same, changed = _key(), _key()
    (tmp_path / "index").mkdir()
    old = sdist(
        tmp_path / "index" / "pkg-1.0.tar.gz",
        {"tests/certs/ca.key": same, "tests/certs/server.key": _key()},
    )
    new = sdist(
        tmp_path / "pkg-1.0.1.tar.gz",
        {
            "tests/certs/ca.key": same,
            "tests/certs/server.key": changed,
            "tests/certs/client.key": _key(),
            "tests/moved/ca.key": same,
        },
    )
    findings = scan([new]).findings
    assert {f.member for f in findings} == {
        "tests/certs/ca.key",
        "tests/certs/server.key",
        "tests/certs/client.key",
        "tests/moved/ca.key",
    }
    asked = []

    def previous(artifact: Path) -> Path:
        asked.append(artifact)
        return old

    public = published_before(findings, [new], previous)
    assert public and {f.member for f in public} == {"tests/certs/ca.key"}
    assert {f.kind for f in public} == {"Private Key", "Sensitive file name"}
    assert asked == [new]
    assert published_before(findings, [new], lambda artifact: None) == []


def test_a_wheel_is_compared_with_the_last_wheel_across_its_data_directory(tmp_path: Path) -> None:
    key = _key()
    wheels = []
    for version in ("1.0", "1.0.1"):
        path = tmp_path / f"pkg-{version}-py3-none-any.whl"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("pkg/__init__.py", "")
            archive.writestr(f"pkg-{version}.data/data/share/pkg/demo.key", key)
        wheels.append(path)
    old, new = wheels
    findings = scan([new]).findings
    assert findings
    assert published_before(findings, [new], lambda artifact: old) == findings
    assert published_before(findings, [new], lambda artifact: new) == findings
    (tmp_path / "other").mkdir()
    other = tmp_path / "other" / old.name
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("pkg-1.0.data/data/share/pkg/demo.key", _key())
    assert published_before(findings, [new], lambda artifact: other) == []
