"""The one redactor: every planted credential is masked, ordinary text is left exactly as it was.

Property-based: hypothesis plants realistic fake tokens of every known shape inside random text
(and random separators), and builds random ordinary output -- versions, sha256 digests, git ids,
URLs without userinfo, paths, wheel names -- that must come back unchanged.
"""

from __future__ import annotations

import base64
import io
import string
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.console import Console

from releasekit.journal import Journal
from releasekit.redact import (
    REDACTED,
    RedactingStream,
    redact,
    redacted_std_streams,
    register_secret,
    secret_env_names,
)
from releasekit.ui import Reporter


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """No secret-named variables from this machine (registrations end with each test: conftest)."""
    for name in secret_env_names():
        monkeypatch.delenv(name)


ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def _chars(alphabet: str, size: int, *, max_size: int | None = None) -> st.SearchStrategy[str]:
    return st.text(alphabet, min_size=size, max_size=max_size or size)


@st.composite
def _jwt(draw: st.DrawFn) -> str:
    def part() -> str:
        key = draw(_chars(string.ascii_letters, 1, max_size=8))
        value = draw(_chars(ALNUM, 1, max_size=30))
        return base64.urlsafe_b64encode(f'{{"{key}":"{value}"}}'.encode()).decode().rstrip("=")

    header, payload = part(), part()
    return f"{header}.{payload}.{draw(_chars(B64URL, 43))}"


@st.composite
def _private_key(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["RSA ", "EC ", "OPENSSH ", "ENCRYPTED ", "", "PGP "]))
    block = " BLOCK" if kind == "PGP " else ""
    body = base64.encodebytes(draw(st.binary(min_size=48, max_size=300))).decode()
    return f"-----BEGIN {kind}PRIVATE KEY{block}-----\n{body}-----END {kind}PRIVATE KEY{block}-----"


# (what is shown around the secret, the secret itself): the secret must never survive
SHAPES: dict[str, st.SearchStrategy[tuple[str, str]]] = {
    "pypi": _chars(B64URL, 60, max_size=180).map(lambda s: ("", "pypi-AgEIcHlwaS5vcmc" + s)),
    "github": st.tuples(
        st.sampled_from(["ghp_", "gho_", "ghs_", "ghu_", "ghr_"]), _chars(ALNUM, 36)
    ).map(lambda t: ("", t[0] + t[1])),
    "github_pat": st.tuples(_chars(ALNUM, 22), _chars(ALNUM, 59)).map(
        lambda t: ("", f"github_pat_{t[0]}_{t[1]}")
    ),
    "gitlab": _chars(B64URL, 20).map(lambda s: ("", "glpat-" + s)),
    "aws_id": st.tuples(st.sampled_from(["AKIA", "ASIA"]), _chars(UPPER_DIGITS, 16)).map(
        lambda t: ("", t[0] + t[1])
    ),
    "aws_secret": st.tuples(
        st.sampled_from(
            ["aws_secret_access_key = ", "AWS_SECRET_ACCESS_KEY=", '"SecretAccessKey": "']
        ),
        _chars(ALNUM + "/+", 40),
    ),
    "slack": st.tuples(st.sampled_from("abprs"), _chars(string.digits, 12), _chars(ALNUM, 24)).map(
        lambda t: ("", f"xox{t[0]}-{t[1]}-{t[2]}")
    ),
    "stripe": st.tuples(
        st.sampled_from(["sk_live_", "rk_live_", "sk_test_"]), _chars(ALNUM, 24)
    ).map(lambda t: ("", t[0] + t[1])),
    "private_key": _private_key().map(lambda s: ("", s)),
    "jwt": _jwt().map(lambda s: ("", s)),
    "bearer": _chars(B64URL + ".", 20, max_size=60).map(lambda s: ("Authorization: Bearer ", s)),
    "bearer_alone": _chars(ALNUM, 30).map(lambda s: ("Bearer ", "Ab9" + s)),
    "basic": st.binary(min_size=9, max_size=30).map(
        lambda b: ("Authorization: Basic ", base64.b64encode(b).decode())
    ),
    "url_password": st.tuples(
        st.sampled_from(["https", "http", "git+https"]),
        _chars(ALNUM + "_", 1, max_size=12),
        st.text(ALNUM + "-._~!$&'()*+,;=%@", min_size=8, max_size=40),
    ).map(lambda t: (f"{t[0]}://{t[1]}:", t[2])),
    "url_bare_token": _chars(ALNUM + "-_", 24, max_size=60).map(lambda s: ("https://", s)),
    "password_key": st.tuples(
        st.sampled_from(["password = ", "PASSWORD: ", "api_key=", "client_secret: ", "token="]),
        _chars(ALNUM + "!#$%&*+-./:<>?@^_|~", 8, max_size=40),
    ),
}

