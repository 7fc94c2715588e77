"""False alarms of the artifact scan, measured on the sdists and wheels of popular real projects
downloaded from PyPI at pinned versions (the test needs PyPI; CI reaches it): the wheels pip
chooses for this machine, and the sdists from the index's simple page, hash-checked.

Projects that really ship test keys or example tokens are scanned with the allow-list entries
documented in docs/explanation/secret-scan.md; the test proves that those entries cover only
their test vectors and examples, and that every other project has zero findings.

``python -m tests.e2e.test_secret_scan_real`` prints the table the docs page shows.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name, parse_sdist_filename, parse_wheel_filename
from packaging.version import Version

from releasekit.artifacts import Finding, ScanReport, scan
from releasekit.config import SecretAllow
from releasekit.index import list_files

CLEAN = {
    "attrs": "24.3.0",
    "black": "24.10.0",
    "certifi": "2025.6.15",  # its cacert.pem holds certificates only (judged by content)
    "click": "8.1.8",
    "flask": "3.1.0",  # its tests/test_apps/.env sets nothing secret (judged by content)
    "httpx": "0.28.1",
    "jinja2": "3.1.5",
    "packaging": "24.2",
    "pytest": "8.3.4",
    "rich": "13.9.4",
    "twine": "6.0.1",
}


def _allow(path: str, reason: str, kind: str | None = None) -> SecretAllow:
    return SecretAllow(path=path, kind=kind, reason=reason)


KEY, NAME, JWT = "Private Key", "Sensitive file name", "JSON Web Token"
#: The allow-list of each project that ships test keys or examples (see the docs page).
ALLOWED: dict[str, tuple[str, list[SecretAllow]]] = {
    "requests": ("2.32.3", [_allow("tests/certs/*", "TLS keys made for requests' test server")]),
    # its test/contrib/*.pem is a certificate only: not a finding (judged by content)
    "urllib3": ("2.3.0", [_allow("dummyserver/certs/*", "TLS keys of urllib3's test server")]),
    "paramiko": (
        "3.5.0",
        [
            _allow("tests/*", "SSH key test vectors", kind=KEY),
            _allow("tests/*.key", "SSH key test vectors", kind=NAME),
            _allow("demos/*", "the demo server's published example host key"),
        ],
    ),
    "pyjwt": (
        "2.10.1",
        [
            _allow("tests/*", "JWT and key test vectors"),
            _allow("docs/*", "example keys and tokens of the documentation"),
            _allow("README.rst", "the README's example token", kind=JWT),
            _allow("CHANGELOG.rst", "an example token in a changelog entry", kind=JWT),
            _allow("PKG-INFO", "the README's example token", kind=JWT),
            _allow("*.egg-info/PKG-INFO", "the README's example token", kind=JWT),
            _allow("*.dist-info/METADATA", "the README's example token", kind=JWT),
        ],
    ),
}
#: httpx is clean but for one name: its netrc parsing fixture
ALLOWED["httpx"] = (CLEAN.pop("httpx"), [_allow("tests/fixtures/.netrc", "netrc test fixture")])


INDEX = "https://pypi.org/simple/"


def cache_dir() -> Path:
    """Downloads are kept between runs (set RELEASEKIT_TEST_CACHE to choose where)."""
    base = os.environ.get("RELEASEKIT_TEST_CACHE") or Path(tempfile.gettempdir()) / "releasekit"
    return Path(base) / "real-artifacts"


def _files(where: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in sorted(where.glob("*")):
        if path.name.endswith(".whl"):
            name = parse_wheel_filename(path.name)[0]
        elif path.name.endswith(".tar.gz"):
            name = parse_sdist_filename(path.name)[0]
        else:
            continue
        found.setdefault(name, []).append(path)
    return found


def _sdist(name: str, version: str, where: Path) -> None:
    """``name``'s sdist at ``version``, from the index's simple page, its sha256 checked:
    ``pip download --no-binary`` would build every sdist's metadata (most of a minute here)."""
    entry = next(
        f
        for f in list_files(INDEX, name, timeout=60)
        if f.filename.endswith(".tar.gz")
        and parse_sdist_filename(f.filename)[1] == Version(version)
    )
    with urllib.request.urlopen(entry.url, timeout=120) as response:  # noqa: S310 - https index
        data = response.read()
    assert hashlib.sha256(data).hexdigest() == entry.sha256, entry.filename
    (where / entry.filename).write_bytes(data)


