"""The versions the gate's environment resolved, so verify tests the wheel with the same ones.

A project's tox or nox environment may pin its dependencies (a lock file, requirement files);
verify's fresh venv would otherwise resolve the newest versions, and a test that passed in the
gate could fail against the wheel for a reason that has nothing to do with the wheel. After the
gate passes, the distributions installed in its environment are recorded as ``name==version``
(the project's own packages, pytest-releasekit and anything installed from a path or URL
aside); verify installs every one of them next to the wheels, at those versions, with its
declared test dependencies under the same versions as constraints: what a tox env's ``deps`` or
``extras`` add (pyparsing's tox.ini installs railroad-diagrams and matplotlib for its diagram
tests) is named in no pyproject table, and the tests need it against the wheel too.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from pathlib import Path

from packaging.utils import canonicalize_name

from . import process
from .testenv import PLUGIN, EnvSpec

__all__ = ["constraint_args", "environment_python", "installed", "pins"]

#: Prints [name, version, installed from a path or URL] for each distribution (isolated mode:
#: the working directory is not on sys.path).
_LIST = (
    "import importlib.metadata as m, json; print(json.dumps([[d.metadata['Name'], d.version, "
    "d.read_text('direct_url.json') is not None] for d in m.distributions()]))"
)


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
    nox: the session's directory under ``.nox/`` most recently changed), or None when it is
    not below the project (hatch keeps its environments elsewhere; a configured command)."""
    if spec.kind == "tox":
        env = _option(spec.argv, "-e", "--env")
        return _python(root / ".tox" / env) if env and "," not in env else None
    if spec.kind == "nox":
        found = [p for p in (root / ".nox").glob("*/bin/python") if p.is_file()]
        return max(found, key=lambda p: p.parent.parent.stat().st_mtime, default=None)
    return None


def installed(python: Path, *, cwd: Path) -> list[tuple[str, str, bool]]:
    """Each distribution in ``python``'s environment: canonical name, version, and whether it
    was installed from a path or URL rather than an index."""
    done = process.run(
        [python, "-I", "-c", _LIST], cwd=cwd, what="listing the gate environment's packages"
    )
    rows = json.loads(done.stdout.strip().splitlines()[-1])
    return [(canonicalize_name(str(n)), str(v), bool(d)) for n, v, d in rows if n]


def pins(distributions: Sequence[tuple[str, str, bool]], *, own: Collection[str]) -> list[str]:
    """``name==version`` for each distribution an index gave, sorted; ``own`` (canonical names
    of the project's packages) and pytest-releasekit left out: verify installs those itself."""
    skip = {canonicalize_name(n) for n in own} | {PLUGIN}
    chosen = {n: v for n, v, direct in distributions if not direct and n not in skip}
    return [f"{name}=={chosen[name]}" for name in sorted(chosen)]


def constraint_args(wanted: Sequence[str], pinned: Sequence[str], into: Path) -> list[str]:
    """Install arguments for ``wanted`` and every distribution of the gate's environment
    (``pinned``), at the gate's versions: they are installed, and constrain the rest."""
    if not pinned:
        return list(wanted)
    into.mkdir(parents=True, exist_ok=True)
    constraints = into / "gate-constraints.txt"
    constraints.write_text("\n".join(pinned) + "\n", encoding="utf-8")
    return [*wanted, *pinned, "-c", str(constraints)]
