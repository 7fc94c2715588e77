"""The sub-tables of ``[tool.releasekit]``: image, docs, named repositories, secret allowances,
and the value types their keys share with :class:`releasekit.config.Config`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from .checks import (
    check_command,
    check_history,
    check_ref_name,
    check_url,
    non_empty,
    path_name,
)

__all__ = [
    "DocsSettings",
    "HistorySpec",
    "ImageSettings",
    "RefName",
    "RelPath",
    "RepositorySettings",
    "SecretAllow",
    "StrictModel",
    "SupplySettings",
    "Text",
    "Url",
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Text = Annotated[str, AfterValidator(non_empty)]  # a string that must say something
RefName = Annotated[str, AfterValidator(check_ref_name)]
HistorySpec = Annotated[str, AfterValidator(check_history)]  # `off` or a history store
Url = Annotated[str, AfterValidator(check_url)]
_IMAGE_NAME = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")
#: ``host[:port]``, optionally followed by a namespace: ``ghcr.io/acme``, ``localhost:5000/team``.
_REGISTRY = re.compile(
    r"^[A-Za-z0-9.-]+(?::(?P<port>[0-9]{1,5}))?(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*/?$"
)
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*(?::[A-Za-z0-9_][A-Za-z0-9_.-]*)?$")
_BUILD_ARG = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _relative_path(value: str) -> str:
    non_empty(path_name(value))
    if Path(value).is_absolute() or ".." in Path(value).parts:
        raise ValueError("must be a path inside the repository, relative to its root")
    return value


RelPath = Annotated[str, AfterValidator(_relative_path)]


class ImageSettings(StrictModel):
    """``[tool.releasekit.image]``: the container image built and pushed with each release."""

    enabled: bool | None = Field(
        None, description="Build an image. Default: on when a Dockerfile or this table exists."
    )
    dockerfile: RelPath | None = Field(
        None,
        description="Path of the project's Dockerfile. Default: ./Dockerfile if present, "
        "otherwise one is generated from releasekit's template.",
    )
    context: RelPath = Field(
        ".",
        description="Build context of the project's own Dockerfile, relative to the root. "
        "The release's wheels arrive separately, as the named build context `wheels`.",
    )
    build_args: dict[str, str] = Field(
        default_factory=dict,
        description="Extra --build-arg values. VERSION, WHEEL, REVISION, SOURCE and CREATED "
        "are always passed.",
    )
    builder: Literal["auto", "docker", "podman", "buildah"] = Field(
        "auto", description="Builder backend; auto tries docker buildx, podman, buildah in order."
    )
    isolation: Literal["chroot", "oci"] = Field(
        "chroot",
        description="Process isolation of RUN instructions for podman and buildah "
        "(chroot works inside containers and CI runners); docker ignores it.",
    )
    base_image: Text = Field(
        "docker.io/library/python:3.12-slim",
        description="Base image of the generated Dockerfile's build stage (needs python3 with "
        "the venv module).",
    )
    runtime_image: Text | None = Field(
        None,
        description="Base image of the generated Dockerfile's final stage. Default: "
        "base_image (Python must live at the same path in both).",
    )
    package: Text | None = Field(
        None,
        description="The package whose wheel and console script the image runs. Default: "
        "the first package with a console script, else the first package.",
    )
    name: str | None = Field(
        None, description="Image repository name, e.g. `acme/tool`. Default: the package's name."
    )
    registry: str | None = Field(
        None,
        description="Registry host[:port] to push to, optionally with a namespace "
        "(`ghcr.io/acme`, `localhost:5000/team`); no registry means build and smoke only.",
    )
    command: list[str] | None = Field(
        None,
        description="ENTRYPOINT of the generated image. Default: the package's first "
        "console script.",
    )
    user: str = Field("10001:10001", description="Non-root uid:gid the generated image runs as.")
    smoke_command: list[str] = Field(
        default_factory=lambda: ["--version"],
        description="Arguments passed to the image when smoke-testing it; must exit 0.",
    )
    smoke_expect_version: bool = Field(
        True, description="The smoke output must contain the released version."
    )
    tls_verify: bool = Field(True, description="Verify the registry's TLS certificate.")
    latest: bool = Field(True, description="Move the `latest` tag after the release succeeds.")

    _split = field_validator("command", mode="before")(check_command)

    @field_validator("smoke_command", mode="before")
    @classmethod
    def _smoke_args(cls, value: Any) -> Any:
        return value if value in ([], "") else check_command(value)

    @field_validator("name")
    @classmethod
    def _image_name(cls, value: str | None) -> str | None:
        if value is not None and not _IMAGE_NAME.match(value):
            raise ValueError("must be a lowercase image repository name, e.g. acme/tool")
        return value

    @field_validator("registry")
    @classmethod
    def _registry(cls, value: str | None) -> str | None:
        if value is None:
            return value
        match = _REGISTRY.match(value)
        if not match or (match["port"] and not 1 <= int(match["port"]) <= 65535):
            raise ValueError(
                "must be a registry host[:port] without scheme, optionally with a lowercase "
                "namespace, e.g. ghcr.io or ghcr.io/acme"
            )
        return value

    @field_validator("user")
    @classmethod
    def _user(cls, value: str) -> str:
        if not _USER.match(value):
            raise ValueError("must be a user or uid[:gid], e.g. 10001:10001")
        return value

    @field_validator("build_args")
    @classmethod
    def _build_args(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if not _BUILD_ARG.match(key):
                raise ValueError(f"build argument name {key!r} is not a valid ARG name")
        return value


class DocsSettings(StrictModel):
    """``[tool.releasekit.docs]``: the MkDocs site built and published with each release."""

    enabled: bool | None = Field(
        None,
        description="Build and publish docs. Default: on when mkdocs.yml publishes with mike "
        "(extra.version.provider: mike, or the mike plugin) or this table exists.",
    )
    config_file: RelPath = Field("mkdocs.yml", description="The MkDocs configuration file.")
    remote: RefName | None = Field(
        None, description="Git remote the site is pushed to. Default: the release's remote."
    )
    branch: RefName = Field(
        "gh-pages", description="Branch of the git remote the site is published to."
    )
    alias: RefName = Field(
        "latest", description="Alias moved to the new version after the release."
    )
    set_default: bool = Field(
        True, description="Make the site's root redirect to the alias (mike set-default)."
    )
    strict: bool = Field(True, description="Build with --strict: warnings fail the release.")
    examples: bool = Field(
        False,
        description="Run the examples of README.md and docs/ (python blocks, and console blocks "
        "marked with a `docs-test: run` HTML comment) with sybil before the site is built; a "
        "failing example stops the release before anything is published, naming file and line.",
    )


class SupplySettings(StrictModel):
    """``[tool.releasekit.supply]``: checksums, SBOM, provenance and attestations of a release."""

    checksums: bool = Field(
        True, description="Write SHA256SUMS for the wheels and sdists (and the pushed image)."
    )
    sbom: bool = Field(
        True,
        description="Embed a CycloneDX SBOM of each wheel's declared runtime dependencies in the "
        "wheel (PEP 770, .dist-info/sboms/) and keep a copy next to it.",
    )
    provenance: bool = Field(
        True,
        description="Write an in-toto statement with SLSA provenance v1 per artifact "
        "(<file>.intoto.json).",
    )
    attestations: bool | None = Field(
        None,
        description="Sign the files with Sigstore and upload PEP 740 attestations (needs an OIDC "
        "identity: GitHub Actions with the id-token permission, and releasekit[attest]); true "
        "requires it, false never signs. Default: when both are available (never a reason to "
        "refuse a release).",
    )


class RepositorySettings(StrictModel):
    """``[tool.releasekit.repositories.NAME]``: a named upload target besides pypi/testpypi."""

    url: Url = Field(description="Upload URL (legacy upload API), e.g. https://host/legacy/")
    index_url: Url | None = Field(
        None, description="Simple index URL to install from. Default: derived from url."
    )
    username: Text = Field("__token__", description="User name; the password comes from the env.")


class SecretAllow(StrictModel):
    """``[[tool.releasekit.secret_allow]]``: a known finding of the artifact scan, and why it is
    no secret (test keys, documentation examples)."""

    path: str = Field(
        description="Glob of the member path inside the sdist or wheel (sdist paths without the "
        "top directory; nested archives as outer.zip!inner/path), e.g. `tests/keys/*`."
    )
    kind: str | None = Field(
        None,
        description="Only findings of this kind, as the scan names it (e.g. `Private Key`, "
        "`JSON Web Token`, `Sensitive file name`). Default: any kind.",
    )
    line: int | None = Field(None, ge=1, description="Only findings on this line. Default: any.")
    reason: str = Field(
        min_length=1,
        description="Why this is not a secret. Mandatory: an entry without one "
        "is a configuration error.",
    )

    @field_validator("reason")
    @classmethod
    def _real_reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must say why this finding is not a secret")
        return value
