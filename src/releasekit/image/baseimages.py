"""The base images an image build starts FROM, and whether this machine can get them.

A base image must be in the builder's local storage or come from a registry that answers here;
otherwise the build fails in the image step, after the version commit and the build
(bump-my-version's Dockerfile starts FROM ``ghcr.io/astral-sh/uv``, which a machine without that
registry cannot pull). Preflight and doctor know it first. The Dockerfile is read with the
``dockerfile`` package (Docker's own Go parser): line continuations, ``--platform`` flags and
``AS`` names as Docker reads them; a ``FROM $ARG`` gets the global ``ARG``'s default or the build
argument, and one still not known is left to the build. Stage names and ``scratch`` need nothing.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import dockerfile

__all__ = ["BaseImage", "base_images", "missing", "registry_of", "unreachable"]

#: Where Docker's default registry (``docker.io``) answers.
DOCKER_HUB = ("docker.io", "registry-1.docker.io")
#: Images named ``localhost/...`` live in local storage only (buildah's and podman's convention).
LOCAL_ONLY = "localhost"
_VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
_SECONDS = 5.0


@dataclass(frozen=True)
class BaseImage:
    ref: str
    line: int  # in the Dockerfile; 0 for releasekit's template


def _substitute(value: str, args: Mapping[str, str]) -> str | None:
    """``$NAME`` and ``${NAME}`` replaced from ``args``; None when one is not known."""
    unknown = False

    def replace(match: re.Match[str]) -> str:
        nonlocal unknown
        name = match.group(1) or match.group(2)
        if name not in args:
            unknown = True
            return ""
        return args[name]

    done = _VARIABLE.sub(replace, value)
    return None if unknown or "$" in done else done


def base_images(path: Path, build_args: Mapping[str, str] | None = None) -> list[BaseImage]:
    """The images the Dockerfile at ``path`` starts its stages FROM (stage names, ``scratch``
    and images named by an unknown variable left out); none when Docker could not parse it
    (the build then reports the syntax error itself)."""
    try:
        commands = dockerfile.parse_file(str(path))
    except dockerfile.GoParseError:
        return []
    args: dict[str, str] = {}
    stages: set[str] = set()
    found: list[BaseImage] = []
    for command in commands:
        keyword = command.cmd.upper()
        if keyword == "ARG" and not stages and not found:  # global ARGs, before any FROM
            for declared in command.value:
                name, _, default = declared.partition("=")
                given = (build_args or {}).get(name)
                if given is not None or default:
                    args[name] = given if given is not None else default
        if keyword != "FROM" or not command.value:
            continue
        ref = _substitute(command.value[0], args)
        if len(command.value) >= 3 and command.value[1].upper() == "AS":
            stages.add(command.value[2].lower())
        if ref is None or ref.lower() in stages or ref.lower() == "scratch":
            continue
        found.append(BaseImage(ref, command.start_line))
    return found


def registry_of(ref: str) -> str:
    """The registry host (with its port, if any) an image reference names: the first path part
    when it has a dot or a port or is ``localhost``, else Docker Hub (Docker's own rule)."""
    first, sep, _ = ref.partition("/")
    if sep and ("." in first or ":" in first or first == LOCAL_ONLY):
        return first
    return DOCKER_HUB[0]


def _address(registry: str) -> tuple[str, int]:
    if registry == DOCKER_HUB[0]:
        return DOCKER_HUB[1], 443
    host, _, port = registry.rpartition(":") if ":" in registry else (registry, "", "443")
    return host, int(port) if port.isdigit() else 443


def unreachable(registry: str) -> str | None:
    """Why this machine cannot reach ``registry`` (a TCP connection to it), or None."""
    if registry == LOCAL_ONLY:
        return "images named localhost/... are only ever in local storage"
    try:
        with socket.create_connection(_address(registry), timeout=_SECONDS):
            return None
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__


def missing(
    images: list[BaseImage], local: Callable[[str], str | None]
) -> Iterator[tuple[BaseImage, str, str]]:
    """Each image that ``local`` (the builder's lookup of its local storage) does not find and
    whose registry cannot be reached: the image, its registry, and why."""
    reasons: dict[str, str | None] = {}
    for image in images:
        if local(image.ref) is not None:
            continue
        registry = registry_of(image.ref)
        if registry not in reasons:
            reasons[registry] = unreachable(registry)
        why = reasons[registry]
        if why is not None:
            yield image, registry, why
