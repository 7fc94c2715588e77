"""What is inside an sdist or a wheel: sensitive file names, secrets, importable top-level names.

:func:`scan` walks every member (nested archives included, see :mod:`.members`), flags file names
no distribution should ship (:data:`FORBIDDEN`), and runs the detect-secrets based scanner
(:mod:`.secrets`) over every member's text. Findings name the artifact, the member and the kind
of secret, never the secret itself.
"""

from __future__ import annotations

import fnmatch
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol

from .members import ENCRYPTED, TOO_DEEP, Readable, Unreadable, decode, members

__all__ = [
    "FORBIDDEN",
    "Allowance",
    "Finding",
    "ScanReport",
    "finding_kinds",
    "scan",
    "top_level_names",
]

#: Built-in patterns no distribution should ship (matched against every path component suffix).
FORBIDDEN: tuple[str, ...] = (
    ".git",
    ".git/*",
    ".hg/*",
    ".svn/*",
    ".env*",
    "*.env",
    ".pypirc",
    ".netrc",
    ".npmrc",
    ".git-credentials",
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
    # a token saved to a file: ``token.txt``, ``github_token.txt``, ``api-token.txt`` (a word of
    # its own: pylint's tests/functional/t/tokenize_error.txt is about the tokenizer)
    "token.txt",
    "*_token.txt",
    "*-token.txt",
    "*.token.txt",
    "credentials.json",
    "*.kdbx",
    ".releasekit/*",
    ".coverage",
    ".coverage.*",
)
#: Environment files: sensitive by name, except a test fixture that sets nothing secret (Flask's
#: sdist ships ``tests/test_apps/.env`` with ``FOO=env`` to test dotenv loading).
ENV_FILES = frozenset({".env*", "*.env"})
TEST_DIRS = frozenset({"tests", "test", "testing"})
#: PEM files: sensitive by name, except one that holds nothing but public material (certifi's
#: ``cacert.pem``, the CA bundle half the ecosystem depends on, is certificates only).
PEM_FILES = frozenset({"*.pem"})
#: PEM labels (RFC 7468) of public material: certificates, CRLs and public keys.
PUBLIC_PEM = frozenset({"CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CRL", "PUBLIC KEY"})
_PEM_LABEL = re.compile(r"^-----BEGIN ([A-Z0-9 ]+)-----\s*$", re.MULTILINE)
_SECRET_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+)?\w*(?:KEY|TOKEN|SECRET|PASSW|PWD|CREDENTIAL|AUTH|PRIVATE)\w*\s*[=:]\s*\S",
    re.IGNORECASE | re.MULTILINE,
)
_URL_CREDENTIALS = re.compile(r"://[^/\s:@]+:[^/\s@]+@")
#: The kind of a finding made from a member's name rather than its content.
SENSITIVE_NAME = "Sensitive file name"


class Allowance(Protocol):
    """One ``[[tool.releasekit.secret_allow]]`` entry (:class:`releasekit.config.SecretAllow`)."""

    @property
    def path(self) -> str: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def line(self) -> int | None: ...


@dataclass(frozen=True)
class Finding:
    """One problem inside an artifact: where (artifact, member, line) and what kind."""

    artifact: str
    member: str
    kind: str
    line: int | None = None
    detail: str = ""
    secret: str = field(default="", repr=False)  # the Hit's hash of the secret, never the secret

    def __str__(self) -> str:
        where = f"{self.artifact}!{self.member}" + (f" line {self.line}" if self.line else "")
        return f"{where}: {self.kind}{self.detail}"

    def allowed_by(self, entry: Allowance) -> bool:
        return (
            fnmatch.fnmatchcase(self.member, entry.path)
            and (entry.kind is None or entry.kind.casefold() == self.kind.casefold())
            and (entry.line is None or entry.line == self.line)
        )


@dataclass
class ScanReport:
    """The findings, and what was scanned (for the docs' throughput figures and the journal)."""

    findings: list[Finding] = field(default_factory=list)
    files: int = 0
    members: int = 0
    bytes: int = 0
    seconds: float = 0.0  # wall clock
    cpu_seconds: float = 0.0  # this process's CPU time (the scan is single-threaded)


