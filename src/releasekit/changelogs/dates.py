"""Release dates as changelogs write them: found in the latest entry, written the same way.

``2024-08-06``, ``2023.12.19`` (distro), ``2023/12/19``, ``20250415`` (Beautiful Soup),
``2/23/25`` (sh; month first unless the first number cannot be a month), ``2025-Apr-5``
(pytest-repeat), ``Thu Apr 10 2025`` (Mako), ``August 27, 2025`` (Alembic), ``Aug 27, 2025``,
``October 29th, 2024`` (bleach), ``27 August 2025`` and ``March, 2025`` (pyparsing). A format's
``%-d`` is an unpadded day (``%-m`` month) and ``%o`` an ordinal one (``29th``), written as the
last release wrote it. A date may end a sentence (cssselect's ``Released on 2025-03-10.``).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["DEFAULT", "find", "render"]

DEFAULT = "%Y-%m-%d"
_MONTH = r"[A-Z][a-z]{2,8}"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"  # an ordinal day is parsed without its suffix
_SUFFIX = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b")
_FORMS = (
    (re.compile(r"(?<![\d.])\d{4}-\d{2}-\d{2}(?!\.?\d)"), ("%Y-%m-%d",)),
    (re.compile(r"(?<![\d.])\d{4}\.\d{2}\.\d{2}(?!\.?\d)"), ("%Y.%m.%d",)),
    (re.compile(r"(?<![\d.])\d{4}/\d{2}/\d{2}(?!\.?\d)"), ("%Y/%m/%d",)),
    (re.compile(r"(?<![\d.])(?:19|20)\d{6}(?!\.?\d)"), ("%Y%m%d",)),
    # month first unless it cannot be (sh's ``2/23/25``); unpadded unless a part has a zero
    (
        re.compile(r"(?<![\d/.])\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})(?![\d/]|\.\d)"),
        ("%m/%d/%y", "%d/%m/%y", "%m/%d/%Y", "%d/%m/%Y"),
    ),
    (re.compile(rf"(?<![\d.])\d{{4}}-{_MONTH}-\d{{1,2}}(?!\.?\d)"), ("%Y-%b-%d", "%Y-%B-%d")),
    (re.compile(rf"\b[A-Z][a-z]{{2}} {_MONTH} {_DAY} \d{{4}}\b"), ("%a %b %d %Y",)),
    (re.compile(rf"\b{_MONTH} {_DAY}, \d{{4}}\b"), ("%B %d, %Y", "%b %d, %Y")),
    (re.compile(rf"\b{_DAY} {_MONTH} \d{{4}}\b"), ("%d %B %Y", "%d %b %Y")),
    (re.compile(rf"\b{_MONTH},? \d{{4}}\b"), ("%B, %Y", "%B %Y", "%b, %Y", "%b %Y")),
)


def find(text: str) -> tuple[re.Match[str], str] | None:
    """The first date in ``text`` and the format that writes it, or None."""
    found: list[tuple[re.Match[str], str]] = []
    for pattern, formats in _FORMS:
        for match in pattern.finditer(text):
            plain = _SUFFIX.sub("", match.group(0))
            for fmt in formats:
                try:
                    dt.datetime.strptime(plain, fmt)
                except ValueError:
                    continue
                short = fmt.startswith(("%m/", "%d/"))
                named = "%b" in fmt or "%B" in fmt  # other numeric dates are always padded
                zero = (
                    re.match(r"0\d/|\d\d?/0\d/", plain) if short else re.search(r"\b0\d\b", plain)
                )
                unpadded = (named or short) and not zero
                day = "%o" if plain != match.group(0) else "%-d" if unpadded else "%d"
                month = "%-m" if unpadded else "%m"
                found.append((match, fmt.replace("%d", day).replace("%m", month)))
                break
    return min(found, key=lambda item: item[0].start()) if found else None


def render(day: dt.date, fmt: str) -> str:
    """``day`` in ``fmt`` (``%-d``: the day without a leading zero; ``%o``: ``29th``)."""
    suffix = (
        "th" if day.day in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    )
    fmt = fmt.replace("%-d", str(day.day)).replace("%-m", str(day.month))
    return day.strftime(fmt.replace("%o", f"{day.day}{suffix}"))
