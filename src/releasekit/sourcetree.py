"""Tests that need the source tree beside them, told apart from a wheel that lacks something.

verify runs the project's tests against the installed wheel from a copy of the tree without the
packages the wheel installs (:mod:`releasekit.wheeltests`), so a module or data file the wheel
lacks fails there. Some tests fail there for another reason: they read or run the source files
themselves (tabulate's ``test_cli`` runs ``python tabulate/__init__.py``). The tests that still
fail are run once more, from a copy of the whole tracked tree, with the working directory off
``sys.path`` (``python -P``) and pytest's ``append`` import mode (``importlib`` when the test
modules cannot be imported so: autopep8's ``test`` package is shadowed by the standard
library's), the wheel's top-level packages imported into pytest's process before any test
module (one that puts the tree first on ``sys.path`` and imports the package, as autopep8's
does, gets the wheel's), while an import probe in
verify's throwaway venv records where each process (pytest, its xdist workers, the tests'
subprocesses) found the wheel's top-level packages. They count as needing the source tree only
when they then pass **and** every such import came from the venv's site-packages: the wheel was
what they imported, and what made the difference is the source files they read. An import from
the tree, or a failure (a Python older than 3.11 knows no ``-P``), leaves the first failure
standing.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .audit import site_dirs
from .testplugins import verify_options

if TYPE_CHECKING:
    from .venv import VirtualEnv

__all__ = ["PROBE", "BesideSource", "beside_package", "rerun_beside_source"]

#: The import probe, loaded by a ``.pth`` file in every Python process of verify's venv while the
#: rerun runs (and only then: it does nothing without its environment variables). It records the
#: places a top-level import of a distributed name resolves to, one line per import, before the
#: import itself happens; Python 3.8 and later.
PROBE = '''\
"""Written by releasekit verify into its throwaway venv for one test run, then removed."""
import os
import sys

_LOG = os.environ.get("RELEASEKIT_ORIGIN_LOG")
_NAMES = set(filter(None, os.environ.get("RELEASEKIT_ORIGIN_NAMES", "").split(",")))


class _Origin:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if path is None and name in _NAMES:
            from importlib.machinery import PathFinder

            spec = PathFinder.find_spec(name)
            where = [] if spec is None else [spec.origin, *(spec.submodule_search_locations or [])]
            places = [os.path.abspath(w) for w in where if w and w != "namespace"]
            with open(_LOG, "a", encoding="utf-8") as log:
                log.write("\\t".join([name, *places]) + "\\n")
        return None


if _LOG and _NAMES:
    sys.meta_path.insert(0, _Origin)
'''
_MODULE = "_releasekit_origin"
#: A pytest plugin (``-p``) for the rerun's pytest process: it imports the wheel's top-level
#: packages and modules from site-packages before any conftest.py or test module runs, so a test
#: module that puts the tree first on ``sys.path`` and imports the package (autopep8's does, then
#: runs ``autopep8.py`` as a script) gets the wheel's, already imported. A name that fails to
#: import here is left to the tests, and to the probe.
PRELOAD = '''\
"""Written by releasekit verify into its throwaway venv for one test run, then removed."""
import importlib
import os

for _name in filter(None, os.environ.get("RELEASEKIT_ORIGIN_NAMES", "").split(",")):
    try:
        importlib.import_module(_name)
    except Exception:
        pass
'''
_PRELOAD_MODULE = "_releasekit_preload"
_IMPORT_MODES = ("append", "importlib")
#: pytest's reports of a test module or conftest.py it could not import
_IMPORT_ERRORS = ("ImportError while importing test module", "ImportError while loading conftest")
#: names in site-packages that are the installer's or a distribution's, never the tree's
_NOT_LINKED = (".dist-info", ".data", ".pth", ".egg-info", "__pycache__")


@dataclass(frozen=True)
class BesideSource:
    """The rerun's verdict: ``passed`` (every test passed, each import of the wheel's packages
    from site-packages), the run's output for the log (naming any import from elsewhere), and
    the tree's directories ``linked`` beside the installed packages for the tests to pass."""

    passed: bool
    output: str
    linked: tuple[str, ...] = ()


