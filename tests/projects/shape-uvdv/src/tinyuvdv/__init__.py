"""Greetings, versioned from git tags by uv-dynamic-versioning."""


def greet(name: str) -> str:
    return f"Hello, {name or 'world'}!"
