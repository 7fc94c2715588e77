"""The secret-scan corpus: planted secrets of every kind, in every encoding, size and nesting,
each found and named by artifact and member; clean look-alikes found by none.

Every secret is assembled at run time from pieces (random bodies, split prefixes), so this file
itself -- shipped in releasekit's own sdist -- contains none.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import random
import string
import subprocess
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from releasekit.artifacts import scan
from releasekit.artifacts.contents import SENSITIVE_NAME
from releasekit.artifacts.members import sniff
from releasekit.config import Config

RNG = random.Random(20261202)  # noqa: S311 -- fake secrets, reproducible on purpose
ALNUM = string.ascii_letters + string.digits


def _body(n: int, alphabet: str = ALNUM) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


def _key_block(kind: str) -> str:
    lines = "\n".join(_body(64, ALNUM + "+/") for _ in range(6))
    return f"-----BEGIN {kind}-----\n{lines}\n-----END {kind}-----\n"


def _jwt() -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    header, claims = part({"alg": "HS256", "typ": "JWT"}), part({"sub": _body(12), "adm": True})
    return f"{header}.{claims}.{_body(43, ALNUM + '-_')}"


# (kind the scan must report, the secret as it appears in a file)
def _aws_id(prefix: str) -> str:
    return prefix + _body(16, string.ascii_uppercase + string.digits)


SECRETS: dict[str, tuple[str, str]] = {
    "pypi": ("PyPI Token", "token = " + "pypi-" + "AgEIcHlwaS5vcmc" + _body(90, ALNUM + "-_")),
    "pypi-other-index": ("PyPI Upload Token", "pypi-" + "AgENdGVzdC5leGFtcGxl" + _body(80)),
    "ghp": ("GitHub Token", "GH = '" + "ghp" + "_" + _body(36) + "'"),
    "gho": ("GitHub Token", "gho" + "_" + _body(36)),
    "ghs": ("GitHub Token", "auth: ghs" + "_" + _body(36)),
    "ghu": ("GitHub Token", "ghu" + "_" + _body(36)),
    "github_pat": (
        "GitHub Fine-grained Token",
        "GITHUB_TOKEN=" + "github" + "_pat_" + _body(22) + "_" + _body(59),
    ),
    "glpat": ("GitLab Token", "gitlab = " + "glpat" + "-" + _body(20)),
    "akia": ("AWS Access Key", "aws_access_key_id = " + _aws_id("AK" + "IA")),
    "asia": ("AWS Access Key", "AWS_ACCESS_KEY_ID=" + _aws_id("AS" + "IA")),
    "aws-secret-unquoted": (
        "AWS Secret Access Key",
        "aws_secret_access_key = " + _body(40, ALNUM + "/+"),
    ),
    "aws-secret-quoted": ("AWS Access Key", 'AWS_SECRET_KEY = "' + _body(40, ALNUM + "/+") + '"'),
    "slack-bot": ("Slack Token", "xox" + "b-" + "123456789012-1234567890123-" + _body(24).lower()),
    "slack-user": ("Slack Token", "xox" + "p-" + "12345-67890-" + _body(30).lower()),
    "stripe-sk": ("Stripe Access Key", "stripe.api_key = 'sk" + "_live_" + _body(24) + "'"),
    "stripe-rk": ("Stripe Access Key", "rk" + "_live_" + _body(24)),
    "rsa": ("Private Key", _key_block("RSA " + "PRIVATE KEY")),
    "ec": ("Private Key", _key_block("EC " + "PRIVATE KEY")),
    "openssh": ("Private Key", _key_block("OPENSSH " + "PRIVATE KEY")),
    "dsa": ("Private Key", _key_block("DSA " + "PRIVATE KEY")),
    "pkcs8": ("Private Key", _key_block("PRIVATE " + "KEY")),
    "pkcs8-encrypted": ("Encrypted Private Key", _key_block("ENCRYPTED PRIVATE " + "KEY")),
    "pgp": ("Private Key", _key_block("PGP PRIVATE " + "KEY BLOCK")),
    # a key as a one-line string with escaped newlines, and a legacy encrypted PEM whose
    # headers and blank line come before the base64
    "pkcs1-one-line": (
        "Private Key",
        'KEY = "-----BEGIN RSA ' + "PRIVATE KEY-----\\n" + _body(64, ALNUM + "+/") + '\\n"',
    ),
    "pkcs1-encrypted-headers": (
        "Private Key",
        "-----BEGIN RSA " + "PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        "DEK-Info: AES-128-CBC,"
        + _body(32, "0123456789ABCDEF")
        + "\n\n"
        + "\n".join(_body(64, ALNUM + "+/") for _ in range(4)),
    ),
    "jwt": ("JSON Web Token", "Authorization: Bearer " + _jwt()),
    # the two plugins scanned through a cheaper screen (secrets.SCREENS)
    "mailchimp": (
        "Mailchimp Access Key",
        _body(32, string.ascii_lowercase + string.digits) + "-us12",
    ),
    "telegram": ("Telegram Bot Token", "bot = " + "1234567890" + ":" + _body(35, ALNUM + "_-")),
}


@dataclass(frozen=True)
class Plant:
    name: str  # case id
    member: str  # the path the finding must name (nested with !)
    kind: str


def _text(secret: str, size: int = 0) -> str:
    filler = "".join(f"line {i}: nothing to see here, just prose.\n" for i in range(size // 40))
    return f"# config\n{filler}{secret}\n# end\n"


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _tar_gz(files: dict[str, bytes], top: str = "") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(top + name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


CLEAN = {
    "pkg/__init__.py": b'"""A package."""\npassword = get_password()\nAPI_KEY = os.environ["K"]\n',
    "pkg/ids.py": b"UUID = '123e4567-e89b-12d3-a456-426614174000'\nSHA = '"
    + b"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    + b"'\n",
    "docs/usage.md": b"Set `TWINE_PASSWORD` to your token (it starts with `pypi-`).\n"
    b"Keys look like -----BEGIN PUBLIC KEY----- ... and ghp_... tokens\n",
    # python-rsa's docstrings name the markers of the files it reads: no key follows them
    "pkg/pem.py": b'def load_pkcs1(keyfile: bytes) -> "PrivateKey":\n'
    b'    """Loads a PKCS#1 PEM-encoded private key file.\n\n'
    b'    The contents before the "-----BEGIN RSA '
    + b'PRIVATE KEY-----" and\n    after the "-----END RSA PRIVATE KEY-----" lines is ignored.\n'
    b'    """\n    marker = b"-----BEGIN " + pem_marker + b"-----"\n',
    # releasekit's own changelog says so, with paths in the prose after the marker
    "docs/changes.md": b"- python-rsa's docstrings name the `-----BEGIN RSA "
    + b"PRIVATE KEY-----` markers\n  (see src/releasekit/artifacts/secrets/ and"
    b" docs/explanation/secretscanning/detectors.md).\n",
}


