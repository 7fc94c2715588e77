from tinyreqs import greet


def test_greet() -> None:
    assert greet("you") == "Hello, you!"


def test_greet_empty() -> None:
    assert greet("") == "Hello, world!"
