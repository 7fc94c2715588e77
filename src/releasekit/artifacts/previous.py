"""What the last release's wheel shipped that this release's wheel lacks.

A file git never tracked can still be in a wheel: humanize's ``.mo`` translations are compiled
by its CI before the build (``[tool.hatch.build] artifacts = ["*.mo"]``), and a build from a
clean checkout leaves them out, so the wheel installs and imports and every translation is gone.
Each wheel is compared with the last release's wheel of the same tags on the target index (its
directory for the embedded index, else downloaded from the simple index and hash-checked): a
member the last wheel had and this one lacks stops the release, unless git deleted a file it
came from since the last release's tag (a module removed on purpose); one that git tracks is
named as left out of the sdist, from which the wheel is built; and a module that was not in
the source at that tag either, and that nothing in this wheel imports, is a leftover of the
build directory the last release was built in (:func:`leftovers`). ``.dist-info`` is left
out, and a top-level name without the release's version and Python tag (the ``.data``
directory, a ``-nspkg.pth`` file). :func:`previous_artifact` finds the last release's sdist too
(:mod:`.published` compares a finding of the content scan with it).
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import re
import urllib.request
import zipfile
from collections.abc import Iterable
from pathlib import Path

from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    canonicalize_version,
    parse_sdist_filename,
    parse_wheel_filename,
)

from ..errors import IndexUnavailable
from ..index import list_files

__all__ = [
    "in_git",
    "leftovers",
    "lost_members",
    "member_key",
    "previous_artifact",
    "unexplained",
]

_PYTHON_TAG = re.compile(r"-py\d+(?:\.\d+)?(?=-)")


def member_key(name: str, version: str) -> str:
    """``name`` (a member of a wheel of ``version``) with its top-level name's version and Python
    tag as placeholders (``jmespath-1.0.1.data/``, zope's ``zope.event-5.1-py3.12-nspkg.pth``),
    as each release names them anew."""
    top, slash, rest = name.partition("/")
    return _PYTHON_TAG.sub("-{python}", top.replace(f"-{version}", "-{version}")) + slash + rest


def _members(wheel: Path) -> dict[str, str]:
    """The wheel's members, ``.dist-info`` left out, by :func:`member_key`."""
    version = wheel.name.split("-")[1]
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    return {
        member_key(name, version): name
        for name in names
        if not name.endswith("/") and not name.partition("/")[0].endswith(".dist-info")
    }


def _same_module(key: str) -> str | None:
    """The other file that is the same module: ``pkg.py`` and ``pkg/__init__.py``."""
    if key.endswith("/__init__.py"):
        return key.removesuffix("/__init__.py") + ".py"
    return key.removesuffix(".py") + "/__init__.py" if key.endswith(".py") else None


def lost_members(previous: Path, wheel: Path) -> list[str]:
    """The members of wheel ``previous`` that ``wheel`` lacks, sorted, as ``previous`` names
    them. A module that became a package, or a package that became a module, is not lost
    (inflection 0.5.1's wheel has ``inflection.py``, its tree ``inflection/__init__.py``)."""
    old, new = _members(previous), _members(wheel)
    return sorted(old[key] for key in old.keys() - new.keys() if _same_module(key) not in new)


def _from(member: str, paths: list[str]) -> bool:
    return any(p == member or p.endswith("/" + member) for p in paths)


def unexplained(lost: Iterable[str], deleted: Iterable[str]) -> list[str]:
    """The ``lost`` members that no path git ``deleted`` ends with (``src/pkg/x.py`` explains
    ``pkg/x.py``)."""
    gone = [path.strip("/") for path in deleted]
    return [m for m in lost if not _from(m, gone)]


def in_git(lost: Iterable[str], tracked: Iterable[str]) -> list[str]:
    """The ``lost`` members a file git tracks at the release commit ends with: the sdist left
    them out (Faker's ``MANIFEST.in`` excludes ``faker/sphinx``, which its wheels, built from
    the tree, have), and the wheel is built from the sdist."""
    paths = list(tracked)
    return [m for m in lost if _from(m, paths)]


def _module(member: str) -> str | None:
    """The dotted name of the module a wheel member is (``pkg/__init__.py`` is ``pkg``)."""
    if not member.endswith(".py") or ".data/" in member.partition("/")[0] + "/":
        return None
    parts = member.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def _imported(member: str, source: str) -> set[str]:
    """The modules, and the names imported from them, that ``source`` (wheel member
    ``member``) imports, relative imports resolved: ``from . import compat`` in ``funcy/x.py``
    is ``funcy`` and ``funcy.compat``. Unparsable source imports nothing :func:`leftovers`
    can see; its text is searched instead."""
    package = (_module(member) or "").split(".")
    if not member.endswith("/__init__.py"):
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def leftovers(lost: Iterable[str], at_tag: Iterable[str], wheel: Path) -> list[str]:
    """The ``lost`` members that are modules no file at the last release's tag ends with
    (``at_tag``) and that no member of ``wheel`` imports or names: leftovers of the build
    directory the last release was built in. setuptools never empties ``build/lib``, so a
    module deleted from the tree ships until someone removes it: ecdsa dropped ``_rwlock.py``
    in 0.19.0 ("as it's unused") and 0.19.1's wheel still has it; funcy's 2.0 wheel has the
    ``compat.py`` and ``py2.py`` its tree removed. A module the wheel still imports (a
    ``_pb2.py`` generated before the build) is lost, not left over."""
    paths = list(at_tag)
    candidates = {m: name for m in lost if (name := _module(m)) and not _from(m, paths)}
    if not candidates:
        return []
    imported: set[str] = set()
    texts: list[str] = []
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            if member.endswith("/"):
                continue
            text = archive.read(member).decode("utf-8", "replace")
            texts.append(text)
            if member.endswith(".py"):
                with contextlib.suppress(SyntaxError, ValueError):  # its text is searched
                    imported |= _imported(member, text)
    return sorted(
        m
        for m, name in candidates.items()
        if name not in imported and not any(name in text for text in texts)
    )


def _same(filename: str, artifact: str, version: str) -> bool:
    """Whether ``filename`` is ``artifact``'s kind (sdist; wheel of the same tags) of the same
    project at ``version``."""
    try:
        if artifact.endswith(".whl"):
            name, _, _, tags = parse_wheel_filename(artifact)
            dist, found, _, found_tags = parse_wheel_filename(filename)
            if found_tags != tags:
                return False
        else:
            name, _ = parse_sdist_filename(artifact)
            dist, found = parse_sdist_filename(filename)
    except (InvalidWheelFilename, InvalidSdistFilename):
        return False
    same_version = canonicalize_version(found) == canonicalize_version(version)
    return dist == canonicalize_name(name) and same_version


def previous_artifact(
    artifact: Path, version: str, *, directory: Path | None, index_url: str | None, into: Path
) -> Path | None:
    """The sdist, or the wheel of the same tags, of ``version`` with ``artifact``'s name: in the
    embedded index's ``directory``, else downloaded from ``index_url`` into ``into`` and
    hash-checked; None when there is none."""
    if directory is not None:
        found = [p for p in sorted(directory.iterdir()) if _same(p.name, artifact.name, version)]
        return found[0] if found else None
    if index_url is None:
        return None
    wheel = artifact.name.endswith(".whl")
    project = (parse_wheel_filename if wheel else parse_sdist_filename)(artifact.name)[0]
    files = [f for f in list_files(index_url, project) if _same(f.filename, artifact.name, version)]
    if not files:
        return None
    into.mkdir(parents=True, exist_ok=True)
    path = into / files[0].filename
    try:
        with urllib.request.urlopen(files[0].url, timeout=60) as response:  # noqa: S310
            data = response.read()
    except OSError as exc:
        raise IndexUnavailable(
            f"cannot download {files[0].filename} from {index_url}: {exc}",
            hint="check the index and your network, then resume with `releasekit release --resume`",
        ) from None
    if files[0].sha256 and hashlib.sha256(data).hexdigest() != files[0].sha256:
        raise IndexUnavailable(
            f"{files[0].filename} from {index_url} does not match the index's sha256",
            hint="the index or a proxy altered the file; check it, then resume",
        )
    path.write_bytes(data)
    return path
