"""Archives the unit tests write: an sdist with the given members."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path


def sdist(path: Path, files: dict[str, bytes]) -> Path:
    """A gzipped tar at ``path`` whose members are ``files`` under the top directory its name
    gives (``pkg-1.0.tar.gz``: ``pkg-1.0/``), as every sdist has one."""
    top = path.name.removesuffix(".tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path
