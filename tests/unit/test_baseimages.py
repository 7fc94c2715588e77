"""The base images a Dockerfile builds FROM (Docker's parser) and whether their registry answers."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from releasekit.image.baseimages import BaseImage, base_images, missing, registry_of, unreachable

from ..conftest import free_port

# bump-my-version 1.2.0's Dockerfile, cut down: a named builder stage from ghcr.io, then Hub
BUMP_MY_VERSION = """\
FROM ghcr.io/astral-sh/uv:python3.12-bookworm-slim AS builder
RUN --mount=type=cache,target=/root/.cache/uv \\
    uv sync --frozen --no-dev
FROM python:3.12-slim-bookworm
COPY --from=builder /app /app
"""

ARGS_AND_STAGES = """\
# syntax=docker/dockerfile:1
ARG PYTHON=3.11
ARG REGISTRY
FROM --platform=$BUILDPLATFORM ${REGISTRY}/base:1 AS base
FROM python:${PYTHON}-slim as Build
FROM build
FROM scratch
FROM \\
    localhost:5000/team/runtime:2
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_base_images_of_a_multi_stage_dockerfile(tmp_path: Path) -> None:
    assert base_images(_write(tmp_path, BUMP_MY_VERSION)) == [
        BaseImage("ghcr.io/astral-sh/uv:python3.12-bookworm-slim", 1),
        BaseImage("python:3.12-slim-bookworm", 4),
    ]


def test_args_stage_names_scratch_and_continuations(tmp_path: Path) -> None:
    """Global ARG defaults and build args fill FROM; an ARG with no value leaves that FROM to
    the build; a stage name (any case) and scratch are not images."""
    path = _write(tmp_path, ARGS_AND_STAGES)
    assert base_images(path) == [
        BaseImage("python:3.11-slim", 5),
        BaseImage("localhost:5000/team/runtime:2", 8),
    ]
    given = base_images(path, {"REGISTRY": "ghcr.io/acme", "PYTHON": "3.13"})
    assert [image.ref for image in given] == [
        "ghcr.io/acme/base:1",
        "python:3.13-slim",
        "localhost:5000/team/runtime:2",
    ]


def test_a_dockerfile_docker_cannot_parse_is_left_to_the_build(tmp_path: Path) -> None:
    assert base_images(_write(tmp_path, "FROM python:3.12\nRUN <<EOF\n")) == []


@pytest.mark.parametrize(
    ("ref", "registry"),
    [
        ("python:3.12", "docker.io"),
        ("library/python", "docker.io"),
        ("acme/tool:1", "docker.io"),
        ("ghcr.io/astral-sh/uv:latest", "ghcr.io"),
        ("localhost:5000/team/x", "localhost:5000"),
        ("localhost/releasekit-test-base:bookworm", "localhost"),
        ("registry.invalid/x@sha256:" + "0" * 64, "registry.invalid"),
    ],
)
def test_registry_of_follows_dockers_rule(ref: str, registry: str) -> None:
    assert registry_of(ref) == registry


def test_unreachable_says_why() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        assert unreachable(f"127.0.0.1:{server.getsockname()[1]}") is None
    assert unreachable(f"127.0.0.1:{free_port()}") is not None  # nothing listens: refused
    assert unreachable("registry.invalid") is not None  # no such host (RFC 2606)
    assert "local storage" in str(unreachable("localhost"))


def test_missing_names_each_image_neither_local_nor_reachable() -> None:
    port = free_port()
    images = [
        BaseImage("localhost/here:1", 1),
        BaseImage(f"127.0.0.1:{port}/a:1", 2),
        BaseImage(f"127.0.0.1:{port}/b:1", 3),
    ]
    local = {"localhost/here:1": "sha256:" + "1" * 64}
    found = list(missing(images, local.get))
    assert [(image.line, registry) for image, registry, _ in found] == [
        (2, f"127.0.0.1:{port}"),
        (3, f"127.0.0.1:{port}"),
    ]
    assert found[0][2] == found[1][2]  # their registry's one reason
