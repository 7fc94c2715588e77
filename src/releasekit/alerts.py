"""Alerts: a notification through apprise when a release fails, succeeds, or its gate fails.

The :class:`Alerter` listens to the release's events (:mod:`releasekit.events`). When one it is
configured for arrives, it starts delivering at once in a daemon thread; :func:`alerting` waits
for the deliveries when the run ends, at most ``[tool.releasekit.alerts] timeout`` seconds after
the event. A delivery that fails or times out is one WARNING line: an alert never changes a
release's outcome or exit status. Every text sent has passed the one redactor, and the secrets
in the URLs are registered with it before anything is printed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .alert_settings import AlertSettings, check_alert_url, register_url_secrets
from .errors import ConfigError
from .git import Git, remote_default_branch
from .redact import redact

if TYPE_CHECKING:
    from .context import Context
    from .ui import Reporter

__all__ = [
    "URLS_ENV",
    "Alert",
    "Alerter",
    "alert_problems",
    "alert_urls",
    "alert_values",
    "alerting",
]

URLS_ENV = "RELEASEKIT_ALERT_URLS"


def alert_urls(settings: AlertSettings, environ: Mapping[str, str] | None = None) -> list[str]:
    """The configured URLs plus those of RELEASEKIT_ALERT_URLS, their secrets registered."""
    env = os.environ if environ is None else environ
    extra = [u for u in re.split(r"[\s,]+", env.get(URLS_ENV, "")) if u]
    for number, url in enumerate(extra, start=1):
        register_url_secrets(url)
        try:
            check_alert_url(url)
        except ValueError as exc:
            raise ConfigError(
                f"environment variable {URLS_ENV}: URL {number} of {len(extra)} {exc}",
                hint="separate URLs with spaces or commas",
            ) from None
    for url in settings.urls:
        register_url_secrets(url)
    return [*settings.urls, *extra]


def _shown(url: str) -> str:
    """An alert URL as it may be shown: its scheme only (the rest is registered as secret)."""
    return url.partition("://")[0] + "://..."


def alert_values(settings: AlertSettings, where: str) -> dict[str, tuple[list[str], str]]:
    """For ``releasekit config``: the URLs alerts go to, scheme only, and where they come from."""
    urls = alert_urls(settings)
    sources = [where] if settings.urls else []
    if len(urls) > len(settings.urls):
        sources.append(f"environment variable {URLS_ENV}")
    return {"alerts.urls": ([_shown(u) for u in urls], " + ".join(sources) or "default")}


def alert_problems(settings: AlertSettings) -> Iterator[tuple[str, str]]:
    """For ``doctor``: alert URLs that are malformed or that apprise does not understand."""
    try:
        urls = alert_urls(settings)
    except ConfigError as exc:
        yield exc.message, exc.hint or ""
        return
    if not urls:
        return
    with warnings.catch_warnings():  # apprise's own deprecations are not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise

        logging.getLogger("apprise").addHandler(logging.NullHandler())
        for number, url in enumerate(urls, start=1):
            if not apprise.Apprise().add(url):
                yield (
                    f"alert URL {number} ({_shown(url)}) is not one apprise understands",
                    "check the service's URL format (https://github.com/caronc/apprise/wiki) in "
                    f"[tool.releasekit.alerts] urls or {URLS_ENV}",
                )


@dataclass(frozen=True)
class Alert:
    kind: str
    title: str
    body: str


@dataclass
class _Delivery:
    alert: Alert
    thread: threading.Thread
    started: float
    error: str | None = None


def _text(record: Mapping[str, Any]) -> str:
    lines = [str(record.get("message", ""))]
    for key in ("version", "target", "step", "error", "exit_code", "release_id", "ts"):
        if record.get(key) not in (None, ""):
            lines.append(f"{key}: {record[key]}")
    return redact("\n".join(lines))


@dataclass
class Alerter:
    """Turns release events into alerts and delivers them in the background."""

    urls: Sequence[str]
    on: frozenset[str]
    timeout: float
    project: str
    #: Whether the release runs on the remote's default branch (asked once, on a gate failure).
    on_default_branch: Callable[[], bool] = lambda: True
    deliveries: list[_Delivery] = field(default_factory=list)
    _ready: threading.Thread | None = None
    _notifier: Any = None  # apprise.Apprise, once loaded
    _types: dict[str, Any] = field(default_factory=dict)
    _setup_error: str | None = None

    def alert_for(self, record: Mapping[str, Any]) -> Alert | None:
        """The alert an event calls for under this configuration, if any."""
        event = record.get("event")
        kind: str | None = None
        if event == "release-complete" and "release-succeeded" in self.on:
            kind = "release-succeeded"
        elif event == "release-failed":
            if (
                record.get("step") == "gate"
                and "gate-failed" in self.on
                and self.on_default_branch()
            ):
                kind = "gate-failed"
            elif "release-failed" in self.on:
                kind = "release-failed"
        if kind is None:
            return None
        what = {
            "release-succeeded": "released",
            "release-failed": "release failed",
            "gate-failed": "quality gate failed on the default branch",
        }[kind]
        title = redact(f"releasekit: {self.project} {record.get('version', '')} {what}")
        return Alert(kind, title, _text(record))

    def __call__(self, record: Mapping[str, Any]) -> None:
        alert = self.alert_for(record)
        if alert is None or not self.urls:
            return
        delivery = _Delivery(alert, threading.Thread(), time.monotonic())
        delivery.thread = threading.Thread(
            target=self._deliver, args=(delivery,), name=f"alert-{alert.kind}", daemon=True
        )
        self.deliveries.append(delivery)
        delivery.thread.start()

    def prepare(self) -> None:
        """Import apprise and read the URLs in the background now, so an event waits for
        neither (the import alone takes most of a second)."""
        self._ready = threading.Thread(target=self._load, name="alert-setup", daemon=True)
        self._ready.start()

    def _load(self) -> None:
        with warnings.catch_warnings():  # apprise's own deprecations (imghdr) are not ours
            warnings.simplefilter("ignore", DeprecationWarning)
            self._load_apprise()

    def _load_apprise(self) -> None:
        try:
            import apprise  # imported here: a release without alerts never pays for it

            logging.getLogger("apprise").addHandler(logging.NullHandler())
            notifier = apprise.Apprise()
            bad = [url for url in self.urls if not notifier.add(url)]
            if bad:
                self._setup_error = f"apprise does not understand {_shown(bad[0])}"
            self._notifier = notifier
            self._types = {
                "release-succeeded": apprise.NotifyType.SUCCESS,
                "release-failed": apprise.NotifyType.FAILURE,
                "gate-failed": apprise.NotifyType.FAILURE,
            }
        except Exception as exc:  # an alert must never fail the release
            self._setup_error = redact(f"{type(exc).__name__}: {exc}")

    def _deliver(self, delivery: _Delivery) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self._notify(delivery)

    def _notify(self, delivery: _Delivery) -> None:
        if self._ready is None:
            self._load()
        else:
            self._ready.join()
        try:
            if self._notifier is None or not len(self._notifier):
                delivery.error = self._setup_error or "no usable alert URL"
                return
            sent = self._notifier.notify(
                title=delivery.alert.title,
                body=delivery.alert.body,
                notify_type=self._types[delivery.alert.kind],
            )
            if not sent:
                delivery.error = self._setup_error or (
                    "the notification service refused it or could not be reached"
                )
        except Exception as exc:  # an alert must never fail the release
            delivery.error = redact(f"{type(exc).__name__}: {exc}")

    def drain(self, reporter: Reporter) -> None:
        """Wait for the deliveries, each at most ``timeout`` seconds from its event; one WARNING
        line for those that failed or did not finish."""
        for delivery in self.deliveries:
            left = delivery.started + self.timeout - time.monotonic()
            delivery.thread.join(max(left, 0.0))
            problem = delivery.error
            if delivery.thread.is_alive():
                problem = f"not delivered within {self.timeout:g}s (alerts timeout)"
            if problem:
                reporter.warn(
                    f"alert {delivery.alert.kind} not delivered: {problem}; the release's "
                    "outcome is unchanged (check [tool.releasekit.alerts] urls or "
                    f"{URLS_ENV})"
                )
        self.deliveries.clear()


def _default_branch_check(ctx: Context) -> Callable[[], bool]:
    def check() -> bool:
        branch = Git(ctx.root).branch()
        default = remote_default_branch(ctx.root, ctx.config.remote)
        return branch is not None and (branch == default if default else True)

    return check


@contextlib.contextmanager
def alerting(ctx: Context) -> Iterator[None]:
    """Alerts for the events of this run, delivered by the time it ends (or given up on)."""
    settings = ctx.config.alerts
    urls = alert_urls(settings)
    if not urls:
        yield
        return
    project = ", ".join(p.name for p in ctx.workspace.packages)
    alerter = Alerter(
        urls, frozenset(settings.on), settings.timeout, project, _default_branch_check(ctx)
    )
    alerter.prepare()
    events = ctx.reporter.events
    events.listeners.append(alerter)
    try:
        yield
    finally:
        events.listeners.remove(alerter)
        alerter.drain(ctx.reporter)
