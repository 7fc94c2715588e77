"""Container builder backends: docker buildx, podman and buildah behind one small ABC.

Each backend builds an image from a Dockerfile, runs it (the smoke test), pushes it to a registry
and manages local tags. :func:`detect_builder` picks the first backend that works on this machine,
in the order docker buildx, podman, buildah, unless the configuration names one.
"""

from __future__ import annotations

import abc
import dataclasses
import json
import re
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from .. import process
from ..errors import ProcessError
from .errors import ImageError, one_line

__all__ = ["BUILDERS", "Buildah", "Builder", "DockerBuildx", "Podman", "detect_builder"]

_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
#: Seconds a smoke-test command may run.
SMOKE_TIMEOUT = 300.0


def _pairs(flag: str, values: Mapping[str, str]) -> list[str]:
    argv: list[str] = []
    for key, value in values.items():
        argv += [flag, f"{key}={value}"]
    return argv


def _image_id(raw: str) -> str:
    """Image ids as ``sha256:<hex>``, whichever form the tool printed."""
    raw = raw.strip()
    return raw if raw.startswith("sha256:") else f"sha256:{raw}"


def _contexts(build_contexts: Mapping[str, Path] | None) -> list[str]:
    return _pairs("--build-context", {k: str(v) for k, v in (build_contexts or {}).items()})


class Builder(abc.ABC):
    """One way of building, running and pushing OCI images."""

    #: Config value selecting this backend (``[tool.releasekit.image] builder``).
    name: ClassVar[str]
    #: How users know it, e.g. "docker buildx".
    display: ClassVar[str]
    #: The executable.
    tool: ClassVar[str]
    #: How to get it on a Debian/Ubuntu machine.
    install: ClassVar[str]

    def __init__(self, *, isolation: str = "chroot") -> None:
        self.isolation = isolation

    # -------------------------------------------------------------- detection
    @classmethod
    def installed(cls) -> bool:
        return shutil.which(cls.tool) is not None

    @classmethod
    def probe(cls) -> str | None:
        """Why this backend cannot be used here (``None``: it can). May run the tool briefly."""
        if not cls.installed():
            return "not installed"
        done = process.run([cls.tool, "version"], check=False, timeout=60)
        return None if done.returncode == 0 else one_line(done.output)

    # -------------------------------------------------------------- helpers
    def _run(
        self,
        argv: Sequence[str],
        what: str,
        env: Mapping[str, str] | None = None,
        hint: str | None = None,
    ) -> process.Completed:
        try:
            return process.run([self.tool, *argv], what=what, env=env)
        except ProcessError as exc:
            raise ImageError(
                f"{what} failed: {one_line(exc.output or exc.message)}",
                hint=hint or f"run `{process.display([self.tool, *argv])}` to see the whole output",
            ) from None

    def _build_hint(self, dockerfile: Path) -> str:
        return (
            f"fix {dockerfile.name} (or the base image it names) and release again; "
            f"`{self.tool} build -f {dockerfile.name} .` shows the whole log"
        )

    @staticmethod
    def _push_hint(ref: str) -> str:
        registry = ref.split("/", 1)[0]
        return (
            f"check that {registry} is reachable and RELEASEKIT_REGISTRY_USERNAME / "
            "RELEASEKIT_REGISTRY_PASSWORD may push there (tls_verify = false for a registry "
            "without a valid certificate)"
        )

    # -------------------------------------------------------------- operations
    @abc.abstractmethod
    def build(
        self,
        context: Path,
        dockerfile: Path,
        tags: Sequence[str],
        build_args: Mapping[str, str],
        labels: Mapping[str, str],
        *,
        build_contexts: Mapping[str, Path] | None = None,
        timestamp: int | None = None,
    ) -> str:
        """Build ``dockerfile`` in ``context``; tag the result; return its image id."""

    @abc.abstractmethod
    def run(
        self, image: str, args: Sequence[str], *, timeout: float | None = SMOKE_TIMEOUT
    ) -> process.Completed:
        """Run the image's command with ``args``; the result is returned whatever its status.

        A command still running after ``timeout`` seconds raises :class:`ProcessError`.
        """

    @abc.abstractmethod
    def push(
        self, image: str, ref: str, *, tls_verify: bool = True, authfile: Path | None = None
    ) -> str:
        """Push local ``image`` to ``ref`` (registry/name:tag); return the manifest digest."""

    @abc.abstractmethod
    def pull(self, ref: str, *, tls_verify: bool = True, authfile: Path | None = None) -> str:
        """Pull ``ref`` (a tag or ``name@sha256:...``); return the local image id."""

    def image_id(self, ref: str) -> str | None:
        """The id of the local image ``ref``, or None when there is none."""
        done = process.run([self.tool, "image", "inspect", "--format", "{{.Id}}", ref], check=False)
        if done.returncode != 0 or not done.stdout.strip():
            return None
        return _image_id(done.stdout)

    def tag(self, image: str, ref: str) -> None:
        self._run(["tag", image, ref], what=f"tagging {image} as {ref}")

    def remove(self, ref: str) -> bool:
        """Remove the local tag (or image) ``ref``; False when it was not there."""
        return process.run([self.tool, "rmi", ref], check=False).returncode == 0


