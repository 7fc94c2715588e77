"""Greetings, versioned by versioningit from git tags."""


def greet(name: str) -> str:
    return f"Hello, {name or 'world'}!"
