"""``[tool.releasekit.alerts]``: who hears about a release (apprise URLs) and when."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import AfterValidator, Field

from .config_tables import StrictModel
from .redact import register_secret

__all__ = ["AlertKind", "AlertSettings", "check_alert_url", "register_url_secrets"]

AlertKind = Literal["release-failed", "release-succeeded", "gate-failed"]
ALL_KINDS: tuple[AlertKind, ...] = ("release-failed", "release-succeeded", "gate-failed")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")
_TOKEN_LEN = 16  # a host or path segment this long (or mixing letters and digits) is a token
_MIXED = re.compile(r"^(?=.*[A-Za-z])(?=.*[0-9])[A-Za-z0-9_.~+=-]{8,}$")
_SECRET_QUERY = re.compile(r"(?i)token|key|secret|pass|auth|sig")


def register_url_secrets(url: str) -> None:
    """Register the secret parts of an apprise URL with the redactor: the whole URL, its
    password, and every user, host, path segment or query value that looks like a token."""
    register_secret(url)
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL at all: the whole of it is registered
        return
    host = parts.netloc.rpartition("@")[2].rpartition(":")[0] or parts.netloc.rpartition("@")[2]
    candidates = [parts.username or "", "" if "." in host else host, *parts.path.split("/")]
    register_secret(unquote(parts.password or ""))
    for key, value in parse_qsl(parts.query):
        if _SECRET_QUERY.search(key):
            register_secret(value)
        candidates.append(value)
    for part in map(unquote, candidates):
        if len(part) >= _TOKEN_LEN or _MIXED.match(part):
            register_secret(part)


def check_alert_url(value: str) -> str:
    register_url_secrets(value)  # as soon as it is read, before anything can show it
    if not _SCHEME.match(value):
        raise ValueError(
            "must be an apprise URL such as json://host/path, slack://..., mailto://..., "
            "matrix://... (see https://github.com/caronc/apprise/wiki)"
        )
    return value


AlertUrl = Annotated[str, AfterValidator(check_alert_url)]


class AlertSettings(StrictModel):
    """Notifications sent through apprise when a release fails or succeeds."""

    urls: list[AlertUrl] = Field(
        default_factory=list,
        description="Apprise URLs to notify (json://, slack://, mailto://, matrix://, ...). "
        "They usually carry secrets: prefer the environment variable RELEASEKIT_ALERT_URLS "
        "(URLs separated by spaces or commas), which adds to this list. Their passwords and "
        "tokens are redacted from every output.",
    )
    on: list[AlertKind] = Field(
        default_factory=lambda: list(ALL_KINDS),
        description="Events that send an alert: release-failed, release-succeeded, gate-failed "
        "(the gate step failed on the remote's default branch; sent instead of release-failed).",
    )
    timeout: float = Field(
        10.0,
        gt=0,
        le=300,
        description="Seconds a release waits, at most, for its alerts to be delivered before it "
        "ends anyway (a WARNING says so). Delivery runs in the background and never changes "
        "the release's outcome or exit status.",
    )
