"""The docs step for real: mkdocs (Material + mkdocstrings) --strict, mike, a bare git remote."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from releasekit.docsite import DocsError, build_site, docs_skip_reason
from releasekit.errors import ConfigError
from releasekit.steps.base import Status
from releasekit.steps.docs import DocsStep
from releasekit.steps.promote import PromoteStep

from ..image.stepctx import Project, git, make_project

SITE = Path(__file__).parent / "projects" / "site"
STEPS = (DocsStep(), PromoteStep())


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return make_project(tmp_path, SITE)


def _remote_file(project: Project, path: str) -> str | None:
    done = subprocess.run(
        ["git", "show", f"gh-pages:{path}"],
        cwd=project.remote,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout if done.returncode == 0 else None


def _versions(project: Project) -> dict[str, list[str]]:
    raw = _remote_file(project, "versions.json")
    return {v["version"]: v["aliases"] for v in json.loads(raw)} if raw else {}


def _clean(project: Project) -> bool:
    return git(project.repo, "status", "--porcelain") == ""


def test_two_releases_then_rollback_of_the_second(project: Project) -> None:
    first, results = project.release("1.0.0", STEPS, wheel=False)
    assert [r.status for r in results] == [Status.OK, Status.OK]
    assert _versions(project) == {"1.0.0": ["latest"]}
    assert _remote_file(project, "1.0.0/index.html") is not None
    api = _remote_file(project, "1.0.0/api/index.html") or ""
    assert "Return a greeting for" in api  # mkdocstrings rendered the docstring
    assert "latest/" in (_remote_file(project, "index.html") or "")  # the default redirect
    assert first.facts["docs"]["previous_alias"] is None
    assert _clean(project)  # mike's site/ build dir did not stay behind

    second, _ = project.release("1.1.0", STEPS, wheel=False)
    assert _versions(project) == {"1.1.0": ["latest"], "1.0.0": []}
    assert second.facts["promote"]["docs"]["previous"] == "1.0.0"

    assert project.rollback(second, STEPS) == []
    assert _versions(project) == {"1.0.0": ["latest"]}
    assert _remote_file(project, "1.1.0/index.html") is None
    assert _clean(project)


def test_rollback_of_the_first_release_removes_everything(project: Project) -> None:
    first, _ = project.release("1.0.0", STEPS, wheel=False)
    assert project.rollback(first, STEPS) == []
    assert _versions(project) == {}


def test_strict_warning_fails_before_publishing(project: Project) -> None:
    project.write({"docs/index.md": "# sitepkg\n\nSee [the guide](guide.md).\n"})
    with pytest.raises(DocsError) as caught:
        project.release("1.0.0", STEPS, wheel=False)
    message = str(caught.value)
    assert "\n" not in message
    assert "mkdocs build --strict failed" in message
    assert "guide.md" in message
    assert git(project.remote, "branch", "--list", "gh-pages") == ""  # nothing published


MKDOCS_WITHOUT_MIKE = "site_name: sitepkg\ntheme:\n  name: material\nnav:\n  - Home: index.md\n"


@pytest.mark.parametrize(
    ("mkdocs_yml", "table", "runs"),
    [
        (MKDOCS_WITHOUT_MIKE, "", False),  # published some other way (gh-deploy, Read the Docs)
        (
            MKDOCS_WITHOUT_MIKE + "plugins:\n  - search\n  - mike:\n      alias_type: copy\n",
            "",
            True,
        ),
        (MKDOCS_WITHOUT_MIKE + "extra:\n  version:\n    provider: 'mike'\n", "", True),
        (MKDOCS_WITHOUT_MIKE, "[tool.releasekit.docs]\nbranch = 'gh-pages'\n", True),
    ],
    ids=["no-mike", "mike-plugin", "provider-mike", "table"],
)
def test_docs_step_runs_by_default_only_for_a_site_published_with_mike(
    tmp_path: Path, mkdocs_yml: str, table: str, runs: bool
) -> None:
    """A project whose mkdocs.yml does not use mike (Python-Markdown, python-dotenv: gh-deploy)
    gets no gh-pages commits from releasekit unless it asks for them."""
    project = make_project(tmp_path, SITE, pyproject_extra=table, files={"mkdocs.yml": mkdocs_yml})
    ctx = project.plan_context("1.0.0")
    reason = DocsStep().skip_reason(ctx)
    if runs:
        assert reason is None
    else:
        assert reason is not None
        assert reason.startswith("mkdocs.yml does not publish versions with mike")
        assert "[tool.releasekit.docs] enabled = true" in reason
        assert PromoteStep().skip_reason(ctx) is not None  # no alias to move either


def test_missing_mkdocs_yml(tmp_path: Path) -> None:
    project = make_project(tmp_path / "a", SITE)
    (project.repo / "mkdocs.yml").unlink()
    ctx = project.plan_context("1.0.0")
    assert docs_skip_reason(ctx.config, ctx.root) == "no mkdocs.yml"
    assert DocsStep().skip_reason(ctx) == "no mkdocs.yml"

    wanted = make_project(
        tmp_path / "b", SITE, pyproject_extra="[tool.releasekit.docs]\nenabled = true\n"
    )
    (wanted.repo / "mkdocs.yml").unlink()
    with pytest.raises(ConfigError) as caught:  # known when the configuration is loaded
        wanted.release("1.0.0", STEPS, wheel=False)
    assert "'docs.config_file' = 'mkdocs.yml': no such file, but docs.enabled = true" in str(
        caught.value
    )
    assert "\n" not in str(caught.value)
    assert git(wanted.remote, "branch", "--list", "gh-pages") == ""


def test_disabled_in_config(tmp_path: Path) -> None:
    project = make_project(
        tmp_path, SITE, pyproject_extra="[tool.releasekit.docs]\nenabled = false\n"
    )
    ctx = project.plan_context("1.0.0")
    assert "disabled" in (DocsStep().skip_reason(ctx) or "")
    assert PromoteStep().skip_reason(ctx) is not None


def test_plan_says_what_would_happen(project: Project) -> None:
    plan = DocsStep().plan(project.plan_context("1.2.0"))
    text = "\n".join(plan.actions)
    assert "mkdocs build --strict -f mkdocs.yml" in text
    assert "mike deploy 1.2.0 -> origin/gh-pages" in text
    assert "Material's version selector" in text
    assert "alias latest -> 1.2.0" in text


def test_build_site_directly(project: Project, tmp_path: Path) -> None:
    site = build_site(project.repo, project.repo / "mkdocs.yml", tmp_path / "site")
    assert (site / "api" / "index.html").is_file()


def test_resume_finds_a_finished_deploy(project: Project) -> None:
    """A release killed after mike pushed: reconcile sees the version on the remote."""
    first, _ = project.release("1.0.0", STEPS, wheel=False)
    record = first.journal.steps()["docs"]
    facts = DocsStep().reconcile(first, record)
    assert facts is not None
    assert facts["version"] == "1.0.0"
    assert facts["deployed"]


def test_a_project_s_docs_dependencies_build_its_site_in_their_own_environment(
    project: Project,
) -> None:
    """typing-inspection's ``[dependency-groups] docs`` names what its mkdocs.yml uses. Here
    that is mkdocs-redirects, which is not installed next to releasekit: the site is built,
    and published with mike, in a fresh venv with the group, mike and the built wheel."""
    config = (project.repo / "mkdocs.yml").read_text()
    project.write(
        {
            "mkdocs.yml": config.replace(
                "  - search\n",
                "  - search\n  - redirects:\n      redirect_maps:\n        old.md: index.md\n",
            ),
            "pyproject.toml": (project.repo / "pyproject.toml").read_text()
            + '\n[dependency-groups]\ndocs = ["mkdocs-material>=9.5", "mkdocstrings[python]", '
            '"mkdocs-redirects"]\n',
        }
    )
    assert importlib.util.find_spec("mkdocs_redirects") is None  # not here: only in the group
    ctx, results = project.release("1.0.0", STEPS)

    assert [r.status for r in results] == [Status.OK, Status.OK]
    assert "Redirecting..." in (_remote_file(project, "1.0.0/old/index.html") or "")  # the plugin
    assert "Return a greeting for" in (_remote_file(project, "1.0.0/api/index.html") or "")
    assert _versions(project) == {"1.0.0": ["latest"]}
    venv = ctx.release_dir / "venv-docs"
    installed = {p.name.split("-")[0] for p in venv.glob("lib/python*/site-packages/*.dist-info")}
    assert {"sitepkg", "mike", "mkdocs_redirects"} <= installed  # the wheel, mike, the group
    assert _clean(project)

    second, _ = project.release("1.1.0", STEPS)
    assert project.rollback(second, STEPS) == []  # mike from the docs environment again
    assert _versions(project) == {"1.0.0": ["latest"]}
