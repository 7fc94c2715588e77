"""The release's container image: builders, the generated Dockerfile, the registry API.

The ``image`` release step (:mod:`releasekit.steps.image`) uses these; they are public so that
other tools (a noxfile, a test) can build and inspect images the same way.
"""

from __future__ import annotations

from .builders import BUILDERS, Buildah, Builder, DockerBuildx, Podman, detect_builder
from .dockerfile import TEMPLATE, find_dockerfile, oci_labels, render_dockerfile
from .errors import ImageError, RegistryError
from .registry import Credentials, RegistryClient, authfile, image_tag, repository_name
from .spec import ImageSpec, image_skip_reason, image_spec

__all__ = [
    "BUILDERS",
    "TEMPLATE",
    "Buildah",
    "Builder",
    "Credentials",
    "DockerBuildx",
    "ImageError",
    "ImageSpec",
    "Podman",
    "RegistryClient",
    "RegistryError",
    "authfile",
    "detect_builder",
    "find_dockerfile",
    "image_skip_reason",
    "image_spec",
    "image_tag",
    "oci_labels",
    "render_dockerfile",
    "repository_name",
]
