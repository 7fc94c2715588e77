"""Release dates written as the project's changelog writes them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasekit.changelogs import dates


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ("6.0.2 (2024-08-06)", "%Y-%m-%d"),
        ("## 1.9.0 (2023.12.19)", "%Y.%m.%d"),
        ("1.0 - 2023/12/19", "%Y/%m/%d"),
        (":released: Thu Apr 10 2025", "%a %b %-d %Y"),
        (":released: August 27, 2025", "%B %-d, %Y"),
        ("Released Aug 7, 2025", "%b %-d, %Y"),
        ("Released 07 August 2025", "%d %B %Y"),
        ("2.0 (1 Feb 2024)", "%-d %b %Y"),
        ("Version 3.2.3 - March, 2025", "%B, %Y"),
        ("3.2 (June 2025)", "%B %Y"),
    ],
)
def test_the_format_found_writes_the_same_shape(text: str, fmt: str) -> None:
    found = dates.find(text)
    assert found is not None and found[1] == fmt


@pytest.mark.parametrize("text", ["1.2.3", "Version 3.13", "released 2025-13-45", "Mayday 2025"])
def test_no_date(text: str) -> None:
    assert dates.find(text) is None


FORMATS = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%a %b %-d %Y", "%B %-d, %Y", "%d %B %Y"]


@given(day=st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)), fmt=st.sampled_from(FORMATS))
def test_a_date_written_is_found_again_in_its_format(day: dt.date, fmt: str) -> None:
    written = dates.render(day, fmt)
    found = dates.find(f"1.2.3 ({written})")
    assert found is not None and found[0].group(0) == written
    padded = dates.render(day, found[1].replace("%-d", "%d"))
    assert dt.datetime.strptime(padded, found[1].replace("%-d", "%d")).date() == day