def _corpus() -> tuple[dict[str, bytes], dict[str, bytes], list[Plant]]:
    """A wheel's and an sdist's members, and every plant they hold."""
    wheel: dict[str, bytes] = dict(CLEAN)
    sdist: dict[str, bytes] = {f"src/{k}": v for k, v in CLEAN.items()}
    plants: list[Plant] = []
    # every kind once, in plain UTF-8, in the wheel and (another copy) in the sdist
    for case, (kind, secret) in SECRETS.items():
        wheel[f"pkg/data/{case}.txt"] = _text(secret).encode()
        plants.append(Plant(f"wheel-{case}", f"pkg/data/{case}.txt", kind))
    # encodings
    encoded = {
        "utf-8-sig": "utf-8-sig",
        "utf-16": "utf-16",
        "utf-16-le": "utf-16-le",
        "utf-16-be": "utf-16-be",
        "utf-32": "utf-32",
        "utf-32-le": "utf-32-le",
        "utf-32-be": "utf-32-be",
    }
    for label, codec in encoded.items():
        kind, secret = SECRETS["ghp"] if "16" in label else SECRETS["stripe-sk"]
        sdist[f"tests/data/{label}.txt"] = _text(secret).encode(codec)
        plants.append(Plant(f"encoding-{label}", f"tests/data/{label}.txt", kind))
    # size: a private key after 3 MB of text, and a token inside a 3 MB line without newlines
    sdist["data/big.log"] = _text(SECRETS["openssh"][1], size=3 << 20).encode()
    plants.append(Plant("size-3mb", "data/big.log", "Private Key"))
    long_line = "x" * (3 << 20) + " " + SECRETS["glpat"][1] + " " + "y" * (1 << 20)
    sdist["data/minified.js"] = long_line.encode()
    plants.append(Plant("size-3mb-one-line", "data/minified.js", "GitLab Token"))
    # nesting: zip in wheel, tar.gz in sdist, .gz, zip in tar.gz in wheel, jar
    wheel["pkg/fixtures.zip"] = _zip({"creds/token.txt": _text(SECRETS["github_pat"][1]).encode()})
    plants.append(
        Plant("zip-in-wheel", "pkg/fixtures.zip!creds/token.txt", SECRETS["github_pat"][0])
    )
    sdist["tests/vectors.tar.gz"] = _tar_gz({"keys/server.txt": _text(SECRETS["rsa"][1]).encode()})
    plants.append(Plant("targz-in-sdist", "tests/vectors.tar.gz!keys/server.txt", "Private Key"))
    sdist["tests/dump.json.gz"] = gzip.compress(_text(SECRETS["akia"][1]).encode())
    plants.append(Plant("gz", "tests/dump.json.gz!dump.json", "AWS Access Key"))
    inner = _zip({"deep/.pypi": _text(SECRETS["pypi"][1]).encode("utf-16")})
    wheel["pkg/bundle.tgz"] = _tar_gz({"inner.zip": inner})
    plants.append(Plant("zip-in-tgz-in-wheel", "pkg/bundle.tgz!inner.zip!deep/.pypi", "PyPI Token"))
    wheel["pkg/lib/plugin.jar"] = _zip(
        {"conf/app.properties": _text(SECRETS["slack-bot"][1]).encode()}
    )
    plants.append(Plant("jar", "pkg/lib/plugin.jar!conf/app.properties", "Slack Token"))
    # sensitive names (their content is harmless)
    for name in (
        ".envrc",
        ".env.production",
        "deploy/.netrc",
        ".npmrc",
        ".git-credentials",
        "home/.pypirc",
        "ssh/id_ed25519",
        "certs/server.pem",
        "certs/server.key",
        "certs/client.p12",
        "certs/client.pfx",
        "gcp/credentials.json",
        ".releasekit/journal.jsonl",
    ):
        sdist[name] = b"harmless\n"
        plants.append(Plant(f"name-{name}", name, "Sensitive file name"))
    # an .asc file is fine unless it holds a private block
    sdist["keys/release.asc"] = SECRETS["pgp"][1].encode()
    plants.append(Plant("asc-private", "keys/release.asc", "Private Key"))
    sdist["keys/public.asc"] = b"-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n"
    return wheel, sdist, plants


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Path], list[Plant]]:
    base = tmp_path_factory.mktemp("corpus")
    wheel_files, sdist_files, plants = _corpus()
    wheel = base / "pkg-1.0-py3-none-any.whl"
    wheel.write_bytes(_zip(wheel_files))
    sdist = base / "pkg-1.0.tar.gz"
    sdist.write_bytes(_tar_gz(sdist_files, top="pkg-1.0/"))
    return [wheel, sdist], plants


