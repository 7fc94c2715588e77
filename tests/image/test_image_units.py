"""The image library's pure parts and the registry client, against a real docker-registry."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from releasekit.config import Config, load_config
from releasekit.image import (
    Credentials,
    ImageError,
    RegistryClient,
    authfile,
    detect_builder,
    image_skip_reason,
    image_tag,
    oci_labels,
    render_dockerfile,
    repository_name,
)
from releasekit.image.errors import one_line
from releasekit.image.spec import split_registry
from releasekit.redact import redact
from releasekit.steps.image import ImageStep
from releasekit.steps.promote import PromoteStep

from . import infra
from .conftest import PROJECTS
from .stepctx import make_project

# ---------------------------------------------------------------- the generated Dockerfile


def test_template_is_multi_stage_venv_non_root_with_oci_labels() -> None:
    text = render_dockerfile(
        title="acme/tool",
        base_image="docker.io/library/python:3.12-slim",
        entrypoint=["/opt/venv/bin/tool"],
    )
    lines = text.splitlines()
    froms = [ln for ln in lines if ln.startswith("FROM ")]
    assert froms == ["FROM ${BASE_IMAGE} AS build", "FROM ${RUNTIME_IMAGE}"]
    assert "ARG BASE_IMAGE=docker.io/library/python:3.12-slim" in lines
    assert "ARG RUNTIME_IMAGE=docker.io/library/python:3.12-slim" in lines
    assert "COPY --from=wheels / /tmp/wheels/" in lines  # the release's wheel, not the source
    assert 'pip install --find-links=/tmp/wheels "/tmp/wheels/${WHEEL}"' in text
    assert "COPY --from=build /opt/venv /opt/venv" in lines
    assert lines[-2:] == ["USER 10001:10001", 'ENTRYPOINT ["/opt/venv/bin/tool"]']
    for key in ("version", "revision", "source", "created"):
        assert f"org.opencontainers.image.{key}=" in text
    # the final stage only copies: no RUN after the second FROM
    assert not [ln for ln in lines[lines.index("FROM ${RUNTIME_IMAGE}") :] if ln.startswith("RUN")]


def test_template_options_and_rejected_values() -> None:
    text = render_dockerfile(
        title="t", base_image="b:1", runtime_image="r:2", entrypoint=["tool", "serve"], user="app"
    )
    assert "ARG RUNTIME_IMAGE=r:2" in text
    assert "USER app" in text
    assert 'ENTRYPOINT ["tool", "serve"]' in text
    with pytest.raises(ImageError, match="base_image"):
        render_dockerfile(title="t", base_image="x\nRUN evil", entrypoint=["t"])
    with pytest.raises(ImageError, match="user"):
        render_dockerfile(title="t", base_image="b", entrypoint=["t"], user="root; rm")
    with pytest.raises(ImageError, match="command"):
        render_dockerfile(title="t", base_image="b", entrypoint=[])


def test_oci_labels_use_the_commit_time() -> None:
    labels = oci_labels(
        title="t", version="1.2.0", revision="abc", source="https://x/y", created=1_763_640_000
    )
    assert labels == {
        "org.opencontainers.image.title": "t",
        "org.opencontainers.image.version": "1.2.0",
        "org.opencontainers.image.revision": "abc",
        "org.opencontainers.image.created": "2025-11-20T12:00:00Z",
        "org.opencontainers.image.source": "https://x/y",
    }


@pytest.mark.parametrize(
    ("version", "tag"),
    [("1.2.0", "1.2.0"), ("1.0.0rc1", "1.0.0rc1"), ("1.0+local.3", "1.0-local.3")],
)
def test_image_tag(version: str, tag: str) -> None:
    assert image_tag(version) == tag


def test_repository_name() -> None:
    assert repository_name("My_Package") == "my-package"
    assert repository_name("acme/Tool.Name") == "acme/tool-name"


def test_one_line_picks_the_error() -> None:
    output = 'STEP 1/3: FROM x\nsome progress\nError: building at STEP "RUN false": exit status 1\n'
    assert one_line(output) == 'Error: building at STEP "RUN false": exit status 1'
    assert one_line("") == "no output"
    assert "\n" not in one_line("a\n" * 500)


def test_one_line_keeps_the_root_cause_of_a_long_go_error() -> None:
    """buildah's commit failure prints the Dockerfile step as a Go struct before the cause; the
    cause, last in Go's "what: why: cause" chain, is what the ERROR line must keep."""
    struct = (
        "{Env:[PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8] "
        "Command:label Args:[org.opencontainers.image.source https://example.invalid/hello-rk] "
        'Flags:[] Attrs:map[] Message:LABEL "org.opencontainers.image.source" '
        '"https://example.invalid/hello-rk" Original:LABEL org.opencontainers.image.source=x}'
    )
    cause = 'reading layer "9f1c" for image "a3b2": layer not known'
    output = (
        "STEP 3/4: LABEL org.opencontainers.image.source=x\n"
        f"Error: committing container for step {struct}: copying layers and metadata for "
        f'container "{"c" * 64}": initializing source containers-storage:hello-working-container: '
        f"{cause}\n"
    )
    line = one_line(output)
    assert line.startswith("Error: committing container for step {...}: copying layers")
    assert line.endswith(cause)
    assert len(line) <= 300
    long = "Error: " + "x" * 400 + ": the cause"
    assert one_line(long).endswith("xxx: the cause") and " ... " in one_line(long)


