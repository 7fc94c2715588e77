"""How long a half-published release can still be finished on PyPI.

Since July 2026 PyPI (and TestPyPI, the same Warehouse) refuses new files for a release older
than 14 days. A release is created by its first uploaded file, so a release left half-published
(some files uploaded, the journal not finished) must get its missing files before then; after
that the only way on is a new version. The clock starts at the earliest upload the journal
records as begun (an upload that died unrecorded may still have created the release).
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from .journal import Journal

__all__ = ["WAREHOUSE", "WINDOW", "upload_deadline", "window_note"]

WINDOW = dt.timedelta(days=14)
#: Targets that enforce the window, by name and by upload host.
WAREHOUSE = frozenset({"pypi", "testpypi", "upload.pypi.org", "test.pypi.org"})


def _warehouse(target: object) -> bool:
    name = str(target)
    return name in WAREHOUSE or urlsplit(name).hostname in WAREHOUSE


def upload_deadline(journal: Journal) -> dt.datetime | None:
    """When the target stops accepting files of this release; None when it does not apply
    (finished, nothing uploaded yet, or a target without the limit)."""
    if journal.finished or not _warehouse(journal.header.get("target")):
        return None
    record = journal.steps().get("publish")
    if record is None:
        return None
    started = [
        float(effect["ts"])
        for effect in record.effects
        if effect.get("action") in {"uploading", "uploaded"} and "ts" in effect
    ]
    if not started:
        return None
    return dt.datetime.fromtimestamp(min(started), dt.UTC) + WINDOW


def window_note(journal: Journal, now: dt.datetime | None = None) -> str | None:
    """One line for ``releasekit status`` about the 14-day limit, or None."""
    deadline = upload_deadline(journal)
    if deadline is None:
        return None
    now = now or dt.datetime.now(dt.UTC)
    target = journal.header.get("target")
    version = journal.header.get("version")
    when = deadline.strftime("%Y-%m-%d %H:%M UTC")
    if now >= deadline:
        return (
            f"{target} stopped accepting files of {version} on {when} (14 days after its first "
            f"upload): the missing files can no longer be uploaded; yank {version} and release "
            "a new version"
        )
    days = (deadline - now).days
    return (
        f"{target} refuses new files of {version} after {when} (14 days after its first upload; "
        f"{days} day{'s' * (days != 1)} left): finish it with `releasekit release --resume` "
        "before then"
    )
