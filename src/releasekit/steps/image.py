"""image: build the container image from the release's wheel, smoke-test it, push ``{version}``.

The Dockerfile is the project's own or releasekit's template; either gets the release's wheels
as the named build context ``wheels``. A Dockerfile error or a failing smoke test stops the
release here, before anything is pushed. ``latest`` is not touched: the promote step moves it
after the whole release has succeeded.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import process
from ..errors import ProcessError
from ..git import Git
from ..image.baseimages import BaseImage, base_images, missing
from ..image.builders import BUILDERS, Builder, detect_builder
from ..image.dockerfile import oci_labels, render_dockerfile
from ..image.errors import ImageError, one_line
from ..image.registry import Credentials, RegistryClient, authfile
from ..image.spec import ImageSpec, image_skip_reason, image_spec, wheel_for
from ..index import sha256_of
from ..supply.assets import record_image
from .base import Facts, Plan, Problem, Step, StepRecord

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["ImageStep", "earlier", "first_effect", "last_effect", "registry_client"]


def _effects(record: StepRecord | None, action: str) -> list[dict[str, Any]]:
    return [dict(e) for e in (record.effects if record else []) if e.get("action") == action]


def last_effect(record: StepRecord | None, action: str) -> dict[str, Any] | None:
    found = _effects(record, action)
    return found[-1] if found else None


def first_effect(record: StepRecord | None, action: str) -> dict[str, Any] | None:
    """The first time this release journaled ``action``: what things were like *before* it.

    A step re-run on --resume must remember the state before its first attempt (e.g. where a tag
    pointed), not the state its own interrupted attempt left behind.
    """
    found = _effects(record, action)
    return found[0] if found else None


def earlier(ctx: Context, step: str) -> StepRecord | None:
    """What the journal already holds for ``step`` in this release (a resumed attempt)."""
    return ctx.journal.steps().get(step)


def registry_client(ctx: Context, registry: str) -> RegistryClient:
    return RegistryClient(
        registry, tls_verify=ctx.config.image.tls_verify, creds=Credentials.from_env()
    )


def _remote_url(ctx: Context) -> str | None:
    repo = Git(ctx.root)
    if not repo.ok("remote", "get-url", ctx.config.remote):
        return None
    return repo.remote_url(ctx.config.remote)


def _unavailable_bases(
    spec: ImageSpec, builder: Builder, build_args: Mapping[str, str]
) -> Iterator[Problem]:
    """A base image the build could not get: not in local storage, its registry unreachable."""
    if spec.dockerfile is None:
        images = [BaseImage(ref, 0) for ref in dict.fromkeys([spec.base_image, spec.runtime_image])]
        where = "releasekit's template ([tool.releasekit.image] base_image)"
    else:
        images = base_images(spec.dockerfile, build_args)
        where = spec.dockerfile.name
    for image, registry, why in missing(images, builder.image_id):
        line = f" line {image.line}" if image.line else ""
        yield (
            f"{where}{line}: the base image {image.ref} is not in {builder.display}'s local "
            f"storage and its registry {registry} cannot be reached from here ({why})",
            f"`{builder.tool} pull {image.ref}` where it can be reached, or build without it; or "
            "turn the image off: [tool.releasekit.image] enabled = false (or --skip image)",
        )


class ImageStep(Step):
    name = "image"
    external = True  # pushes to a registry

    def skip_reason(self, ctx: Context) -> str | None:
        return image_skip_reason(ctx.config, ctx.root)

    def spec(self, ctx: Context) -> ImageSpec:
        return image_spec(ctx, remote_url=_remote_url(ctx))

    def check(self, ctx: Context) -> Iterator[Problem]:
        """The image's configuration, a builder that works here, and a registry that answers and
        does not have this version's tag yet -- all known before anything is changed."""
        settings = ctx.config.image
        try:
            spec = self.spec(ctx)
            builder = detect_builder(settings.builder, isolation=settings.isolation)
            yield from _unavailable_bases(spec, builder, settings.build_args)
            if spec.registry:
                existing = registry_client(ctx, spec.registry).digest(spec.name, spec.tag)
                if existing is not None:
                    yield (
                        f"registry {spec.registry} already has {spec.repository}:{spec.tag}",
                        "release a new version, or delete that tag from the registry first",
                    )
        except ImageError as exc:
            yield (exc.message, exc.hint or "")

    def plan(self, ctx: Context) -> Plan:
        spec = self.spec(ctx)
        settings = ctx.config.image
        available = [b.display for b in BUILDERS if b.installed()]
        builder = (
            settings.builder
            if settings.builder != "auto"
            else f"auto ({', '.join(available) or 'none of docker buildx, podman, buildah'})"
        )
        actions = [
            f"Dockerfile: {spec.dockerfile_source}",
            f"base image: {spec.base_image}"
            if spec.dockerfile is None
            else f"build context: {spec.context}",
            f"builder: {builder}",
            f"build {spec.ref} from the {spec.package} wheel",
            f"smoke: run it with {process.display(spec.smoke_args) or '(no arguments)'}, "
            "expect exit 0"
            + (f" and {ctx.version} in the output" if settings.smoke_expect_version else ""),
        ]
        if spec.registry:
            actions.append(f"push tag {spec.tag} to registry {spec.registry} ({spec.repository})")
            if settings.latest:
                actions.append("tag latest after the release succeeds (promote step)")
        else:
            actions.append("no registry configured: build and smoke-test only")
        return Plan(self.name, f"build image {spec.ref}", actions=tuple(actions))

    # ------------------------------------------------------------------ apply
    def _stage(self, ctx: Context, spec: ImageSpec) -> tuple[Path, Path, str]:
        """Fresh work dir with the wheels (checked against the build's sha256) and Dockerfile."""
        workdir = ctx.release_dir / "image"
        if workdir.exists():
            shutil.rmtree(workdir)
        wheels = workdir / "wheels"
        wheels.mkdir(parents=True)
        files = wheel_for(ctx, spec.package)
        for item in files:
            target = wheels / item["filename"]
            shutil.copyfile(ctx.root / item["path"], target)
            if sha256_of(target) != item["sha256"]:
                raise ImageError(
                    f"{item['path']} changed since the build step (sha256 differs)",
                    hint="roll back and release again",
                )
        dockerfile = spec.dockerfile
        if dockerfile is None:
            dockerfile = workdir / "Dockerfile"
            dockerfile.write_text(
                render_dockerfile(
                    title=spec.name,
                    base_image=spec.base_image,
                    runtime_image=spec.runtime_image,
                    entrypoint=spec.entrypoint,
                    user=ctx.config.image.user,
                ),
                "utf-8",
            )
        return wheels, dockerfile, files[0]["filename"]

    def _smoke(self, ctx: Context, builder: Builder, spec: ImageSpec) -> str:
        command = process.display([spec.ref, *spec.smoke_args])
        try:
            done = builder.run(spec.ref, spec.smoke_args)
        except ProcessError as exc:  # timed out
            raise ImageError(
                f"image smoke test: `{command}` {exc.message.rsplit(': ', 1)[-1]}",
                hint="the smoke command must exit by itself; set [tool.releasekit.image] "
                "smoke_command to one that does (e.g. --version)",
            ) from None
        if done.returncode != 0:
            raise ImageError(
                f"image smoke test failed: `{command}` exited {done.returncode}: "
                f"{one_line(done.output)}",
                hint="fix the image's command, or set [tool.releasekit.image] smoke_command",
            )
        first = next((ln.strip() for ln in done.output.splitlines() if ln.strip()), "")
        if ctx.config.image.smoke_expect_version and ctx.version not in done.output:
            raise ImageError(
                f"image smoke test: `{command}` printed {first[:120]!r}, not the "
                f"version {ctx.version}",
                hint="make it print the version, or set smoke_expect_version = false",
            )
        return first

    def apply(self, ctx: Context) -> Facts:
        settings = ctx.config.image
        spec = self.spec(ctx)
        commit = ctx.facts["commit"]
        client, previous = None, None
        if spec.registry:  # reach the registry before the slow build, and remember the tag
            client = registry_client(ctx, spec.registry)
            prior = first_effect(earlier(ctx, self.name), "pushing")
            previous = prior["previous"] if prior else client.digest(spec.name, spec.tag)
            if prior is None and previous is not None:
                raise ImageError(
                    f"registry {spec.registry} already has {spec.repository}:{spec.tag} "
                    f"({previous[:19]}); a version's image is pushed once",
                    hint="release a new version, or delete that tag from the registry first",
                )
        builder = detect_builder(settings.builder, isolation=settings.isolation)
        wheels, dockerfile, wheel = self._stage(ctx, spec)
        labels = oci_labels(
            title=spec.name,
            version=ctx.version,
            revision=commit["sha"],
            source=spec.source,
            created=int(commit["timestamp"]),
        )
        args = {
            **settings.build_args,
            "WHEEL": wheel,
            "VERSION": ctx.version,
            "REVISION": commit["sha"],
            "SOURCE": spec.source or "",
            "CREATED": labels["org.opencontainers.image.created"],
        }
        if spec.dockerfile is None:
            spec.context.mkdir(parents=True, exist_ok=True)
        image_id = builder.build(
            spec.context,
            dockerfile,
            [spec.ref],
            args,
            labels,
            build_contexts={"wheels": wheels},
            timestamp=int(commit["timestamp"]),
        )
        # The local image is a work product like dist/, not an outside effect: not journaled, so
        # a failing smoke test still counts as "nothing left this machine". undo removes it.
        smoke = self._smoke(ctx, builder, spec)
        facts: Facts = {
            "builder": builder.name,
            "ref": spec.ref,
            "repository": spec.repository,
            "name": spec.name,
            "registry": spec.registry,
            "tag": spec.tag,
            "image_id": image_id,
            "digest": None,
            "pushed": False,
            "dockerfile": str(spec.dockerfile or dockerfile),
            "generated": spec.dockerfile is None,
            "smoke": smoke,
            "labels": labels,
        }
        if client is not None and spec.registry:
            ctx.effect(
                self.name,
                "pushing",
                registry=spec.registry,
                name=spec.name,
                tag=spec.tag,
                previous=previous,
            )
            with authfile(spec.registry, client.creds) as auth:
                digest = builder.push(
                    spec.ref, spec.ref, tls_verify=settings.tls_verify, authfile=auth
                )
            seen = client.digest(spec.name, spec.tag)
            if seen != digest:
                raise ImageError(
                    f"pushed {spec.ref} as {digest}, but the registry says {seen}",
                    hint="check the registry, then --resume",
                )
            facts.update(digest=digest, pushed=True)
            record_image(ctx, spec.ref, digest)  # SHA256SUMS gains the image's line
            ctx.effect(self.name, "pushed", digest=digest, facts=facts)
        return facts

    # ------------------------------------------------------------------ resume / rollback
    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        pushed = last_effect(record, "pushed")
        if pushed is None:
            return None  # rebuilding is safe; an unverified push is simply repeated
        facts = dict(pushed["facts"])
        client = registry_client(ctx, facts["registry"])
        return facts if client.digest(facts["name"], facts["tag"]) == facts["digest"] else None

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        notes: list[str] = []
        pushing = first_effect(record, "pushing")
        if pushing is not None:
            notes += self._undo_push(ctx, pushing, last_effect(record, "pushed"))
        self._remove_local(ctx, record)
        return notes

    def _remove_local(self, ctx: Context, record: StepRecord) -> None:
        """Best effort: drop the release's image from local storage."""
        ref = record.facts.get("ref")
        if not ref:
            try:
                ref = self.spec(ctx).ref
            except ImageError:
                return
        used = record.facts.get("builder")
        for cls in BUILDERS:
            if (used is None or cls.name == used) and cls.installed():
                cls(isolation=ctx.config.image.isolation).remove(str(ref))

    def _undo_push(
        self, ctx: Context, pushing: dict[str, Any], pushed: dict[str, Any] | None
    ) -> list[str]:
        registry, name, tag = pushing["registry"], pushing["name"], pushing["tag"]
        previous = pushing.get("previous")
        client = registry_client(ctx, registry)
        current = client.digest(name, tag)
        ours = pushed["digest"] if pushed else current
        ref = f"{registry}/{name}:{tag}"
        if current is None or current == previous or current != ours:
            return []  # never pushed, already undone, or replaced by someone else since
        if previous:
            client.put_tag(name, tag, previous)
            return []
        shared = [
            t
            for t in client.tags(name)
            if t not in {tag, "latest"} and client.digest(name, t) == current
        ]
        if shared:
            return [
                f"{ref} was left in place: tags {', '.join(shared)} point at the same "
                f"manifest {current[:19]}; delete the tag by hand if it must go"
            ]
        if not client.delete(name, current):
            return [
                f"registry {registry} does not allow deletion: delete {ref} by hand "
                f"(manifest {current})"
            ]
        return []
