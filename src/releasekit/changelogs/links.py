"""The links a changelog keeps per release: compare URLs in headings (Faker's), Markdown link
definitions (python-dotenv's ``[1.1.1]: ...``) and reStructuredText targets (loguru's
``.. _0.7.3: ...``), each written for the new release as the last release's is."""

from __future__ import annotations

import re

from .base import ReleaseInfo
from .entries import VERSION, pending

__all__ = ["compared", "with_links"]


def with_links(lines: list[str], version: re.Match[str] | None, rel: ReleaseInfo) -> list[str]:
    """``lines`` with the link definitions (Markdown) or targets (reStructuredText) the file
    keeps for each release (:func:`_linked`, :func:`_targets`)."""
    return _targets(_linked(lines, version, rel), version, rel)


_COMPARE_IN = re.compile(r"(?P<base>/compare/)[^\s()\[\]<>]+?\.\.\.[^\s()\[\]<>]+")


def compared(heading: str, release: ReleaseInfo) -> str:
    """``heading`` (or a link definition's URL) with each compare URL going from the last
    release's tag to this one's: Faker's
    ``### [v37.4.0 - 2025-06-11](.../compare/v37.3.4...v37.4.0)``, structlog's and
    charset-normalizer's headings link the changes since the release before, and the new
    entry's link was the last one's."""
    if not release.previous_tag:
        return heading
    return _COMPARE_IN.sub(lambda m: f"{m['base']}{release.previous_tag}...{release.tag}", heading)


def _linked(lines: list[str], version: re.Match[str] | None, release: ReleaseInfo) -> list[str]:
    """``lines`` with a link definition for the release above the last release's, when the
    file defines one (python-dotenv's ``[1.1.1]: .../compare/v1.1.0...v1.1.1``): a compare URL
    from the last release's tag to this one's, else the URL with the version replaced."""
    if version is None:
        return lines
    old = version.group(1)
    definition = re.compile(rf"^\[v?{re.escape(old)}\]:[ \t]*(?P<url>\S+)[ \t]*$")
    found = next(((i, m) for i, line in enumerate(lines) if (m := definition.match(line))), None)
    if found is None:
        return lines
    at, url = found[0], found[1]["url"]
    if release.previous_tag and _COMPARE_IN.search(url):
        url = compared(url, release)
    else:
        url = url.replace(old, release.version)
    label = lines[at][1 : lines[at].index("]")].replace(old, release.version)
    return [*lines[:at], f"[{label}]: {url}", *lines[at:]]


#: A reStructuredText link target: ``.. _0.7.3: https://github.com/o/r/releases/tag/0.7.3``
_TARGET = re.compile(r"^\.\. _(?P<name>[^:`]+|`[^`]+`):[ \t]+(?P<url>\S+)[ \t]*$")


def _targets(lines: list[str], version: re.Match[str] | None, release: ReleaseInfo) -> list[str]:
    """``lines`` with the reStructuredText link targets headings such as loguru's
    `` `0.7.4`_ (2026-12-06)`` refer to: one for the release above the last release's (its URL
    with the version replaced, or a compare URL from the last tag to this one), and an
    ``Unreleased`` target comparing from this release's tag (``.../compare/0.7.4...master``).
    Without them the new heading's reference has no target and Sphinx (``-W``) stops."""
    if version is None:
        return lines
    old, out = version.group(1), list(lines)
    found = [(i, m) for i, line in enumerate(out) if (m := _TARGET.match(line))]
    versions = {VERSION.fullmatch(m["name"].strip("`")): (i, m) for i, m in found}
    named = {v.group(1): im for v, im in versions.items() if v is not None}
    if old in named and release.version not in named:
        at, target = named[old]
        url = target["url"]
        url = (
            compared(url, release) if _COMPARE_IN.search(url) else url.replace(old, release.version)
        )
        out.insert(at, f".. _{target['name'].replace(old, release.version)}: {url}")
    if release.previous_tag:
        since = f"/compare/{release.previous_tag}..."
        out = [
            line.replace(since, f"/compare/{release.tag}...")
            if (m := _TARGET.match(line)) and pending(m["name"].strip("`"))
            else line
            for line in out
        ]
    return out
