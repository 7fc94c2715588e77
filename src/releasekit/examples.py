"""The docs' examples as tests, with sybil: the ``python`` code blocks of README.md and docs/, and
the ``console`` blocks marked ``<!-- docs-test: run -->`` on the line before.

A Python block runs in its page's namespace (blocks of one page share it, in order). A marked
console block runs each ``$ command`` line with bash from the project's root; a non-zero exit
fails it. ``<!-- skip: next if(True, reason="...") -->`` before a block skips it, saying why
(sybil's skip directive). A failure is reported as ``FILE:LINE: what went wrong``.

Run as ``python -m releasekit.examples [--site DIR] ROOT [FILE ...]`` (the docs step does, in a
child process, with verify's venv as an extra site directory so the examples import the built
wheel); exit status 1 when an example fails.
"""

from __future__ import annotations

import os
import site
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from unittest import SkipTest

from sybil import Example, Sybil
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser

from . import process

__all__ = ["MARKER", "default_files", "failures", "main", "sybil"]

MARKER = "<!-- docs-test: run -->"


class ConsoleFailed(AssertionError):
    pass


def _run_console(example: Example) -> None:
    before = example.document.text[: example.region.start].rstrip()
    if not before.endswith(MARKER):
        return  # a console block is prose unless marked runnable
    for line in str(example.parsed).splitlines():
        if not line.startswith("$ "):
            continue  # expected output
        # bash is the documented interpreter of console blocks (pipes, variables, &&);
        # the docs' own examples are the input, run from the project's root.
        done = process.run(["bash", "-c", line[2:]], check=False, what=line[2:])
        if done.returncode:
            said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or [""]
            raise ConsoleFailed(f"`{line[2:]}` exited {done.returncode}: {said[0]}")


def sybil(root: Path) -> Sybil:
    return Sybil(
        parsers=[
            SkipParser(),
            PythonCodeBlockParser(),
            CodeBlockParser(language="console", evaluator=_run_console),
        ],
        path=str(root),
        patterns=["README.md", "docs/*.md", "docs/**/*.md"],
    )


def default_files(root: Path) -> list[Path]:
    """README.md and every Markdown page under docs/."""
    found = [root / "README.md"] if (root / "README.md").is_file() else []
    docs = root / "docs"
    return found + (sorted(docs.rglob("*.md")) if docs.is_dir() else [])


def failures(root: Path, files: Sequence[Path]) -> Iterator[str]:
    """``FILE:LINE: what`` for every example that fails (skipped ones say nothing); a page sybil
    cannot parse (a malformed skip directive, an unclosed fence) is ``FILE: what``."""
    checker = sybil(root)
    for path in files:
        where = path.resolve().relative_to(root.resolve())
        try:
            document = checker.parse(path)
        except Exception as exc:  # sybil's parse errors are plain ValueErrors and the like
            yield f"{where}: cannot read its examples: {type(exc).__name__}: {exc}"
            continue
        for example in document:
            try:
                example.evaluate()
            except SkipTest:
                continue
            except Exception as exc:  # any error of an example is its failure
                text = str(exc).strip().splitlines()
                yield f"{where}:{example.line}: {type(exc).__name__}: {text[-1] if text else ''}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    while args[:1] == ["--site"]:
        site.addsitedir(args[1])
        args = args[2:]
    root = Path(args[0]).resolve()
    os.chdir(root)
    files = [root / f for f in args[1:]] or default_files(root)
    found = list(failures(root, files))
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