class _Counted:
    """A read-only stream that counts the bytes read through it."""

    def __init__(self, stream: Readable, report: ScanReport) -> None:
        self._stream, self._report = stream, report

    def read(self, size: int = -1) -> bytes:
        data = self._stream.read(size)
        self._report.bytes += len(data)
        return data


def finding_kinds() -> list[str]:
    """Every kind a finding can have (what a ``secret_allow`` entry's ``kind`` may name)."""
    from .secrets import SecretScanner

    return [*SecretScanner.kinds(), SENSITIVE_NAME, TOO_DEEP.kind, ENCRYPTED.kind]


def _matches(name: str, patterns: Sequence[str]) -> str | None:
    parts = PurePosixPath(name.replace("!", "/")).parts
    for index in range(len(parts)):
        tail = "/".join(parts[index:])
        for pattern in patterns:
            if fnmatch.fnmatchcase(tail, pattern) or fnmatch.fnmatchcase(parts[index], pattern):
                return pattern
    return None


def _in_tests(name: str) -> bool:
    return any(part in TEST_DIRS for part in PurePosixPath(name.replace("!", "/")).parts[:-1])


def _sets_secrets(text: str) -> bool:
    """Whether an environment file assigns a secret-named variable or a URL with a password."""
    return bool(_SECRET_ASSIGNMENT.search(text) or _URL_CREDENTIALS.search(text))


def _public_pem(text: str) -> bool:
    """Whether a PEM file holds at least one block and only public ones (RFC 7468 labels)."""
    labels = set(_PEM_LABEL.findall(text))
    return bool(labels) and labels <= PUBLIC_PEM


def _harmless_if(pattern: str | None, name: str) -> Callable[[str], bool] | None:
    """For a member sensitive by name that its content may clear, the judge of that content:
    an environment file in the tests that sets nothing secret (a fixture), a PEM file of
    public blocks only (a CA bundle)."""
    if pattern in ENV_FILES and _in_tests(name):
        return lambda text: not _sets_secrets(text)
    if pattern in PEM_FILES:
        return _public_pem
    return None


def scan(
    paths: Iterable[Path],
    *,
    forbid: Sequence[str] = (),
    allow: Sequence[str] = (),
    secret_allow: Sequence[Allowance] = (),
) -> ScanReport:
    """Every sensitive file name and every secret inside the artifacts at ``paths``.

    ``allow`` (``artifact_allow``) exempts members from every check; ``secret_allow`` entries
    drop the findings they match (each was given a reason in the config).
    """
    from .secrets import SecretScanner  # detect-secrets is imported when a scan needs it

    report = ScanReport()
    started, cpu_started = time.perf_counter(), time.process_time()
    patterns = (*FORBIDDEN, *forbid)
    with SecretScanner() as scanner:
        for path in paths:
            report.files += 1
            for name, stream in members(path):
                report.members += 1
                if _matches(name, allow):
                    continue
                found: list[Finding] = []
                pattern = _matches(name, patterns)
                text: Iterable[str] = ()
                if not isinstance(stream, Unreadable):
                    text = decode(_Counted(stream, report))
                harmless = _harmless_if(pattern, name)
                if harmless is not None:
                    text = list(text)  # read to judge it; the secret scan still reads it
                    if harmless("".join(text)):
                        pattern = None
                if pattern:
                    found.append(Finding(path.name, name, SENSITIVE_NAME, None, f" ({pattern!r})"))
                if isinstance(stream, Unreadable):
                    found.append(Finding(path.name, name, stream.kind, None, stream.detail))
                else:
                    found.extend(
                        Finding(path.name, name, hit.kind, hit.line, secret=hit.secret)
                        for hit in scanner.scan_chunks(text)
                    )
                report.findings.extend(
                    f for f in found if not any(f.allowed_by(entry) for entry in secret_allow)
                )
    report.seconds = time.perf_counter() - started
    report.cpu_seconds = time.process_time() - cpu_started
    return report


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
