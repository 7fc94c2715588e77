"""The typed, frozen model of ``[tool.releasekit]``.

Precedence, lowest to highest: defaults < pyproject.toml < environment (``RELEASEKIT_*``) < CLI.
:attr:`Config.sources` records where each top-level value came from, so ``releasekit doctor`` and
error messages can say "set in pyproject.toml" or "from RELEASEKIT_TARGET".

A project already set up for towncrier (``[tool.towncrier]``) and bump-my-version
(``[tool.bumpversion]``) needs no ``[tool.releasekit]`` table at all.
"""

from __future__ import annotations

import os
import shlex
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError
from .git import branch_allowed, detect_remote, remote_default_branch
from .tags import validate_tag_format

__all__ = ["Config", "DocsSettings", "ImageSettings", "load_config", "read_pyproject"]

BumpKind = Literal["major", "minor", "patch"]
DEFAULT_BUMP_MAP: dict[str, BumpKind] = {
    "breaking": "major",
    "removal": "major",
    "feature": "minor",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _split_command(value: Any) -> Any:
    """Commands may be written as a string (split like a shell would) or as a list."""
    if isinstance(value, str):
        return shlex.split(value)
    return value


class ImageSettings(_Model):
    """``[tool.releasekit.image]``: the container image built and pushed with each release."""

    enabled: bool | None = Field(
        None, description="Build an image. Default: on when a Dockerfile or this table exists."
    )
    dockerfile: str | None = Field(
        None,
        description="Path of the project's Dockerfile. Default: ./Dockerfile if present, "
        "otherwise one is generated from releasekit's template.",
    )
    context: str = Field(
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
    base_image: str = Field(
        "docker.io/library/python:3.12-slim",
        description="Base image of the generated Dockerfile's build stage (needs python3 with "
        "the venv module).",
    )
    runtime_image: str | None = Field(
        None,
        description="Base image of the generated Dockerfile's final stage. Default: "
        "base_image (Python must live at the same path in both).",
    )
    package: str | None = Field(
        None,
        description="The package whose wheel and console script the image runs. Default: "
        "the first package with a console script, else the first package.",
    )
    name: str | None = Field(
        None, description="Image repository name, e.g. `acme/tool`. Default: the package's name."
    )
    registry: str | None = Field(
        None, description="Registry host[:port] to push to; no registry means build and smoke only."
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

    _split = field_validator("command", "smoke_command", mode="before")(_split_command)


class DocsSettings(_Model):
    """``[tool.releasekit.docs]``: the MkDocs site built and published with each release."""

    enabled: bool | None = Field(
        None, description="Build and publish docs. Default: on when mkdocs.yml exists."
    )
    config_file: str = Field("mkdocs.yml", description="The MkDocs configuration file.")
    remote: str | None = Field(
        None, description="Git remote the site is pushed to. Default: the release's remote."
    )
    branch: str = Field(
        "gh-pages", description="Branch of the git remote the site is published to."
    )
    alias: str = Field("latest", description="Alias moved to the new version after the release.")
    set_default: bool = Field(
        True, description="Make the site's root redirect to the alias (mike set-default)."
    )
    strict: bool = Field(True, description="Build with --strict: warnings fail the release.")


class RepositorySettings(_Model):
    """``[tool.releasekit.repositories.NAME]``: a named upload target besides pypi/testpypi."""

    url: str = Field(description="Upload URL (legacy upload API), e.g. https://host/legacy/")
    index_url: str | None = Field(
        None, description="Simple index URL to install from. Default: derived from url."
    )
    username: str = Field("__token__", description="User name; the password comes from the env.")


class Config(_Model):
    """Everything ``[tool.releasekit]`` can say. Every key has a sensible default."""

    packages: list[str] = Field(
        default_factory=lambda: ["."],
        description="Paths (relative to the repository root) of the packages released together.",
    )
    target: str = Field(
        "local",
        description="Where releases go: local (the embedded index), pypi, testpypi, a URL, a "
        "[tool.releasekit.repositories] name or a ~/.pypirc section.",
    )
    tag_format: str | None = Field(
        None,
        description="Tag name template. Default: v{version}, or {name}-v{version} per package "
        "when packages are tagged separately.",
    )
    tag_per_package: bool | None = Field(
        None, description="One tag per package. Default: true when there are several packages."
    )
    branches: list[str] = Field(
        default_factory=lambda: ["main", "master", "release/*"],
        description="Branches (glob patterns) a release may be cut from. Default: main, "
        "master, release/* and the remote's default branch.",
    )
    remote: str = Field(
        "origin",
        description="Git remote the release commit and tags go to. Default: the current "
        "branch's upstream remote, else origin, else the only remote.",
    )
    push: bool = Field(True, description="Push the release commit and tags to the remote.")
    commit_message: str = Field(
        "Release {version}", description="Message of the release commit ({version} is replaced)."
    )
    require_fragments: bool = Field(
        True, description="Refuse to release when changelog.d/ has no towncrier fragments."
    )
    changelog: bool | str | None = Field(
        None,
        description="The changelog kind: towncrier, keepachangelog, file (CHANGES/HISTORY/NEWS/"
        "CHANGELOG in Markdown or reStructuredText), none (notes from the commits since the last "
        "tag, nothing written), or a file's path; false turns the step off. Default: detected.",
    )
    bump_map: dict[str, BumpKind] = Field(
        default_factory=lambda: dict(DEFAULT_BUMP_MAP),
        description="Fragment type -> bump, used when BUMP is omitted; other types bump patch.",
    )
    gate_command: list[str] = Field(
        default_factory=lambda: ["python", "-m", "pytest", "--gate"],
        description="The quality gate run before anything changes; a non-zero exit stops.",
    )
    smoke_command: list[str] | None = Field(
        None,
        description="Run in a fresh venv with the built wheels installed. Default: import every "
        "top-level package of every wheel.",
    )
    artifact_forbid: list[str] = Field(
        default_factory=list,
        description="Extra glob patterns that must not appear inside an sdist or wheel.",
    )
    artifact_allow: list[str] = Field(
        default_factory=list,
        description="Glob patterns exempted from the built-in forbidden-file checks.",
    )
    repositories: dict[str, RepositorySettings] = Field(
        default_factory=dict, description="Named upload targets."
    )
    image: ImageSettings = Field(default_factory=ImageSettings)  # type: ignore[arg-type]
    docs: DocsSettings = Field(default_factory=DocsSettings)  # type: ignore[arg-type]
    gate: dict[str, Any] = Field(
        default_factory=dict,
        description="Quality-gate rules for `pytest --gate`; validated by pytest-releasekit.",
    )
    sources: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    #: Keys whose value was detected from the repository rather than set: key -> how.
    detected: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)

    _split = field_validator("gate_command", "smoke_command", mode="before")(_split_command)

    @field_validator("packages")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError('must name at least one package path, e.g. ["."]')
        return value


# Environment overrides for scalar and command keys. Lists are written like a shell command line.
ENV_KEYS: dict[str, str] = {
    "RELEASEKIT_TARGET": "target",
    "RELEASEKIT_REMOTE": "remote",
    "RELEASEKIT_PUSH": "push",
    "RELEASEKIT_REQUIRE_FRAGMENTS": "require_fragments",
    "RELEASEKIT_GATE_COMMAND": "gate_command",
    "RELEASEKIT_SMOKE_COMMAND": "smoke_command",
}


def read_pyproject(path: Path) -> dict[str, Any]:
    """Parse a pyproject.toml, turning syntax errors into one actionable line."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no pyproject.toml here",
            hint="run releasekit from the project's root or pass --root",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: malformed TOML: {exc}", hint="fix the syntax at that line and try again"
        ) from None


def _describe_location(loc: tuple[int | str, ...]) -> str:
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return key


def _format_validation(error: ValidationError, where: Mapping[str, str], path: Path) -> str:
    lines = []
    for item in error.errors():
        loc = tuple(item["loc"])
        key = _describe_location(loc)
        origin = where.get(str(loc[0]), str(path)) if loc else str(path)
        if item["type"] == "extra_forbidden":
            what = "unknown key"
            fix = "remove it or check the spelling (see `releasekit config --keys`)"
        else:
            what = f"{item['msg'].lower()}, got {item.get('input')!r}"
            fix = "correct the value"
        lines.append(f"{origin}: [tool.releasekit] key '{key}': {what} -- {fix}")
    return "; ".join(lines)


def _coerce_env(key: str, raw: str) -> Any:
    field = Config.model_fields[key]
    if field.annotation is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        return raw  # let validation name the bad value
    return raw


def load_config(
    root: Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read, layer and validate the configuration of the project at ``root``."""
    pyproject = root / "pyproject.toml"
    data = read_pyproject(pyproject)
    table = data.get("tool", {}).get("releasekit", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"{pyproject}: [tool.releasekit] must be a table, got {type(table).__name__}",
            hint="write it as a [tool.releasekit] section",
        )
    values: dict[str, Any] = dict(table)
    sources = {key: str(pyproject) for key in table}
    env = os.environ if environ is None else environ
    for name, key in ENV_KEYS.items():
        if name in env:
            values[key] = _coerce_env(key, env[name])
            sources[key] = f"environment variable {name}"
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
            sources[key] = "command line"
    try:
        config = Config.model_validate(values)
    except ValidationError as exc:
        raise ConfigError(_format_validation(exc, sources, pyproject)) from None
    if config.tag_format is not None:
        validate_tag_format(config.tag_format, where=sources.get("tag_format", str(pyproject)))
    update: dict[str, Any] = {"sources": sources, "detected": {}}
    if "remote" not in sources:
        remote, how = detect_remote(root)
        update["remote"] = remote
        update["detected"]["remote"] = how
    if "branches" not in sources:
        branch = remote_default_branch(root, update.get("remote", config.remote))
        if branch and not branch_allowed(branch, config.branches):
            update["branches"] = [*config.branches, branch]
            update["detected"]["branches"] = f"default, with the remote's default branch {branch}"
    return config.model_copy(update=update)