def test_corpus_has_at_least_30_plants(corpus: tuple[list[Path], list[Plant]]) -> None:
    _, plants = corpus
    assert len(plants) >= 30
    assert len({p.kind for p in plants}) >= 10


def test_every_planted_secret_is_found_by_artifact_member_and_kind(
    corpus: tuple[list[Path], list[Plant]],
) -> None:
    artifacts, plants = corpus
    report = scan(artifacts)
    found = {(f.artifact, f.member, f.kind) for f in report.findings}
    missed = []
    for plant in plants:
        artifact = (
            artifacts[0].name
            if plant.name.startswith(("wheel-", "zip-in-wheel", "zip-in-tgz", "jar"))
            else artifacts[1].name
        )
        if (artifact, plant.member, plant.kind) not in found:
            missed.append(plant)
    assert not missed, (
        "\n".join(map(str, missed)) + "\nfound:\n" + "\n".join(map(str, report.findings))
    )
    # nothing else: the clean look-alikes and the public key are not findings
    expected = {p.member for p in plants}
    extra = [f for f in report.findings if f.member not in expected]
    assert not extra, extra
    # a finding never shows the secret itself
    text = "\n".join(map(str, report.findings))
    for _, secret in SECRETS.values():
        for piece in secret.split():
            if len(piece) >= 20:
                assert piece[8:28] not in text
    assert report.bytes > 6 << 20  # the big members were read to the end


