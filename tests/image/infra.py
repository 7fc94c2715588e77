"""Real container infrastructure for the image tests, importable by other test packages.

* :func:`use_private_storage` points buildah/podman at a storage root of our own (a
  ``storage.conf`` under the cache dir, vfs driver by default), so tests neither depend on nor
  disturb the machine's image store.
* :func:`ensure_base_image` makes ``localhost/releasekit-test-base:bookworm`` -- Debian bookworm
  minbase with python3 and python3-venv, built with debootstrap from the apt mirror -- and caches
  it twice: in the private storage, and as an OCI archive that survives a wiped storage.
* :class:`LocalRegistry` runs Debian's ``docker-registry`` on a free loopback port (deletion on).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BASE_IMAGE = "localhost/releasekit-test-base:bookworm"
SUITE = "bookworm"
CACHE = Path(os.environ.get("RELEASEKIT_TEST_CACHE", Path.home() / ".cache" / "releasekit-tests"))
ARCHIVE = CACHE / "releasekit-test-base-bookworm.oci.tar"
TIMING = CACHE / "base-image-timing.json"
# Trimmed from the rootfs: package caches, docs, man pages, translations (~140 MB of 275 MB).
_TRIM = (
    "var/cache/apt/archives",
    "var/lib/apt/lists",
    "usr/share/doc",
    "usr/share/man",
    "usr/share/locale",
    "usr/share/info",
)


def run(*argv: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    """Test-side command runner (the product's own runner is under test, not used here)."""
    done = subprocess.run(list(argv), capture_output=True, text=True, check=False, **kwargs)  # type: ignore[call-overload]
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(argv)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    return done  # type: ignore[no-any-return]


def missing_tools(*tools: str) -> list[str]:
    return [t for t in tools if shutil.which(t) is None]


def use_private_storage() -> Path:
    """Write the private storage.conf and return its path (for CONTAINERS_STORAGE_CONF).

    Each xdist worker has a storage of its own: containers/storage does not keep two processes
    committing and removing images with the same layers apart (buildah's "committing container
    for step" failures under parallel builds). The base image comes from the shared OCI archive.
    """
    driver = os.environ.get("RELEASEKIT_TEST_STORAGE_DRIVER", "vfs")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    root = CACHE / "containers" / driver / worker
    root.mkdir(parents=True, exist_ok=True)
    conf = root / "storage.conf"
    text = (
        f'[storage]\ndriver = "{driver}"\ngraphroot = "{root / "graph"}"\n'
        f'runroot = "{root / "run"}"\n'
    )
    if not conf.exists() or conf.read_text() != text:
        conf.write_text(text)
    return conf


def debian_mirror() -> str:
    """The Debian mirror apt uses here (deb822 or one-line sources), or the override."""
    override = os.environ.get("RELEASEKIT_TEST_DEBIAN_MIRROR")
    if override:
        return override
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        for url in re.findall(r"^URIs:\s*(\S+)|^deb\s+(?:\[[^]]*\]\s+)?(\S+)", text, re.M):
            found = url[0] or url[1]
            if "/debian" in found and "security" not in found:
                return found
    return "http://deb.debian.org/debian"


def image_exists(ref: str) -> bool:
    return (
        subprocess.run(
            ["buildah", "images", "--quiet", ref], capture_output=True, check=False
        ).returncode
        == 0
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # xdist workers and parallel runs wait here
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _debootstrap_image() -> None:
    with tempfile.TemporaryDirectory(prefix="releasekit-rootfs-", dir=CACHE) as tmp:
        rootfs = Path(tmp) / "rootfs"
        run(
            "debootstrap",
            "--variant=minbase",
            "--include=python3,python3-venv",
            SUITE,
            str(rootfs),
            debian_mirror(),
            timeout=1800,
        )
        for rel in _TRIM:
            target = rootfs / rel
            if target.is_dir():
                shutil.rmtree(target)
                target.mkdir()
        container = run("buildah", "from", "scratch").stdout.strip()
        try:
            run("buildah", "copy", "--quiet", container, str(rootfs), "/")
            run(
                "buildah",
                "config",
                "--env",
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "--env",
                "LANG=C.UTF-8",
                "--cmd",
                "/bin/sh",
                container,
            )
            run("buildah", "commit", "--quiet", container, BASE_IMAGE)
        finally:
            subprocess.run(["buildah", "rm", container], capture_output=True, check=False)


def ensure_base_image() -> dict[str, object]:
    """Make sure the base image is in storage; returns how it got there and how long it took."""
    started = time.monotonic()
    with _locked(CACHE / "base-image.lock"):
        if image_exists(BASE_IMAGE):
            how = "in storage"
        elif ARCHIVE.is_file():
            run("buildah", "pull", "--quiet", f"oci-archive:{ARCHIVE}")
            how = "loaded from the OCI archive"
        else:
            _debootstrap_image()
            tmp = ARCHIVE.with_suffix(".partial")
            tmp.unlink(missing_ok=True)
            run("buildah", "push", "--quiet", BASE_IMAGE, f"oci-archive:{tmp}:{BASE_IMAGE}")
            tmp.replace(ARCHIVE)
            how = "built with debootstrap (cold)"
    timing: dict[str, object] = {"how": how, "seconds": round(time.monotonic() - started, 1)}
    if how.endswith("(cold)"):
        TIMING.write_text(json.dumps(timing))
    return timing


def remove_images(prefix: str) -> None:
    """Remove every local image name starting with ``prefix``.

    By name, never by id and never ``--force``: reproducible builds give two tests' images the
    same id, and removing it by id (with ``--force``, the containers using it too) broke the other
    xdist worker's build in the middle of a commit. An image goes when its last name does.
    """
    done = subprocess.run(
        ["buildah", "images", "--json"], capture_output=True, text=True, check=False
    )
    images = json.loads(done.stdout or "[]") if done.returncode == 0 else []
    names = {n for image in images for n in image.get("names") or [] if n.startswith(prefix)}
    for name in sorted(names):
        subprocess.run(["buildah", "rmi", name], capture_output=True, check=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalRegistry:
    """Debian's docker-registry (distribution 2.x) on loopback, plain HTTP, deletes enabled."""

    host: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    @contextlib.contextmanager
    def running(cls, workdir: Path, *, htpasswd: Path | None = None) -> Iterator[LocalRegistry]:
        port = free_port()
        config = workdir / "registry.yml"
        auth = (
            f"auth:\n  htpasswd:\n    realm: releasekit-test\n    path: {htpasswd}\n"
            if htpasswd
            else ""
        )
        config.write_text(
            "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
            f"    rootdirectory: {workdir / 'data'}\n  delete:\n    enabled: true\n"
            f"http:\n  addr: 127.0.0.1:{port}\n{auth}"
        )
        log = workdir / "registry.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                ["docker-registry", "serve", str(config)], stdout=out, stderr=subprocess.STDOUT
            )
        registry = cls(f"127.0.0.1:{port}", proc, log)
        try:
            registry.wait()
            yield registry
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def wait(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"docker-registry exited: {self.log.read_text()}")
            try:
                urllib.request.urlopen(f"http://{self.host}/v2/", timeout=2)
            except urllib.error.HTTPError as exc:
                if exc.code == 401:  # up, with auth
                    return
            except OSError:
                pass
            else:
                return
            time.sleep(0.1)
        raise AssertionError(f"docker-registry did not come up: {self.log.read_text()}")

    def tags(self, name: str) -> list[str]:
        try:
            with urllib.request.urlopen(
                f"http://{self.host}/v2/{name}/tags/list", timeout=10
            ) as response:
                return sorted(json.load(response).get("tags") or [])
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return []
            raise


def _request(
    method: str, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
        url, data=data, method=method, headers=headers or {}
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, dict(response.headers)


def push_synthetic(host: str, name: str, tag: str, marker: str) -> str:
    """Push a minimal OCI image manifest (a config blob, no layers) to ``name:tag``: a stand-in
    for a built image where only the registry's tag bookkeeping is under test. Returns its digest.
    """
    config = json.dumps(
        {
            "architecture": "amd64",
            "os": "linux",
            "config": {"Labels": {"marker": marker}},
            "rootfs": {"type": "layers", "diff_ids": []},
        }
    ).encode()
    config_digest = "sha256:" + hashlib.sha256(config).hexdigest()
    _, headers = _request("POST", f"http://{host}/v2/{name}/blobs/uploads/", data=b"")
    location = headers["Location"]
    if location.startswith("/"):
        location = f"http://{host}{location}"
    sep = "&" if "?" in location else "?"
    _request(
        "PUT",
        f"{location}{sep}digest={config_digest}",
        data=config,
        headers={"Content-Type": "application/octet-stream"},
    )
    manifest = json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": config_digest,
                "size": len(config),
            },
            "layers": [],
        }
    ).encode()
    _, headers = _request(
        "PUT",
        f"http://{host}/v2/{name}/manifests/{tag}",
        data=manifest,
        headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
    )
    return "sha256:" + hashlib.sha256(manifest).hexdigest()


def bcrypt_hash(password: str) -> str:
    """An htpasswd bcrypt line for docker-registry (passlib's pure-Python bcrypt, cheap rounds)."""
    os.environ.setdefault("PASSLIB_BUILTIN_BCRYPT", "enabled")
    from passlib.hash import bcrypt

    return str(bcrypt.using(rounds=4, ident="2y").hash(password))
