"""The project's own extras, when its tests import what only they provide.

oauthlib's tests import ``jwt``, which its ``signedtoken`` extra provides (PyJWT) and no test
dependency names; FastAPI's need its ``all`` extra, which its CI names to ``uv sync``. When the
tests in the gate's own venv fail because they import a module that neither the tree nor the
venv has, and the project declares extras (read from its installed metadata, so setup.py's
``extras_require`` counts), the project is installed again with all of them. If that makes a
missing module importable, the tests run again, and a WARNING names the extras every release
(they belong among the test dependencies). They are remembered beside the venv, which keeps
them while it is reused. verify installs what the gate's venv had (:mod:`releasekit.resolved`),
so the tests against the wheel have them too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from .errors import ProcessError
from .venv import VirtualEnv

__all__ = ["EXTRAS_FILE", "install_extras", "remembered_extras"]

EXTRAS_FILE = ".releasekit-extras"  # in the venv's directory: the extras it was given

_EXTRAS_OF = (
    "import importlib.metadata as m, json, sys; print(json.dumps({n: "
    "m.metadata(n).get_all('Provides-Extra') or [] for n in sys.argv[1:]}))"
)
_IMPORTABLE = (
    "import importlib.util as u, json, sys; "
    "print(json.dumps([n for n in sys.argv[1:] if u.find_spec(n) is not None]))"
)


def _ask(venv: VirtualEnv, code: str, args: Sequence[str], cwd: Path) -> object:
    """What ``code`` prints as JSON on its last line, run by the venv's Python in isolated
    mode (the working directory is not on ``sys.path``)."""
    done = venv.run(["python", "-I", "-c", code, *args], cwd=cwd, what="asking the gate's venv")
    return json.loads(done.stdout.strip().splitlines()[-1])


def remembered_extras(venv: VirtualEnv) -> dict[str, list[str]]:
    """The extras :func:`install_extras` gave ``venv``, by package name (none: empty)."""
    try:
        found = json.loads((venv.path / EXTRAS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(name): [str(extra) for extra in extras] for name, extras in found.items()}


def install_extras(
    venv: VirtualEnv,
    packages: Mapping[Path, str],
    missing: Sequence[str],
    *,
    editable: bool,
    cwd: Path,
) -> tuple[dict[str, list[str]], list[str]]:
    """Install the project's ``packages`` (directory: name) into ``venv`` again with all their
    extras, when the tests failed importing the ``missing`` modules; the extras installed (by
    package name) and the missing modules they made importable. Nothing (empty) when there
    are no extras, they do not install, or they provide none of the modules (the gate fails
    as it did; its venv keeps what was installed until the test dependencies change)."""
    if not missing:
        return {}, []
    try:
        declared = _ask(venv, _EXTRAS_OF, list(packages.values()), cwd)
    except (ProcessError, ValueError):
        return {}, []
    if not isinstance(declared, dict) or not any(declared.values()):
        return {}, []
    extras = {name: sorted(map(str, declared.get(name) or [])) for name in packages.values()}
    args: list[str] = []
    for path, name in packages.items():
        target = f"{path}[{','.join(extras[name])}]" if extras[name] else str(path)
        args += ["-e", target] if editable else [target]
    try:
        venv.install(args, what="installing the project with its extras into the gate's venv")
        provided = _ask(venv, _IMPORTABLE, list(missing), cwd)
    except (ProcessError, ValueError):
        return {}, []
    if not isinstance(provided, list) or not provided:
        return {}, []
    chosen = {name: found for name, found in extras.items() if found}
    (venv.path / EXTRAS_FILE).write_text(json.dumps(chosen, sort_keys=True), encoding="utf-8")
    return chosen, [str(module) for module in provided]