def test_allow_list_entries_drop_exactly_what_they_name(
    corpus: tuple[list[Path], list[Plant]],
) -> None:
    artifacts, plants = corpus
    config = Config.model_validate(
        {
            "secret_allow": [
                {"path": "tests/vectors.tar.gz!keys/*", "reason": "test vectors"},
                {"path": "pkg/data/*", "kind": "json web token", "reason": "a doc example"},
                {"path": "certs/*", "kind": "Sensitive file name", "reason": "test certs"},
                {"path": "data/big.log", "line": 1, "reason": "not the line of the key"},
            ]
        }
    )
    before = scan(artifacts).findings
    after = scan(artifacts, secret_allow=config.secret_allow).findings
    dropped = {f"{f.member}:{f.kind}" for f in set(before) - set(after)}
    assert dropped == {
        "tests/vectors.tar.gz!keys/server.txt:Private Key",
        "pkg/data/jwt.txt:JSON Web Token",
        "certs/server.pem:Sensitive file name",
        "certs/server.key:Sensitive file name",
        "certs/client.p12:Sensitive file name",
        "certs/client.pfx:Sensitive file name",
    }
    assert len(before) >= len(plants)  # some secrets match two detectors


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("héllo wörld, plain text".encode(), "utf-8"),
        ("plain ascii text here".encode("utf-16-le"), "utf-16-le"),
        ("plain ascii text here".encode("utf-16-be"), "utf-16-be"),
        ("plain ascii text here".encode("utf-32-le"), "utf-32-le"),
        ("plain ascii text here".encode("utf-32-be"), "utf-32-be"),
        ("x".encode("utf-16"), "utf-16-le"),
        ("x".encode("utf-32"), "utf-32-le"),
        (bytes(range(256)) * 4, "utf-8"),
    ],
)
def test_encoding_sniffing(data: bytes, expected: str) -> None:
    assert sniff(data)[0] == expected


def test_a_file_named_like_an_archive_that_is_none_is_scanned_as_bytes(tmp_path: Path) -> None:
    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    wheel.write_bytes(_zip({"pkg/not-really.zip": _text(SECRETS["gho"][1]).encode()}))
    assert [(f.member, f.kind) for f in scan([wheel]).findings] == [
        ("pkg/not-really.zip", "GitHub Token")
    ]


def test_archives_nested_too_deep_are_reported(tmp_path: Path) -> None:
    data = b"clean"
    for level in range(10):
        data = _zip({f"level{level}.zip" if level else "file.txt": data})
    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    wheel.write_bytes(_zip({"pkg/onion.zip": data}))
    kinds = [f.kind for f in scan([wheel]).findings]
    assert kinds == ["Archive nested too deep to check"]


def test_a_password_protected_zip_member_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    """cookiecutter's sdist: tests/files/protected-fake-repo-tmpl.zip, made with `zip -P`.
    zipfile cannot read its members without the password; the scan raised RuntimeError."""
    (tmp_path / "tmpl").mkdir()
    (tmp_path / "tmpl" / "cookiecutter.json").write_text('{"name": "x"}\n')
    subprocess.run(
        ["zip", "-q", "-r", "-P", "sekrit", "protected.zip", "tmpl"], cwd=tmp_path, check=True
    )
    sdist = tmp_path / "pkg-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        archive.add(tmp_path / "protected.zip", "pkg-1.0/tests/files/protected.zip")
    [finding] = scan([sdist]).findings
    assert (finding.member, finding.kind) == (
        "tests/files/protected.zip!tmpl/cookiecutter.json",
        "Encrypted, cannot be checked",
    )
    assert str(finding) == (
        "pkg-1.0.tar.gz!tests/files/protected.zip!tmpl/cookiecutter.json: Encrypted, cannot be "
        "checked (a password-protected zip member)"
    )
    config = Config.model_validate(
        {
            "secret_allow": [
                {
                    "path": "tests/files/protected.zip!*",
                    "kind": "Encrypted, cannot be checked",
                    "reason": "a test fixture for password-protected templates",
                }
            ]
        }
    )
    assert scan([sdist], secret_allow=config.secret_allow).findings == []


