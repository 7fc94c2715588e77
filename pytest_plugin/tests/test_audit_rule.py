"""The audit rule: pip-audit (real) over the environment the tests run in.

The advisory source is a TEST DOUBLE of the OSV API on loopback (the repository's
tests/advisory_double.py, through the rule's audit_osv_url): api.osv.dev cannot be reached from
the test machines. The vulnerable package is real: idna 3.6 from PyPI's files (PYSEC-2024-60,
fixed in 3.7), put on PYTHONPATH where pip-audit's `pip list` sees it ahead of the installed one."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from gate_helpers import Project

from pytest_releasekit.verdict import EXIT_GATE_FAILED


def _double() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "tests" / "advisory_double.py"
    spec = importlib.util.spec_from_file_location("advisory_double", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def idna_36(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("idna36")
    subprocess.run(
        [sys.executable, "-m", "uv", "pip", "install", "-q", "--python", sys.executable,
         "--no-deps", "--target", str(target), "idna==3.6"],
        check=True,
    )  # fmt: skip
    return target


def test_vulnerable_package_fails_the_gate_until_ignored(
    project: Project, idna_36: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELEASEKIT_AUDIT_SKIP", raising=False)
    monkeypatch.setenv("PYTHONPATH", str(idna_36))
    project.write({"tests/test_ok.py": "def test_ok(): pass\n"})
    with _double().osv_double() as (url, _):
        project.configure(f'audit = "fixable"\naudit_osv_url = "{url}"\n')
        run = project.run("--gate", "--gate-report=gate-report.json")
        assert run.ret == EXIT_GATE_FAILED
        verdict = run.rule("audit")
        assert verdict["verdict"] == "fail"
        assert "idna 3.6: PYSEC-2024-60 (fixed in: 3.7)" in verdict["details"]

        pyproject = project.path / "pyproject.toml"
        pyproject.write_text(
            pyproject.read_text() + '\n[[tool.releasekit.audit.ignore]]\nid = "PYSEC-2024-60"\n'
            'reason = "the tests never encode untrusted input"\nexpires = 2999-01-01\n'
        )
        run = project.run("--gate", "--gate-report=gate-report.json")
        assert run.ret == 0
        assert run.rule("audit")["verdict"] == "pass"


def test_unreachable_source_is_an_error_and_a_skip_says_so(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RELEASEKIT_AUDIT_SKIP", raising=False)
    project.write({"tests/test_ok.py": "def test_ok(): pass\n"})
    project.configure('audit = "fixable"\naudit_osv_url = "http://127.0.0.1:9/v1/query"\n')
    run = project.run("--gate", "--gate-report=gate-report.json")
    assert run.ret == EXIT_GATE_FAILED
    assert run.rule("audit")["verdict"] == "error"
    monkeypatch.setenv("RELEASEKIT_AUDIT_SKIP", "offline runner")
    run = project.run("--gate", "--gate-report=gate-report.json")
    assert run.ret == 0
    assert run.rule("audit")["verdict"] == "warn"
