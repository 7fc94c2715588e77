"""Top-level package for tinybump."""

__version__ = "1.2.0"


def greet(name: str) -> str:
    return f"Hello, {name or 'world'}!"
