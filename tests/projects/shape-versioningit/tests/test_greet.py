from tinyvgit import greet


def test_greet() -> None:
    assert greet("") == "Hello, world!"
