"""Say a number of days, translated when a catalogue is compiled."""

import gettext
from pathlib import Path

__all__ = ["days"]


def days(count: int, language: str = "en") -> str:
    locales = Path(__file__).parent / "locale"
    catalogue = gettext.translation("tinyhuman", locales, [language], fallback=True)
    return catalogue.ngettext("%d day", "%d days", count) % count
