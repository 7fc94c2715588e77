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
        ("= 4.13.4 (20250415)", "%Y%m%d"),
        ("## 2.2.2 - 2/23/25", "%-m/%-d/%y"),
        ("## 2.2.0 - 23/2/25", "%-d/%-m/%y"),
        ("## 2.1.0 - 02/03/2025", "%m/%d/%Y"),
        ("Version 6.2.0 (October 29th, 2024)", "%B %o, %Y"),
        ("Version 6.1.0 (Oct 1st, 2023)", "%b %o, %Y"),
        ("released on the 22nd May 2025", "%o %B %Y"),
        ("**0.9.4 (2025-Apr-5)**", "%Y-%b-%-d"),  # pytest-repeat's
        ("0.9 (2025-Apr-05)", "%Y-%b-%d"),
        # a date that ends a sentence (cssselect's; before, the full stop hid it)
        ("Released on 2025-03-10.", "%Y-%m-%d"),
        ("Released on 2025.03.10.", "%Y.%m.%d"),
        ("Released 2/23/25.", "%-m/%-d/%y"),
    ],
)
def test_the_format_found_writes_the_same_shape(text: str, fmt: str) -> None:
    found = dates.find(text)
    assert found is not None and found[1] == fmt


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3",
        "Version 3.13",
        "released 2025-13-45",
        "Mayday 2025",
        "[bug=20251345]",
        "(#1234567)",
        "2025-03-10.1",  # a version-like number, not a date
        "2/23/25.4",
    ],
)
def test_no_date(text: str) -> None:
    assert dates.find(text) is None


def test_an_eight_digit_number_outside_19xx_and_20xx_is_no_date() -> None:
    assert dates.find("1.2.3 (21000101)") is None
    assert dates.find("1.2.3 (20991231)") is not None


FORMATS = [
    "%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y%m%d", "%a %b %-d %Y", "%B %-d, %Y", "%d %B %Y",
    "%B %o, %Y", "%o %b %Y", "%-m/%-d/%y", "%m/%d/%Y", "%Y-%b-%-d",
]  # fmt: skip


# to 2099: a compact date is read only as 19xx or 20xx (another eight-digit number is no date);
# hypothesis found 2100-01-01 as 21000101
@given(day=st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)), fmt=st.sampled_from(FORMATS))
def test_a_date_written_is_found_again_in_its_format(day: dt.date, fmt: str) -> None:
    written = dates.render(day, fmt)
    found = dates.find(f"1.2.3 ({written})")
    assert found is not None and found[0].group(0) == written
    assert dates.render(day, found[1]) == written
    plain = found[1].replace("%-d", "%d").replace("%-m", "%m").replace("%o", "%d")
    padded = dates.render(day, plain)
    read = dt.datetime.strptime(padded, plain).date()
    assert read == day if "%y" not in plain else read.replace(year=day.year) == day  # 2069: 1969


@pytest.mark.parametrize(
    ("day", "written"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (21, "21st"), (22, "22nd"), (23, "23rd"), (30, "30th"), (31, "31st")],
)  # fmt: skip
def test_ordinal_days(day: int, written: str) -> None:
    assert dates.render(dt.date(2025, 1, day), "%B %o, %Y") == f"January {written}, 2025"
