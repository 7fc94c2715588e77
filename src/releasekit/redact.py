"""The one redactor: every byte releasekit shows or writes passes :func:`redact`.

It masks, in this order:

1. secrets registered with :func:`register_secret` (a target's password, as soon as it is read);
2. the values (6 characters or more) of environment variables whose names say they are secret
   (``*TOKEN*``, ``*PASSWORD*``, ``*SECRET*``, ``*_KEY``, ``*CREDENTIAL*``, ``*AUTH*``, ...),
   read from ``os.environ`` when redacting, so a token the release never uses is masked too;
3. known credential shapes: PyPI, GitHub, GitLab, AWS, Slack and Stripe tokens, private key
   blocks, JWTs, ``Authorization``/``Bearer``/``Basic`` values, ``password = ...`` style
   assignments, and the password in a URL's userinfo (``https://user:***@host/``). A secret
   recognised by its context (URL password, Authorization, Bearer) is remembered and masked
   wherever it appears afterwards.

Why not a library: detect-secrets (a scanner, used for the artifact scan) flags every high-entropy
hex string -- sha256 digests and git commit ids, which plans and journals are full of -- and
costs milliseconds a line; Microsoft's secret-masker knows Azure keys only. Masking needs exact
shapes that leave digests alone, at a few microseconds a line.

Speed: each shape is one regular expression compiled once, run only when one of its substring
triggers is in the line (18 ``in`` checks on the lower-cased line are the whole cost of a line
without credentials). A single alternation of all shapes measured about ten times slower: the
engine tries every alternative at every position. ``benchmarks/bench_redact.py`` (``nox -s
bench``) compares the cost with printing the line.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import IO, TextIO, cast
from urllib.parse import quote

__all__ = [
    "REDACTED",
    "RedactingStream",
    "redact",
    "redacted_std_streams",
    "register_secret",
    "secret_env_names",
]

REDACTED = "********"
URL_PASSWORD_MASK = "***"  # noqa: S105 - a mask, not a password
_MIN_SECRET_LEN = 4  # a shorter registered value would mask ordinary words
_MIN_ENV_VALUE_LEN = 6
_MIN_LEARNED_LEN = 8

_registered: set[str] = set()

# Names of environment variables whose values are secrets (case-insensitive). AUTHOR is not
# AUTH (GIT_AUTHOR_NAME), and an ssh-agent socket path is not a secret.
_SECRET_NAME = re.compile(
    r"(?i)(?:TOKEN|PASSWORD|PASSWD|PASSPHRASE|SECRET|CREDENTIAL|AUTH(?!OR)|API_?KEY|_KEY$|^KEY$"
    r"|_PAT$)"
)
_NOT_SECRET_NAME = re.compile(r"(?i)_SOCK$")


class _Rule:
    """A credential shape: substring triggers (any case), then the regex, whose group ``secret``
    is masked and group ``keep`` (when the pattern has one) kept."""

    def __init__(
        self,
        triggers: tuple[str, ...],
        pattern: str,
        mask: str = REDACTED,
        *,
        ignore_case: bool = False,
        learn: bool = False,
    ) -> None:
        self.triggers = triggers
        self.learn = learn  # its secret is unmistakable: mask it wherever it appears later
        self.regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
        self.template = (r"\g<keep>" if "(?P<keep>" in pattern else "") + mask


_RULES = (
    # private key blocks, whole (to the end of the text when the END line is not in it). Key
    # material must follow the BEGIN line: base64 (or a PEM header, Proc-Type) on the next line,
    # its newline real or escaped, or a long base64 run on the same line (a flattened block). A
    # marker quoted in prose (ecdsa's README: PEM files look like `"-----BEGIN EC PRIVATE
    # KEY-----"`) is no key, and masking from it to the end ate the rest of its build metadata.
    _Rule(
        ("PRIVATE KEY",),
        r"(?P<secret>-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
        r"(?=(?:[ \t]*(?:\r?\n|\\r\\n|\\n))+[ \t]*[A-Za-z0-9+/=]{4}|[ \t]*[A-Za-z0-9+/=]{16})"
        r"(?s:.*?)"
        r"(?:-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----|\Z))",
    ),
    # URL userinfo: keep the user, mask the password (up to the last @ of the authority) ...
    _Rule(
        ("://",),
        r"(?P<keep>://[^\s/?#@:]*:)(?P<secret>[^\s/?#]+)(?=@)",
        URL_PASSWORD_MASK,
        learn=True,
    ),
    # ... or a bare token as the user name
    _Rule(
        ("://",),
        r"(?P<keep>://)(?P<secret>[^\s/?#@:]{16,}|\*{8})(?=@)",
        URL_PASSWORD_MASK,
        learn=True,
    ),
    _Rule(("pypi-AgE",), r"pypi-AgE[A-Za-z0-9_-]{16,}"),
    _Rule(
        ("gh", "github_pat_"),
        r"gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,}",
    ),
    _Rule(("glpat-",), r"glpat-[A-Za-z0-9_-]{20,}"),
    _Rule(("AKIA", "ASIA"), r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
    _Rule(("xox",), r"xox[abprs]-[A-Za-z0-9-]{10,}"),
    _Rule(("_live_", "sk_test_"), r"(?:sk|rk)_live_[A-Za-z0-9]{16,}|sk_test_[A-Za-z0-9]{16,}"),
    _Rule(("eyJ",), r"eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    # an Authorization header (or key) masks whatever value follows it
    _Rule(
        ("authorization",),
        r"(?P<keep>authorization[\"']?\s*[:=]\s*[\"']?(?:(?:Bearer|Basic|Token|Digest)\s+)?)"
        r"(?P<secret>[^\s\"',;]+)",
        ignore_case=True,
        learn=True,
    ),
    # Bearer/Basic alone: a value that looks random (upper and lower case and a digit, 16+
    # characters) -- "Basic authentication/0" is prose, "Bearer 3fA9...", a token
    _Rule(
        ("Bearer ", "Basic "),
        r"(?P<keep>(?:Bearer|Basic) )"
        r"(?P<secret>(?=[\w.~+/-]*[A-Z])(?=[\w.~+/-]*[a-z])(?=[\w.~+/-]*[0-9])"
        r"[\w.~+/-]{16,}=*)",
        learn=True,
    ),
    # key = value where the key says secret (aws_secret_access_key = ..., password: ...)
    _Rule(
        ("pass", "secret", "token", "key"),
        r"(?P<keep>(?:aws_secret_access_key|secret_access_key|password|passwd|passphrase|secret"
        r"|token|api[_-]?key|access[_-]?key|private[_-]?key)[\"']?[ \t]*[:=][ \t]*[\"']?)"
        r"(?P<secret>[^\s\"',;`()]{6,})",
        ignore_case=True,
    ),
)

# one flat list of distinct substring checks: the whole cost of a line with no credential in it
_TRIGGERS = tuple(
    (
        trigger,
        frozenset(i for i, rule in enumerate(_RULES) if trigger in map(str.lower, rule.triggers)),
    )
    for trigger in dict.fromkeys(t.lower() for rule in _RULES for t in rule.triggers)
)


def register_secret(value: str | None) -> None:
    """Mask ``value`` (and its URL-quoted form) wherever releasekit would show or write it."""
    if not value or len(value) < _MIN_SECRET_LEN:
        return
    new = {value, quote(value, safe="")} - _registered
    if new:
        _registered.update(new)
        _literals.key = None


def secret_env_names(environ: Mapping[str, str] | None = None) -> list[str]:
    """The environment variables whose names say they hold a secret."""
    env = os.environ if environ is None else environ
    return sorted(
        name for name in env if _SECRET_NAME.search(name) and not _NOT_SECRET_NAME.search(name)
    )


class _Literals:
    """Registered secrets and secret-named environment values, longest first.

    Rebuilt only when a secret is registered or the environment changes: its size, or the value
    of a secret-named variable (reading every name costs more than redacting a line).
    """

    def __init__(self) -> None:
        self.names: tuple[str, ...] = ()
        self.key: tuple[int, tuple[str | None, ...]] | None = None
        self.values: tuple[str, ...] = ()

    def _key(self) -> tuple[int, tuple[str | None, ...]]:
        return len(os.environ), tuple(map(os.environ.get, self.names))

    def get(self) -> tuple[str, ...]:
        if self.key is not None and self._key() == self.key:
            return self.values
        self.names = tuple(secret_env_names())
        env = {n: os.environ.get(n, "") for n in self.names}
        found = {v for v in env.values() if len(v) >= _MIN_ENV_VALUE_LEN} | _registered
        self.values = tuple(sorted(found, key=len, reverse=True))
        self.key = self._key()
        return self.values


_literals = _Literals()


def redact(text: str) -> str:
    """``text`` with every secret releasekit knows of, or can recognise, masked.

    A secret recognised by its context (a URL's password, an ``Authorization`` value, a bearer
    token) is also remembered, so the same value printed elsewhere without that context -- an
    environment dump, a later line -- is masked as well.
    """
    lowered = text.lower()
    hits: set[int] = set()
    for trigger, indexes in _TRIGGERS:
        if trigger in lowered:
            hits |= indexes
    rules = [_RULES[index] for index in sorted(hits)]
    for rule in rules:
        if rule.learn:
            for match in rule.regex.finditer(text):
                if len(match["secret"]) >= _MIN_LEARNED_LEN and "***" not in match["secret"]:
                    register_secret(match["secret"])
    for secret in _literals.get():
        if secret in text:
            text = text.replace(secret, REDACTED)
    for rule in rules:
        text = rule.regex.sub(rule.template, text)
    return text


class RedactingStream:
    """A text stream that redacts everything written to it before passing it on.

    ``target`` is a stream, or a function returning one (``lambda: sys.stderr`` follows
    pytest's capture and later replacements of ``sys.stderr``).
    """

    def __init__(self, target: IO[str] | Callable[[], IO[str]]) -> None:
        self._target = target

    @property
    def target(self) -> IO[str]:
        return self._target() if callable(self._target) else self._target

    def write(self, text: str) -> int:
        self.target.write(redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.target.flush()

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return getattr(self.target, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:
        return getattr(self.target, "errors", None)


@contextlib.contextmanager
def redacted_std_streams() -> Iterator[None]:
    """Redact whatever this process prints to stdout or stderr (tracebacks, warnings, logs)."""
    saved = sys.stdout, sys.stderr
    sys.stdout = cast(TextIO, RedactingStream(saved[0]))
    sys.stderr = cast(TextIO, RedactingStream(saved[1]))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
