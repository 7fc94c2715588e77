import os

import srclib
from srclib.extra.words import count_words


def test_shout() -> None:
    assert srclib.shout("hi") == "HI!"


def test_count_words(sentence: str) -> None:
    assert count_words(sentence) == 4


def test_where_srclib_was_imported_from() -> None:
    """Appends the imported module's file to $SRCLIB_WHERE (the release tests read it)."""
    log = os.environ.get("SRCLIB_WHERE")
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(srclib.__file__ + "\n")
