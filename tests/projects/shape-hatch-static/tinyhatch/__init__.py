"""tinyhatch: a tiny library for releasekit's project-shape tests."""


def greet(name: str = "world") -> str:
    """Return a greeting for ``name``."""
    return f"Hello, {name or 'world'}!"
