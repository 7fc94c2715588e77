"""What is inside an sdist or a wheel: forbidden files, secrets, and importable top-level names."""

from __future__ import annotations

import fnmatch
import re
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

__all__ = ["FORBIDDEN", "Finding", "scan", "top_level_names"]

#: Built-in patterns no distribution should ship (matched against every path component suffix).
FORBIDDEN: tuple[str, ...] = (
    ".git",
    ".git/*",
    ".hg/*",
    ".svn/*",
    ".env",
    ".env.*",
    "*.env",
    ".pypirc",
    ".netrc",
    ".npmrc",
    "id_rsa*",
    "id_dsa*",
    "id_ecdsa*",
    "id_ed25519*",
    "*.pem",
    "*.key",
    "*.p12",
    "*.pfx",
    "*.keystore",
    "*.token",
    "*token*.txt",
    "credentials.json",
    "*.kdbx",
    ".releasekit/*",
    ".coverage",
    ".coverage.*",
)
_SECRET_CONTENT = re.compile(
    rb"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----"
    rb"|pypi-AgE[A-Za-z0-9_-]{50,}"
    rb"|gh[pousr]_[A-Za-z0-9]{36,}"
    rb"|AKIA[0-9A-Z]{16}"
    rb"|xox[baprs]-[A-Za-z0-9-]{10,}"
)
_MAX_SCAN = 2 << 20


class Finding(str):
    """One problem found inside an artifact, as a readable sentence."""


def _members(path: Path) -> Iterator[tuple[str, bytes | None]]:
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir():
                    continue
                data = archive.read(info) if info.file_size <= _MAX_SCAN else None
                yield info.filename, data
    else:
        with tarfile.open(path, "r:*") as archive:
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                name = member.name.split("/", 1)[1] if "/" in member.name else member.name
                handle = archive.extractfile(member) if member.size <= _MAX_SCAN else None
                yield name, handle.read() if handle else None


def _matches(name: str, patterns: tuple[str, ...] | list[str]) -> str | None:
    parts = PurePosixPath(name).parts
    for index in range(len(parts)):
        tail = "/".join(parts[index:])
        for pattern in patterns:
            if fnmatch.fnmatchcase(tail, pattern) or fnmatch.fnmatchcase(parts[index], pattern):
                return pattern
    return None


def scan(path: Path, *, forbid: list[str], allow: list[str]) -> list[Finding]:
    """Every forbidden file name and secret-looking content inside ``path``."""
    findings: list[Finding] = []
    patterns = (*FORBIDDEN, *forbid)
    for name, data in _members(path):
        if _matches(name, allow):
            continue
        pattern = _matches(name, patterns)
        if pattern:
            findings.append(Finding(f"{path.name}: contains {name} (matches {pattern!r})"))
        elif data is not None and _SECRET_CONTENT.search(data):
            findings.append(Finding(f"{path.name}: {name} contains what looks like a secret"))
    return findings


def top_level_names(wheel: Path) -> list[str]:
    """Importable top-level packages and modules of a wheel (from its file list)."""
    names: set[str] = set()
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            first, _, rest = name.partition("/")
            if first.endswith((".dist-info", ".data")):
                continue
            if (rest and rest == "__init__.py") or (
                rest and rest.endswith("/__init__.py") and "/" not in rest[:-12]
            ):
                names.add(first)
            elif not rest and first.endswith(".py"):
                names.add(first[:-3])
            elif not rest and re.search(r"\.(?:cpython|abi3|so|pyd)", first):
                names.add(first.split(".", 1)[0])
    return sorted(n for n in names if n.isidentifier() and n != "__pycache__")
