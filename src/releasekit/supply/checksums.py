"""``SHA256SUMS``: one ``<sha256>  <file name>`` line per artifact, as ``sha256sum`` writes it.

The dist files' lines are written by the supply step, sorted by name, so ``sha256sum -c
SHA256SUMS`` run in the directory holding the files checks every one. When the image step
pushes an image, it adds one line for it: the manifest digest and the image reference
(``<hex>  registry/name:tag``). No file of that name exists, so check the files with
``sha256sum -c --ignore-missing SHA256SUMS`` and the image with the registry's digest.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from ..index import sha256_of

__all__ = ["SUMS_NAME", "add_line", "read_sums", "sums_text", "write_whole"]

SUMS_NAME = "SHA256SUMS"
_LINE = re.compile(r"^(?P<digest>[0-9a-f]{64}) [ *](?P<name>.+)$")


def write_whole(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all at once (a temporary file renamed over it): a release killed
    while writing leaves the old file or the new one, never half of one."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, "utf-8")
    os.replace(partial, path)


def sums_text(files: Iterable[Path]) -> str:
    """The ``SHA256SUMS`` content for ``files`` (named by their base name)."""
    return "".join(f"{sha256_of(f)}  {f.name}\n" for f in sorted(files, key=lambda p: p.name))


def read_sums(path: Path) -> dict[str, str]:
    """name -> sha256 of an existing ``SHA256SUMS``."""
    found = {}
    for line in path.read_text("utf-8").splitlines():
        match = _LINE.match(line)
        if match:
            found[match["name"]] = match["digest"]
    return found


def add_line(path: Path, digest: str, name: str) -> None:
    """Add (or replace) the line for ``name``: a re-run writes it once."""
    sums = read_sums(path)
    sums[name] = digest.removeprefix("sha256:")
    write_whole(path, "".join(f"{d}  {n}\n" for n, d in sums.items()))