def rerun_beside_source(
    venv: VirtualEnv,
    tree: Path,
    ids: list[str],
    distributed: Collection[str],
    *,
    what: str,
    seen: str = "",
    env: Mapping[str, str] | None = None,
) -> BesideSource:
    """Run ``ids`` from ``tree`` (a copy of every file git tracks, the sources included), the
    wheel's packages resolved from ``venv``'s site-packages (checked by the probe).

    Tests that still fail looking for a path in site-packages that the wheel does not install
    and the tree has beside its packages (Pygments' ``tests/examplefiles``, found from
    ``inspect.getabsfile(pygments)``), as ``seen`` (the first run's output) or this run's output
    names it, are run once more with those directories of the tree linked there. ``env``: what
    the project's test script exports (:mod:`releasekit.testscript`)."""
    sites = [site.resolve() for site in site_dirs(venv.path)]
    passed, output = _rerun(venv, tree, ids, distributed, sites, what, env or {})
    links = {} if passed else beside_package(seen + output, venv, tree, distributed)
    if not links:
        return BesideSource(passed, output.rstrip())
    names = tuple(sorted(link.name for link in links))
    try:
        try:
            for link, target in links.items():
                link.symlink_to(target, target_is_directory=target.is_dir())
        except OSError as exc:  # a file system without symbolic links: the failure stands
            return BesideSource(False, f"{output}could not link {', '.join(names)} there: {exc}")
        output += "linked beside the installed packages, where the tests look for them: "
        output += ", ".join(names)
        passed, more = _rerun(venv, tree, ids, distributed, sites, what, env or {})
        output += "\n\n" + more
    finally:
        for link in links:
            link.unlink(missing_ok=True)
    return BesideSource(passed, output.rstrip(), names if passed else ())


def _rerun(
    venv: VirtualEnv,
    tree: Path,
    ids: list[str],
    distributed: Collection[str],
    sites: list[Path],
    what: str,
    exports: Mapping[str, str],
) -> tuple[bool, str]:
    """Whether ``ids`` pass from ``tree``, every import of ``distributed`` from ``sites``; and
    the run's output."""
    pth, module = sites[0] / f"{_MODULE}.pth", sites[0] / f"{_MODULE}.py"
    preload = sites[0] / f"{_PRELOAD_MODULE}.py"
    output = ""
    with tempfile.TemporaryDirectory(prefix="releasekit-origins-") as tmp:
        module.write_text(PROBE, encoding="utf-8")
        preload.write_text(PRELOAD, encoding="utf-8")
        pth.write_text(f"import {_MODULE}\n", encoding="utf-8")
        try:
            # append keeps the tree after site-packages; when the tests' package cannot be
            # imported so (autopep8's ``test/`` is shadowed by the standard library's ``test``
            # package), importlib mode, which puts nothing on sys.path
            for mode in _IMPORT_MODES:
                log = Path(tmp) / f"origins-{mode}.log"
                log.touch()
                argv = ["python", "-P", "-m", "pytest", "-p", _PRELOAD_MODULE]
                argv += ["--rootdir", str(tree)]
                argv += verify_options(tree)
                argv += [f"--import-mode={mode}", *ids]
                env = {**exports, "RELEASEKIT_ORIGIN_LOG": str(log)}
                env["RELEASEKIT_ORIGIN_NAMES"] = ",".join(distributed)
                done = venv.run(argv, cwd=tree, check=False, what=what, env=env)
                output += f"$ {' '.join(argv)}  (the failed tests again, from the whole tree)"
                output += f"\n\n{done.output}\n\n"
                if not any(error in done.output for error in _IMPORT_ERRORS):
                    break
        finally:
            pth.unlink(missing_ok=True)
            module.unlink(missing_ok=True)
            preload.unlink(missing_ok=True)
        foreign = _foreign(log.read_text(encoding="utf-8"), sites)
    if foreign:
        output += "imported from outside the venv's site-packages: " + json.dumps(foreign) + "\n\n"
    return done.returncode == 0 and not foreign, output


def beside_package(
    output: str, venv: VirtualEnv, tree: Path, distributed: Collection[str]
) -> dict[Path, Path]:
    """Link -> target: each name in ``venv``'s site-packages that ``output`` names (by the
    path as it is or resolved), that is neither there nor one the wheel installs, and that the
    tree has beside its packages (at the top, or in ``src/``)."""
    sites = site_dirs(venv.path)
    prefixes = {str(site) for site in sites} | {str(site.resolve()) for site in sites}
    homes = [
        home
        for home in (tree, tree / "src")
        if any((home / n).exists() or (home / f"{n}.py").exists() for n in distributed)
    ] or [tree]
    pattern = "|".join(re.escape(prefix) for prefix in sorted(prefixes, key=len, reverse=True))
    links: dict[Path, Path] = {}
    for found in re.finditer(rf"(?:{pattern})/([^/\s'\"()\[\]{{}}<>,:;]+)", output):
        name = found.group(1)
        link = sites[0].resolve() / name
        own = name.partition(".")[0] in distributed  # a package or module the wheel installs
        if own or name.endswith(_NOT_LINKED) or os.path.lexists(link):
            continue
        target = next((home / name for home in homes if (home / name).exists()), None)
        if target is not None:
            links[link] = target
    return links


def _foreign(log: str, sites: list[Path]) -> tuple[str, ...]:
    """The recorded imports that resolved outside the venv's ``sites``, as ``name: place``."""
    found = []
    for line in log.splitlines():
        name, *places = line.split("\t")
        for place in places:
            where = Path(os.path.realpath(place))
            if not any(where.is_relative_to(site) for site in sites):
                found.append(f"{name}: {place}")
    return tuple(dict.fromkeys(found))
