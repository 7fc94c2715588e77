"""verify: ``twine check --strict``, no forbidden files or secrets inside, and the wheels install
into a fresh venv where the smoke command passes. The three checks run in parallel."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from .. import process
from ..artifacts import scan, top_level_names
from ..errors import StepFailed
from ..venv import VirtualEnv
from .base import Facts, Plan, Step
from .build import artifact_paths

if TYPE_CHECKING:
    from ..context import Context

__all__ = ["VerifyStep", "smoke_test", "verify_artifacts"]


def _smoke_argv(smoke_command: Sequence[str] | None, wheels: list[Path]) -> list[str]:
    if smoke_command:
        return list(smoke_command)
    names = sorted({name for wheel in wheels for name in top_level_names(wheel)})
    return ["python", "-c", "; ".join(f"import {n}" for n in names) or "pass"]


def smoke_test(
    venv_dir: Path, wheels: list[Path], smoke_command: Sequence[str] | None, *, label: str
) -> str:
    """Install ``wheels`` into a fresh venv and run the smoke command there (outside the repo)."""
    venv = VirtualEnv.create(venv_dir)
    venv.install(wheels, what=f"installing the {label} into a fresh venv")
    argv = _smoke_argv(smoke_command, wheels)
    venv.run(argv, cwd=venv_dir, what=f"smoke test of the {label} ({process.display(argv)})")
    return process.display(argv)


def verify_artifacts(
    files: list[Path],
    *,
    workdir: Path,
    smoke_command: Sequence[str] | None = None,
    forbid: Sequence[str] = (),
    allow: Sequence[str] = (),
) -> str:
    """Check built files before anything leaves this machine; return the smoke command run."""
    wheels = [f for f in files if f.suffix == ".whl"]
    empty = [w.name for w in wheels if not top_level_names(w)]
    if empty and not smoke_command:
        raise StepFailed(
            f"{empty[0]} contains no importable package or module",
            hint="check the build backend's package selection (e.g. [tool.hatch.build."
            "targets.wheel] packages), or set smoke_command if this is intended",
        )

    def twine_check() -> None:
        process.run(
            [sys.executable, "-m", "twine", "check", "--strict", *files],
            what="twine check --strict",
            hint="fix the package metadata (readme, content type) it names",
        )

    def contents() -> list[str]:
        return [f for path in files for f in scan(path, forbid=list(forbid), allow=list(allow))]

    with ThreadPoolExecutor(max_workers=3) as pool:
        smoke = pool.submit(
            smoke_test, workdir / "venv-verify", wheels, smoke_command, label="built wheels"
        )
        check = pool.submit(twine_check)
        found = pool.submit(contents)
        findings = found.result()
        check.result()
        smoke_cmd = smoke.result()
    if findings:
        raise StepFailed(
            f"forbidden content in the artifacts: {'; '.join(findings[:5])}",
            hint="exclude it from the build (e.g. [tool.hatch.build] exclude) or allow it "
            "with [tool.releasekit] artifact_allow",
        )
    return smoke_cmd


class VerifyStep(Step):
    name = "verify"

    def plan(self, ctx: Context) -> Plan:
        return Plan(
            self.name,
            "check the artifacts before anything leaves this machine",
            actions=(
                "twine check --strict",
                "no VCS dirs, .env, keys, .pypirc or token-like content",
                "install the wheels into a fresh venv and run the smoke command",
            ),
        )

    def apply(self, ctx: Context) -> Facts:
        files = artifact_paths(ctx)
        smoke = verify_artifacts(
            files,
            workdir=ctx.release_dir,
            smoke_command=ctx.config.smoke_command,
            forbid=ctx.config.artifact_forbid,
            allow=ctx.config.artifact_allow,
        )
        return {"smoke": smoke, "checked": [p.name for p in files]}