class _ContainersTool(Builder):
    """podman and buildah share containers/image: same flags for build, push and pull."""

    build_command: ClassVar[tuple[str, ...]]

    def build(
        self,
        context: Path,
        dockerfile: Path,
        tags: Sequence[str],
        build_args: Mapping[str, str],
        labels: Mapping[str, str],
        *,
        build_contexts: Mapping[str, Path] | None = None,
        timestamp: int | None = None,
    ) -> str:
        with tempfile.TemporaryDirectory(prefix="releasekit-iid-") as tmp:
            iidfile = Path(tmp) / "iid"
            argv = [
                *self.build_command,
                "--isolation",
                self.isolation,
                "--iidfile",
                str(iidfile),
                "-f",
                str(dockerfile),
            ]
            for tag in tags:
                argv += ["-t", tag]
            argv += _pairs("--build-arg", build_args) + _pairs("--label", labels)
            argv += _contexts(build_contexts)
            if timestamp is not None:
                argv += ["--timestamp", str(timestamp)]
            self._run(
                [*argv, str(context)],
                what=f"building {dockerfile} with {self.display}",
                hint=self._build_hint(dockerfile),
            )
            return _image_id(iidfile.read_text("utf-8"))

    def push(
        self, image: str, ref: str, *, tls_verify: bool = True, authfile: Path | None = None
    ) -> str:
        with tempfile.TemporaryDirectory(prefix="releasekit-digest-") as tmp:
            digestfile = Path(tmp) / "digest"
            argv = [
                "push",
                f"--tls-verify={str(tls_verify).lower()}",
                "--digestfile",
                str(digestfile),
            ]
            if authfile is not None:
                argv += ["--authfile", str(authfile)]
            self._run(
                [*argv, image, f"docker://{ref}"], what=f"pushing {ref}", hint=self._push_hint(ref)
            )
            return digestfile.read_text("utf-8").strip()

    def pull(self, ref: str, *, tls_verify: bool = True, authfile: Path | None = None) -> str:
        argv = ["pull", "--quiet", f"--tls-verify={str(tls_verify).lower()}"]
        if authfile is not None:
            argv += ["--authfile", str(authfile)]
        done = self._run([*argv, ref], what=f"pulling {ref}")
        return _image_id(done.stdout.strip().splitlines()[-1])


class Podman(_ContainersTool):
    name = "podman"
    display = "podman"
    tool = "podman"
    install = "apt-get install podman"
    build_command = ("build",)

    @classmethod
    def probe(cls) -> str | None:
        reason = super().probe()
        if reason:
            return reason
        # Building is not enough: the smoke test runs a container. Try one on the host's root.
        done = process.run(
            ["podman", "run", "--rm", "--rootfs", "/", "true"], check=False, timeout=120
        )
        return (
            None if done.returncode == 0 else "cannot run containers here: " + one_line(done.output)
        )

    def run(
        self, image: str, args: Sequence[str], *, timeout: float | None = SMOKE_TIMEOUT
    ) -> process.Completed:
        return process.run(["podman", "run", "--rm", image, *args], check=False, timeout=timeout)


class Buildah(_ContainersTool):
    name = "buildah"
    display = "buildah"
    tool = "buildah"
    install = "apt-get install buildah"
    build_command = ("build",)

    def image_id(self, ref: str) -> str | None:
        done = process.run(["buildah", "images", "--quiet", "--no-trunc", ref], check=False)
        if done.returncode != 0 or not done.stdout.strip():
            return None
        return _image_id(done.stdout.splitlines()[0])

    def _config(self, image: str) -> dict[str, object]:
        done = self._run(["inspect", "--type", "image", image], what=f"inspecting {image}")
        config = json.loads(done.stdout).get("OCIv1", {}).get("config", {})
        return config if isinstance(config, dict) else {}

    def run(
        self, image: str, args: Sequence[str], *, timeout: float | None = SMOKE_TIMEOUT
    ) -> process.Completed:
        """buildah has no ``run IMAGE``: make a working container, run the entrypoint, drop it."""
        config = self._config(image)
        entrypoint = list(config.get("Entrypoint") or [])  # type: ignore[call-overload]
        command = list(args) if args else list(config.get("Cmd") or [])  # type: ignore[call-overload]
        argv = entrypoint + command
        if not argv:
            raise ImageError(
                f"{image} has no ENTRYPOINT or CMD to run",
                hint="set [tool.releasekit.image] command, or add an ENTRYPOINT",
            )
        container = self._run(
            ["from", "--pull=never", "--quiet", image], what=f"creating a container from {image}"
        ).stdout.strip()
        try:
            done = process.run(
                ["buildah", "run", "--isolation", self.isolation, container, "--", *argv],
                check=False,
                timeout=timeout,
            )
            # buildah adds its own "exit status N" lines to the command's output: drop them
            stderr = re.sub(
                r"(?m)^(subprocess exited with status|Error: exit status) \d+\n?", "", done.stderr
            )
            return dataclasses.replace(done, stderr=stderr)
        finally:
            process.run(["buildah", "rm", container], check=False)


