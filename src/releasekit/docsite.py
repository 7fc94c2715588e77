"""The project's MkDocs site: a strict build, and versioned publishing to a git branch with mike.

* :func:`build_site` runs ``mkdocs build --strict``: any warning (a broken link, a missing nav
  entry, a failed mkdocstrings reference) fails the release before anything is published.
* :class:`Mike` drives ``mike`` against a named git remote: deploy a version's directory, move an
  alias, set the default, delete; every command pushes, and the remote's branch is re-read first,
  so the remote is the truth. mike writes ``versions.json``, which Material's version selector
  (``extra.version.provider: mike``) and mike's own selector for the mkdocs/readthedocs themes read.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import process
from .config import Config, DocsSettings
from .docsenv import docs_env
from .errors import ProcessError, StepFailed
from .textfiles import read_text
from .venv import VirtualEnv

if TYPE_CHECKING:
    from .context import Context

__all__ = [
    "DocsError",
    "Mike",
    "build_site",
    "config_path",
    "docs_skip_reason",
    "mike_for",
    "version_selector",
]

#: mkdocs.yml publishes with mike: Material's selector reads mike's versions.json, or the plugin.
_MIKE_PROVIDER = re.compile(r"provider:\s*['\"]?mike\b")
_MIKE_PLUGIN = re.compile(r"^\s*-\s*['\"]?mike\b", re.MULTILINE)
_PROBLEM = re.compile(r"^\s*(WARNING|ERROR)\s*-\s*(.*)$")
_QUIET_ENV = {"NO_MKDOCS_2_WARNING": "1", "NO_COLOR": "1"}
_MAX = 300


class DocsError(StepFailed):
    """Building or publishing the documentation site failed."""


def _one_line(output: str, fallback: str) -> str:
    lines = [ln.strip() for ln in output.splitlines() if ln.strip()]
    problems = [m.group(2).strip() for m in map(_PROBLEM.match, lines) if m]
    errors = [ln.removeprefix("error: ") for ln in lines if ln.lower().startswith("error")]
    chosen = (problems or errors or lines or [fallback])[0 if problems else -1]
    if len(problems) > 1:
        chosen += f" (and {len(problems) - 1} more)"
    return chosen if len(chosen) <= _MAX else chosen[: _MAX - 3] + "..."


def _env(bin_dir: Path) -> dict[str, str]:
    """mike runs ``mkdocs`` from PATH: make it the one in ``bin_dir``, beside mike's Python."""
    path = os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])
    return {**_QUIET_ENV, "PATH": path}


def _bin(venv: VirtualEnv | None) -> Path:
    """Where the docs tools are: the docs environment's ``bin/``, else beside this Python."""
    return venv.path / "bin" if venv is not None else Path(sys.executable).parent


def docs_skip_reason(config: Config, root: Path) -> str | None:
    """Why the docs step does not apply, or None when it runs."""
    settings = config.docs
    if settings.enabled is False:
        return "docs disabled ([tool.releasekit.docs] enabled = false)"
    if settings.enabled is not None or "docs" in config.sources:
        return None
    path = root / settings.config_file
    if not path.is_file():
        return f"no {settings.config_file}"
    text = read_text(path)
    if not (_MIKE_PROVIDER.search(text) or _MIKE_PLUGIN.search(text)):
        return (
            f"{settings.config_file} does not publish versions with mike (no "
            "extra.version.provider: mike, no mike plugin); [tool.releasekit.docs] enabled = "
            "true turns it on"
        )
    return None


def config_path(root: Path, settings: DocsSettings) -> Path:
    path = root / settings.config_file
    if not path.is_file():
        raise DocsError(
            f"{path}: no MkDocs configuration, but the docs step is on",
            hint="create it, or set [tool.releasekit.docs] enabled = false (or pass --skip docs)",
        )
    return path


def version_selector(config_file: Path) -> str:
    """What shows the version selector on the published site (for the plan)."""
    text = read_text(config_file)
    if re.search(
        r"^theme:\s*(['\"]?material\b|\n(\s+\S.*\n)*?\s+name:\s*['\"]?material\b)",
        text,
        re.MULTILINE,
    ):
        if _MIKE_PROVIDER.search(text):
            return "Material's version selector (extra.version.provider: mike)"
        return (
            "none: add `extra: {version: {provider: mike}}` to "
            f"{config_file.name} for Material's version selector"
        )
    return "mike's version selector"


def build_site(
    root: Path,
    config_file: Path,
    site_dir: Path,
    *,
    strict: bool = True,
    venv: VirtualEnv | None = None,
) -> Path:
    """``mkdocs build [--strict]`` into ``site_dir``, in the docs environment ``venv`` when
    there is one (:mod:`releasekit.docsenv`); a warning or error is a one-line DocsError."""
    python: tuple[str | Path, ...] = (venv.python, "-m") if venv is not None else process.TOOL
    argv: list[str | Path] = [
        *python,
        "mkdocs",
        "build",
        "--clean",
        "--config-file",
        config_file,
        "--site-dir",
        site_dir,
    ]
    if strict:
        argv.append("--strict")
    done = process.run(argv, cwd=root, env=_env(_bin(venv)), check=False)
    missing = re.search(r"No module named|is not installed|Unrecognised theme", done.output)
    if done.returncode != 0 and missing:
        raise DocsError(
            f"{config_file.name}: mkdocs build failed: {_one_line(done.output, 'no output')}",
            hint="declare the plugins and theme mkdocs.yml names in the project's docs "
            "dependencies ([dependency-groups] docs, or docs/requirements.txt)"
            if venv is not None
            else "declare the docs dependencies ([dependency-groups] docs, or "
            "docs/requirements.txt) for releasekit to build in their own environment, or "
            "install them next to releasekit: pip install 'releasekit[docs]' (and the plugins "
            "and theme mkdocs.yml names)",
        )
    if done.returncode != 0:
        raise DocsError(
            f"{config_file.name}: mkdocs build{' --strict' if strict else ''} failed: "
            f"{_one_line(done.output, 'no output')}",
            hint=f"run `mkdocs build --strict -f {config_file}` to see every warning, fix them, "
            "then release again",
        )
    if not (site_dir / "index.html").is_file():
        raise DocsError(
            f"{config_file.name}: mkdocs built no index.html in {site_dir}",
            hint="add docs/index.md (the site's home page)",
        )
    return site_dir


