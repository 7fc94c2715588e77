"""The supply step on its own: its plan, the files apply writes (sha256sum -c passes), reconcile
after a kill, undo removing exactly its files, and its refusals."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

from releasekit.context import Context
from releasekit.errors import StepFailed
from releasekit.steps.base import StepRecord
from releasekit.steps.supply import SupplyStep
from releasekit.supply.wheels import embed_runtime_sbom

from ..conftest import PROJECTS, step_context
from .test_supply import _sdist, _wheel

COMMIT = "c0ffee" + "0" * 34


def _ctx(tmp_path: Path, *, sbom: bool = True) -> Context:
    root = tmp_path / "project"
    shutil.copytree(PROJECTS / "simple", root)
    ctx = step_context(root)
    dist = ctx.release_dir / "dist"
    dist.mkdir(parents=True)
    wheel = _wheel(dist / "demo_pkg-2.0.0-py3-none-any.whl")
    if sbom:
        embed_runtime_sbom(wheel, epoch=0)
    files = [
        {
            "path": str(p.relative_to(root)),
            "filename": p.name,
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            "package": "simple-pkg",
            "kind": "wheel" if p.suffix == ".whl" else "sdist",
        }
        for p in (wheel, _sdist(dist))
    ]
    ctx.facts["commit"] = {"sha": COMMIT, "timestamp": 1_763_640_000}
    ctx.facts["build"] = {"dir": str(dist.relative_to(root)), "files": files, "command": "uv build"}
    return ctx


def test_plan_says_what_and_why_attestations_are_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    actions = "\n".join(SupplyStep().plan(_ctx(tmp_path)).actions)
    assert "SHA256SUMS" in actions and "declared" in actions and "intoto.json" in actions
    assert "attestations (PEP 740): skipped: no OIDC identity here" in actions


def test_apply_reconcile_undo(tmp_path: Path) -> None:
    ctx, step = _ctx(tmp_path), SupplyStep()
    dist = ctx.root / ctx.facts["build"]["dir"]
    facts = step.apply(ctx)
    names = [f["filename"] for f in facts["files"]]
    wheel, sdist = (f["filename"] for f in ctx.facts["build"]["files"])
    assert names == [
        "SHA256SUMS",
        f"{wheel}.cdx.json",
        f"{wheel}.intoto.json",
        f"{sdist}.intoto.json",
    ]
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, check=False)
    assert check.returncode == 0
    assert COMMIT in (dist / f"{sdist}.intoto.json").read_text()
    # killed after writing, before the journal knew: reconcile finds the same facts
    assert step.reconcile(ctx, StepRecord("supply", "in flight")) == facts
    (dist / f"{wheel}.intoto.json").unlink()
    assert step.reconcile(ctx, StepRecord("supply", "in flight")) is None  # runs again
    assert step.apply(ctx) == facts  # and writes the same files
    assert step.undo(ctx, StepRecord("supply", "done", facts)) == []
    assert sorted(p.name for p in dist.iterdir()) == sorted([wheel, sdist])  # the build's stay


def test_a_changed_dist_file_stops_it(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path)
    (ctx.root / ctx.facts["build"]["files"][1]["path"]).write_bytes(b"other bytes")
    with pytest.raises(StepFailed, match="changed since the build step"):
        SupplyStep().apply(ctx)


def test_a_wheel_without_its_sbom_stops_it(tmp_path: Path) -> None:
    with pytest.raises(StepFailed, match="no embedded SBOM"):
        SupplyStep().apply(_ctx(tmp_path, sbom=False))
