"""The staging index of a staged release, and installing a release from an index.

The staging index is, by default (``stage = true``), a second embedded index private to the
release: its directory is ``.releasekit/work/<release>/staging-index`` and it is served on
loopback only while the stage step runs. ``stage = "<target>"`` names any other target instead
(TestPyPI, a ``[tool.releasekit.repositories]`` name, a URL). The real target is never used.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import Version

from .config import read_pyproject
from .errors import ConfigError
from .index import LocalIndex, list_files
from .redact import redact
from .targets import Target, resolve_target
from .venv import VirtualEnv, uv_binary

if TYPE_CHECKING:
    from .context import Context

__all__ = [
    "EMBEDDED",
    "install_from",
    "installed_versions",
    "is_embedded",
    "live_staging",
    "released_versions",
    "requires_python",
    "stage_setting",
    "staging_dir",
    "staging_target",
]

#: The display name of the embedded staging index.
EMBEDDED = "staging"


def stage_setting(ctx: Context) -> bool | str:
    """Whether (and where) this release stages: the journal's record once the release started
    (``--stage`` is not repeated on ``--resume``), else the configuration."""
    header, configured = ctx.journal.header, ctx.config.stage
    if "stage" not in header:
        return configured
    recorded = header["stage"]
    if isinstance(recorded, bool):
        return recorded
    # the journal holds a URL without its credentials: the configured one still has them
    same = isinstance(configured, str) and redact(configured) == recorded
    return configured if same else str(recorded)


def is_embedded(ctx: Context) -> bool:
    """Whether the staging index is the embedded one (``stage = true`` or ``--stage``)."""
    return not isinstance(stage_setting(ctx), str)


def staging_dir(ctx: Context) -> Path:
    return ctx.release_dir / "staging-index"


def staging_target(ctx: Context) -> Target:
    """The staging target as configured (the embedded one has no URLs until it runs)."""
    setting = stage_setting(ctx)
    if not isinstance(setting, str):
        return Target(name=EMBEDDED, upload_url=None, index_url=None, local=True)
    where = ctx.config.sources.get("stage", "the release journal")
    if setting == "local":
        raise ConfigError(
            f"{where}: [tool.releasekit] key 'stage' = 'local': that is the embedded index "
            "releases go to, not a staging index",
            hint="stage = true stages on a second embedded index, private to the release",
        )
    try:
        return resolve_target(setting, ctx.config)
    except ConfigError as exc:
        raise ConfigError(
            f"{where}: [tool.releasekit] key 'stage' = {setting!r}: {exc.message.split(' (')[0]}",
            hint="use true (the embedded staging index), testpypi, a [tool.releasekit."
            "repositories] name, an https:// upload URL or a ~/.pypirc section",
        ) from None


@contextlib.contextmanager
def live_staging(ctx: Context, target: Target) -> Iterator[Target]:
    """``target`` with its URLs: the embedded staging index is served for the duration."""
    if not is_embedded(ctx):
        yield target
        return
    with LocalIndex.running(staging_dir(ctx)) as index:
        yield target.with_urls(index.url, index.simple_url)


def requires_python(ctx: Context) -> list[str]:
    """Every package's ``[project] requires-python`` (none for setup.cfg-only projects)."""
    found = []
    for package in ctx.workspace.packages:
        pyproject = package.path / "pyproject.toml"
        project = read_pyproject(pyproject).get("project", {}) if pyproject.is_file() else {}
        value = project.get("requires-python") if isinstance(project, dict) else None
        if isinstance(value, str) and value.strip():
            found.append(value)
    return found


def released_versions(index_url: str, project: str) -> set[Version]:
    """The versions ``index_url`` has files of for ``project``."""
    versions = set()
    for item in list_files(index_url, project):
        try:
            if item.filename.endswith(".whl"):
                versions.add(parse_wheel_filename(item.filename)[1])
            else:
                versions.add(parse_sdist_filename(item.filename)[1])
        except (InvalidWheelFilename, InvalidSdistFilename):
            continue
    return versions


def install_from(
    venv: VirtualEnv,
    requirements: Sequence[str],
    index_url: str,
    *,
    what: str,
    upgrade: bool = False,
) -> None:
    """Install ``requirements`` resolving them on ``index_url`` first (their dependencies may
    come from the default index). uv takes a package found on the first index from that index
    only; its cached index pages for these packages are refreshed."""
    extra = ["--extra-index-url", index_url]
    if uv_binary():
        for requirement in requirements:
            extra += ["--refresh-package", requirement.split("==")[0]]
    else:
        extra.append("--no-cache-dir")
    if upgrade:
        extra.append("--upgrade")
    venv.install(requirements, extra=extra, what=what)


def installed_versions(venv: VirtualEnv, names: Sequence[str], *, cwd: Path) -> dict[str, str]:
    """The versions of ``names`` installed in ``venv`` (read by its own interpreter)."""
    code = (
        "import importlib.metadata as m, sys\n"
        "for name in sys.argv[1:]:\n"
        "    print(name, m.version(name))\n"
    )
    done = venv.run(["python", "-c", code, *names], cwd=cwd, what="reading the installed versions")
    return dict(line.split(" ", 1) for line in done.stdout.splitlines() if " " in line)
