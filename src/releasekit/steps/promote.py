"""promote: move the moving pointers -- the image's ``latest`` tag and the docs' ``latest`` alias.

The last step of a release, like a blue-green switch: it runs only after everything else has
succeeded, and it records where each pointer pointed before moving it, so a rollback puts it back.
The image's ``latest`` moves by re-putting the version's manifest under the tag (registry API; no
image data moves, no builder needed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..docsite import docs_skip_reason, mike_for
from ..image.errors import ImageError
from ..image.spec import image_skip_reason, image_spec
from .base import Facts, Plan, Step, StepRecord
from .image import earlier, first_effect, last_effect, registry_client

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["PromoteStep"]

LATEST = "latest"


class PromoteStep(Step):
    name = "promote"
    external = True  # moves tags in a registry and aliases on a git remote

    def _image_on(self, ctx: Context) -> bool:
        settings = ctx.config.image
        return bool(
            settings.registry
            and settings.latest
            and image_skip_reason(ctx.config, ctx.root) is None
        )

    def _docs_on(self, ctx: Context) -> bool:
        return docs_skip_reason(ctx.config, ctx.root) is None

    def skip_reason(self, ctx: Context) -> str | None:
        if not self._image_on(ctx) and not self._docs_on(ctx):
            return "nothing to promote (no image pushed to a registry with latest, no docs)"
        return None

    def plan(self, ctx: Context) -> Plan:
        actions = []
        if self._image_on(ctx):
            try:
                spec = image_spec(ctx)
                where = f"{spec.repository}: {LATEST} -> {spec.tag}"
            except ImageError:  # the image step's plan reports the problem
                where = f"{ctx.config.image.registry}: {LATEST} -> {ctx.version}"
            actions.append(f"image {where} (remembering where it pointed)")
        if self._docs_on(ctx):
            actions.append(
                f"docs: alias {ctx.config.docs.alias} -> {ctx.version}"
                + (", default version" if ctx.config.docs.set_default else "")
            )
        return Plan(self.name, "move latest to this release (last)", actions=tuple(actions))

    def apply(self, ctx: Context) -> Facts:
        facts: Facts = {}
        image = ctx.facts.get("image") or {}
        if self._image_on(ctx) and image.get("pushed"):
            facts["image"] = self._promote_image(ctx, image)
        docs = ctx.facts.get("docs") or {}
        if self._docs_on(ctx) and docs.get("deployed"):
            facts["docs"] = self._promote_docs(ctx, docs)
        return facts

    def _promote_image(self, ctx: Context, image: dict[str, Any]) -> dict[str, Any]:
        client = registry_client(ctx, image["registry"])
        prior = first_effect(earlier(ctx, self.name), "moving-image-latest")
        previous = prior["previous"] if prior else client.digest(image["name"], LATEST)
        moved = {
            "registry": image["registry"],
            "name": image["name"],
            "tag": LATEST,
            "digest": image["digest"],
            "previous": previous,
        }
        ctx.effect(self.name, "moving-image-latest", **moved)
        if previous != image["digest"]:
            client.put_tag(image["name"], LATEST, image["digest"])
        ctx.effect(self.name, "moved-image-latest")
        return moved

    def _promote_docs(self, ctx: Context, docs: dict[str, Any]) -> dict[str, Any]:
        settings = ctx.config.docs
        mike = mike_for(ctx)
        prior = first_effect(earlier(ctx, self.name), "moving-docs-alias")
        previous = prior["previous"] if prior else mike.target_of(settings.alias)
        moved = {
            "alias": settings.alias,
            "version": docs["version"],
            "previous": previous,
            "remote": mike.remote,
            "branch": mike.branch,
        }
        ctx.effect(self.name, "moving-docs-alias", **moved)
        if previous != docs["version"]:
            mike.alias(docs["version"], settings.alias)
        if settings.set_default:
            mike.set_default(settings.alias)
        ctx.effect(self.name, "moved-docs-alias")
        return moved

    def reconcile(self, ctx: Context, record: StepRecord) -> Facts | None:
        facts: Facts = {}
        image = last_effect(record, "moving-image-latest")
        if self._image_on(ctx) and (ctx.facts.get("image") or {}).get("pushed"):
            if image is None:
                return None
            client = registry_client(ctx, image["registry"])
            if client.digest(image["name"], LATEST) != image["digest"]:
                return None
            facts["image"] = {k: v for k, v in image.items() if k not in {"action", "ts"}}
        docs = last_effect(record, "moving-docs-alias")
        if self._docs_on(ctx) and (ctx.facts.get("docs") or {}).get("deployed"):
            if docs is None or last_effect(record, "moved-docs-alias") is None:
                return None
            if mike_for(ctx).target_of(docs["alias"]) != docs["version"]:
                return None
            facts["docs"] = {k: v for k, v in docs.items() if k not in {"action", "ts"}}
        return facts

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        notes: list[str] = []
        docs = first_effect(record, "moving-docs-alias")
        if docs is not None:
            mike = mike_for(ctx)
            current = mike.target_of(docs["alias"])
            if docs["previous"] and current != docs["previous"]:
                mike.alias(docs["previous"], docs["alias"])
            elif not docs["previous"] and current is not None:
                mike.delete(docs["alias"])
        image = first_effect(record, "moving-image-latest")
        if image is not None:
            notes += self._undo_image(ctx, image)
        return notes

    def _undo_image(self, ctx: Context, image: dict[str, Any]) -> list[str]:
        client = registry_client(ctx, image["registry"])
        name, previous = image["name"], image.get("previous")
        current = client.digest(name, LATEST)
        if current != image["digest"]:
            return []  # never moved, already restored, or moved again by someone else
        if previous:
            client.put_tag(name, LATEST, previous)
            return []
        # A latest that this release created: registries that delete a tag alone do it here;
        # distribution 2.x cannot, and the tag goes when the image step's rollback deletes the
        # version's manifest (which reports if the registry refuses that too).
        client.delete(name, LATEST)
        return []
