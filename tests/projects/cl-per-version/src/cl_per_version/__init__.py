"""Per-version changelog fixture."""


def greet(name: str) -> str:
    return f"Hello, {name}!"
