"""The hard check before any upload: what was built is exactly what the plan says.

Each built file's name and version, read both from its file name and from its own metadata
(``METADATA`` in a wheel, ``PKG-INFO`` in an sdist, parsed with :mod:`packaging.metadata`), must
equal the planned package name (canonicalized) and the planned version (PEP 440 equality), and
every planned package must have exactly one sdist and at least one wheel, and nothing else.
"""

from __future__ import annotations

import tarfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.metadata import parse_email
from packaging.utils import (
    InvalidSdistFilename,
    InvalidWheelFilename,
    canonicalize_name,
    parse_sdist_filename,
    parse_wheel_filename,
)
from packaging.version import InvalidVersion, Version

from ..errors import StepFailed

__all__ = ["Built", "check_planned", "read_built"]

_HINT = (
    "nothing was uploaded; roll back with `releasekit release --rollback`, fix the version "
    "source or the build so that it produces the planned version, and release again"
)


@dataclass(frozen=True)
class Built:
    """One built file as its file name and its metadata describe it."""

    path: Path
    kind: str  # "wheel" | "sdist"
    name: str  # canonical, from the metadata
    version: str  # from the metadata, as written
    file_name: str  # canonical, from the file name
    file_version: str  # from the file name, as written
    extras: tuple[str, ...] = ()  # Provides-Extra
    requires: tuple[str, ...] = ()  # Requires-Dist, as written


def _fail(path: Path, what: str) -> StepFailed:
    return StepFailed(f"{path.name}: {what}", hint=_HINT)


def _wheel_metadata(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        names = [
            n for n in archive.namelist() if n.count("/") == 1 and n.endswith(".dist-info/METADATA")
        ]
        if len(names) != 1:
            raise _fail(path, f"expected one *.dist-info/METADATA, found {len(names)}")
        return archive.read(names[0])


def _sdist_metadata(path: Path) -> bytes:
    with tarfile.open(path, "r:gz") as archive:
        for member in archive:
            parts = PurePosixPath(member.name).parts
            if len(parts) == 2 and parts[1] == "PKG-INFO" and member.isfile():
                handle = archive.extractfile(member)
                if handle is not None:
                    return handle.read()
    raise _fail(path, "has no top-level PKG-INFO")


def read_built(path: Path) -> Built:
    """Name and version of a wheel or sdist, from its file name and from its metadata."""
    try:
        if path.name.endswith(".whl"):
            kind = "wheel"
            file_name, file_version, _, _ = parse_wheel_filename(path.name)
            raw_metadata = _wheel_metadata(path)
        elif path.name.endswith(".tar.gz"):
            kind = "sdist"
            file_name, file_version = parse_sdist_filename(path.name)
            raw_metadata = _sdist_metadata(path)
        else:
            raise _fail(path, "is neither a wheel (.whl) nor an sdist (.tar.gz)")
    except (InvalidWheelFilename, InvalidSdistFilename, InvalidVersion) as exc:
        raise _fail(path, f"is not a valid distribution file name ({exc})") from None
    except (OSError, zipfile.BadZipFile, tarfile.TarError) as exc:
        raise _fail(path, f"cannot be read ({exc})") from None
    raw, _ = parse_email(raw_metadata)
    name, version = raw.get("name"), raw.get("version")
    if not name or not version:
        raise _fail(path, "its metadata has no Name or no Version")
    return Built(
        path,
        kind,
        canonicalize_name(name),
        version,
        file_name,
        str(file_version),
        tuple(raw.get("provides_extra") or ()),
        tuple(raw.get("requires_dist") or ()),
    )


def _same_version(text: str, planned: Version) -> bool:
    try:
        return Version(text) == planned
    except InvalidVersion:
        return False


def check_planned(files: Iterable[Path], planned: Mapping[str, str], version: str) -> list[Built]:
    """Stop unless ``files`` are exactly the planned packages at exactly ``version``.

    ``planned`` maps each package's canonical name to its name as the project spells it.
    """
    want = Version(version)
    built = [read_built(path) for path in files]
    for item in built:
        label = f"built {item.name} {item.version}"
        if item.name not in planned:
            raise _fail(
                item.path,
                f"{label} but the plan releases only {', '.join(sorted(planned.values()))}",
            )
        if item.file_name != item.name:
            raise _fail(item.path, f"the file name says {item.file_name}, its metadata {item.name}")
        if not _same_version(item.version, want):
            raise _fail(item.path, f"{label} but the plan is {version}")
        if not _same_version(item.file_version, want):
            raise _fail(
                item.path, f"the file name says {item.file_version} but the plan is {version}"
            )
    for canonical, name in planned.items():
        sdists = [b for b in built if b.name == canonical and b.kind == "sdist"]
        wheels = [b for b in built if b.name == canonical and b.kind == "wheel"]
        if len(sdists) != 1 or not wheels:
            raise StepFailed(
                f"{name} {version}: built {len(sdists)} sdist(s) and {len(wheels)} wheel(s); "
                "the plan is exactly one sdist and at least one wheel",
                hint=_HINT,
            )
    return built
