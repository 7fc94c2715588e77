"""No credential ever leaves releasekit: the leak suite of issue 12.

Fresh, realistic fake tokens of every known shape are planted where a maintainer keeps them: in
environment variables the target uses and ones it does not (MY_API_TOKEN, GITHUB_TOKEN,
AWS_SECRET_ACCESS_KEY, ...), in target URLs (``--to``, ``RELEASEKIT_TARGET``, a repository's
``url``), in a ``.pypirc`` and in the keyring (a keyring backend installed through keyring's own
``PYTHON_KEYRING_BACKEND`` setting). A gate command prints all of them -- the environment, the
``.pypirc``, an ``Authorization`` header -- so every token goes through tool output too.

Then real runs against a real password-protected pypiserver: ``config``, ``doctor``, ``plan``,
failures (the gate, an unreachable target, a wrong password at upload, a SIGKILL mid-release)
with ``status`` and ``--rollback``, and a successful ``-v release`` whose credentials are in the
``--to`` URL. Every byte written -- stdout, stderr, every file under the sandbox (work tree,
``.releasekit/`` with its journal, history and lock, the git repositories' refs, logs and the text
of every commit and tag), both index directories and the members of every uploaded archive -- is
searched for every 8-character piece of every token: there must be none.

PyPI itself cannot be used here: ``doctor --to pypi`` (the keyring's token) goes through a proxy
that refuses connections, so the index check fails fast and deterministically.
"""

from __future__ import annotations

import base64
import secrets
import signal
import string
import subprocess
import sys
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from releasekit.context import KILL_ENV

from ..conftest import RemoteIndex, Sandbox, free_port

ALNUM = string.ascii_letters + string.digits


def _random(alphabet: str, size: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(size))


def _b64url(size: int) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(size)).decode().rstrip("=")


def _tokens() -> dict[str, str]:
    """One fresh fake credential of every shape (never a real one: they are random)."""
    jwt_head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').decode().rstrip("=")
    jwt_body = base64.urlsafe_b64encode(b'{"sub":"release-bot","iat":1764677000}').decode()
    return {
        "pypi_used": "pypi-AgEIcHlwaS5vcmc" + _b64url(60),
        "pypi_unused": "pypi-AgEIcHlwaS5vcmc" + _b64url(60),
        "pypi_keyring": "pypi-AgENdGVzdC5weXBpLm9yZw" + _b64url(60),
        "pypirc_password": "pypirc-" + _random(ALNUM, 24),
        "url_password": "s3cret-upload-pass",  # the remote index's real password
        "wrong_password": "wrong-" + _random(ALNUM, 20),
        "unreachable_password": "nowhere-" + _random(ALNUM, 20),
        "ghp": "ghp_" + _random(ALNUM, 36),
        "gho": "gho_" + _random(ALNUM, 36),
        "ghs": "ghs_" + _random(ALNUM, 36),
        "github_pat": f"github_pat_{_random(ALNUM, 22)}_{_random(ALNUM, 59)}",
        "glpat": "glpat-" + _random(ALNUM + "-_", 20),
        "aws_id": "AKIA" + _random(string.ascii_uppercase + string.digits, 16),
        "aws_session_id": "ASIA" + _random(string.ascii_uppercase + string.digits, 16),
        "aws_secret": _random(ALNUM + "/+", 40),
        "slack": f"xoxb-{_random(string.digits, 12)}-{_random(string.digits, 13)}-"
        + _random(ALNUM, 24),
        "stripe_live": "sk_live_" + _random(ALNUM, 24),
        "stripe_restricted": "rk_live_" + _random(ALNUM, 24),
        "stripe_test": "sk_test_" + _random(ALNUM, 24),
        "private_key_body": base64.encodebytes(secrets.token_bytes(180)).decode(),
        "jwt": f"{jwt_head}.{jwt_body.rstrip('=')}.{_b64url(32)}",
        "bearer": _random(ALNUM, 40),
        "plain_password": "hunter2-" + _random(ALNUM, 12),
        "alert_password": "alertpw-" + _random(ALNUM, 16),
        "alert_token": "alerttok" + _random(ALNUM, 24),
    }


