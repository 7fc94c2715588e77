"""The dependency audit in real releases: a project depending on idna 3.6 (PYSEC-2024-60, fixed
in 3.7) is refused in verify, before anything is uploaded; an ignore entry with a reason lets it
through; an unreachable advisory source stops the release in preflight, before it starts.

The advisory source is a TEST DOUBLE of the OSV API on loopback (tests/advisory_double.py,
pip-audit's supported --osv-url): api.osv.dev and PyPI's JSON API are not reachable from the test
machines. Everything else is real: the build, the fresh venv with idna installed from PyPI's
files, pip-audit, the embedded index."""

from __future__ import annotations

from pathlib import Path

from ..advisory_double import osv_double
from ..conftest import PROJECTS, Sandbox, free_port, git, make_sandbox


def _pyproject(osv_url: str, extra: str = "") -> str:
    text = (PROJECTS / "simple" / "pyproject.toml").read_text(encoding="utf-8")
    text = text.replace('license = "MIT"\n', 'license = "MIT"\ndependencies = ["idna==3.6"]\n')
    return text + f'\n[tool.releasekit.audit]\nosv_url = "{osv_url}"\n{extra}'


def _sandbox(tmp_path: Path, osv_url: str) -> Sandbox:
    sandbox = make_sandbox(tmp_path, "simple", edit={"pyproject.toml": _pyproject(osv_url)})
    sandbox.env.pop("RELEASEKIT_AUDIT_SKIP", None)
    return sandbox


def test_vulnerable_dependency_refused_before_upload_until_ignored(tmp_path: Path) -> None:
    with osv_double() as (url, queries):
        sandbox = _sandbox(tmp_path, url)
        done = sandbox.run("release", "patch", "--to", "local", "--yes")
        assert done.returncode == 5, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
        assert len(errors) == 1
        assert "idna 3.6: PYSEC-2024-60 (fixed in: 3.7)" in errors[0]
        assert not sandbox.index_files()  # nothing was uploaded
        assert {"package": {"name": "idna", "ecosystem": "PyPI"}, "version": "3.6"} in queries

        ignore = (
            '[[tool.releasekit.audit.ignore]]\nid = "CVE-2024-3651"\n'
            'reason = "simple-pkg never passes untrusted input to idna.encode"\n'
            "expires = 2999-12-31\n"
        )
        (sandbox.repo / "pyproject.toml").write_text(_pyproject(url, ignore), encoding="utf-8")
        git(sandbox.repo, "commit", "-qam", "Accept PYSEC-2024-60 for now")
        done = sandbox.run("release", "patch", "--to", "local", "--yes")
        assert done.returncode == 0, done.stderr
        assert "ignored until 2999-12-31 (simple-pkg never passes untrusted input" in done.stderr
        assert "idna 3.6: PYSEC-2024-60 (fixed in: 3.7)" in done.stderr
        assert any(name.endswith(".whl") for name in sandbox.index_files())


def test_unreachable_advisory_source_is_known_in_preflight(tmp_path: Path) -> None:
    sandbox = _sandbox(tmp_path, f"http://127.0.0.1:{free_port()}/v1/query")
    before = sandbox.snapshot()
    done = sandbox.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 3, done.stderr
    assert "advisory source" in done.stderr and "RELEASEKIT_AUDIT_SKIP" in done.stderr
    assert sandbox.snapshot() == before  # nothing was changed, nothing built

    skipped = sandbox.run(
        "plan", "patch", env={"RELEASEKIT_AUDIT_SKIP": "offline, audited in CI"}, check=True
    )
    shown = skipped.stdout + skipped.stderr
    assert "skipped (offline, audited in CI (RELEASEKIT_AUDIT_SKIP))" in shown