def test_verify_check_names_an_allow_entry_whose_kind_never_matches() -> None:
    from types import SimpleNamespace

    from releasekit.steps.verify import VerifyStep

    config = Config.model_validate(
        {
            "secret_allow": [
                {"path": "tests/*", "kind": "private key", "reason": "test keys"},
                {"path": "docs/*", "kind": "Privat Key", "reason": "typo"},
                {"path": "x", "kind": "sensitive file name", "reason": "fixture"},
            ]
        }
    )
    ctx = SimpleNamespace(config=config, workspace=SimpleNamespace(packages=[]))
    problems = list(VerifyStep().check(ctx))  # type: ignore[arg-type]
    assert len(problems) == 1
    what, fix = problems[0]
    assert "entry 2" in what and "'Privat Key'" in what
    assert "Private Key" in fix and "GitHub Token" in fix


def test_detect_secrets_global_settings_are_restored(tmp_path: Path) -> None:
    from detect_secrets.settings import get_settings

    before = get_settings().json()
    wheel = tmp_path / "pkg-1.0-py3-none-any.whl"
    wheel.write_bytes(_zip({"pkg/t.txt": _text(SECRETS["ghu"][1]).encode()}))
    assert [f.kind for f in scan([wheel]).findings] == ["GitHub Token"]
    assert get_settings().json() == before


@pytest.mark.parametrize(
    ("member", "content", "flagged"),
    [
        # Flask's sdist: a dotenv fixture that sets nothing secret is not a leak
        ("tests/test_apps/.env", b"FOO=env\nSPAM=1\nEGGS=2\nHAM=\xe7\x81\xab\xe8\x85\xbf\n", False),
        ("tests/test_apps/.flaskenv", b"FOO=flaskenv\n", False),
        ("tests/app/.env", b"export API_TOKEN=abc123\n", True),
        ("tests/app/.env.local", b"DATABASE_URL=postgres://app:hunter2@db/app\n", True),
        ("testing/.env", b"db_password = x\n", True),
        ("pkg/.env", b"FOO=env\n", True),  # outside the tests, any environment file is refused
    ],
)
def test_an_environment_file_in_the_tests_is_judged_by_what_it_sets(
    tmp_path: Path, member: str, content: bytes, flagged: bool
) -> None:
    sdist = tmp_path / "pkg-1.0.tar.gz"
    sdist.write_bytes(_tar_gz({member: content}, top="pkg-1.0/"))
    kinds = [f.kind for f in scan([sdist]).findings if f.member == member]
    assert (SENSITIVE_NAME in kinds) is flagged, kinds


@pytest.mark.parametrize(
    ("blocks", "flagged"),
    [
        # certifi's cacert.pem: a CA bundle, certificates and comments only
        (["CERTIFICATE", "CERTIFICATE"], False),
        (["PUBLIC KEY"], False),
        (["X509 CRL", "TRUSTED CERTIFICATE"], False),
        (["CERTIFICATE", "PRIVATE KEY"], True),  # a server's certificate with its key
        (["RSA PRIVATE KEY"], True),
        (["ENCRYPTED PRIVATE KEY"], True),
        ([], True),  # no PEM block at all: judged by its name alone
    ],
)
def test_a_pem_file_is_sensitive_unless_it_holds_only_public_blocks(
    tmp_path: Path, blocks: list[str], flagged: bool
) -> None:
    member = "certifi/cacert.pem"
    text = "# Issuer: CN=Example Root CA\n" + "".join(_key_block(kind) for kind in blocks)
    wheel = tmp_path / "certifi-1.0-py3-none-any.whl"
    wheel.write_bytes(_zip({member: text.encode()}))
    kinds = [f.kind for f in scan([wheel]).findings if f.member == member]
    assert (SENSITIVE_NAME in kinds) is flagged, kinds
