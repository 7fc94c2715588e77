"""Alerts at the library level: which event sends which alert, what the body says, that secrets
never reach it, and that a dead receiver neither blocks past the timeout nor raises. Deliveries
go through apprise for real, to a webhook receiver on 127.0.0.1 (tests/webhook.py)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from releasekit.alert_settings import AlertSettings, register_url_secrets
from releasekit.alerts import URLS_ENV, Alerter, alert_problems, alert_urls, alert_values
from releasekit.config import load_config
from releasekit.errors import ConfigError
from releasekit.events import EventLog
from releasekit.redact import redact
from releasekit.ui import Reporter

from ..webhook import closed_port, hanging_port, receiver

ALL = frozenset({"release-failed", "release-succeeded", "gate-failed"})
FAILED: dict[str, Any] = {
    "event": "release-failed",
    "step": "build",
    "version": "2.3.0",
    "error": "the build failed: hatchling exited 1",
    "exit_code": 5,
    "release_id": "20261202T120000-abcdef",
    "message": "the release of 2.3.0 failed in build",
}


def _reporter() -> tuple[Reporter, io.StringIO]:
    out = io.StringIO()
    return Reporter(console=Console(file=out, width=400)), out


def _alerter(urls: list[str], *, on: frozenset[str] = ALL, default: bool = True) -> Alerter:
    return Alerter(urls, on, 5.0, "simple-pkg", lambda: default)


@pytest.mark.parametrize(
    ("event", "step", "on", "default", "kind"),
    [
        ("release-complete", "release", ALL, True, "release-succeeded"),
        ("release-failed", "build", ALL, True, "release-failed"),
        ("release-failed", "gate", ALL, True, "gate-failed"),
        ("release-failed", "gate", ALL, False, "release-failed"),  # not the default branch
        ("release-failed", "gate", frozenset({"release-failed"}), True, "release-failed"),
        ("release-failed", "build", frozenset({"gate-failed"}), True, None),
        ("release-complete", "release", frozenset({"release-failed"}), True, None),
        ("step-failed", "build", ALL, True, None),
    ],
)
def test_which_event_sends_which_alert(
    event: str, step: str, on: frozenset[str], default: bool, kind: str | None
) -> None:
    alert = _alerter(["json://127.0.0.1:1/"], on=on, default=default).alert_for(
        {**FAILED, "event": event, "step": step}
    )
    assert (alert.kind if alert else None) == kind


def test_failure_and_success_are_delivered_with_version_step_and_error() -> None:
    reporter, out = _reporter()
    with receiver() as hook:
        alerter = _alerter([hook.url("/releases")])
        alerter.prepare()
        log = EventLog()
        log.listeners.append(alerter)
        log.emit(
            "release-failed", level="error", **{k: v for k, v in FAILED.items() if k != "event"}
        )
        log.emit("release-complete", step="release", message="released 2.3.0", version="2.3.0")
        got = hook.wait_for(2)
        alerter.drain(reporter)
    assert out.getvalue() == ""  # delivered: no warning
    bodies = sorted((r.json() for r in got), key=lambda b: b["type"])
    assert [b["type"] for b in bodies] == ["failure", "success"]
    failure, success = bodies
    assert failure["title"] == "releasekit: simple-pkg 2.3.0 release failed"
    for needle in ("2.3.0", "step: build", "hatchling exited 1", "20261202T120000-abcdef"):
        assert needle in failure["message"]
    assert success["title"] == "releasekit: simple-pkg 2.3.0 released"
    assert {r.path for r in got} == {"/releases"}


def test_secrets_of_the_url_and_the_environment_never_reach_the_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEPLOY_TOKEN", "tok-Zq81xVv02mmPQ")
    with receiver() as hook:
        url = hook.url(userinfo="alerts:hunter2-Pw9xK")
        monkeypatch.setenv(URLS_ENV, url)
        urls = alert_urls(AlertSettings.model_validate({}))
        alerter = _alerter(urls)
        log = EventLog()
        log.listeners.append(alerter)
        leaky = f"upload refused: {url} said 401 with DEPLOY_TOKEN=tok-Zq81xVv02mmPQ"
        log.emit("release-failed", level="error", step="publish", version="1.0", error=leaky)
        (got,) = hook.wait_for(1)
        alerter.drain(_reporter()[0])
    assert got.headers["Authorization"].startswith("Basic ")  # the receiver's own credential
    body = got.body.decode()
    for secret in ("hunter2-Pw9xK", "tok-Zq81xVv02mmPQ", url):
        assert secret not in body
    assert "********" in body and "publish" in body


def test_dead_receivers_warn_once_and_do_not_block_past_the_timeout() -> None:
    reporter, out = _reporter()
    with hanging_port() as hanging:
        urls = [f"json://127.0.0.1:{hanging}/hook", f"json://127.0.0.1:{closed_port()}/hook"]
        alerter = Alerter(urls, ALL, 0.5, "simple-pkg", lambda: True)
        alerter(dict(FAILED))
        (delivery,) = alerter.deliveries
        alerter.drain(reporter)  # returns although the hanging receiver never answers
        assert delivery.thread.is_alive()  # drain gave up on it rather than waiting
    lines = out.getvalue().splitlines()
    assert len([line for line in lines if line.startswith("WARNING")]) == 1
    assert "not delivered within 0.5s" in out.getvalue()


def test_closed_port_is_reported_as_not_delivered() -> None:
    reporter, out = _reporter()
    alerter = _alerter([f"json://127.0.0.1:{closed_port()}/hook"])
    alerter(dict(FAILED))
    alerter.drain(reporter)
    text = " ".join(out.getvalue().split())
    assert text.startswith("WARNING alert release-failed not delivered: ")
    assert "outcome is unchanged" in text


def test_an_unknown_scheme_is_a_warning_not_an_exception() -> None:
    reporter, out = _reporter()
    alerter = _alerter(["nosuchservice://example.invalid/x"])
    alerter(dict(FAILED))
    alerter.drain(reporter)
    assert "apprise does not understand" in " ".join(out.getvalue().split())


@pytest.mark.parametrize(
    ("url", "secrets", "kept"),
    [
        ("json://bob:pa55-word-x@hooks.example.com/hook", ["pa55-word-x"], "hooks.example.com"),
        (
            "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#general",
            ["T1JJ3T3L2", "A1BRTD4JD", "TIiajkdnlazkcOXrIdevi7FQ"],
            "general",
        ),
        ("mailto://user:app-pass-123@gmail.com", ["app-pass-123"], "gmail.com"),
        (
            "matrix://bot:m4trix-pass@matrix.example.org/!room?token=abc123token",
            ["m4trix-pass", "abc123token"],
            "matrix.example.org",
        ),
    ],
)
def test_url_secrets_are_registered_with_the_redactor(
    url: str, secrets: list[str], kept: str
) -> None:
    register_url_secrets(url)
    for secret in secrets:
        assert secret not in redact(f"said {secret} here")
    assert kept in redact(f"host {kept}")
    assert url not in redact(f"the url {url}")


def test_alert_config_is_validated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\n[tool.releasekit.alerts]\n'
        'urls = ["json://127.0.0.1:9/hook"]\non = ["release-failed"]\ntimeout = 3\n',
        encoding="utf-8",
    )
    config = load_config(tmp_path)
    assert config.alerts.on == ["release-failed"] and config.alerts.timeout == 3
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "1"\n[tool.releasekit.alerts]\nurls = ["not a url"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"alerts\.urls"):
        load_config(tmp_path)
    monkeypatch.setenv(URLS_ENV, "json://127.0.0.1:9/a, nonsense")
    with pytest.raises(ConfigError, match=URLS_ENV):
        alert_urls(AlertSettings.model_validate({}))


def test_doctor_names_urls_apprise_does_not_understand(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = AlertSettings.model_validate({"urls": ["json://127.0.0.1:9/ok"]})
    assert list(alert_problems(settings)) == []
    monkeypatch.setenv(URLS_ENV, "nosuchservice://example.invalid/x")
    ((what, fix),) = alert_problems(settings)
    assert what == "alert URL 2 (nosuchservice://...) is not one apprise understands"
    assert URLS_ENV in fix
    monkeypatch.setenv(URLS_ENV, "nonsense")
    ((what, fix),) = alert_problems(settings)
    assert what.startswith(f"environment variable {URLS_ENV}")


def test_config_shows_where_alerts_go_without_the_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = AlertSettings.model_validate({"urls": ["json://u:pw-secret-1@hooks.example.com/"]})
    monkeypatch.delenv(URLS_ENV, raising=False)
    assert alert_values(settings, "pyproject.toml") == {
        "alerts.urls": (["json://..."], "pyproject.toml")
    }
    monkeypatch.setenv(URLS_ENV, "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ")
    assert alert_values(settings, "pyproject.toml") == {
        "alerts.urls": (
            ["json://...", "slack://..."],
            f"pyproject.toml + environment variable {URLS_ENV}",
        )
    }
