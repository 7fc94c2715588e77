"""publish: upload every file with twine, idempotently.

Before uploading anything, check the files once more: their name and version are the plan's
(read from their metadata; this protects ``--resume`` and ``--skip verify``) and their bytes are
the ones the build step recorded. Then compare with what the index already has for this version:
the same file name with the same sha256 is already done; the same name with other bytes stops the
release before any upload (an index never accepts a file name twice).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import process
from ..errors import StepFailed
from ..index import IndexFile, LocalIndex, check_index_dir, list_files, sha256_of
from ..supply.attest import sign, upload_args
from .base import Facts, Plan, Step, StepRecord
from .verify import check_built

if TYPE_CHECKING:
    from ..context import Context
    from ..targets import Target

__all__ = ["PublishStep", "twine_upload"]


def twine_upload(target: Target, path: str) -> None:
    """Upload one file to ``target`` with twine (its credentials in twine's environment)."""
    env = {"TWINE_USERNAME": target.username or "__token__", "TWINE_NON_INTERACTIVE": "1"}
    if not target.trusted_publishing:  # with it, twine trades the CI's OIDC identity
        env["TWINE_PASSWORD"] = target.password or ""
    argv = [
        *process.TOOL,
        "twine",
        "upload",
        "--non-interactive",
        "--disable-progress-bar",
        "--repository-url",
        str(target.upload_url),
        *upload_args(Path(path)),  # PEP 740: --attestations FILE when it was signed
        path,
    ]
    process.run(
        argv,
        env=env,
        what=f"uploading {path.rsplit('/', 1)[-1]} with twine",
        hint="check the target URL and the credentials in the environment",
    )


class PublishStep(Step):
    name = "publish"
    irreversible = True
    external = True

    def plan(self, ctx: Context) -> Plan:
        target = ctx.target
        where = "the embedded local index" if target.local else target.upload_url or target.name
        return Plan(
            self.name,
            f"upload with twine to {where}",
            actions=tuple(p.name for p in ctx.workspace.packages),
            irreversible=target.public,
        )

    def _remote(self, ctx: Context) -> dict[str, IndexFile]:
        found: dict[str, IndexFile] = {}
        for package in ctx.workspace.packages:
            for item in list_files(ctx.target.require_index_url(), package.name):
                found[item.filename] = item
        return found

    def apply(self, ctx: Context) -> Facts:
        files: list[dict[str, Any]] = ctx.facts["build"]["files"]
        check_built(ctx)
        for item in files:
            if sha256_of(ctx.root / item["path"]) != item["sha256"]:
                raise StepFailed(
                    f"{item['path']} changed since it was built and verified",
                    hint="nothing was uploaded; roll back with `releasekit release --rollback` "
                    "and release again",
                )
        staged = ctx.facts.get("stage", {}).get("files") or {}
        for item in files:  # the bytes the staged install tested, and only those
            if staged and staged.get(item["filename"]) != item["sha256"]:
                raise StepFailed(
                    f"{item['filename']} is not the file the staged install tested",
                    hint="nothing was uploaded; roll back with `releasekit release --rollback`",
                )
        remote = self._remote(ctx)
        for item in files:  # decide everything before uploading anything
            there = remote.get(item["filename"])
            if there and there.sha256 and there.sha256 != item["sha256"]:
                raise StepFailed(
                    f"{item['filename']} is already on {ctx.target.name} with different "
                    f"content (sha256 {there.sha256[:12]}… there, {item['sha256'][:12]}… here)",
                    hint="an index never accepts the same file name twice; release a new version "
                    "(e.g. a .post1) instead; nothing was uploaded",
                )
        sign(ctx, [ctx.root / f["path"] for f in files if f["filename"] not in remote])
        uploaded, present = [], []
        for number, item in enumerate(files, start=1):
            if item["filename"] in remote:
                ctx.effect(
                    self.name, "already-present", point=str(number), filename=item["filename"]
                )
                present.append(item["filename"])
                continue
            if ctx.target.local:  # the local index directory exists once something is in it
                self._ensure_local_index(ctx)
            ctx.effect(self.name, "uploading", point=str(number), filename=item["filename"])
            twine_upload(ctx.target, str(ctx.root / item["path"]))
            # the file is on the index but the journal does not say so yet: resume must notice
            ctx.checkpoint(f"publish:uploaded-unrecorded:{number}")
            ctx.effect(
                self.name,
                "uploaded",
                point=str(number),
                filename=item["filename"],
                sha256=item["sha256"],
            )
            uploaded.append(item["filename"])
        return {"uploaded": uploaded, "already_present": present, "index": ctx.target.index_url}

    def _ensure_local_index(self, ctx: Context) -> None:
        """Create the embedded index's directory before the first upload, journaled first so a
        rollback removes a directory this release created (and only that)."""
        directory = check_index_dir()
        if not directory.exists():
            ctx.effect(self.name, "creating-index", directory=str(directory))
        LocalIndex.ensure_directory()

    def undo(self, ctx: Context, record: StepRecord) -> list[str]:
        names = sorted({e["filename"] for e in record.effects if e.get("action") == "uploading"})
        if ctx.target.can_remove:
            from ..index import default_index_dir

            directory = Path(ctx.journal.header.get("index_dir") or default_index_dir())
            for name in names:
                (directory / name).unlink(missing_ok=True)
            created = any(e.get("action") == "creating-index" for e in record.effects)
            if created and directory.is_dir() and not any(directory.iterdir()):
                directory.rmdir()  # it did not exist before this release
            return []
        if not names:
            return []
        version = ctx.version
        return [
            f"{name} stays on {ctx.target.name}: indexes do not allow deleting files. Yank "
            f"{version} (on PyPI: Manage project -> Releases -> Options -> Yank) and release "
            "a fixed version."
            for name in names
        ]
