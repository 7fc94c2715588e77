"""The smoke test: the wheels installed into a fresh venv, their top-level packages imported (or
the configured ``smoke_command`` run) outside the source tree.

A top-level module that needs one of the project's extras is imported with that extra installed:
black's ``blackd`` imports aiohttp, which ``black[d]`` provides, and says so when it is missing;
the wheels are installed again with the extras that name the missing module's distribution (all
of them when none does) and the smoke command runs again.
An import the wheels neither ship nor declare is a peer the user installs, not a broken wheel:
soupsieve imports ``bs4``, which depends on soupsieve and so is not declared. verify runs the
smoke command again once the project's test dependencies are installed; a pass there is a
WARNING naming the module, and the later smoke tests of the same files (the staged and the
published release) accept that one module missing. Any other failure stops the release.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import process
from .artifacts import top_level_names
from .artifacts.metadata import Built, read_built
from .errors import ProcessError, StepFailed
from .venv import VirtualEnv

__all__ = ["Smoke", "accepted_peers", "run_smoke", "smoke_argv", "smoke_test"]

_NO_MODULE = re.compile(r"No module named '(?P<name>[^']+)'")


@dataclass(frozen=True)
class Smoke:
    """A smoke test that passed, or failed only for want of ``undeclared``."""

    command: str
    undeclared: str | None = None  # a top-level module the wheels import, neither ship nor declare
    error: str = ""  # the failure, when ``undeclared`` was not accepted
    extras: tuple[str, ...] = ()  # ``name[extra,...]`` installed for the imports to pass

    def fail(self) -> StepFailed:
        return StepFailed(
            self.error,
            hint=f"the wheels import {self.undeclared}, which they neither contain nor declare "
            "as a dependency: declare it in [project] dependencies, or set [tool.releasekit] "
            "smoke_command to a check that does not need it",
        )


def smoke_argv(smoke_command: Sequence[str] | None, wheels: list[Path]) -> list[str]:
    if smoke_command:
        return list(smoke_command)
    names = sorted({name for wheel in wheels for name in top_level_names(wheel)})
    return ["python", "-c", "; ".join(f"import {n}" for n in names) or "pass"]


def undeclared_import(output: str, wheels: list[Path]) -> str | None:
    """The top-level module a failed import names, when the wheels do not ship it."""
    match = _NO_MODULE.search(output)
    if match is None:
        return None
    top = match.group("name").split(".")[0]
    return None if any(top in top_level_names(wheel) for wheel in wheels) else top


def run_smoke(
    venv: VirtualEnv,
    wheels: list[Path],
    smoke_command: Sequence[str] | None,
    *,
    label: str,
    accepted: Collection[str] = (),
) -> Smoke:
    """Run the smoke command in ``venv``; a module missing that is in ``accepted`` passes."""
    argv = smoke_argv(smoke_command, wheels)
    shown = process.display(argv)
    what = f"smoke test of the {label} ({shown})"
    try:
        venv.run(argv, cwd=venv.path, what=what)
    except ProcessError as exc:
        missing = undeclared_import(f"{exc.message}\n{exc.output}", wheels)
        if missing is None:
            raise
        extras = _install_extras(venv, wheels, missing, label)
        if extras and venv.run(argv, cwd=venv.path, what=what, check=False).returncode == 0:
            return Smoke(shown, extras=extras)
        return Smoke(shown, missing, "" if missing in accepted else exc.message)
    return Smoke(shown)


def _extras_for(built: Built, module: str) -> list[str]:
    """The extras of the ``built`` wheel whose requirements name the distribution ``module``
    is likely in (its name, canonicalized: ``aiohttp``), else all of them."""
    wanted = canonicalize_name(module)
    naming = []
    for extra in built.extras:
        for text in built.requires:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            marker = requirement.marker
            by_extra = marker is not None and marker.evaluate({"extra": extra})
            if by_extra and canonicalize_name(requirement.name) == wanted:
                naming.append(extra)
    return sorted(set(naming)) or list(built.extras)


def _install_extras(
    venv: VirtualEnv, wheels: list[Path], module: str, label: str
) -> tuple[str, ...]:
    """Install ``wheels`` again with the extras that should provide ``module``; what was
    installed (``name[extra,...]``), or nothing when they declare no extras or do not install."""
    built = {wheel: read_built(wheel) for wheel in wheels}
    chosen = {wheel: _extras_for(built[wheel], module) for wheel in wheels}
    if not any(chosen.values()):
        return ()
    args = [
        f"{wheel}[{','.join(extras)}]" if extras else str(wheel) for wheel, extras in chosen.items()
    ]
    try:
        venv.install(args, what=f"installing the {label} with their extras")
    except ProcessError:
        return ()
    return tuple(
        f"{built[wheel].name}[{','.join(extras)}]" for wheel, extras in chosen.items() if extras
    )


def smoke_test(
    venv_dir: Path,
    wheels: list[Path],
    smoke_command: Sequence[str] | None,
    *,
    label: str,
    accepted: Collection[str] = (),
) -> Smoke:
    """Install ``wheels`` into a fresh venv and run the smoke command there (outside the repo)."""
    venv = VirtualEnv.create(venv_dir)
    venv.install(wheels, what=f"installing the {label} into a fresh venv")
    return run_smoke(venv, wheels, smoke_command, label=label, accepted=accepted)


def accepted_peers(facts: Mapping[str, Mapping[str, object]]) -> tuple[str, ...]:
    """The module verify found the wheels import without declaring it (its WARNING named it)."""
    found = facts.get("verify", {}).get("smoke_undeclared")
    return (found,) if isinstance(found, str) else ()
