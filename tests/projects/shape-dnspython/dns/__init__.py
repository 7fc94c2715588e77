"""A tiny DNS toolkit shaped like dnspython."""

from .version import version as __version__

__all__ = ["__version__", "greet"]


def greet(name: str) -> str:
    return f"Hello, {name or 'world'}!"
