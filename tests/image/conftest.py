"""Fixtures for the image tests: private container storage, the cached base image, a registry."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from . import infra

PROJECTS = Path(__file__).parent / "projects"
_TIMINGS = pytest.StashKey[dict[str, object]]()


def _require(*tools: str) -> None:
    missing = infra.missing_tools(*tools)
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (run .ci/image-setup.sh as root)")
    if os.geteuid() != 0:
        pytest.skip("the image tests build with buildah and debootstrap as root")


@pytest.fixture(scope="session")
def container_storage() -> Iterator[Path]:
    """buildah/podman use a private storage root for the whole session."""
    _require("buildah")
    conf = infra.use_private_storage()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CONTAINERS_STORAGE_CONF", str(conf))
        yield conf


@pytest.fixture(scope="session")
def base_image(container_storage: Path, pytestconfig: pytest.Config) -> str:
    """``localhost/releasekit-test-base:bookworm``: made once, then cached between runs."""
    _require("buildah", "debootstrap")
    timing = infra.ensure_base_image()
    pytestconfig.stash[_TIMINGS] = timing
    return infra.BASE_IMAGE


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[infra.LocalRegistry]:
    """Debian's docker-registry on a free loopback port, with deletion enabled."""
    _require("docker-registry")
    workdir = tmp_path / "registry"
    workdir.mkdir()
    with infra.LocalRegistry.running(workdir) as running:
        yield running
    if os.environ.get("CONTAINERS_STORAGE_CONF"):  # only ever in our private storage
        infra.remove_images(f"{running.host}/")  # the port is unique: these are this test's


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    timing = config.stash.get(_TIMINGS, None)
    if timing is None:
        return
    line = f"test base image {infra.BASE_IMAGE}: {timing['how']} in {timing['seconds']}s"
    if infra.TIMING.is_file():
        line += f" (last cold build: {infra.TIMING.read_text().strip()})"
    terminalreporter.write_line(line)
