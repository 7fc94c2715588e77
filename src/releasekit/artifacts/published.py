"""Findings of the content scan in files the last release published, byte for byte.

requests ships its test CA's private keys (``tests/certs/**``), dnspython its DNSSEC test keys,
gunicorn ``examples/server.key``: private keys, in every sdist these projects have published.
A finding in a member that the last release's artifact of the same kind on the target index
has, byte for byte the same, is public already: publishing it again discloses nothing new. It is
reported as a WARNING (rotate it, if it is a real credential) instead of stopping the release.
A new file, a changed one, or one whose last release cannot be found still stops it.

A secret detected by its value (a token, a JSON Web Token, a password in a URL) is public
already when the last release's same member holds the same secret, whatever else changed around
it: PyJWT's README and CHANGELOG.rst show example tokens, and the changelog changes with every
release. The secrets are compared by detect-secrets' hash, never by their text. A private key is
matched only by its ``BEGIN`` line, the same for every key, so its member must be the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

from .contents import Finding
from .members import Unreadable, decode, members
from .previous import member_key

__all__ = ["published_before"]

_READ = 1 << 20


def _version(artifact: Path) -> str:
    """The version in a wheel's or an sdist's file name."""
    stem = artifact.name.removesuffix(".tar.gz").removesuffix(".zip")
    return stem.split("-")[1] if artifact.name.endswith(".whl") else stem.rpartition("-")[2]


def _digests(artifact: Path, wanted: Collection[str]) -> dict[str, str]:
    """The sha256 of the members of ``artifact`` whose :func:`~.previous.member_key` (of the
    name :func:`~.members.members` gives) is ``wanted``, by that key."""
    version = _version(artifact)
    found = {}
    for name, stream in members(artifact):
        key = member_key(name, version)
        if isinstance(stream, Unreadable) or key not in wanted:
            continue
        digest = hashlib.sha256()
        while chunk := stream.read(_READ):
            digest.update(chunk)
        found[key] = digest.hexdigest()
    return found


def published_before(
    findings: Sequence[Finding], files: Sequence[Path], previous: Callable[[Path], Path | None]
) -> list[Finding]:
    """The ``findings`` in a member that ``previous(artifact)`` (the last release's artifact of
    the same kind, or None) has with the same bytes."""
    public: list[Finding] = []
    for artifact in files:
        mine = [f for f in findings if f.artifact == artifact.name]
        if not mine:
            continue
        old = previous(artifact)
        if old is None:
            continue
        keys = {f: member_key(f.member, _version(artifact)) for f in mine}
        by_value = {key for f, key in keys.items() if f.secret}
        by_bytes = {key for f, key in keys.items() if not f.secret}  # a member may have both
        new, last = _digests(artifact, by_bytes), _digests(old, by_bytes)
        held = _secrets(old, by_value)
        public.extend(
            f
            for f, key in keys.items()
            if ((key, f.kind, f.secret) in held if f.secret else last.get(key) == new.get(key, ""))
        )
    return public


def _secrets(artifact: Path, wanted: Collection[str]) -> set[tuple[str, str, str]]:
    """``(member key, kind, secret hash)`` of each secret in the members of ``artifact`` whose
    key is ``wanted``."""
    from .secrets import SecretScanner  # detect-secrets is imported when a scan needs it

    if not wanted:
        return set()
    version = _version(artifact)
    found: set[tuple[str, str, str]] = set()
    with SecretScanner() as scanner:
        for name, stream in members(artifact):
            key = member_key(name, version)
            if isinstance(stream, Unreadable) or key not in wanted:
                continue
            found.update((key, hit.kind, hit.secret) for hit in scanner.scan_chunks(decode(stream)))
    return found
