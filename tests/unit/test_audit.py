"""The dependency audit's library: the dependency walk, pip-audit (real) against a double of the
advisory source, and the policy (fail_on, ignore entries and their expiry, unreachable).

The advisory source is a TEST DOUBLE (tests/advisory_double.py): api.osv.dev and PyPI's JSON API
cannot be reached from the test machines. pip-audit itself runs for real, through --osv-url."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from releasekit import audit
from releasekit.audit_settings import AuditIgnore, AuditSettings
from releasekit.errors import StepFailed

from ..advisory_double import osv_double
from ..conftest import free_port

TODAY = datetime.date(2026, 12, 2)


def _dist(site: Path, name: str, version: str, *requires: str) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    lines = [f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"]
    lines += [f"Requires-Dist: {r}\n" for r in requires]
    (info / "METADATA").write_text("".join(lines), encoding="utf-8")


def _site(tmp_path: Path, idna: str) -> Path:
    site = tmp_path / "site"
    _dist(site, "my-app", "1.0", "idna>=3", "extra-only; extra == 'x'", "never; python_version<'3'")
    _dist(site, "idna", idna)
    _dist(site, "extra-only", "1.0")
    _dist(site, "unrelated", "2.0")
    return site


def test_runtime_dependencies_follow_requires_dist_markers_and_extras(tmp_path: Path) -> None:
    site = _site(tmp_path, "3.6")
    assert audit.runtime_dependencies([site], ["my_app"]) == {"idna": "3.6"}
    _dist(site, "user", "1.0", "my-app[x]")
    assert audit.runtime_dependencies([site], ["user"]) == {
        "extra-only": "1.0",
        "idna": "3.6",
        "my-app": "1.0",
    }


def _finding(fixed: tuple[str, ...] = ("3.7",)) -> audit.Finding:
    return audit.Finding("idna", "3.6", "PYSEC-2024-60", ("CVE-2024-3651",), fixed)


@pytest.mark.parametrize(
    ("fail_on", "fixed", "blocks"),
    [
        ("fixable", ("3.7",), True),
        ("fixable", (), False),
        ("any", (), True),
        ("none", ("3.7",), False),
    ],
)
def test_fail_on_policy(fail_on: str, fixed: tuple[str, ...], blocks: bool) -> None:
    settings = AuditSettings(fail_on=fail_on)  # type: ignore[arg-type]
    report = audit.judge([_finding(fixed)], settings, TODAY)
    assert bool(report.blocking) is blocks
    assert bool(report.reported) is not blocks


@pytest.mark.parametrize(
    ("ignored_id", "expires", "outcome"),
    [
        ("PYSEC-2024-60", TODAY, "ignored"),  # in force through its last day
        ("cve-2024-3651", TODAY, "ignored"),  # an alias matches, case-insensitively
        ("PYSEC-2024-60", TODAY - datetime.timedelta(days=1), "expired"),
        ("PYSEC-1999-1", TODAY, "blocking"),
    ],
)
def test_ignore_entries_and_their_expiry(
    ignored_id: str, expires: datetime.date, outcome: str
) -> None:
    entry = AuditIgnore(id=ignored_id, reason="not reachable from our code", expires=expires)
    report = audit.judge([_finding()], AuditSettings(ignore=[entry]), TODAY)
    assert {"ignored": report.ignored, "expired": report.expired, "blocking": report.blocking}[
        outcome
    ]


def test_vulnerable_dependency_is_refused_with_id_and_fixed_version(tmp_path: Path) -> None:
    with osv_double() as (url, queries):
        settings = AuditSettings(osv_url=url)
        with pytest.raises(StepFailed) as failed:
            audit.audit([_site(tmp_path, "3.6")], ["my-app"], settings, tmp_path / "w", today=TODAY)
    assert "idna 3.6: PYSEC-2024-60 (fixed in: 3.7)" in failed.value.message
    assert queries == [{"package": {"name": "idna", "ecosystem": "PyPI"}, "version": "3.6"}]


def test_ignore_lets_it_through_until_it_expires(tmp_path: Path) -> None:
    site = _site(tmp_path, "3.6")

    def settings(expires: datetime.date) -> AuditSettings:
        entry = AuditIgnore(
            id="GHSA-jjg7-2v4v-x38h", reason="we never encode input", expires=expires
        )
        return AuditSettings(osv_url=url, ignore=[entry])

    with osv_double() as (url, _):
        report = audit.audit([site], ["my-app"], settings(TODAY), tmp_path / "w", today=TODAY)
        assert [(f.id, i.reason) for f, i in report.ignored] == [
            ("PYSEC-2024-60", "we never encode input")
        ]
        assert "ignored until 2026-12-02 (we never encode input)" in report.lines()[0]
        with pytest.raises(StepFailed) as failed:
            audit.audit(
                [site],
                ["my-app"],
                settings(datetime.date(2026, 12, 1)),
                tmp_path / "w",
                today=TODAY,
            )
    assert (
        "PYSEC-2024-60 (fixed in: 3.7) (ignore entries expired: GHSA-jjg7-2v4v-x38h on 2026-12-01)"
        in (failed.value.message)
    )


def test_safe_version_passes(tmp_path: Path) -> None:
    with osv_double() as (url, _):
        report = audit.audit(
            [_site(tmp_path, "3.7")], ["my-app"], AuditSettings(osv_url=url), tmp_path / "w"
        )
    assert report.audited == {"idna": "3.7"} and not report.lines()


def test_unreachable_source_fails_by_default_and_warns_when_allowed(tmp_path: Path) -> None:
    site = _site(tmp_path, "3.6")
    dead = f"http://127.0.0.1:{free_port()}/v1/query"
    with pytest.raises(StepFailed) as failed:
        audit.audit([site], ["my-app"], AuditSettings(osv_url=dead), tmp_path / "w")
    assert "NOT audited" in failed.value.message
    assert audit.SKIP_ENV in str(failed.value.hint)
    report = audit.audit(
        [site], ["my-app"], AuditSettings(osv_url=dead, unreachable="warn"), tmp_path / "w"
    )
    assert report.not_audited and "NOT audited" in report.lines()[-1]


def test_probe_knows_before_the_release(tmp_path: Path) -> None:
    with osv_double() as (url, _):
        assert audit.probe(AuditSettings(osv_url=url)) is None
    dead = AuditSettings(osv_url=f"http://127.0.0.1:{free_port()}/v1/query")
    assert "unreachable" in str(audit.probe(dead))


def test_skip_reason_comes_from_the_environment_or_the_config() -> None:
    assert audit.skip_reason(AuditSettings(), {}) is None
    assert audit.skip_reason(AuditSettings(skip="offline demo"), {}) == (
        "offline demo ([tool.releasekit.audit] skip)"
    )
    assert "(RELEASEKIT_AUDIT_SKIP)" in str(
        audit.skip_reason(AuditSettings(), {audit.SKIP_ENV: "x"})
    )


def test_doctor_audits_the_project_as_installed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from releasekit.steps.verify import audit_installed

    from ..conftest import step_context

    monkeypatch.delenv(audit.SKIP_ENV)  # the suite sets it (tests/conftest.py)
    site = _site(tmp_path, "3.6")
    monkeypatch.syspath_prepend(str(site))
    root = tmp_path / "project"
    root.mkdir()
    with osv_double() as (url, _):
        (root / "pyproject.toml").write_text(
            '[project]\nname = "my-app"\nversion = "1.0.0"\n\n'
            f'[tool.releasekit.audit]\nosv_url = "{url}"\n',
            encoding="utf-8",
        )
        problems = list(audit_installed(step_context(root, dry_run=True)))
    assert len(problems) == 1
    assert "idna 3.6: PYSEC-2024-60 (fixed in: 3.7)" in problems[0][0]
    assert "as installed in this environment" in problems[0][0]


@pytest.mark.parametrize(("dependencies", "problems"), [("[]", 0), ('["idna"]', 1)])
def test_preflight_probes_only_when_there_is_something_to_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dependencies: str, problems: int
) -> None:
    from releasekit.steps.verify import audit_problems

    from ..conftest import step_context

    monkeypatch.delenv(audit.SKIP_ENV)
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "my-app"\nversion = "1.0.0"\ndependencies = {dependencies}\n\n'
        f'[tool.releasekit.audit]\nosv_url = "http://127.0.0.1:{free_port()}/v1/query"\n',
        encoding="utf-8",
    )
    found = list(audit_problems(step_context(tmp_path)))
    assert len(found) == problems
    assert all("RELEASEKIT_AUDIT_SKIP" in fix for _, fix in found)
