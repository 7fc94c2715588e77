"""tinypluggy: a tiny library for releasekit's project-shape tests."""

from ._version import version as __version__  # noqa: F401


def greet(name: str = "world") -> str:
    """Return a greeting for ``name``."""
    return f"Hello, {name or 'world'}!"