NOISE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
SEPARATOR = st.sampled_from([" ", "\n", "\t", "'", '"', ",", "(", ") ", "; ", "\n  "])


def pieces(secret: str) -> Iterator[str]:
    """Every 8-character piece of ``secret``: what the leak check looks for."""
    return (secret[i : i + 8] for i in range(max(1, len(secret) - 7)))


def assert_masked(text: str, secret: str) -> None:
    shown = redact(text)
    for piece in pieces(secret):
        assert piece not in shown, (piece, shown)


@pytest.mark.parametrize("shape", sorted(SHAPES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_planted_credential_is_masked(shape: str, data: st.DataObject) -> None:
    before, secret = data.draw(SHAPES[shape])
    head, tail = data.draw(NOISE), data.draw(NOISE)
    left, right = data.draw(SEPARATOR), data.draw(SEPARATOR)
    after = "@pkgs.example.org/legacy/" if before.endswith("://") or "://" in before else ""
    for piece in pieces(secret):
        assume(piece not in head + left + before and piece not in right + tail)
    assert_masked(f"{head}{left}{before}{secret}{after}{right}{tail}", secret)


@given(secret=st.text(ALNUM + string.punctuation + " é€", min_size=4, max_size=40), noise=NOISE)
@settings(max_examples=80, deadline=None)
def test_registered_secrets_are_masked_anywhere(secret: str, noise: str) -> None:
    assume(secret.strip() == secret and secret not in noise)
    register_secret(secret)
    text = f"{noise}{secret}{noise}"
    assert secret not in redact(text)


# ---------------------------------------------------------------- ordinary text stays as it was

HEX = "0123456789abcdef"
VERSION = st.builds(
    lambda parts, pre, post, dev: ".".join(map(str, parts)) + pre + post + dev,
    st.lists(st.integers(0, 2030), min_size=1, max_size=4),
    st.sampled_from(["", "a1", "b2", "rc1", "rc12"]),
    st.sampled_from(["", ".post1", ".post23"]),
    st.sampled_from(["", ".dev0", ".dev73"]),
)
ORDINARY = st.one_of(
    VERSION,
    _chars(HEX, 64),  # sha256 digests
    _chars(HEX, 40),  # git commit ids
    _chars(HEX, 7, max_size=12),  # short ones
    st.builds(lambda d: f"sha256:{d}", _chars(HEX, 64)),
    st.builds(lambda v, d: f"simple_pkg-{v}.tar.gz#sha256={d}", VERSION, _chars(HEX, 64)),
    st.builds(lambda v: f"simple_pkg-{v}-py3-none-any.whl", VERSION),
    st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}{port}/{path}",
        st.sampled_from(["https", "http", "file", "ssh"]),
        st.sampled_from(["127.0.0.1", "upload.pypi.org", "test.pypi.org", "ghcr.io", "localhost"]),
        st.sampled_from(["", ":8765", ":40123"]),
        st.sampled_from(["legacy/", "simple/", "simple/simple-pkg/", "v2/acme/tool/manifests/1.2"]),
    ),
    st.builds(
        lambda *p: "/" + "/".join(p), *[st.sampled_from(["tmp", "work", ".releasekit", "dist"])] * 3
    ),
    st.sampled_from(
        [
            "ssh://git@github.com/acme/tool.git",
            "git@github.com:acme/tool.git",
            "password_source=TWINE_PASSWORD (a name)",
            "set PYPI_TOKEN (an API token) in the environment",
            "username='__token__'",
            "Basic authentication",
            "Bearer tokens",
            "gate: PASSED",
            "the tag v1.2.3 is already on origin",
            '{"step": "publish", "event": "effect", "point": "1"}',
            "GIT_AUTHOR_DATE=2026-11-20T12:00:00+00:00",
            "--keys",
            "✓ build (3.1s)",
            "AKIA is a prefix",
            "eyJ alone",
        ]
    ),
)
ORDINARY_SEPARATOR = st.sampled_from([" ", "\n", ", ", " = ", ": ", "\t", "  • ", " -> ", "/"])


