"""What the release's image is: computed purely from the configuration and the workspace.

The image, promote and plan code all read the same :class:`ImageSpec`, so the plan shows exactly
the names, tags and Dockerfile that ``apply`` will use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import Config, ImageSettings, read_pyproject
from .dockerfile import VENV, find_dockerfile
from .errors import ImageError
from .registry import image_tag, repository_name

if TYPE_CHECKING:
    from ..context import Context
    from ..workspace import Package

__all__ = ["ImageSpec", "image_skip_reason", "image_spec", "split_registry", "wheel_for"]

_URL_KEYS = ("source", "source code", "repository", "code", "homepage")
LOCAL_REGISTRY = "localhost"  # the conventional prefix of images that live in local storage only


def image_skip_reason(config: Config, root: Path) -> str | None:
    """Why no image is built for this project, or None when one is."""
    settings = config.image
    if settings.enabled is False:
        return "image disabled ([tool.releasekit.image] enabled = false)"
    if settings.enabled is None and "image" not in config.sources:
        try:
            found = find_dockerfile(root, settings.dockerfile)
        except ImageError:
            found = root  # a configured but missing Dockerfile is an error apply reports
        if found is None:
            return "no Dockerfile and no [tool.releasekit.image] table"
    return None


@dataclass(frozen=True)
class ImageSpec:
    package: str  # the distribution whose wheel the image installs
    name: str  # repository path, e.g. "acme/tool"
    registry: str | None
    tag: str
    dockerfile: Path | None  # the project's own; None: generated from the template
    context: Path
    entrypoint: tuple[str, ...]
    base_image: str
    runtime_image: str
    smoke_args: tuple[str, ...]
    source: str | None

    @property
    def repository(self) -> str:
        return f"{self.registry or LOCAL_REGISTRY}/{self.name}"

    @property
    def ref(self) -> str:
        return f"{self.repository}:{self.tag}"

    @property
    def latest_ref(self) -> str:
        return f"{self.repository}:latest"

    @property
    def dockerfile_source(self) -> str:
        if self.dockerfile is None:
            return f"generated from releasekit's template (base {self.base_image})"
        return f"the project's {self.dockerfile.name}"


def _choose_package(settings: ImageSettings, packages: tuple[Package, ...]) -> Package:
    if settings.package:
        for package in packages:
            if repository_name(package.name) == repository_name(settings.package):
                return package
        raise ImageError(
            f"[tool.releasekit.image] package = {settings.package!r} is not one of the released "
            f"packages ({', '.join(p.name for p in packages)})",
            hint="fix the name",
        )
    with_scripts = [p for p in packages if p.scripts]
    return (with_scripts or list(packages))[0]


def _https(url: str) -> str:
    """``git@host:org/repo.git`` -> ``https://host/org/repo``."""
    if url.startswith("git@") and ":" in url:
        host, path = url[4:].split(":", 1)
        url = f"https://{host}/{path}"
    return url.removesuffix(".git") if url.startswith(("https://", "http://")) else url


def project_url(package_dir: Path, remote_url: str | None = None) -> str | None:
    """The project's source URL: [project.urls] Source/Repository/Homepage, else the git remote."""
    urls: Mapping[str, Any] = (
        read_pyproject(package_dir / "pyproject.toml").get("project", {}).get("urls", {}) or {}
    )
    lowered = {str(k).lower(): str(v) for k, v in urls.items()}
    for key in _URL_KEYS:
        if key in lowered:
            return lowered[key]
    if remote_url and remote_url.startswith(("https://", "http://", "git@")):
        return _https(remote_url)
    return None


def image_spec(ctx: Context, *, remote_url: str | None = None) -> ImageSpec:
    """Everything about the image except what only a build can tell (its id and digest)."""
    settings = ctx.config.image
    package = _choose_package(settings, tuple(ctx.workspace.packages))
    dockerfile = find_dockerfile(ctx.root, settings.dockerfile)
    if settings.command:
        entrypoint: tuple[str, ...] = tuple(settings.command)
    elif package.scripts:
        entrypoint = (f"{VENV}/bin/{package.scripts[0]}",)
    elif dockerfile is None:
        raise ImageError(
            f"{package.name} has no console script for the generated image to run",
            hint='set [tool.releasekit.image] command, e.g. command = ["python", "-m", '
            f'"{package.name.replace("-", "_")}"]',
        )
    else:
        entrypoint = ()
    name = repository_name(settings.name or package.name)
    if not name:
        raise ImageError(
            f"[tool.releasekit.image] name = {settings.name!r} is not a valid repository name",
            hint="use lowercase letters, digits and -",
        )
    host, namespace = split_registry(settings.registry)
    return ImageSpec(
        package=package.name,
        name=f"{namespace}/{name}" if namespace else name,
        registry=host,
        tag=image_tag(ctx.version),
        dockerfile=dockerfile,
        context=(ctx.root / settings.context) if dockerfile else ctx.release_dir / "image",
        entrypoint=entrypoint,
        base_image=settings.base_image,
        runtime_image=settings.runtime_image or settings.base_image,
        smoke_args=tuple(settings.smoke_command),
        source=project_url(package.path, remote_url),
    )


def split_registry(registry: str | None) -> tuple[str | None, str]:
    """``ghcr.io/acme`` or ``host:5000/team/sub`` -> (registry host, namespace of the repository).

    The v2 API lives at the host; the namespace is the first part of every repository name."""
    if not registry:
        return None, ""
    text = registry.strip().removeprefix("https://").removeprefix("http://").strip("/")
    host, _, namespace = text.partition("/")
    if not re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?", host):
        raise ImageError(
            f"[tool.releasekit.image] registry = {registry!r}: {host!r} is not a registry host",
            hint='write host[:port][/namespace], e.g. "ghcr.io/acme" or "localhost:5000/team"',
        )
    return host, repository_name(namespace)


def wheel_for(ctx: Context, package: str) -> list[dict[str, Any]]:
    """The build step's wheels, the one for ``package`` first."""
    files = ctx.facts.get("build", {}).get("files", [])
    wheels = [f for f in files if f.get("kind") == "wheel"]
    mine = [f for f in wheels if repository_name(f.get("package", "")) == repository_name(package)]
    if not mine:
        raise ImageError(
            f"the build step made no wheel for {package}",
            hint="the image installs the release's wheel; check the build step",
        )
    return mine[:1] + [f for f in wheels if f is not mine[0]]
