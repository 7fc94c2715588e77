"""tinyattrs: a tiny library for releasekit's project-shape tests."""

from importlib.metadata import version as _version

__version__ = _version("tinyattrs")


def greet(name: str = "world") -> str:
    """Return a greeting for ``name``."""
    return f"Hello, {name or 'world'}!"
