"""Prints its own version: the image smoke test's target."""

from __future__ import annotations

import sys
from importlib.metadata import version


def main() -> int:
    if sys.argv[1:] == ["--version"]:
        print(f"hello-rk {version('hello-rk')}")
        return 0
    print("hello from a container", *sys.argv[1:])
    return 0
