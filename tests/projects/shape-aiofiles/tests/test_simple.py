import asyncio

from tinyaio import greet


def test_greet() -> None:
    assert asyncio.run(greet("you")) == "Hello, you!"


def test_greet_empty() -> None:
    assert asyncio.run(greet("")) == "Hello, world!"
