"""Fresh virtual environments for verifying artifacts: uv when installed, venv + pip otherwise."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import process

__all__ = ["VirtualEnv", "uv_binary"]


def uv_binary() -> str | None:
    """The uv executable, unless ``RELEASEKIT_NO_UV`` is set (to compare, or to debug): the one
    installed with releasekit (``releasekit[fast]``) first, else uv on PATH. A ``uv`` on PATH
    may be a pyenv shim, which picks its Python from the project's ``.python-version`` and fails
    where that names a virtualenv the shim does not know."""
    if os.environ.get("RELEASEKIT_NO_UV"):
        return None
    try:
        from uv import find_uv_bin  # the PyPI package ships the binary

        return str(find_uv_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("uv")


class VirtualEnv:
    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        what: str = "creating a fresh virtual environment",
        python: str | None = None,
    ) -> VirtualEnv:
        """A new venv at ``path`` on ``python`` (default: the running interpreter)."""
        if path.exists():
            shutil.rmtree(path)
        uv = uv_binary()
        interpreter = python or sys.executable
        if uv:
            process.run([uv, "venv", "--quiet", "--python", interpreter, path], what=what)
        else:
            process.run([interpreter, "-m", "venv", path], what=what)
        return cls(path)

    def install(
        self,
        requirements: Sequence[str | Path],
        *,
        extra: Sequence[str] = (),
        what: str = "installing into a fresh virtual environment",
    ) -> None:
        uv = uv_binary()
        args = [str(r) for r in requirements]
        if uv:
            process.run(
                [uv, "pip", "install", "--quiet", "--python", self.python, *extra, *args], what=what
            )
        else:
            process.run(
                [
                    self.python,
                    "-m",
                    "pip",
                    "install",
                    "--quiet",
                    "--disable-pip-version-check",
                    *extra,
                    *args,
                ],
                what=what,
            )

    def run(
        self,
        argv: Sequence[str],
        *,
        cwd: Path,
        what: str,
        check: bool = True,
        env: Mapping[str, str | None] | None = None,
    ) -> process.Completed:
        """Run a command inside the venv (its bin/ first on PATH), from ``cwd``; nothing of the
        environment releasekit runs in (``process.OUTER_ENVIRONMENT``) points elsewhere."""
        env = {
            **(env or {}),
            **dict.fromkeys(process.OUTER_ENVIRONMENT),
            "PATH": f"{self.path / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
            "VIRTUAL_ENV": str(self.path),
        }
        command = [str(self.python), *argv[1:]] if argv and argv[0] == "python" else list(argv)
        return process.run(command, cwd=cwd, env=env, what=what, check=check)