def _private_key(body: str) -> str:
    return f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}-----END OPENSSH PRIVATE KEY-----\n"


LEAKY_GATE = """\
import os, sys
for name, value in sorted(os.environ.items()):
    print(f"{name}={value}")
print(open(os.environ["PYPIRC"], encoding="utf-8").read())
print("Authorization: Bearer " + os.environ["MY_BEARER"])
print("curl -H 'Authorization: Basic " + os.environ["MY_BASIC"] + "' " + os.environ["MY_URL"])
print(os.environ["MY_JWT"], file=sys.stderr)
sys.exit(int(os.environ.get("LEAKY_GATE_EXIT", "0")))
"""

KEYRING_BACKEND = """\
import os
from keyring.backend import KeyringBackend


class PlantedKeyring(KeyringBackend):
    priority = 1

    def get_password(self, service, username):
        return os.environ["PLANTED_KEYRING_TOKEN_FILE"] and open(
            os.environ["PLANTED_KEYRING_TOKEN_FILE"], encoding="utf-8"
        ).read()

    def set_password(self, service, username, password):
        raise NotImplementedError

    def delete_password(self, service, username):
        raise NotImplementedError
"""


def _plant(sandbox: Sandbox, index: RemoteIndex, tokens: dict[str, str]) -> dict[str, str]:
    """Files and environment holding every token; returns the environment for the runs."""
    home = sandbox.base / "home"
    home.mkdir()
    host = index.url.removeprefix("http://")
    (home / ".pypirc").write_text(
        "[distutils]\nindex-servers = corp-rc other\n\n"
        f"[corp-rc]\nrepository = {index.url}\nusername = uploader\n"
        f"password = {tokens['pypirc_password']}\n\n"
        f"[other]\nrepository = https://upload.example.invalid/legacy/\nusername = __token__\n"
        f"password = {tokens['pypi_unused']}\n",
        encoding="utf-8",
    )
    (home / "leaky_gate.py").write_text(LEAKY_GATE, encoding="utf-8")
    (home / "planted_keyring.py").write_text(KEYRING_BACKEND, encoding="utf-8")
    (home / "keyring-token").write_text(tokens["pypi_keyring"], encoding="utf-8")
    basic = base64.b64encode(f"uploader:{tokens['plain_password']}".encode()).decode()
    tokens["basic"] = basic
    return {
        "PYPIRC": str(home / ".pypirc"),
        "PYTHONPATH": str(home),
        "PYTHON_KEYRING_BACKEND": "planted_keyring.PlantedKeyring",
        "PLANTED_KEYRING_TOKEN_FILE": str(home / "keyring-token"),
        "RELEASEKIT_GATE_COMMAND": f"{sys.executable} {home / 'leaky_gate.py'}",
        # a target URL with credentials, from the environment (config, doctor, plan)
        "RELEASEKIT_TARGET": f"http://uploader:{tokens['url_password']}@{host}",
        # alerts to a webhook nobody listens on: a password and a token in the URL's path
        "RELEASEKIT_ALERT_URLS": f"json://alerts:{tokens['alert_password']}@127.0.0.1:"
        f"{free_port()}/hooks/{tokens['alert_token']}",
        # secrets the release does not use, under secret-looking names ...
        "MY_API_TOKEN": tokens["pypi_unused"],
        "GITHUB_TOKEN": tokens["ghp"],
        "GH_PAT": tokens["github_pat"],
        "GITLAB_TOKEN": tokens["glpat"],
        "AWS_ACCESS_KEY_ID": tokens["aws_id"],
        "AWS_SECRET_ACCESS_KEY": tokens["aws_secret"],
        "SLACK_BOT_TOKEN": tokens["slack"],
        "STRIPE_API_KEY": tokens["stripe_live"],
        "DEPLOY_PRIVATE_KEY": _private_key(tokens["private_key_body"]),
        "DB_PASSWORD": tokens["plain_password"],
        # ... and under names that say nothing: only their shape gives them away
        "OAUTH_CLIENT": tokens["gho"],
        "CI_JOB_IDENTITY": tokens["ghs"],
        "SESSION_ID": tokens["aws_session_id"],
        "PAYMENTS_RESTRICTED": tokens["stripe_restricted"],
        "PAYMENTS_SANDBOX": tokens["stripe_test"],
        "MY_JWT": tokens["jwt"],
        "MY_BEARER": tokens["bearer"],
        "MY_BASIC": basic,
        "MY_URL": f"https://deploy:{tokens['plain_password']}@deploy.example.invalid/hook",
    }