@given(parts=st.lists(st.tuples(ORDINARY, ORDINARY_SEPARATOR), max_size=12))
@settings(max_examples=300, deadline=None)
def test_ordinary_output_is_not_changed(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + sep for word, sep in parts)
    assert redact(text) == text


# ---------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "https://__token__:pypi-AgEIcHlwaS5vcmcCJGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6@up.example/legacy/",
            "https://__token__:***@up.example/legacy/",
        ),
        ("http://uploader:p@ss:w@127.0.0.1:8080/", "http://uploader:***@127.0.0.1:8080/"),
        (
            "https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/a/b",
            "https://***@github.com/a/b",
        ),
        ("https://bot@idx.example/", "https://bot@idx.example/"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer ********"),
        (
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "aws_secret_access_key = ********",
        ),
        ("id AKIAIOSFODNN7EXAMPLE.", "id ********."),
        (
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nnext",
            "********\nnext",
        ),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA", "********"),
        (  # in a JSON string, its newlines escaped
            '{"key": "-----BEGIN EC PRIVATE KEY-----\\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5"}',
            '{"key": "********',
        ),
        # a marker quoted in prose, with no key after it, masks nothing (ecdsa's README in its
        # build metadata was cut at it, and the JSON no longer parsed)
        ('{"readme": "like `\\"-----BEGIN EC PRIVATE KEY-----\\"` in base64", "v": 1}',) * 2,
        ("between -----BEGIN RSA PRIVATE KEY----- lines and -----END RSA PRIVATE KEY-----",) * 2,
        ("flat -----BEGIN RSA PRIVATE KEY----- MIIEowIBAAKCAQEAx4 end", "flat ********"),
        # GitHub's permission syntax quoted in a hint is prose, not a credential
        ("add `id-token: write` (GitHub Actions)", "add `id-token: write` (GitHub Actions)"),
        ("(permissions id-token: write)", "(permissions id-token: write)"),
        ("`token: s3cr3t-value`", "`token: ********`"),
    ],
)
def test_examples(text: str, shown: str) -> None:
    assert redact(text) == shown
    assert redact(shown) == shown  # masking is idempotent


def test_secret_named_environment_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_API_TOKEN", "opaque-value-1")
    monkeypatch.setenv("DEPLOY_KEY", "opaque-value-2")
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Release Tester")  # AUTHOR is not AUTH
    monkeypatch.setenv("SSH_AUTH_SOCK", "/tmp/ssh-agent.sock")
    monkeypatch.setenv("SHORT_SECRET", "abc")  # too short to mask without masking words
    text = "opaque-value-1 opaque-value-2 Release Tester /tmp/ssh-agent.sock abc"
    assert redact(text) == f"{REDACTED} {REDACTED} Release Tester /tmp/ssh-agent.sock abc"
    monkeypatch.setenv("MY_API_TOKEN", "changed-value-3")  # read at redaction time
    assert redact("changed-value-3 opaque-value-1") == "******** opaque-value-1"
    monkeypatch.setenv("NEW_PASSWORD", "added-value-4")
    assert redact("added-value-4") == REDACTED
    assert secret_env_names({"A_TOKEN": "x", "PATH": "y", "GIT_AUTHOR_EMAIL": "z"}) == ["A_TOKEN"]