class DockerBuildx(Builder):
    name = "docker"
    display = "docker buildx"
    tool = "docker"
    install = (
        "install Docker Engine with the buildx plugin (apt-get install docker.io docker-buildx)"
    )

    @classmethod
    def probe(cls) -> str | None:
        if not cls.installed():
            return "not installed"
        done = process.run(["docker", "buildx", "version"], check=False, timeout=60)
        if done.returncode != 0:
            return "the buildx plugin is missing"
        done = process.run(
            ["docker", "info", "--format", "{{.ServerVersion}}"], check=False, timeout=60
        )
        if done.returncode != 0:
            return "no Docker engine is reachable"
        return None

    def build(
        self,
        context: Path,
        dockerfile: Path,
        tags: Sequence[str],
        build_args: Mapping[str, str],
        labels: Mapping[str, str],
        *,
        build_contexts: Mapping[str, Path] | None = None,
        timestamp: int | None = None,
    ) -> str:
        with tempfile.TemporaryDirectory(prefix="releasekit-iid-") as tmp:
            iidfile = Path(tmp) / "iid"
            argv = ["buildx", "build", "--load", "--iidfile", str(iidfile), "-f", str(dockerfile)]
            for tag in tags:
                argv += ["-t", tag]
            args = dict(build_args)
            if timestamp is not None:
                args.setdefault("SOURCE_DATE_EPOCH", str(timestamp))
            argv += _pairs("--build-arg", args) + _pairs("--label", labels)
            argv += _contexts(build_contexts)
            self._run(
                [*argv, str(context)],
                what=f"building {dockerfile} with {self.display}",
                hint=self._build_hint(dockerfile),
            )
            return _image_id(iidfile.read_text("utf-8"))

    def run(
        self, image: str, args: Sequence[str], *, timeout: float | None = SMOKE_TIMEOUT
    ) -> process.Completed:
        return process.run(["docker", "run", "--rm", image, *args], check=False, timeout=timeout)

    @staticmethod
    def _env(authfile: Path | None) -> dict[str, str] | None:
        # docker reads credentials from $DOCKER_CONFIG/config.json: same format as an authfile.
        return {"DOCKER_CONFIG": str(authfile.parent)} if authfile is not None else None

    def push(
        self, image: str, ref: str, *, tls_verify: bool = True, authfile: Path | None = None
    ) -> str:
        if image != ref:
            self.tag(image, ref)
        done = self._run(
            ["push", ref], what=f"pushing {ref}", env=self._env(authfile), hint=self._push_hint(ref)
        )
        found = _DIGEST.findall(done.output)
        if not found:
            raise ImageError(
                f"pushing {ref}: docker did not report a digest",
                hint="check the registry with `docker manifest inspect`",
            )
        return str(found[-1])

    def pull(self, ref: str, *, tls_verify: bool = True, authfile: Path | None = None) -> str:
        self._run(["pull", "--quiet", ref], what=f"pulling {ref}", env=self._env(authfile))
        found = self.image_id(ref)
        if found is None:
            raise ImageError(f"pulled {ref} but docker does not list it")
        return found


#: Detection order.
BUILDERS: tuple[type[Builder], ...] = (DockerBuildx, Podman, Buildah)


def detect_builder(choice: str = "auto", *, isolation: str = "chroot") -> Builder:
    """The configured backend, or the first that works here (docker buildx, podman, buildah)."""
    by_name = {b.name: b for b in BUILDERS}
    if choice != "auto":
        cls = by_name[choice]
        if not cls.installed():
            raise ImageError(
                f"[tool.releasekit.image] builder = {choice!r}, but {cls.tool} is not on PATH",
                hint=f'{cls.install}, or set builder = "auto"',
            )
        return cls(isolation=isolation)
    reasons = []
    for cls in BUILDERS:
        reason = cls.probe()
        if reason is None:
            return cls(isolation=isolation)
        reasons.append(f"{cls.display}: {reason}")
    raise ImageError(
        "no container builder found (" + "; ".join(reasons) + ")",
        hint="install one: apt-get install buildah (or podman), or Docker Engine with the buildx "
        "plugin; or skip the image with --skip image",
    )
