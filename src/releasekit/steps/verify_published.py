"""verify-published: install the released version FROM THE INDEX into a fresh venv; the files
pip downloads must have the sha256 of the files built here; the smoke command must pass."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from .. import process
from ..errors import StepFailed
from ..index import list_files, sha256_of
from ..smoke import accepted_peers, smoke_test
from .base import Facts, Plan, Step

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["VerifyPublishedStep"]

#: pip with no configuration file and none of the variables that add places to look: a pip.conf
#: with ``extra-index-url`` or ``find-links`` (a company mirror, this machine's wheelhouse) gave
#: pip a tomli 2.4.1 wheel from there, not the one just uploaded, and the check called it
#: someone else's upload. Proxies (``HTTPS_PROXY``) and ``PIP_CERT`` still apply.
ONLY_THE_INDEX: dict[str, str | None] = {
    "PIP_CONFIG_FILE": os.devnull,
    **dict.fromkeys(
        ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_NO_INDEX", "PIP_CONSTRAINT")
    ),
}
#: Looks at a remote index's page for the new files: public indexes take a moment to show an
#: upload. The embedded index is looked at once: what it does not list, it does not have.
ATTEMPTS = 6


class VerifyPublishedStep(Step):
    external = True
    name = "verify-published"

    def plan(self, ctx: Context) -> Plan:
        return Plan(
            self.name,
            f"install {ctx.version} from {ctx.target.name} into a fresh venv",
            actions=(
                "compare the downloaded files' sha256 with the built ones",
                "run the smoke command",
            ),
        )

    def _await_listed(self, ctx: Context) -> None:
        """Wait until the index lists every uploaded file; fail at once on a definite answer."""
        wanted = {f["filename"] for f in ctx.facts["build"]["files"]}
        index_url = ctx.target.require_index_url()
        attempts = 1 if ctx.target.local else ATTEMPTS
        missing: set[str] = set()
        for attempt in range(attempts):
            listed = {
                item.filename
                for package in ctx.workspace.packages
                for item in list_files(index_url, package.name)
            }
            missing = wanted - listed
            if not missing:
                return
            if attempt < attempts - 1:
                time.sleep(2**attempt)
        raise StepFailed(
            f"{ctx.target.name} does not list {', '.join(sorted(missing))} after the upload",
            hint="check the index (was the upload accepted?), then `releasekit release --resume`",
        )

    def _download(self, ctx: Context, dest: Path) -> None:
        self._await_listed(ctx)
        argv: list[str | Path] = [
            *process.TOOL,
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--disable-pip-version-check",
            "--no-cache-dir",
            "--only-binary",
            ":all:",
            "--index-url",
            ctx.target.require_index_url(),
            "--dest",
            dest,
            *(f"{p.name}=={ctx.version}" for p in ctx.workspace.packages),
        ]
        process.run(
            argv, env=ONLY_THE_INDEX, what=f"downloading {ctx.version} from {ctx.target.name}"
        )

    def apply(self, ctx: Context) -> Facts:
        work = ctx.release_dir / "from-index"
        shutil.rmtree(work, ignore_errors=True)
        downloads = work / "downloads"
        downloads.mkdir(parents=True)
        self._download(ctx, downloads)
        built = {f["filename"]: f["sha256"] for f in ctx.facts["build"]["files"]}
        got = sorted(downloads.iterdir())
        for path in got:
            if built.get(path.name) != sha256_of(path):
                raise StepFailed(
                    f"{path.name} on {ctx.target.name} differs from the file built here",
                    hint="someone else uploaded this version; investigate before tagging",
                )
        smoke = smoke_test(
            work / "venv",
            [p for p in got if p.suffix == ".whl"],
            ctx.config.smoke_command,
            label=f"{ctx.version} from {ctx.target.name}",
            accepted=accepted_peers(ctx.facts),
        )
        if smoke.error:
            raise smoke.fail()
        return {"verified": [p.name for p in got], "smoke": smoke.command}
