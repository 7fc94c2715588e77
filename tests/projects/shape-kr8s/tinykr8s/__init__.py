"""Greetings, versioned from git tags by poetry-dynamic-versioning."""

__version__ = "0.0.0"


def greet(name: str) -> str:
    return f"Hello, {name or 'world'}!"
