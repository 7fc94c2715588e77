"""Writing JSON files atomically: a reader (CI, the next run) sees the old file or the new one,
never half of one. The one writer for the gate's report, the coverage memo, shard evidence and
stored benchmark baselines."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

__all__ = ["write"]


def write(path: Path, document: Any, *, indent: int | None = None) -> None:
    """Write ``document`` to ``path`` through a temporary file in the same directory; into
    ``path`` itself when it is not a regular file (``/dev/null``, a pipe), which renaming over
    would replace (as root, ``--gate-report=/dev/null`` made /dev/null a JSON file)."""
    separators = (",", ":") if indent is None else None
    text = json.dumps(document, indent=indent, separators=separators, default=str) + "\n"
    if path.exists() and not path.is_file() and not path.is_dir():
        with path.open("w", encoding="utf-8") as stream:
            stream.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
