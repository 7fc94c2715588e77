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


def _token() -> str:
    """A JSON Web Token's shape with random parts, made here: this file holds none."""

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    header = part(b'{"alg":"HS256","typ":"JWT"}')
    claims = part(b'{"sub":"' + os.urandom(6).hex().encode() + b'"}')
    return f"{header}.{claims}.{part(os.urandom(32))}"


def test_a_token_the_last_release_had_in_the_same_file_is_public_though_the_file_changed(
    tmp_path: Path,
) -> None:
    """PyJWT: README.rst and CHANGELOG.rst show example tokens; the changelog changes with every
    release, the tokens in it do not. A new token in a changed file still stops the release."""
    example, fresh = _token(), _token()
    keys = f"Sign ``{_token()}`` with\n\n".encode() + _key()
    (tmp_path / "index").mkdir()
    old = sdist(
        tmp_path / "index" / "pkg-1.0.tar.gz",
        {
            "CHANGELOG.rst": f"1.0\n---\n\n- Decode ``{example}``.\n".encode(),
            "docs/keys.rst": keys,
        },
    )
    new = sdist(
        tmp_path / "pkg-1.0.1.tar.gz",
        {
            "CHANGELOG.rst": (
                f"1.0.1\n-----\n\n- Tokens like ``{fresh}``.\n\n"
                f"1.0\n---\n\n- Decode ``{example}``.\n"
            ).encode(),
            "docs/usage.rst": f"Decode ``{example}``.\n".encode(),  # not in 1.0: not public
            "docs/keys.rst": keys,  # a token and a key, the same bytes as in 1.0: public
        },
    )
    findings = scan([new]).findings
    findings = [f for f in findings if f.kind != "Sensitive file name"]
    assert sorted((f.member, f.line, f.kind) for f in findings) == [
        ("CHANGELOG.rst", 4, "JSON Web Token"),
        ("CHANGELOG.rst", 9, "JSON Web Token"),
        ("docs/keys.rst", 1, "JSON Web Token"),
        ("docs/keys.rst", 3, "Private Key"),
        ("docs/usage.rst", 1, "JSON Web Token"),
    ]
    assert all(bool(f.secret) == (f.kind != "Private Key") for f in findings)
    assert all(f.secret not in {example, fresh} for f in findings)
    assert all(example not in repr(f) and fresh not in repr(f) for f in findings)
    public = published_before(findings, [new], lambda artifact: old)
    assert sorted((f.member, f.line, f.kind) for f in public) == [
        ("CHANGELOG.rst", 9, "JSON Web Token"),
        ("docs/keys.rst", 1, "JSON Web Token"),
        ("docs/keys.rst", 3, "Private Key"),
    ]