# ---------------------------------------------------------------- when the step runs


def _config(tmp_path: Path, table: str = "") -> tuple[Config, Path]:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1.0"\n' + table)
    return load_config(tmp_path, environ={}), tmp_path


def test_skip_reason(tmp_path: Path) -> None:
    config, root = _config(tmp_path)
    assert image_skip_reason(config, root) == "no Dockerfile and no [tool.releasekit.image] table"
    (root / "Dockerfile").write_text("FROM scratch\n")
    assert image_skip_reason(config, root) is None
    (root / "Dockerfile").unlink()
    config, root = _config(tmp_path, "[tool.releasekit.image]\nregistry = 'r'\n")
    assert image_skip_reason(config, root) is None
    config, root = _config(tmp_path, "[tool.releasekit.image]\nenabled = false\n")
    assert "disabled" in (image_skip_reason(config, root) or "")


# ---------------------------------------------------------------- builder detection


def test_no_builder_names_all_three(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    with pytest.raises(ImageError) as caught:
        detect_builder("auto")
    message = str(caught.value)
    assert "\n" not in message
    for name in ("docker buildx", "podman", "buildah", "apt-get install buildah"):
        assert name in message
    with pytest.raises(ImageError, match="builder = 'buildah', but buildah is not on PATH"):
        detect_builder("buildah")


def test_no_builder_fails_the_step_before_anything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(
        tmp_path, PROJECTS / "hello", pyproject_extra="[tool.releasekit.image]\nbase_image = 'b'\n"
    )
    git_dir = tmp_path / "bin"
    git_dir.mkdir()
    (git_dir / "git").symlink_to("/usr/bin/git")
    monkeypatch.setenv("PATH", str(git_dir))
    with pytest.raises(ImageError, match="no container builder found"):
        project.release("1.1.0", [ImageStep(), PromoteStep()])
    journal = sorted((project.repo / ".releasekit").glob("journal.jsonl"))
    events = [json.loads(line) for line in journal[0].read_text().splitlines()]
    assert not [e for e in events if e.get("event") == "effect"]  # nothing happened


# ---------------------------------------------------------------- credentials


def test_credentials_from_env_are_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    creds = Credentials.from_env(
        {"RELEASEKIT_REGISTRY_USERNAME": "bot", "RELEASEKIT_REGISTRY_PASSWORD": "hunter2-registry"}
    )
    assert creds is not None
    assert "hunter2-registry" not in repr(creds)
    assert redact("pw=hunter2-registry") == "pw=********"
    assert redact(creds.basic) == "********"
    assert Credentials.from_env({}) is None
    with pytest.raises(ImageError, match="RELEASEKIT_REGISTRY_USERNAME"):
        Credentials.from_env({"RELEASEKIT_REGISTRY_PASSWORD": "only-a-password"})


def test_authfile_is_private_and_removed() -> None:
    creds = Credentials("bot", "s3cret-value")
    with authfile("registry.example:5000", creds) as path:
        assert path is not None
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        data = json.loads(path.read_text())
        assert data == {"auths": {"registry.example:5000": {"auth": creds.basic}}}
    assert not path.exists()
    with authfile("r", None) as nothing:
        assert nothing is None


# ---------------------------------------------------------------- registry client (real registry)


def test_registry_client_tags_move_and_delete(registry: infra.LocalRegistry) -> None:
    one = infra.push_synthetic(registry.host, "demo/app", "1.0.0", "one")
    two = infra.push_synthetic(registry.host, "demo/app", "1.1.0", "two")
    client = RegistryClient(registry.host, tls_verify=False)  # https fails, falls back to http
    assert sorted(client.tags("demo/app")) == ["1.0.0", "1.1.0"]
    assert client.tags("demo/none") == []
    assert client.digest("demo/app", "1.0.0") == one
    assert client.digest("demo/app", "latest") is None

    client.put_tag("demo/app", "latest", one)
    assert client.digest("demo/app", "latest") == one
    client.put_tag("demo/app", "latest", two)
    assert client.digest("demo/app", "latest") == two
    assert registry.tags("demo/app") == ["1.0.0", "1.1.0", "latest"]

    assert client.delete("demo/app", two) is True  # by digest: 1.1.0 and latest go
    assert registry.tags("demo/app") == ["1.0.0"]
    assert client.delete("demo/app", "1.0.0") is False  # distribution 2.x: no delete by tag


def test_registry_unreachable_is_one_line() -> None:
    client = RegistryClient(f"127.0.0.1:{infra.free_port()}", tls_verify=False)
    with pytest.raises(ImageError, match="unreachable") as caught:
        client.tags("x")
    assert "\n" not in str(caught.value)


def test_plan_shows_dockerfile_base_tags_and_registry(tmp_path: Path) -> None:
    table = (
        "[tool.releasekit.image]\nbase_image = 'docker.io/library/python:3.12-slim'\n"
        "registry = 'registry.example:5000'\nname = 'acme/hello'\n"
    )
    project = make_project(tmp_path, PROJECTS / "hello", pyproject_extra=table)
    plan = ImageStep().plan(project.plan_context("1.2.0"))
    text = "\n".join(plan.actions)
    assert plan.summary == "build image registry.example:5000/acme/hello:1.2.0"
    assert "Dockerfile: generated from releasekit's template" in text
    assert "base image: docker.io/library/python:3.12-slim" in text
    assert "push tag 1.2.0 to registry registry.example:5000" in text
    assert "tag latest after the release succeeds" in text
    assert "smoke: run it with --version, expect exit 0 and 1.2.0 in the output" in text

    (project.repo / "Dockerfile").write_text("FROM scratch\n")
    own = ImageStep().plan(project.plan_context("1.2.0"))
    assert "Dockerfile: the project's Dockerfile" in "\n".join(own.actions)


def test_an_existing_version_tag_stops_before_building(
    tmp_path: Path, registry: infra.LocalRegistry
) -> None:
    infra.push_synthetic(registry.host, "hello-rk", "1.1.0", "someone else's")
    table = (
        f"[tool.releasekit.image]\nbase_image = 'b'\nregistry = '{registry.host}'\n"
        "tls_verify = false\n"
    )
    project = make_project(tmp_path, PROJECTS / "hello", pyproject_extra=table)
    with pytest.raises(ImageError, match=r"already has .*/hello-rk:1\.1\.0") as caught:
        project.release("1.1.0", [ImageStep(), PromoteStep()])
    assert "\n" not in str(caught.value)
    assert registry.tags("hello-rk") == ["1.1.0"]


def test_promote_plan_names_the_moving_pointers(tmp_path: Path) -> None:
    table = "[tool.releasekit.image]\nregistry = 'registry.example:5000'\n"
    project = make_project(tmp_path, PROJECTS / "hello", pyproject_extra=table)
    plan = PromoteStep().plan(project.plan_context("1.2.0"))
    assert plan.actions == (
        "image registry.example:5000/hello-rk: latest -> 1.2.0 (remembering where it pointed)",
    )


@pytest.mark.parametrize(
    ("registry", "host", "namespace"),
    [
        ("ghcr.io/Acme", "ghcr.io", "acme"),
        ("localhost:5000/team/sub/", "localhost:5000", "team/sub"),
        ("https://registry.example:5000", "registry.example:5000", ""),
        (None, None, ""),
    ],
)
def test_a_registry_namespace_is_part_of_the_repository_not_the_host(
    registry: str | None, host: str | None, namespace: str
) -> None:
    assert split_registry(registry) == (host, namespace)


def test_a_registry_that_is_not_a_host_is_one_clear_error() -> None:
    with pytest.raises(ImageError, match="is not a registry host"):
        split_registry("not a host/ns")


def test_plan_of_a_namespaced_registry(tmp_path: Path) -> None:
    table = "[tool.releasekit.image]\nregistry = 'ghcr.io/acme'\n"
    project = make_project(tmp_path, PROJECTS / "hello", pyproject_extra=table)
    plan = ImageStep().plan(project.plan_context("1.2.0"))
    assert plan.summary == "build image ghcr.io/acme/hello-rk:1.2.0"
    assert "push tag 1.2.0 to registry ghcr.io (ghcr.io/acme/hello-rk)" in "\n".join(plan.actions)
