"""Release metrics (the four DORA figures) from git tags, the history store and the index.

- **deployment frequency**: releases (version tags) per week in the window.
- **lead time for changes**: median time from a commit to the release that shipped it (the
  commits between the previous release tag and this one), in hours.
- **change-failure rate**: failed changes / (releases + rolled-back attempts). A change failed
  when a release attempt was rolled back (history store), when its files were yanked from the
  index, or when a fix release followed it within the fix window (the next release has the same
  major.minor and comes at most ``fix_window`` later: 1.4.0 then 1.4.1 the next day).
- **time to restore**: median time from a failed change to the next release, in hours.

A release's time is its earliest upload to the index when the index says (PyPI's JSON API
``upload_time_iso_8601``), else the tag's date.
"""

from __future__ import annotations

import itertools
import json
import statistics
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from . import process
from .errors import IndexUnavailable, UsageError
from .tags import tag_matcher

__all__ = [
    "IndexFacts",
    "Metrics",
    "Release",
    "compute",
    "index_facts",
    "openmetrics",
    "read_index",
    "tagged_releases",
]

HOUR = 3600.0


@dataclass(frozen=True)
class IndexFacts:
    uploaded: datetime | None
    yanked: bool


@dataclass
class Release:
    version: str
    time: datetime
    commit: str | None
    #: commit times of the changes it shipped
    changes: list[datetime] = field(default_factory=list)
    outcome: str = "released"  # or rolled-back (an attempt recorded in the history store)
    failed: str | None = None  # why the change failed
    restored_h: float | None = None

    @property
    def lead_times_h(self) -> list[float]:
        return [(self.time - c).total_seconds() / HOUR for c in self.changes]


@dataclass
class Metrics:
    since: datetime
    until: datetime
    releases: list[Release]

    @property
    def shipped(self) -> list[Release]:
        return [r for r in self.releases if r.outcome == "released"]

    @property
    def deployment_frequency(self) -> float:
        weeks = max((self.until - self.since).total_seconds() / (7 * 24 * HOUR), 1 / 7)
        return len(self.shipped) / weeks

    @property
    def lead_time_h(self) -> float | None:
        times = [t for r in self.shipped for t in r.lead_times_h]
        return statistics.median(times) if times else None

    @property
    def change_failure_rate(self) -> float | None:
        if not self.releases:
            return None
        return sum(1 for r in self.releases if r.failed) / len(self.releases)

    @property
    def time_to_restore_h(self) -> float | None:
        times = [r.restored_h for r in self.releases if r.restored_h is not None]
        return statistics.median(times) if times else None

    def figures(self) -> list[dict[str, Any]]:
        """The four figures as ``{name, value, unit, help}`` (the JSON and HTML form)."""
        return [
            {
                "name": "deployment_frequency",
                "value": self.deployment_frequency,
                "unit": "per week",
                "help": "releases per week in the window",
            },
            {
                "name": "lead_time_for_changes",
                "value": self.lead_time_h,
                "unit": "hours",
                "help": "median time from a commit to the release that shipped it",
            },
            {
                "name": "change_failure_rate",
                "value": self.change_failure_rate,
                "unit": "ratio",
                "help": "releases rolled back, yanked or followed by a fix release",
            },
            {
                "name": "time_to_restore",
                "value": self.time_to_restore_h,
                "unit": "hours",
                "help": "median time from a failed change to the next release",
            },
        ]

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(timespec="seconds"),
            "until": self.until.isoformat(timespec="seconds"),
            "figures": self.figures(),
            "releases": [
                {
                    "version": r.version,
                    "time": r.time.isoformat(timespec="seconds"),
                    "commit": r.commit,
                    "outcome": r.outcome,
                    "changes": len(r.changes),
                    "lead_time_h": statistics.median(r.lead_times_h) if r.changes else None,
                    "failed": r.failed,
                    "restored_h": r.restored_h,
                }
                for r in self.releases
            ],
        }


def _when(ts: str) -> datetime:
    return datetime.fromtimestamp(int(ts), UTC)


def tagged_releases(root: Path, tag_format: str, name: str | None) -> list[Release]:
    """Every version tag ``tag_format`` could have made, oldest first, with the commits it
    shipped (those since the previous release tag)."""
    version_of = tag_matcher(tag_format, name)
    listed = process.run(
        [
            "git",
            "for-each-ref",
            "--format=%(refname:short)%00%(creatordate:unix)%00%(objectname)%00%(*objectname)",
            "refs/tags",
        ],
        cwd=root,
        check=False,
    ).stdout
    found: list[tuple[Version, str, datetime, str]] = []
    for line in listed.splitlines():
        tag, stamp, obj, peeled = line.split("\0")
        version = version_of(tag)
        if version is None:
            continue
        found.append((version, tag, _when(stamp), peeled or obj))
    found.sort()
    releases, previous = [], None
    for version, tag, created, commit in found:
        span = f"{previous}..{tag}" if previous else tag
        log = process.run(["git", "log", "--format=%ct", span, "--"], cwd=root, check=False)
        changes = [_when(t) for t in log.stdout.split()]
        releases.append(Release(str(version), created, commit, changes))
        previous = tag
    return releases