def download(projects: dict[str, str]) -> dict[str, list[Path]]:
    """Each project's sdist and wheel: once, then from the cache directory."""
    where = cache_dir()
    where.mkdir(parents=True, exist_ok=True)
    wanted = [f"{name}=={version}" for name, version in sorted(projects.items())]
    have = _files(where)
    if any(len(have.get(canonicalize_name(name), [])) != 2 for name in projects):
        subprocess.run(  # one pip run for every project's wheel
            [
                *(sys.executable, "-m", "pip", "download", "-q", "--no-deps"),
                *("--only-binary", ":all:", "--disable-pip-version-check", "-d", str(where)),
                *wanted,
            ],
            check=True,
            capture_output=True,
        )
        for name, version in projects.items():
            if not any(p.name.endswith(".tar.gz") for p in have.get(canonicalize_name(name), [])):
                _sdist(name, version, where)
        have = _files(where)
    return {name: have[canonicalize_name(name)] for name in projects}


def measure() -> list[tuple[str, Path, ScanReport, list[Finding]]]:
    """(project, file, its scan report, the findings left after its allow-list)."""
    rows = []
    projects = {**{n: (v, []) for n, v in CLEAN.items()}, **ALLOWED}
    files = download({name: version for name, (version, _) in projects.items()})
    for name, (_, allow) in sorted(projects.items()):
        for path in files[name]:
            report = scan([path])
            left = [f for f in report.findings if not any(f.allowed_by(a) for a in allow)]
            rows.append((name, path, report, left))
    return rows


#: both tests read one measurement: on one xdist worker it is made once (CI: -n 2 --dist loadgroup)
pytestmark = pytest.mark.xdist_group("secret-scan-real")


@pytest.fixture(scope="module")
def measured() -> list[tuple[str, Path, ScanReport, list[Finding]]]:
    return measure()


def test_at_least_ten_clean_projects_and_zero_findings(
    measured: list[tuple[str, Path, ScanReport, list[Finding]]],
) -> None:
    assert len({name for name, *_ in measured}) >= 10
    assert len(CLEAN) >= 8
    leftovers = [f for *_, left in measured for f in left]
    assert leftovers == []
    for name, path, raw, _ in measured:
        if name in CLEAN:
            assert raw.findings == [], (path.name, raw.findings)


def test_allow_lists_cover_only_test_vectors_and_examples(
    measured: list[tuple[str, Path, ScanReport, list[Finding]]],
) -> None:
    """Each allow-list entry is needed (it drops something) and drops only fixtures/examples."""
    for name, _, raw, _ in measured:
        if name not in ALLOWED:
            continue
        for finding in raw.findings:
            top = finding.member.split("/", 1)[0]
            assert top in {"tests", "test", "dummyserver", "demos", "docs"} or finding.kind == JWT
    for name, (_, entries) in ALLOWED.items():
        reports = [raw for project, _, raw, _ in measured if project == name]
        for entry in entries:
            assert any(f.allowed_by(entry) for r in reports for f in r.findings), (name, entry)


def _table(rows: list[tuple[str, Path, ScanReport, list[Finding]]]) -> str:
    lines = [
        "| file | members | MB | seconds | CPU s | MB per CPU s | findings | after allow-list |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for _, path, raw, left in rows:
        mb = raw.bytes / 1e6
        lines.append(
            f"| {path.name} | {raw.members} | {mb:.2f} | {raw.seconds:.2f} "
            f"| {raw.cpu_seconds:.2f} | {mb / raw.cpu_seconds:.1f} | {len(raw.findings)} "
            f"| {len(left)} |"
        )
    total_mb = sum(r.bytes for _, _, r, _ in rows) / 1e6
    total_s = sum(r.seconds for _, _, r, _ in rows)
    total_cpu = sum(r.cpu_seconds for _, _, r, _ in rows)
    lines.append(
        f"| **{len(rows)} files** | {sum(r.members for _, _, r, _ in rows)} | {total_mb:.1f} "
        f"| {total_s:.1f} | {total_cpu:.1f} | {total_mb / total_cpu:.1f} "
        f"| {sum(len(r.findings) for _, _, r, _ in rows)} "
        f"| {sum(len(left) for *_, left in rows)} |"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(_table(measure()))
