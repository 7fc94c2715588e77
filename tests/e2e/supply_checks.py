"""What a finished release must have left for its supply chain, checked on a real release's
dist directory, journal and index (called from the release tests, so no extra release runs)."""

from __future__ import annotations

import hashlib
import json
import subprocess
import types
import zipfile
from typing import Any, cast

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from releasekit.context import Context
from releasekit.supply import SBOM_NAME, release_assets

from ..conftest import Sandbox


def _facts(events: list[dict[str, Any]], step: str) -> dict[str, Any]:
    return next(e["facts"] for e in events if e["step"] == step and e["event"] == "done")


def check_supply_chain(sandbox: Sandbox, events: list[dict[str, Any]], tag: str) -> dict[str, Any]:
    """SHA256SUMS verifies with sha256sum -c; every wheel on the index embeds a schema-valid
    SBOM, also attached beside it; every file's provenance names its sha256 and the release
    commit; the forge asset list holds them all. Returns the SBOMs by wheel name."""
    build, supply = _facts(events, "build"), _facts(events, "supply")
    dist = sandbox.repo / build["dir"]
    built = {f["filename"]: f["sha256"] for f in build["files"]}
    assert sandbox.index_files() == built  # the index holds the final bytes, SBOM inside
    checked = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert sorted(line.split(": ")[0] for line in checked.stdout.splitlines()) == sorted(built)
    commit = sandbox.remote_git("rev-parse", f"{tag}^{{commit}}")
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    sboms = {}
    for name, sha in built.items():
        provenance = json.loads((dist / f"{name}.intoto.json").read_text())
        assert provenance["subject"] == [{"name": name, "digest": {"sha256": sha}}]
        source = provenance["predicate"]["buildDefinition"]["externalParameters"]["source"]
        assert source["commit"] == commit
        if name.endswith(".whl"):
            with zipfile.ZipFile(sandbox.index / name) as wheel:
                inside = [n for n in wheel.namelist() if n.endswith(f"/sboms/{SBOM_NAME}")]
                assert len(inside) == 1
                text = wheel.read(inside[0]).decode()
            assert (dist / f"{name}.cdx.json").read_text() == text
            assert validator.validate_str(text) is None
            sboms[name] = json.loads(text)
    ctx = cast(
        Context, types.SimpleNamespace(root=sandbox.repo, facts={"build": build, "supply": supply})
    )
    assets = [p.name for p in release_assets(ctx)]
    assert assets[: len(built)] == [f["filename"] for f in build["files"]]
    assert sorted(assets[len(built) :]) == sorted(f["filename"] for f in supply["files"])
    for item in supply["files"]:
        path = sandbox.repo / item["path"]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == item["sha256"]
    return sboms
