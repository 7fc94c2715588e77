from pathlib import Path

import pytest

from releasekit.config import Config
from releasekit.errors import ConfigError, PreflightError
from releasekit.redact import redact
from releasekit.targets import resolve_target


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "PYPI_TOKEN",
        "TESTPYPI_TOKEN",
        "TWINE_PASSWORD",
        "TWINE_USERNAME",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        "RELEASEKIT_INDEX_PASSWORD",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")


def test_local_needs_no_credentials() -> None:
    target = resolve_target("local", Config())
    assert target.local and target.has_credentials and target.can_remove


def test_pypi_token_from_env_is_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYPI_TOKEN", "pypi-AgEIcHlwaS5vcmc-secret-value")
    target = resolve_target("pypi", Config())
    assert target.public and not target.can_remove and target.username == "__token__"
    assert "secret-value" not in repr(target)


def test_pypi_without_credentials() -> None:
    target = resolve_target("pypi", Config())
    with pytest.raises(PreflightError, match="PYPI_TOKEN"):
        target.require_credentials()


def test_trusted_publishing_on_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # GitHub's OIDC endpoint cannot exist on this machine: only its environment is simulated.
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", "https://token.actions.example/x")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "opaque")
    target = resolve_target("pypi", Config())
    assert target.trusted_publishing and target.has_credentials and target.password is None


def test_named_repository_and_url() -> None:
    config = Config.model_validate({"repositories": {"corp": {"url": "https://pkgs.corp/legacy/"}}})
    corp = resolve_target("corp", config)
    assert corp.index_url == "https://pkgs.corp/simple/"
    assert corp.password_source == "RELEASEKIT_CORP_TOKEN"
    url = resolve_target("http://127.0.0.1:9/", config)
    assert url.index_url == "http://127.0.0.1:9/simple/"
    index = resolve_target("http://127.0.0.1:9/simple", config)  # the index itself
    assert index.index_url == "http://127.0.0.1:9/simple/"


def test_pypirc_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pypirc").write_text(
        "[internal]\nrepository = https://idx.example/\nusername = bot\npassword = pw-from-pypirc\n"
    )
    monkeypatch.setenv("PYPIRC", str(tmp_path / "pypirc"))
    target = resolve_target("internal", Config())
    assert (target.username, target.upload_url) == ("bot", "https://idx.example/")
    with pytest.raises(ConfigError, match="unknown release target 'nope'"):
        resolve_target("nope", Config())


@pytest.mark.parametrize(
    ("url", "user", "password", "shown"),
    [
        (
            "https://__token__:pypi-AgEIcHlwaS5vcmcCJDk5ZjFkNjU0@pkgs.example/legacy/",
            "__token__",
            "pypi-AgEIcHlwaS5vcmcCJDk5ZjFkNjU0",
            "https://pkgs.example/legacy/",
        ),
        (
            "http://bot:p%40ss%2Fw0rd-long@127.0.0.1:9/",
            "bot",
            "p@ss/w0rd-long",
            "http://127.0.0.1:9/",
        ),
        (  # a bare token as the user name, as some indexes take it
            "https://glpat-abcdefghij0123456789@gitlab.example/api/v4/projects/1/packages/pypi",
            "__token__",
            "glpat-abcdefghij0123456789",
            "https://gitlab.example/api/v4/projects/1/packages/pypi",
        ),
    ],
)
def test_credentials_in_a_url_are_used_and_never_shown(
    url: str, user: str, password: str, shown: str
) -> None:
    target = resolve_target(url, Config())
    assert (target.username, target.password) == (user, password)
    assert target.name == target.upload_url == shown  # shown and given to twine without them
    assert target.index_url is not None and "@" not in target.index_url
    assert password not in redact(f"{url} {password} {target!r}")


def test_a_short_user_name_in_a_url_is_not_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWINE_PASSWORD", "from-the-environment")
    target = resolve_target("https://bot@idx.example/", Config())
    assert (target.name, target.username, target.password) == (
        "https://idx.example/",
        "bot",
        "from-the-environment",
    )


def test_credentials_in_a_repository_or_pypirc_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config.model_validate(
        {"repositories": {"corp": {"url": "https://ci:corp-secret-123@pkgs.corp/legacy/"}}}
    )
    corp = resolve_target("corp", config)
    assert (corp.upload_url, corp.index_url) == (
        "https://pkgs.corp/legacy/",
        "https://pkgs.corp/simple/",
    )
    assert (corp.username, corp.password) == ("ci", "corp-secret-123")
    (tmp_path / "pypirc").write_text("[rc]\nrepository = https://u:rc-secret-456@idx.example/\n")
    monkeypatch.setenv("PYPIRC", str(tmp_path / "pypirc"))
    rc = resolve_target("rc", Config())
    assert (rc.upload_url, rc.username, rc.password) == (
        "https://idx.example/",
        "u",
        "rc-secret-456",
    )
    assert redact("corp-secret-123 rc-secret-456") == "******** ********"


def test_resume_finds_the_credentials_of_the_same_url_in_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the journal records "http://127.0.0.1:9/"; RELEASEKIT_TARGET still holds its credentials
    monkeypatch.setenv("RELEASEKIT_TARGET", "http://ci:env-target-secret@127.0.0.1:9/")
    again = resolve_target("http://127.0.0.1:9/", Config())
    assert (again.username, again.password) == ("ci", "env-target-secret")
    other = resolve_target("http://127.0.0.1:10/", Config())
    assert other.password is None
