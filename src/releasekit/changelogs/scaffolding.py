"""What an unreleased Markdown entry holds only for its authors, left out when it is released.

Black's ``## Unreleased`` is a template: a subsection for each kind of change, each with an HTML
comment saying what belongs there (``<!-- Changes that affect Black's stable style -->``), most
of them empty at release time. Its maintainers' release commit drops the comments and the empty
subsections as it renames the heading (``Prepare release 26.5.1``); keep-a-changelog's empty
``### Removed`` is the same. Only whole-line comments go (text beside one stays as written), and a
subsection heading goes only when nothing but blank lines is left under it before a heading of
its level or above; nothing inside a fenced code block is touched.
"""

from __future__ import annotations

import re

__all__ = ["without_scaffolding"]

_HEADING = re.compile(r"^(#{1,6})[ \t]")
_FENCE = re.compile(r"^[ \t]*(```|~~~)")


def _without_comments(body: list[str]) -> list[str] | None:
    """``body`` without its whole-line HTML comments; None when one is not closed."""
    kept: list[str] = []
    inside = fenced = False
    for line in body:
        if _FENCE.match(line) and not inside:
            fenced = not fenced
        stripped = line.strip()
        if not fenced and not inside and stripped.startswith("<!--"):
            inside = True
        if inside:
            inside = not stripped.endswith("-->")
            continue
        kept.append(line)
    return None if inside else kept


def _level(line: str) -> int | None:
    match = _HEADING.match(line)
    return len(match.group(1)) if match else None


def _without_empty_sections(body: list[str]) -> list[str]:
    fences = [bool(_FENCE.match(line)) for line in body]
    inside, fenced = False, []
    for is_fence in fences:
        inside = inside != is_fence
        fenced.append(inside or is_fence)
    out: list[str] = []
    for index, line in enumerate(body):
        level = None if fenced[index] else _level(line)
        if level is not None:
            rest = next((n for n in body[index + 1 :] if n.strip()), None)
            after = _level(rest) if rest is not None else None
            if rest is None or (after is not None and after <= level):
                continue  # nothing under it
        out.append(line)
    return out


def without_scaffolding(body: list[str]) -> list[str]:
    """The lines under an unreleased entry's heading without its template: whole-line HTML
    comments, then subsections left empty (repeated while one empties another). Blank lines
    that the removals leave in a row become one; the entry's last blank lines stay."""
    cleaned = _without_comments(body)
    if cleaned is None:
        return body
    while True:
        shorter = _without_empty_sections(cleaned)
        if shorter == cleaned:
            break
        cleaned = shorter
    if cleaned == body:
        return body
    trailing = len(body) - len("\n".join(body).rstrip().splitlines())
    out: list[str] = []
    for line in "\n".join(cleaned).rstrip().splitlines():
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    leading = [""] if body and not body[0].strip() else []
    return [*leading, *out, *[""] * trailing]
