"""tinyreqs: a tiny library for releasekit's project-shape tests."""

from .__version__ import __title__, __version__  # noqa: F401


def greet(name: str = "world") -> str:
    """Return a greeting for ``name``."""
    return f"Hello, {name or 'world'}!"
