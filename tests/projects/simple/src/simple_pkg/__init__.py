"""A tiny package released by releasekit's tests."""

from importlib.metadata import version

__all__ = ["greet", "main"]


def greet(name: str) -> str:
    return f"hello, {name}"


def main() -> None:
    import sys

    if sys.argv[1:] == ["--version"]:
        print(f"simple-pkg {version('simple-pkg')}")
    else:
        print(greet("world"))
