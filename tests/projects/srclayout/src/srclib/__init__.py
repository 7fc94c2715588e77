"""A tiny library in a src layout; ``srclib.extra`` is imported only by those who need it."""

__all__ = ["shout"]


def shout(text: str) -> str:
    return text.upper() + "!"
