"""Secret detection on top of Yelp's detect-secrets, through its public API.

Which detectors and filters run is one explicit detect-secrets configuration (:data:`PLUGINS`,
:data:`FILTERS`), applied with ``detect_secrets.settings.transient_settings``. Lines are judged by
``detect_secrets.core.scan.scan_line`` (the plugins, then detect-secrets' false-positive filters).

To stay fast on big members, text is first searched chunk by chunk with the plugins' own
``denylist`` expressions (every plugin we enable is a ``RegexBasedDetector``), and only the lines
where one of them matches go to ``scan_line``: the result is the same as judging every line, at
the speed of a few regular-expression passes over each chunk.

Not enabled: the keyword and high-entropy detectors (false alarms on every real project measured,
see docs/explanation/secret-scan.md), the public-IP detector (not a secret), and verification
(it would send the candidate secret over the network). Inline ``pragma: allowlist secret``
comments are not honoured: exceptions go in ``[[tool.releasekit.secret_allow]]``, with a reason.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.core.scan import scan_line
from detect_secrets.plugins.base import RegexBasedDetector
from detect_secrets.settings import get_plugins, transient_settings

__all__ = ["FILTERS", "PLUGINS", "SCREENS", "Hit", "SecretScanner"]

_CUSTOM = Path(__file__).with_name("detectors.py")

#: detect-secrets' own plugins that run on every member: each matches a concrete token shape.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "AWSKeyDetector",
    "AzureStorageKeyDetector",
    "DiscordBotTokenDetector",
    "GitHubTokenDetector",
    "GitLabTokenDetector",
    "JwtTokenDetector",
    "MailchimpDetector",
    "NpmDetector",
    "OpenAIDetector",
    "PrivateKeyDetector",
    "PypiTokenDetector",
    "SendGridDetector",
    "SlackDetector",
    "SquareOAuthDetector",
    "StripeDetector",
    "TelegramBotTokenDetector",
)
#: Ours, in :mod:`releasekit.artifacts.detectors`: shapes detect-secrets 1.5 does not know.
CUSTOM_PLUGINS: tuple[str, ...] = (
    "AWSSecretAccessKeyDetector",
    "EncryptedPrivateKeyDetector",
    "GitHubFineGrainedTokenDetector",
    "PypiMacaroonDetector",
)
PLUGINS: list[dict[str, Any]] = [
    *({"name": name} for name in BUILTIN_PLUGINS),
    *({"name": name, "path": f"file://{_CUSTOM}"} for name in CUSTOM_PLUGINS),
]
#: detect-secrets' heuristic false-positive filters (its defaults minus the inline allowlist).
FILTERS: list[dict[str, Any]] = [
    {"path": f"detect_secrets.filters.heuristic.{name}"}
    for name in (
        "is_sequential_string",
        "is_potential_uuid",
        "is_likely_id_string",
        "is_templated_secret",
        "is_prefixed_with_dollar_sign",
        "is_indirect_reference",
        "is_not_alphanumeric_string",
    )
]

#: Screens used instead of a plugin's own expressions where those cost quadratic-ish time on long
#: runs of letters or digits (measured: 4x slower than all others together). Each screen matches
#: a part of every match of the plugin's expressions, so it selects a superset of their lines;
#: ``scan_line`` then applies the plugin's real expressions to those lines.
SCREENS: dict[str, tuple[str, ...]] = {
    "MailchimpDetector": (r"-us[0-9]",),  # [0-9a-z]{32}-us[0-9]{1,2}
    "TelegramBotTokenDetector": (r"[0-9]:[0-9A-Za-z_-]{35}",),  # \d{8,10}:[0-9A-Za-z_-]{35}
}
_LONG_LINE = 4 << 20  # a "line" longer than this is cut (keeping an overlap)
_OVERLAP = 8192  # longer than any token shape we look for
_WINDOW = 2048  # characters of a very long line handed to scan_line around a match
#: Kinds reported only with key material after the marker (:func:`_key_material`).
_KEY_BLOCKS = frozenset({"Private Key", "Encrypted Private Key"})
_KEY_LOOKAHEAD = 6  # lines after the marker: PEM/PGP/PuTTY headers come before the base64
#: a line of a key's base64 (64 characters in PEM, PGP and PuTTY), quoted or not
_KEY_LINE = re.compile(r"""^[\s"'(bBrRuU]*[A-Za-z0-9+/]{40,}={0,2}(?:\\n)?["']?[\s,)+\\]*$""", re.M)
#: the marker, an escaped newline, then the key: ``"-----BEGIN ... KEY-----\nMIIE..."``
_ONE_LINE_KEY = re.compile(r"KEY(?: BLOCK)?-----(?:\\r)?\\n[A-Za-z0-9+/]{40}")


@dataclass(frozen=True)
class Hit:
    """One detected secret: its kind (detect-secrets' ``secret_type``), 1-based line, and the
    secret's own identity (detect-secrets' SHA-1 ``secret_hash``, never the secret), empty for a
    private key block, whose match is only its ``BEGIN`` line, the same for every key."""

    kind: str
    line: int
    secret: str = ""


class SecretScanner:
    """Finds secrets in decoded text. Use as a context manager: detect-secrets' settings are
    process-global, so exactly one scanner may be active at a time."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._prefilter: list[re.Pattern[str]] = []

    def __enter__(self) -> SecretScanner:
        self._stack.enter_context(
            transient_settings({"plugins_used": PLUGINS, "filters_used": FILTERS})
        )
        # the plugin-class mapping is cached for the process; it must see our custom file
        get_mapping_from_secret_type_to_class.cache_clear()
        self._stack.callback(get_mapping_from_secret_type_to_class.cache_clear)
        try:
            self._compile()
        except BaseException:
            self._stack.close()  # leave detect-secrets' global settings as they were
            raise
        return self

    def _compile(self) -> None:
        for plugin in get_plugins():
            if not isinstance(plugin, RegexBasedDetector):
                raise TypeError(f"{type(plugin).__name__} is not regex-based")
            screens = SCREENS.get(type(plugin).__name__)
            if screens:
                self._prefilter.extend(re.compile(screen) for screen in screens)
                continue
            for pattern in plugin.denylist:  # per line there, per block here: ^ and $ per line
                flags = re.MULTILINE | (pattern.flags & re.IGNORECASE)
                self._prefilter.append(re.compile(pattern.pattern, flags))

    @staticmethod
    def kinds() -> list[str]:
        """The kinds of secret the scan reports (the enabled plugins' ``secret_type``)."""
        with SecretScanner():
            return sorted(str(plugin.secret_type) for plugin in get_plugins())

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        self._prefilter = []

    def scan_chunks(self, chunks: Iterable[str]) -> Iterator[Hit]:
        """Secrets in a text given as consecutive decoded chunks (each hit once)."""
        seen: set[Hit] = set()
        carry, first_line = "", 1
        for chunk, more in _with_more(chunks):
            text = carry + chunk
            if not more:  # the last: scanned whole, below, knowing nothing follows
                carry = text
                break
            cut = text.rfind("\n") + 1
            if cut:
                carry = text[cut:]
            elif len(text) > _LONG_LINE:  # cut the line; the overlap is searched twice
                cut, carry = len(text), text[-_OVERLAP:]
            else:
                carry = text
                continue
            for hit in self._scan_block(text[:cut], first_line, last=False):
                if hit not in seen:
                    seen.add(hit)
                    yield hit
            first_line += text.count("\n", 0, cut)
        for hit in self._scan_block(carry, first_line):
            if hit not in seen:
                yield hit

    def _scan_block(self, block: str, first_line: int, *, last: bool = True) -> Iterator[Hit]:
        if not self._prefilter:
            raise RuntimeError("use SecretScanner as a context manager")
        for start, end, near in _candidate_lines(self._prefilter, block):
            number = first_line + block.count("\n", 0, start)
            lo, hi = start, end
            if end - start > 2 * _WINDOW:  # judge a window of a very long line
                lo, hi = max(start, near - _WINDOW), min(end, near + _WINDOW)
            for secret in scan_line(block[lo:hi]):
                kind = str(secret.type)
                if kind not in _KEY_BLOCKS:
                    yield Hit(kind, number, secret.secret_hash)
                elif _key_material(block, start, last):
                    yield Hit(kind, number)


def _with_more(chunks: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """Each chunk, and whether another (not empty: a decoder's flush) follows it."""
    iterator = (chunk for chunk in chunks if chunk)
    try:
        current = next(iterator)
    except StopIteration:
        return
    for following in iterator:
        yield current, True
        current = following
    yield current, False


def _key_material(block: str, start: int, last: bool) -> bool:
    """Whether the private-key marker on the line at ``start`` comes with a key: the marker
    followed by an escaped newline and base64 (a one-line key in a string), or, on one of the
    next lines (past ``Proc-Type`` / ``DEK-Info`` or PuTTY's headers), a line that is a run of
    base64 and nothing else (quoted, perhaps). A marker named in prose (python-rsa's docstrings:
    "when your file has '-----BEGIN RSA PRIVATE KEY-----' and ...") is not a key, nor are the
    paths in the prose around it. Where the block ends before those lines and more text
    follows, it counts as one: no key is missed."""
    line_end = block.find("\n", start)
    line_end = len(block) if line_end < 0 else line_end
    if _ONE_LINE_KEY.search(block, start, line_end):
        return True
    end = line_end + 1
    for _ in range(_KEY_LOOKAHEAD):
        found = block.find("\n", end)
        if found < 0:  # the block ends first
            if not last:
                return True
            end = len(block)
            break
        end = found + 1
    return _KEY_LINE.search(block, min(line_end + 1, len(block)), end) is not None


def _candidate_lines(
    prefilter: list[re.Pattern[str]], block: str
) -> Iterator[tuple[int, int, int]]:
    """(start, end, match offset) of each line touched by a prefilter match, each line once."""
    done: set[int] = set()
    for match in (m for pattern in prefilter for m in pattern.finditer(block)):
        start = block.rfind("\n", 0, match.start()) + 1
        while True:
            end = block.find("\n", start)
            end = len(block) if end < 0 else end
            if start not in done:
                done.add(start)
                yield start, end, max(start, match.start())
            if end >= match.end() - 1 or end == len(block):
                break
            start = end + 1