def test_a_secret_seen_in_its_context_is_masked_everywhere_after() -> None:
    bearer, password = "Zq8xLw3vNp5rTb7yKc2m", "n0-context-pass"
    text = f"MY_BEARER={bearer}\nAuthorization: Bearer {bearer}\nX=https://u:{password}@h/"
    assert (
        redact(text)
        == f"MY_BEARER={REDACTED}\nAuthorization: Bearer {REDACTED}\nX=https://u:***@h/"
    )
    assert redact(f"later: {bearer} {password}") == f"later: {REDACTED} {REDACTED}"


def test_registered_secret_url_quoted_form() -> None:
    register_secret("p@ss/word:42")
    assert redact("x p%40ss%2Fword%3A42 y p@ss/word:42") == f"x {REDACTED} y {REDACTED}"


def test_std_streams_and_reporter_console_are_redacted(capsys: pytest.CaptureFixture[str]) -> None:
    register_secret("stream-secret-123")
    with redacted_std_streams():
        print("a stream-secret-123 b")
        sys.stderr.write("c https://u:hunter22@h/ d\n")
    out, err = capsys.readouterr()
    assert (out, err) == ("a ******** b\n", "c https://u:***@h/ d\n")

    buffer = io.StringIO()
    reporter = Reporter(console=Console(file=buffer, width=60))
    reporter.console.print("direct stream-secret-123")  # around the Reporter's own methods
    reporter.table("t", ["k", "v"], [("url", "https://u:stream-secret-123@h/" + "x" * 80)])
    reporter.text("ghp_0123456789abcdefghijABCDEFGHIJ012345")
    shown = buffer.getvalue()
    assert "stream-secret-123" not in shown and "hunter22" not in shown and "ghp_" not in shown
    assert "direct ********" in shown

    stream = RedactingStream(io.StringIO())
    assert stream.write("xoxb-123456789012-abcdefghijkl") == len("xoxb-123456789012-abcdefghijkl")
    assert stream.target.getvalue() == REDACTED  # type: ignore[attr-defined]


def test_journal_lines_are_redacted_before_json_escapes_them(tmp_path: Path) -> None:
    register_secret('pässwörd"quoted\\')  # JSON would write it as p\u00e4ssw\u00f6rd\"quoted\\\\
    journal = Journal.start(tmp_path, target='https://u:pässwörd"quoted\\@h/')
    journal.append("publish", "effect", note=['pässwörd"quoted\\', {"k": 'pässwörd"quoted\\'}])
    written = (tmp_path / "journal.jsonl").read_text(encoding="utf-8")
    assert "ssw" not in written, written
    assert journal.records[1]["note"] == [REDACTED, {"k": REDACTED}]


def test_cli_error_line_and_tracebacks_are_redacted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from releasekit import cli
    from releasekit.errors import PreflightError

    def known(*_: object) -> int:
        raise PreflightError("cannot reach https://u:known-pass-123@h/", hint="fix it")

    def bug(*_: object) -> int:
        raise RuntimeError("a bug near https://u:bug-pass-456@h/ and ghp_" + "A1" * 18)

    monkeypatch.setattr(cli, "_run", known)
    assert cli.main(["-v", "status"]) == 3
    monkeypatch.setattr(cli, "_run", bug)
    assert cli.main(["status"]) == 1  # a bug still shows its traceback, redacted
    shown = "".join(capsys.readouterr())
    assert "ERROR cannot reach https://u:***@h/ -- fix it" in shown
    assert "Traceback" in shown and "RuntimeError: a bug near https://u:***@h/" in shown
    assert "known-pass" not in shown and "bug-pass" not in shown and "A1A1A1A1" not in shown
