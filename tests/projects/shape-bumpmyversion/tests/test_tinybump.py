from tinybump import greet


def test_greet() -> None:
    assert greet("Ada") == "Hello, Ada!"


def test_greet_empty() -> None:
    assert greet("") == "Hello, world!"
