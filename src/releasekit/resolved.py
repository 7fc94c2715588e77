"""The versions the gate's environment resolved, so verify tests the wheel with the same ones.

A project's tox or nox environment may pin its dependencies (a lock file, requirement files);
verify's fresh venv would otherwise resolve the newest versions, and a test that passed in the
gate could fail against the wheel for a reason that has nothing to do with the wheel. After the
gate passes, the distributions installed in its environment are recorded as ``name==version``,
or ``name @ URL`` for one installed from a git repository or a remote archive (PEP 610's
``direct_url.json``: urllib3's ``[tool.uv.sources]`` fork of hypercorn), the project's own
packages, pytest-releasekit and anything installed from a local path aside; verify installs
every one of them next to the wheels, at those versions, with its declared test dependencies
under the same versions as constraints: what a tox env's ``deps`` or ``extras`` add (pyparsing's
tox.ini installs railroad-diagrams and matplotlib for its diagram tests) is named in no pyproject
table, and the tests need it against the wheel too.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from packaging.utils import canonicalize_name

from . import process
from .testenv import PLUGIN, EnvSpec

__all__ = ["Installed", "constraint_args", "environment_python", "installed", "pins"]

#: Prints [name, version, direct_url.json or null] for each distribution (isolated mode: the
#: working directory is not on sys.path).
_LIST = (
    "import importlib.metadata as m, json; print(json.dumps([[d.metadata['Name'], d.version, "
    "d.read_text('direct_url.json')] for d in m.distributions()]))"
)


class Installed(NamedTuple):
    """A distribution of the gate's environment."""

    name: str  # canonical
    version: str
    direct: bool = False  # from a path or URL (PEP 610), not an index
    url: str | None = None  # for ``name @ url``: a git commit or a remote archive; else None


def _reference(info: Any) -> str | None:
    """The PEP 508 URL that installs what PEP 610's ``direct_url.json`` describes again: a VCS
    commit (``git+https://...@<commit>``) or a remote archive; None for a local directory or
    file, which is the tree's or a path source's and not the same elsewhere."""
    url = str(info.get("url", "")) if isinstance(info, dict) else ""
    if not url.startswith(("https://", "http://", "ssh://", "git://", "file://")):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") and vcs.get("commit_id"):
        return f"{vcs['vcs']}+{url}@{vcs['commit_id']}"
    if isinstance(info.get("archive_info"), dict) and not url.startswith("file://"):
        return url
    return None


def _option(argv: Sequence[str], *names: str) -> str | None:
    for index, arg in enumerate(argv):
        if arg in names and index + 1 < len(argv):
            return argv[index + 1]
        for name in names:
            if name.startswith("--") and arg.startswith(name + "="):
                return arg.partition("=")[2]
    return None


def _python(env_dir: Path) -> Path | None:
    python = env_dir / "bin" / "python"
    return python if python.is_file() else None


def environment_python(root: Path, spec: EnvSpec) -> Path | None:
    """The interpreter of the environment a tox or nox gate ran in (tox: ``.tox/<env>``;
    nox: the session's directory under ``.nox/`` most recently changed; a configured ``uv run``
    or ``pdm run``: the project's ``.venv``, or uv's ``UV_PROJECT_ENVIRONMENT``), or None when
    it is not below the project (hatch keeps its environments elsewhere; any other configured
    command; ``uv run --isolated``, which makes a throwaway one). FastAPI's tests need its
    ``all`` extra, which its CI names to ``uv sync``: a gate command ``uv run --extra all
    pytest`` installs it into ``.venv``, and verify installs what that environment had."""
    if spec.kind == "configured":
        runner = [Path(arg).name for arg in spec.argv[:2]]
        if runner not in (["uv", "run"], ["pdm", "run"]) or "--isolated" in spec.argv:
            return None
        chosen = os.environ.get("UV_PROJECT_ENVIRONMENT") if runner[0] == "uv" else None
        return _python(root / (chosen or ".venv"))  # an absolute one stays as it is
    if spec.kind == "tox":
        env = _option(spec.argv, "-e", "--env")
        return _python(root / ".tox" / env) if env and "," not in env else None
    if spec.kind == "nox":
        found = [p for p in (root / ".nox").glob("*/bin/python") if p.is_file()]
        return max(found, key=lambda p: p.parent.parent.stat().st_mtime, default=None)
    return None


def installed(python: Path, *, cwd: Path) -> list[Installed]:
    """Each distribution in ``python``'s environment."""
    done = process.run(
        [python, "-I", "-c", _LIST], cwd=cwd, what="listing the gate environment's packages"
    )
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    found = []
    for name, version, direct in rows:
        if name:
            info = json.loads(direct) if direct else None
            url = _reference(info)
            found.append(Installed(canonicalize_name(str(name)), str(version), bool(direct), url))
    return found


def pins(distributions: Sequence[Installed], *, own: Collection[str]) -> list[str]:
    """``name==version`` for each distribution an index gave and ``name @ url`` for one from a
    git commit or remote archive, sorted; ``own`` (canonical names of the project's packages),
    pytest-releasekit and local path installs left out: verify installs those itself."""
    skip = {canonicalize_name(n) for n in own} | {PLUGIN}
    chosen = {
        d.name: (f"{d.name} @ {d.url}" if d.direct else f"{d.name}=={d.version}")
        for d in distributions
        if d.name not in skip and (not d.direct or d.url)
    }
    return [chosen[name] for name in sorted(chosen)]


def constraint_args(wanted: Sequence[str], pinned: Sequence[str], into: Path) -> list[str]:
    """Install arguments for ``wanted`` and every distribution of the gate's environment
    (``pinned``), at the gate's versions: they are installed, and constrain the rest."""
    if not pinned:
        return list(wanted)
    into.mkdir(parents=True, exist_ok=True)
    constraints = into / "gate-constraints.txt"
    versions = [pin for pin in pinned if " @ " not in pin]  # a URL is a requirement, not a pin
    constraints.write_text("\n".join(versions) + "\n", encoding="utf-8")
    return [*wanted, *pinned, "-c", str(constraints)]