def _site_dir(root: Path, config_file: Path) -> Path:
    match = re.search(r"^site_dir:\s*['\"]?([^'\"\n#]+)", read_text(config_file), re.MULTILINE)
    return (config_file.parent / (match.group(1).strip() if match else "site")).resolve()


@dataclass(frozen=True)
class Mike:
    """mike against ``remote``/``branch`` of the git repository at ``root``."""

    root: Path
    config_file: Path
    remote: str
    branch: str
    venv: VirtualEnv | None = None  # the docs environment, else mike beside this Python

    def _git(self, *args: str, check: bool = True) -> process.Completed:
        return process.run(
            ["git", *args],
            cwd=self.root,
            check=check,
            what=f"git {args[0]} ({self.remote}/{self.branch})",
        )

    def _mike(self, command: str, *args: str) -> process.Completed:
        exe = _bin(self.venv) / "mike"
        argv = [
            str(exe) if exe.is_file() else "mike",
            command,
            "--config-file",
            str(self.config_file),
            "--remote",
            self.remote,
            "--branch",
            self.branch,
            *args,
        ]
        try:
            return process.run(
                argv,
                cwd=self.root,
                env=_env(_bin(self.venv)),
                what=f"mike {command}",
                hint="install mike (pip install 'releasekit[docs]')",
            )
        except ProcessError as exc:
            raise DocsError(
                f"mike {command} on {self.remote}/{self.branch} failed: "
                f"{_one_line(exc.output or exc.message, 'no output')}",
                hint=f"run `{process.display(argv)}` to see the whole output",
            ) from None

    # -------------------------------------------------------------- the remote branch
    def remote_sha(self) -> str | None:
        """The remote branch's commit (asked of the remote itself), or None when it has none."""
        if self._git("remote", "get-url", self.remote, check=False).returncode != 0:
            raise DocsError(
                f"git remote {self.remote!r} is not configured in {self.root}",
                hint="add it (git remote add ...) or set [tool.releasekit.docs] remote",
            )
        out = self._git("ls-remote", self.remote, f"refs/heads/{self.branch}").stdout.split()
        return out[0] if out else None

    def sync(self) -> str | None:
        """Fetch the remote branch into ``REMOTE/BRANCH`` so mike starts from the remote's state."""
        sha = self.remote_sha()
        tracking = f"refs/remotes/{self.remote}/{self.branch}"
        if sha:
            self._git("fetch", "--quiet", self.remote, f"+refs/heads/{self.branch}:{tracking}")
        else:
            self._git("update-ref", "-d", tracking, check=False)
        return sha

    def has_file(self, path: str) -> bool:
        """Whether the remote branch (freshly fetched) has ``path``."""
        if self.sync() is None:
            return False
        tracking = f"refs/remotes/{self.remote}/{self.branch}"
        return self._git("cat-file", "-e", f"{tracking}:{path}", check=False).returncode == 0

    # -------------------------------------------------------------- reading
    def versions(self) -> list[dict[str, Any]]:
        """``versions.json`` of the remote branch: ``[{version, title, aliases}, ...]``."""
        if self.sync() is None:
            return []
        tracking = f"refs/remotes/{self.remote}/{self.branch}"
        done = self._git("show", f"{tracking}:versions.json", check=False)
        if done.returncode != 0:
            return []
        data = json.loads(done.stdout or "[]")
        return [dict(item) for item in data] if isinstance(data, list) else []

    def target_of(self, alias: str) -> str | None:
        """The version ``alias`` points at, or None."""
        for item in self.versions():
            if alias in item.get("aliases", []):
                return str(item["version"])
        return None

    # -------------------------------------------------------------- changing (each pushes)
    def deploy(self, version: str, *, title: str | None = None) -> None:
        """Build and push ``version``'s directory; no alias moves."""
        self.sync()
        site = _site_dir(self.root, self.config_file)
        existed = site.exists()
        try:
            self._mike("deploy", "--push", *(["--title", title] if title else []), version)
        finally:
            if not existed:  # mike builds into the project's site_dir: leave the tree clean
                shutil.rmtree(site, ignore_errors=True)

    def alias(self, version: str, alias: str) -> None:
        """Point ``alias`` at ``version`` (moving it from wherever it pointed)."""
        self.sync()
        self._mike("alias", "--update-aliases", "--push", version, alias)

    def set_default(self, identifier: str) -> None:
        self.sync()
        self._mike("set-default", "--push", identifier)

    def delete(self, identifier: str) -> None:
        """Delete a version (with its aliases) or just an alias."""
        self.sync()
        self._mike("delete", "--push", identifier)


def mike_for(ctx: Context) -> Mike:
    """mike for the release's docs, in the docs environment when the project declares one."""
    settings = ctx.config.docs
    return Mike(
        root=ctx.root,
        config_file=config_path(ctx.root, settings),
        remote=settings.remote or ctx.config.remote,
        branch=settings.branch,
        venv=docs_env(ctx),
    )
