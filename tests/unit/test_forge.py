"""The forge client library against local doubles of GitHub's and GitLab's release APIs.

GitHub's and GitLab's APIs cannot be reached from here: ``tests/forge_doubles.py`` serves their
published schemas on 127.0.0.1, and the client is the same code as for the real services (only
``api_url`` differs).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from releasekit.config import Config
from releasekit.context import Context
from releasekit.forge import ForgeError, ReleaseSpec, find_token, parse_remote, resolve_forge
from releasekit.forge.github import GitHub
from releasekit.forge.gitlab import GitLab
from releasekit.pipeline import Pipeline, default_steps
from releasekit.redact import redact
from releasekit.steps.base import StepRecord
from releasekit.steps.forge import ForgeDraftStep, ForgePublishStep

from ..conftest import PROJECTS, git, make_sandbox, step_context
from ..forge_doubles import GitHubDouble, GitLabDouble, serve

TOKEN = "ghp_" + "forgeDoubleToken0123456789abcdefghij"  # fake, for the double
SPEC = ReleaseSpec(tag="v1.1.0", target="main", name="pkg 1.1.0", notes="- fixed", version="1.1.0")


@pytest.fixture
def github() -> Iterator[GitHubDouble]:
    yield from serve(GitHubDouble(token=TOKEN, repo="acme/tool"))


@pytest.fixture
def gitlab() -> Iterator[GitLabDouble]:
    yield from serve(GitLabDouble(token=TOKEN, repo="group/sub/tool"), prefix="/api/v4")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:acme/tool.git", ("github.com", "acme/tool")),
        ("git@github.com:acme/tool", ("github.com", "acme/tool")),
        ("ssh://git@github.com/acme/tool.git", ("github.com", "acme/tool")),
        ("ssh://git@github.com:22/acme/tool.git/", ("github.com", "acme/tool")),
        ("https://github.com/acme/tool.git", ("github.com", "acme/tool")),
        ("https://x-access-token:abc@GitHub.com/acme/tool", ("github.com", "acme/tool")),
        ("git@gitlab.com:group/sub/tool.git", ("gitlab.com", "group/sub/tool")),
        ("https://gitlab.example.org/group/tool.git", ("gitlab.example.org", "group/tool")),
        ("../remote.git", None),
        ("/srv/git/tool.git", None),
        ("file:///srv/git/tool.git", None),
        ("https://github.com/", None),
    ],
)
def test_parse_remote(url: str, expected: tuple[str, str] | None) -> None:
    assert parse_remote(url) == expected


def _repo(tmp_path: Path, url: str) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "remote", "add", "origin", url)
    return tmp_path


GHE = {"kind": "github"}
LOCAL = {"kind": "github", "repo": "a/b", "api_url": "http://127.0.0.1:9/"}


@pytest.mark.parametrize(
    ("url", "forge", "found"),
    [
        ("git@github.com:acme/tool.git", {}, ("github", "acme/tool", "https://api.github.com")),
        ("https://gitlab.com/g/s/t.git", {}, ("gitlab", "g/s/t", "https://gitlab.com/api/v4")),
        # GitHub Enterprise: the kind is configured, the API is derived from the host
        (
            "git@ghe.acme.io:team/tool.git",
            GHE,
            ("github", "team/tool", "https://ghe.acme.io/api/v3"),
        ),
        ("../remote.git", LOCAL, ("github", "a/b", "http://127.0.0.1:9")),
    ],
)
def test_resolve_forge(
    tmp_path: Path, url: str, forge: dict[str, str], found: tuple[str, ...]
) -> None:
    target = resolve_forge(_repo(tmp_path, url), Config.model_validate({"forge": forge})).target
    assert target is not None
    assert (target.kind, target.repo, target.api_url) == found


def test_no_forge_detected_or_turned_off(tmp_path: Path) -> None:
    root = _repo(tmp_path, "../remote.git")
    none = resolve_forge(root, Config())
    assert none.target is None
    assert not none.configured
    assert "not on github.com or gitlab.com" in none.reason
    git(root, "remote", "set-url", "origin", "git@github.com:a/b.git")
    off = resolve_forge(root, Config.model_validate({"forge": {"enabled": False}}))
    assert off.target is None
    assert off.reason == "forge.enabled = false"


def test_token_from_environment_is_registered_with_the_redactor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    target = resolve_forge(_repo(tmp_path, "git@github.com:a/b.git"), Config()).target
    assert target is not None
    token = "gh-token-from-env-" + "7" * 20
    assert find_token(target, {"GH_TOKEN": token}) == token
    assert token not in redact(f"Authorization: token {token} and {token}")
    assert find_token(target, {"GITHUB_TOKEN": " "}) is None  # the fail keyring has none


def test_github_draft_upload_publish_delete(github: GitHubDouble, tmp_path: Path) -> None:
    client = GitHub(github.base, "acme/tool", TOKEN)
    assert client.check_access() is None
    assert client.find("v1.1.0") is None
    draft = client.create_draft(SPEC)
    assert draft.draft
    assert draft.upload_url.endswith("/assets{?name,label}")  # the RFC 6570 template
    assert client.api.call("GET", "/repos/acme/tool/releases/tags/v1.1.0", missing_ok=True) is None
    wheel = tmp_path / "pkg-1.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK wheel bytes")
    client.upload(draft, wheel)
    found = client.find("v1.1.0")  # a draft: found in the list, not by its tag
    assert found is not None
    assert found.id == draft.id
    assert found.assets[wheel.name].size == len(b"PK wheel bytes")
    client.upload(found, wheel)  # again (a resumed upload): replaced, never a 422 or a duplicate
    assert len(github.releases[int(draft.id)]["assets"]) == 1
    upload = github.calls_to("POST", "/uploads/")[-1]
    assert upload.path.endswith("?name=pkg-1.1.0-py3-none-any.whl")
    assert upload.headers["Content-Type"] == "application/zip"
    published = client.publish(found, SPEC)
    assert not published.draft
    assert published.url.endswith("/releases/tag/v1.1.0")
    assert client.find("v1.1.0") == published
    client.delete(published)
    assert client.find("v1.1.0") is None
    assert github.releases == {}


def test_github_errors_are_one_line_without_the_token(github: GitHubDouble) -> None:
    wrong = "ghp_" + "WrongToken0123456789abcdefghijklmnop"
    with pytest.raises(ForgeError) as caught:
        GitHub(github.base, "acme/tool", wrong).find("v1.0.0")
    assert "answered 401: Bad credentials" in caught.value.message
    assert "not valid" in (caught.value.hint or "")
    assert wrong not in str(caught.value)
    with pytest.raises(ForgeError, match="answered 404"):
        GitHub(github.base, "acme/other", TOKEN).check_access()
    with pytest.raises(ForgeError, match="cannot be reached"):
        GitHub("http://127.0.0.1:9", "acme/tool", TOKEN).find("v1.0.0")


def test_gitlab_create_after_the_tag(gitlab: GitLabDouble, tmp_path: Path) -> None:
    client = GitLab(gitlab.base, "group/sub/tool", TOKEN)
    assert client.check_access() is None
    draft = client.create_draft(SPEC)  # no drafts on GitLab: the files go to a generic package
    sdist = tmp_path / "pkg-1.1.0.tar.gz"
    sdist.write_bytes(b"sdist bytes")
    client.upload(draft, sdist)
    found = client.find("v1.1.0")
    assert found is not None
    assert found.draft
    assert found.assets[sdist.name].size == len(b"sdist bytes")
    assert gitlab.releases == {}
    gitlab.tags.add("v1.1.0")  # the tag step pushed it
    published = client.publish(found, SPEC)
    assert not published.draft
    release = gitlab.releases["v1.1.0"]
    assert release["description"] == "- fixed"
    [link] = release["assets"]["links"]
    assert link["name"] == sdist.name
    assert (
        link["url"]
        == f"{gitlab.base}/projects/group%2Fsub%2Ftool/packages/generic/tool/v1.1.0/{sdist.name}"
    )
    client.delete(published)
    assert gitlab.releases == {}
    assert gitlab.packages == {}
    assert client.find("v1.1.0") is None


def test_steps_skipped_with_a_reason_without_forge_or_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    sandbox = make_sandbox(tmp_path, "simple")
    names = [s.name for s in default_steps()]
    assert names.index("docs") < names.index("forge-draft") < names.index("publish")
    assert names.index("tag") < names.index("forge-publish") < names.index("promote")
    ctx = step_context(sandbox.repo)
    reasons = {p.step: p.skip_reason for p in Pipeline(ctx, default_steps()).plans()}
    assert "not on github.com or gitlab.com" in str(reasons["forge-draft"])
    sandbox.git("remote", "set-url", "origin", "git@github.com:acme/simple.git")
    ctx = step_context(sandbox.repo)
    reasons = {p.step: p.skip_reason for p in Pipeline(ctx, default_steps()).plans()}
    assert reasons["forge-draft"] == (
        "no token for GitHub acme/simple (set GITHUB_TOKEN or GH_TOKEN, "
        "or store one with `keyring set releasekit api.github.com`)"
    )
    assert reasons["forge-publish"] == reasons["forge-draft"]
    assert next(iter(ForgeDraftStep().check(ctx)))[0] == "no GitHub token for acme/simple"


WHEEL = "simple_pkg-1.1.0-py3-none-any.whl"
PUBLISHED = StepRecord("forge-publish", "done", {}, [{"action": "publishing"}])


def _forge_context(tmp_path: Path, api_url: str, monkeypatch: pytest.MonkeyPatch) -> Context:
    """The step context of the fixture project with a GitHub forge at ``api_url``, two dist
    files and the facts of the steps before forge-draft."""
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    pyproject = (PROJECTS / "simple" / "pyproject.toml").read_text(encoding="utf-8")
    table = f'[tool.releasekit.forge]\nkind = "github"\nrepo = "acme/tool"\napi_url = "{api_url}"\n'
    root = tmp_path / "work"  # make_sandbox's repository
    if not root.exists():
        root = make_sandbox(tmp_path, "simple").repo
    (root / "pyproject.toml").write_text(pyproject + table, encoding="utf-8")
    ctx = step_context(root)
    files = []
    for name, kind in ((WHEEL, "wheel"), ("simple_pkg-1.1.0.tar.gz", "sdist")):
        path = root / "dist" / name
        path.parent.mkdir(exist_ok=True)
        if not path.exists():
            path.write_bytes(b"built " + name.encode())
        files.append({"path": f"dist/{name}", "filename": name, "kind": kind})
    ctx.facts.update(
        build={"dir": "dist", "files": files},
        preflight={"branch": "main"},
        changelog={"notes": "### Features\n\n- Added a greeting."},
    )
    return ctx


def test_draft_step_reuses_the_draft_replaces_changed_assets_and_undo_never_raises(
    tmp_path: Path, github: GitHubDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = _forge_context(tmp_path, github.base, monkeypatch)
    step = ForgeDraftStep()
    facts = step.apply(ctx)
    [release] = github.releases.values()
    assert facts["url"].endswith(f"untagged-{release['id']:x}")
    assert release["body"] == "### Features\n\n- Added a greeting."
    assert release["prerelease"] is False
    wheel = tmp_path / "work" / "dist" / WHEEL
    wheel.write_bytes(wheel.read_bytes().upper())  # same size, other bytes: the digest differs
    step.apply(ctx)
    assert list(github.releases) == [release["id"]]  # the draft again, not a second one
    assert github.uploaded[wheel.name] == wheel.read_bytes()
    assert len(release["assets"]) == 2
    record = StepRecord(step.name, "done", facts, [{"action": "creating"}])
    assert step.reconcile(ctx, record) == facts  # resume: found complete, not repeated

    ForgePublishStep().apply(ctx)
    problems = list(step.check(ctx))  # a second release of this version would be refused
    assert problems[0][0].startswith("GitHub already has a published release for v1.1.0")

    unreachable = _forge_context(tmp_path, "http://127.0.0.1:9", monkeypatch)
    [note] = ForgePublishStep().undo(unreachable, PUBLISHED)  # rollback goes on, says what to do
    assert "delete the published release v1.1.0 on the forge by hand" in note
    assert ForgePublishStep().undo(ctx, PUBLISHED) == []
    assert github.releases == {}
    assert step.undo(ctx, record) == []  # already gone with the published release