def index_facts(document: Mapping[str, Any]) -> dict[str, IndexFacts]:
    """Per version: earliest upload time and whether every file is yanked, from a JSON document
    shaped like PyPI's ``/pypi/NAME/json`` (pypiserver's has no times: they stay None)."""
    facts: dict[str, IndexFacts] = {}
    for version, files in (document.get("releases") or {}).items():
        times = [
            datetime.fromisoformat(f["upload_time_iso_8601"].replace("Z", "+00:00"))
            for f in files
            if isinstance(f, dict) and f.get("upload_time_iso_8601")
        ]
        yanked = bool(files) and all(isinstance(f, dict) and f.get("yanked") for f in files)
        try:
            key = str(Version(version))
        except InvalidVersion:
            continue
        facts[key] = IndexFacts(min(times) if times else None, yanked)
    return facts


def read_index(url: str) -> dict[str, IndexFacts]:
    """:func:`index_facts` of the JSON document at ``url`` (e.g. https://pypi.org/pypi/NAME/json)."""
    if not url.startswith(("https://", "http://")):
        raise UsageError(
            f"--index-json {url!r} is not an http(s) URL",
            hint="pass the project's JSON API URL, e.g. https://pypi.org/pypi/NAME/json",
        )
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - http(s) only
            document = json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise IndexUnavailable(
            f"cannot read the index's JSON at {url}: {exc}",
            hint="check the URL and the network, or leave --index-json out (tag dates are used)",
        ) from None
    return index_facts(document if isinstance(document, dict) else {})


def compute(
    tagged: Sequence[Release],
    history: Sequence[Mapping[str, Any]] = (),
    index: Mapping[str, IndexFacts] | None = None,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    fix_window: timedelta = timedelta(days=3),
) -> Metrics:
    """The four figures over releases whose time is in [since, until] (default: the last 90
    days up to now)."""
    until = until or datetime.now(UTC)
    since = since or until - timedelta(days=90)
    index = index or {}
    shipped = []
    for release in tagged:
        facts = index.get(release.version)
        if facts is not None and facts.uploaded is not None:
            release.time = facts.uploaded
        if facts is not None and facts.yanked:
            release.failed = "yanked from the index"
        shipped.append(release)
    shipped.sort(key=lambda r: r.time)
    for release, following in itertools.pairwise(shipped):
        if release.failed is None and _fixes(following, release, fix_window):
            release.failed = f"followed by fix release {following.version}"
    attempts = [
        Release(
            str(r.get("version")),
            datetime.fromisoformat(str(r["started"])),
            r.get("commit"),
            outcome="rolled-back",
            failed="rolled back",
        )
        for r in history
        if r.get("kind") == "release" and r.get("outcome") == "rolled-back" and r.get("started")
    ]
    everything = sorted([*shipped, *attempts], key=lambda r: r.time)
    for release in everything:
        if release.failed:
            later = next((s for s in shipped if s.time > release.time), None)
            if later is not None:
                release.restored_h = (later.time - release.time).total_seconds() / HOUR
    kept = [r for r in everything if since <= r.time <= until]
    return Metrics(since, until, kept)


def _fixes(later: Release, earlier: Release, window: timedelta) -> bool:
    try:
        new, old = Version(later.version), Version(earlier.version)
    except InvalidVersion:
        return False
    same_line = (new.major, new.minor) == (old.major, old.minor) and new > old
    return same_line and later.time - earlier.time <= window


def _om_value(value: float | None) -> str:
    return "NaN" if value is None else repr(float(value))


def openmetrics(metrics: Metrics, project: str) -> str:
    """The figures as OpenMetrics text (gauges, seconds for durations), ending in ``# EOF``."""
    label = project.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    to_seconds = {"lead_time_for_changes", "time_to_restore"}
    lines = []
    for figure in metrics.figures():
        name = f"releasekit_{figure['name']}"
        value = figure["value"]
        unit = ""
        if figure["name"] in to_seconds:
            name, unit = f"{name}_seconds", "seconds"
            value = None if value is None else value * HOUR
        elif figure["name"] == "deployment_frequency":
            name = "releasekit_deployments_per_week"
        lines.append(f"# TYPE {name} gauge")
        if unit:
            lines.append(f"# UNIT {name} {unit}")
        lines.append(f"# HELP {name} {figure['help']}")
        lines.append(f'{name}{{project="{label}"}} {_om_value(value)}')
    lines.append("# TYPE releasekit_releases gauge")
    lines.append("# HELP releasekit_releases releases and rolled-back attempts in the window")
    lines.append(f'releasekit_releases{{project="{label}"}} {len(metrics.releases)}')
    return "\n".join(lines) + "\n# EOF\n"
