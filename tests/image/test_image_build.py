"""The image step for real: buildah builds from a locally made Debian base image, the container
runs, the image goes to Debian's docker-registry on loopback and comes back by digest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from releasekit import process
from releasekit.image import Buildah, Credentials, ImageError, Podman, RegistryClient
from releasekit.image.dockerfile import rfc3339
from releasekit.journal import Journal
from releasekit.pipeline import Pipeline
from releasekit.steps.base import Status
from releasekit.steps.docs import DocsStep
from releasekit.steps.image import ImageStep
from releasekit.steps.promote import PromoteStep

from . import infra
from .conftest import PROJECTS
from .stepctx import Project, make_project

STEPS = (ImageStep(), PromoteStep())

OWN_DOCKERFILE = """\
FROM {base}
ARG WHEEL
COPY --from=wheels / /wheels/
RUN python3 -m venv /opt/app && /opt/app/bin/pip install --no-index --quiet "/wheels/$WHEEL"
COPY motd.txt /etc/hello-motd
USER 1000:1000
ENTRYPOINT ["/opt/app/bin/hello-rk"]
"""


def _project(
    tmp_path: Path,
    registry: infra.LocalRegistry | None,
    *,
    table: str = "",
    files: dict[str, str] | None = None,
) -> Project:
    lines = ["[tool.releasekit.image]", f'base_image = "{infra.BASE_IMAGE}"']
    if registry is not None:
        lines += [f'registry = "{registry.host}"', "tls_verify = false"]
    return make_project(
        tmp_path, PROJECTS / "hello", pyproject_extra="\n".join(lines) + "\n" + table, files=files
    )


def _image_config(ref: str) -> dict[str, object]:
    out = infra.run("buildah", "inspect", "--type", "image", ref).stdout
    config = json.loads(out)["OCIv1"]["config"]
    assert isinstance(config, dict)
    return config


def _pull_back_and_run(registry: infra.LocalRegistry, name: str, digest: str) -> str:
    """Drop every local copy, pull ``name@digest`` from the registry, run it."""
    builder = Buildah()
    for tag in ("1.0.0", "1.1.0", "latest"):
        builder.remove(f"{registry.host}/{name}:{tag}")
    by_digest = f"{registry.host}/{name}@{digest}"
    builder.pull(by_digest, tls_verify=False)
    done = builder.run(by_digest, ["--version"])
    assert done.returncode == 0, done.output
    return done.stdout.strip()


def _effects(project: Project) -> list[str]:
    journals = [
        project.repo / ".releasekit" / "journal.jsonl",
        *sorted((project.repo / ".releasekit" / "history").glob("*.jsonl")),
    ]
    return [
        json.loads(line).get("action", "")
        for path in journals
        if path.exists()
        for line in path.read_text().splitlines()
        if '"effect"' in line
    ]


def test_generated_image_release_promote_rollback(
    tmp_path: Path, base_image: str, registry: infra.LocalRegistry
) -> None:
    project = _project(tmp_path, registry)
    client = RegistryClient(registry.host, tls_verify=False)

    first, results = project.release("1.0.0", STEPS)
    assert [r.status for r in results] == [Status.OK, Status.OK]
    image = first.facts["image"]
    assert image["generated"]
    assert image["pushed"]
    assert image["smoke"] == "hello-rk 1.0.0"
    assert image["ref"] == f"{registry.host}/hello-rk:1.0.0"
    assert registry.tags("hello-rk") == ["1.0.0", "latest"]
    one = image["digest"]
    assert client.digest("hello-rk", "latest") == one

    config = _image_config(image["ref"])
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["/opt/venv/bin/hello-rk"]
    labels = config["Labels"]
    assert isinstance(labels, dict)
    commit = first.facts["commit"]
    assert labels["org.opencontainers.image.version"] == "1.0.0"
    assert labels["org.opencontainers.image.revision"] == commit["sha"]
    assert labels["org.opencontainers.image.created"] == rfc3339(int(commit["timestamp"]))
    assert labels["org.opencontainers.image.source"] == "https://example.invalid/hello-rk"

    assert _pull_back_and_run(registry, "hello-rk", one) == "hello-rk 1.0.0"

    second, _ = project.release("1.1.0", STEPS)
    two = second.facts["image"]["digest"]
    assert two != one
    assert registry.tags("hello-rk") == ["1.0.0", "1.1.0", "latest"]
    assert client.digest("hello-rk", "latest") == two
    assert second.facts["promote"]["image"]["previous"] == one

    assert project.rollback(second, STEPS) == []
    assert registry.tags("hello-rk") == ["1.0.0", "latest"]
    assert client.digest("hello-rk", "latest") == one  # restored to where it pointed
    assert Buildah().image_id(f"{registry.host}/hello-rk:1.1.0") is None
    assert _effects(project).count("moving-image-latest") == 2


def test_own_dockerfile_gets_the_wheel(
    tmp_path: Path, base_image: str, registry: infra.LocalRegistry
) -> None:
    project = _project(
        tmp_path,
        registry,
        files={"Dockerfile": OWN_DOCKERFILE.format(base=base_image), "motd.txt": "hi\n"},
    )
    ctx, _ = project.release("1.0.0", STEPS)
    image = ctx.facts["image"]
    assert not image["generated"]
    assert image["dockerfile"].endswith("Dockerfile")
    assert image["smoke"] == "hello-rk 1.0.0"
    config = _image_config(image["ref"])
    assert config["User"] == "1000:1000"
    labels = config["Labels"]
    assert isinstance(labels, dict)
    assert labels["org.opencontainers.image.version"] == "1.0.0"  # --label, not in the file
    assert _pull_back_and_run(registry, "hello-rk", image["digest"]) == "hello-rk 1.0.0"


def test_no_registry_builds_and_smokes_only(tmp_path: Path, base_image: str) -> None:
    project = _project(
        tmp_path,
        None,
        table='builder = "buildah"\n',
        files={"Dockerfile": f'FROM {base_image}\nENTRYPOINT ["echo", "hello-rk 2.0.0"]\n'},
    )
    ctx, results = project.release("2.0.0", STEPS)
    assert ctx.facts["image"]["ref"] == "localhost/hello-rk:2.0.0"
    assert ctx.facts["image"]["pushed"] is False
    assert results[1].status is Status.SKIPPED  # promote: no registry, no docs
    assert project.rollback(ctx, STEPS) == []
    assert Buildah().image_id("localhost/hello-rk:2.0.0") is None


@pytest.mark.parametrize(
    ("dockerfile", "needle"),
    [
        ("FROM {base}\nCOPPY x /x\n", "Dockerfile with "),  # ... buildah failed: ...
        ("FROM {base}\nCOPPY x /x\n", 'Build error: Unknown instruction: "COPPY"'),
        (
            'FROM {base}\nENTRYPOINT ["python3", "-c", "print(\'boom\'); exit(3)"]\n',
            "exited 3: boom",
        ),
        ('FROM {base}\nENTRYPOINT ["echo", "hello-rk 0.0.1"]\n', "not the version 1.0.0"),
    ],
    ids=["syntax-error-where", "syntax-error-what", "smoke-fails", "smoke-wrong-version"],
)
def test_bad_image_fails_before_the_push(
    tmp_path: Path, base_image: str, registry: infra.LocalRegistry, dockerfile: str, needle: str
) -> None:
    project = _project(tmp_path, registry, files={"Dockerfile": dockerfile.format(base=base_image)})
    with pytest.raises(ImageError) as caught:
        project.release("1.0.0", STEPS)
    message = str(caught.value)
    assert needle in message
    assert "\n" not in message
    assert registry.tags("hello-rk") == []
    assert "pushing" not in _effects(project)


def test_push_with_credentials_from_the_environment(
    tmp_path: Path, base_image: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """htpasswd-protected registry: the password reaches buildah only via a 0600 auth file."""
    password = "registry-pa55word"
    htpasswd = tmp_path / "htpasswd"
    htpasswd.write_text(f"bot:{infra.bcrypt_hash(password)}\n")
    workdir = tmp_path / "registry"
    workdir.mkdir()
    seen: list[list[str]] = []
    real_run = process.run

    def spy(argv: list[str], **kwargs: object) -> process.Completed:
        seen.append([str(a) for a in argv])
        return real_run(argv, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(process, "run", spy)
    with infra.LocalRegistry.running(workdir, htpasswd=htpasswd) as registry:
        project = _project(
            tmp_path / "p",
            registry,
            files={"Dockerfile": f'FROM {base_image}\nENTRYPOINT ["echo", "hello-rk 1.0.0"]\n'},
        )
        with pytest.raises(ImageError, match="refused the credentials"):
            project.release("1.0.0", STEPS)  # no credentials: stops before building
        assert not [a for a in seen if "build" in a]

        monkeypatch.setenv("RELEASEKIT_REGISTRY_USERNAME", "bot")
        monkeypatch.setenv("RELEASEKIT_REGISTRY_PASSWORD", password)
        (project.repo / ".releasekit" / "journal.jsonl").unlink()
        ctx, _ = project.release("1.0.0", STEPS)
        client = RegistryClient(registry.host, tls_verify=False, creds=Credentials("bot", password))
        assert sorted(client.tags("hello-rk")) == ["1.0.0", "latest"]
        assert client.digest("hello-rk", "latest") == ctx.facts["image"]["digest"]
    infra.remove_images(f"{registry.host}/")
    assert [a for a in seen if "push" in a]
    assert not [a for a in seen if any(password in part for part in a)]
    assert "--creds" not in {part for a in seen for part in a}
    journal = sorted((project.repo / ".releasekit" / "history").glob("*.jsonl"))[-1]
    assert password not in journal.read_text()


def test_podman_backend(tmp_path: Path, base_image: str, registry: infra.LocalRegistry) -> None:
    """podman builds and pushes here; it runs containers only where the kernel lets it."""
    if infra.missing_tools("podman"):
        pytest.skip("podman not installed")
    context, wheels = tmp_path / "ctx", tmp_path / "wheels"
    context.mkdir()
    wheels.mkdir()
    (wheels / "marker.txt").write_text("from the wheels context\n")
    dockerfile = context / "Dockerfile"
    dockerfile.write_text(
        f"FROM {base_image}\nARG WHAT\nCOPY --from=wheels / /w/\n"
        'ENTRYPOINT ["cat", "/w/marker.txt"]\n'
    )
    podman = Podman()
    ref = f"{registry.host}/podman-made:1.0.0"
    image_id = podman.build(
        context,
        dockerfile,
        [ref],
        {"WHAT": "x"},
        {"org.opencontainers.image.version": "1.0.0"},
        build_contexts={"wheels": wheels},
        timestamp=1_763_640_000,
    )
    assert image_id.startswith("sha256:")
    assert podman.image_id(ref) == image_id
    digest = podman.push(ref, ref, tls_verify=False)
    assert RegistryClient(registry.host, tls_verify=False).digest("podman-made", "1.0.0") == digest
    assert podman.remove(ref)
    assert podman.pull(f"{registry.host}/podman-made@{digest}", tls_verify=False) == image_id
    reason = Podman.probe()
    if reason is None:
        done = podman.run(ref, [])
        assert done.stdout.strip() == "from the wheels context"
    else:  # the same image runs with buildah
        assert "cannot run containers here" in reason
        done = Buildah().run(f"{registry.host}/podman-made@{digest}", [])
        assert done.stdout.strip() == "from the wheels context"
    podman.remove(f"{registry.host}/podman-made@{digest}")


@pytest.mark.parametrize("at", ["image:pushed", "promote:moving-image-latest"])
def test_resume_after_a_kill_then_rollback(
    tmp_path: Path, base_image: str, registry: infra.LocalRegistry, at: str
) -> None:
    project = _project(
        tmp_path,
        registry,
        files={"Dockerfile": f'FROM {base_image}\nENTRYPOINT ["echo", "hello-rk 1.0.0"]\n'},
    )
    project.release_killed_at("1.0.0", at)
    assert registry.tags("hello-rk") == ["1.0.0"]  # pushed, latest not yet moved

    journal = Journal.load(project.repo / ".releasekit")
    assert journal is not None
    ctx = project.resume_context(journal)
    steps = (ImageStep(), DocsStep(), PromoteStep())
    results = Pipeline(ctx, steps).run()
    assert [r.status for r in results] == [Status.RESUMED, Status.SKIPPED, Status.OK]
    digest = ctx.facts["image"]["digest"]
    client = RegistryClient(registry.host, tls_verify=False)
    assert client.digest("hello-rk", "latest") == digest
    assert ctx.facts["promote"]["image"]["previous"] is None

    assert Pipeline(ctx, steps).rollback() == []
    assert registry.tags("hello-rk") == []
