"""SLSA provenance v1 for each artifact, as an in-toto Statement v1 (``<file>.intoto.json``).

The statement names the artifact (file name and sha256), the builder (the CI workflow when one
is known, else this machine's releasekit), the build type (releasekit's release build), the
source (repository URL without credentials, release commit), the build command, and the
resolved dependencies: the source commit and the package's declared ``[build-system] requires``.
It is unsigned; on CI the PEP 740 attestations are the signed statements about the same files.
"""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Mapping, Sequence
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .checksums import write_whole

__all__ = ["BUILD_TYPE", "builder_id", "clean_url", "statement", "write_statement"]

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
#: What a releasekit release build is; the docs' supply-chain page describes its parameters.
BUILD_TYPE = "https://releasekit.readthedocs.io/en/latest/explanation/supply-chain/#build-type"
LOCAL_BUILDER = "https://releasekit.readthedocs.io/en/latest/explanation/supply-chain/#local"


def clean_url(url: str) -> str:
    """A remote URL without user info (``https://user:token@host/x`` -> ``https://host/x``);
    scp-like ``git@host:path`` becomes ``ssh://host/path``."""
    if "://" not in url and ":" in url and not url.startswith("/"):
        host, path = url.split(":", 1)
        url = f"ssh://{host}/{path}"
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def builder_id(environ: Mapping[str, str]) -> str:
    """The GitHub Actions workflow that ran the build, else releasekit on a local machine."""
    workflow = environ.get("GITHUB_WORKFLOW_REF")
    if workflow and environ.get("GITHUB_ACTIONS") == "true":
        return f"{environ.get('GITHUB_SERVER_URL', 'https://github.com')}/{workflow}"
    return LOCAL_BUILDER


def statement(
    *,
    artifact: Path,
    sha256: str,
    package: str,
    source: str | None,
    commit: str,
    command: Sequence[str],
    build_requires: Sequence[str],
    invocation: str,
    epoch: int,
    environ: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The in-toto statement for one artifact."""
    env = os.environ if environ is None else environ
    repository = clean_url(source) if source else None
    source_ref = f"git+{repository}@{commit}" if repository else f"git+commit:{commit}"
    dependencies: list[dict[str, Any]] = [{"uri": source_ref, "digest": {"gitCommit": commit}}]
    dependencies += [
        {
            "uri": f"pkg:pypi/{canonicalize_name(Requirement(req).name)}",
            "annotations": {"declared": req},
        }
        for req in build_requires
    ]
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": artifact.name, "digest": {"sha256": sha256}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "package": package,
                    "source": {"repository": repository, "commit": commit},
                    "command": list(command),
                },
                "internalParameters": {"SOURCE_DATE_EPOCH": str(epoch)},
                "resolvedDependencies": dependencies,
            },
            "runDetails": {
                "builder": {
                    "id": builder_id(env),
                    "version": {
                        "releasekit": installed_version("releasekit"),
                        "python": platform.python_version(),
                    },
                },
                "metadata": {"invocationId": invocation},
            },
        },
    }


def write_statement(path: Path, data: Mapping[str, Any]) -> None:
    write_whole(path, json.dumps(data, indent=2, sort_keys=True) + "\n")