def _run(
    sandbox: Sandbox,
    outputs: dict[str, str],
    label: str,
    *args: str,
    env: dict[str, str],
    expect: int | None = 0,
) -> subprocess.CompletedProcess[str]:
    done = sandbox.run(*args, env=env)
    outputs[label] = done.stdout + done.stderr
    if expect is not None:
        assert done.returncode == expect, f"{label}: exit {done.returncode}\n{outputs[label]}"
    return done


def _git_text(repo: Path) -> str:
    """Everything git stores, as text: commits (messages and diffs), tags, refs."""
    parts = []
    for args in (
        ["log", "--all", "-p", "--format=fuller"],
        ["for-each-ref", "--format=%(refname) %(objectname) %(contents)"],
    ):
        done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
        parts.append(done.stdout)
    return "\n".join(parts)


def _archive_members(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.suffix in {".whl", ".zip"}:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                yield f"{path}!{name}", archive.read(name)
    elif path.name.endswith(".tar.gz"):
        with tarfile.open(path) as archive:
            for member in archive.getmembers():
                handle = archive.extractfile(member)
                if handle is not None:
                    yield f"{path}!{member.name}", handle.read()


def _haystacks(
    root: Path, planted: set[Path], outputs: dict[str, str]
) -> Iterator[tuple[str, bytes]]:
    """Every output, and every file under ``root`` (the sandbox: work tree, .releasekit/, both
    git repositories, the local and the remote index) but the ones the test planted."""
    for label, text in outputs.items():
        yield f"output of `{label}`", text.encode()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path in planted or "objects" in path.parts:
            continue  # git objects are compressed: their text is searched through git
        yield str(path), path.read_bytes()
        yield from _archive_members(path)
    for repo in (root / "work", root / "remote.git"):
        yield f"git history of {repo}", _git_text(repo).encode()


def _pieces(secret: str) -> set[bytes]:
    return {secret[i : i + 8].encode() for i in range(len(secret) - 7)}


def test_no_credential_leaks_anywhere(sandbox: Sandbox, remote_index: RemoteIndex) -> None:
    tokens = _tokens()
    env = _plant(sandbox, remote_index, tokens)
    host = remote_index.url.removeprefix("http://")
    with_creds = f"http://uploader:{tokens['url_password']}@{host}"
    outputs: dict[str, str] = {}
    run = lambda label, *args, expect=0, **extra: _run(  # noqa: E731 - a short alias
        sandbox, outputs, label, *args, env={**env, **extra}, expect=expect
    )

    # read-only commands: the target's credentials come from RELEASEKIT_TARGET's URL
    run("config", "config")
    run("doctor", "-v", "doctor")
    run("plan (URL credentials)", "-v", "plan", "minor", "--to", with_creds)
    run("plan (.pypirc)", "-v", "plan", "minor", "--to", "corp-rc", expect=None)
    # PyPI itself is not contacted: through a proxy that refuses, its check fails fast
    refused = f"http://127.0.0.1:{free_port()}"
    run("doctor (keyring, pypi)", "-v", "doctor", "--to", "pypi", expect=3, https_proxy=refused)
    assert "no credentials" not in outputs["doctor (keyring, pypi)"]  # the keyring's token was read

    # failures: the gate (which prints every secret), an unreachable target, a kill mid-release
    run("gate fails", "--log-file", str(sandbox.base / "gate-fails.jsonl"), "-v", "release",
        "minor", "--yes", "--to", with_creds, expect=4, LEAKY_GATE_EXIT="1")  # fmt: skip
    unreachable = f"http://uploader:{tokens['unreachable_password']}@127.0.0.1:{free_port()}/"
    done = run(
        "unreachable target", "-v", "release", "minor", "--yes", "--to", unreachable, expect=None
    )
    assert done.returncode in {3, 6}, outputs["unreachable target"]
    killed = sandbox.run(
        "-v",
        "release",
        "minor",
        "--yes",
        "--to",
        with_creds,
        env={**env, KILL_ENV: "before:version"},
    )
    outputs["killed before version"] = killed.stdout + killed.stderr
    assert killed.returncode == -signal.SIGKILL, outputs["killed before version"]
    run("status (killed)", "-v", "status")
    run("rollback (killed)", "-v", "release", "--rollback")

    # a wrong password: refused at the upload (verify skipped: it costs time and shows nothing
    # new); then status and rollback
    wrong = f"http://uploader:{tokens['wrong_password']}@{host}"
    run("wrong password", "-v", "release", "minor", "--yes", "--to", wrong, "--skip", "verify",
        expect=5)  # fmt: skip
    run("status (failed upload)", "-v", "status")
    run("rollback (failed upload)", "-v", "release", "--rollback")

    # the release, with the credentials in the URL only
    run("release", "--log-file", str(sandbox.base / "release.jsonl"), "-v", "release", "minor",
        "--yes", "--to", with_creds)  # fmt: skip
    assert sorted(p.name for p in remote_index.directory.iterdir()) == [
        "simple_pkg-1.1.0-py3-none-any.whl",
        "simple_pkg-1.1.0.tar.gz",
    ]
    assert sandbox.remote_git("tag") == "v1.1.0"
    # the alerts were tried (the webhook is dead: one warning) and the events logged
    assert "alert release-succeeded not delivered" in " ".join(outputs["release"].split())
    assert (sandbox.base / "release.jsonl").stat().st_size > 0
    run("status (released)", "-v", "status")

    # a named repository whose url holds a token: config, plan and doctor show it masked
    pyproject = sandbox.repo / "pyproject.toml"
    planted = pyproject.read_text(encoding="utf-8") + (
        f'\n[tool.releasekit.repositories.corp]\nurl = "http://__token__:{tokens["pypi_used"]}'
        f'@{host}"\n'
    )
    pyproject.write_text(planted, encoding="utf-8")
    run("config (repository url)", "config")
    run("plan (repository url)", "-v", "plan", "patch", "--to", "corp", expect=None)
    run("doctor (repository url)", "-v", "doctor", "--to", "corp", expect=None)
    assert pyproject.read_text(encoding="utf-8") == planted  # nothing rewrote the planted file

    planted_files = {sandbox.base / "home" / name for name in (".pypirc", "keyring-token")}
    planted_files.add(pyproject)
    hits = []
    haystacks = 0
    for where, data in _haystacks(sandbox.base, planted_files, outputs):
        haystacks += 1
        for kind, secret in tokens.items():
            piece = next((p for p in _pieces(secret) if p in data), None)
            if piece is not None:
                hits.append(f"{kind}: {piece.decode()!r} in {where}")
    cases = len(outputs) * len(tokens)
    print(
        f"leak suite: {len(tokens)} tokens x {len(outputs)} runs = {cases} cases; "
        f"{haystacks} outputs, files, archive members and git histories searched; {len(hits)} hits"
    )
    assert not hits, "\n".join(hits)
    # the target was shown, without its credentials
    assert f"to http://{host}" in outputs["plan (URL credentials)"]
