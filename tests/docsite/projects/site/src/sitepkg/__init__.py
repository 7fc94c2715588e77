"""sitepkg: something to document."""

from __future__ import annotations

__all__ = ["greet"]


def greet(name: str) -> str:
    """Return a greeting for ``name``.

    Args:
        name: Who to greet.

    Returns:
        The greeting.
    """
    return f"Hello, {name}!"
