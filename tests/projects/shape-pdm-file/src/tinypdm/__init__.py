"""tinypdm: a tiny library for releasekit's project-shape tests."""

__version__ = "0.4.0"


def greet(name: str = "world") -> str:
    """Return a greeting for ``name``."""
    return f"Hello, {name or 'world'}!"
