"""Splitting URI references (a fixture)."""

__version__ = "2.0.0"


def scheme(uri: str) -> str:
    """The scheme of ``uri``, lower case; "" when it has none."""
    head, sep, _ = uri.partition(":")
    return head.lower() if sep and head.isalpha() else ""
