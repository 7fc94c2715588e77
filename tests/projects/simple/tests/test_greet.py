from simple_pkg import greet


def test_greet() -> None:
    assert greet("you") == "hello, you"
