"""Run the docs' examples (README.md, docs/) before the site is published: releasekit.examples in
a child process, from the project's root, importing what verify's venv installed."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import process
from .docsite import DocsError

__all__ = ["run_examples"]


def run_examples(root: Path, site_dirs: Sequence[Path] = ()) -> None:
    """Raise DocsError naming ``FILE:LINE`` of the first failing example (and how many failed)."""
    argv: list[str | Path] = [*process.TOOL, "releasekit.examples"]
    for directory in site_dirs:
        argv += ["--site", directory]
    done = process.run([*argv, root], cwd=root, what="docs examples", check=False)
    failed = [line for line in done.stdout.splitlines() if line.strip()]
    if done.returncode == 0:
        return
    if not failed:
        said = done.stderr.strip().splitlines()[-1:] or [f"exit status {done.returncode}"]
        failed = [said[0]]
    more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
    raise DocsError(
        f"docs example failed: {failed[0]}{more}; nothing was published",
        hint="fix the example (or the code it shows), or skip that block knowingly with "
        '<!-- skip: next if(True, reason="...") --> on the line before it, then --resume',
    )
