from tinykr8s import greet


def test_greet() -> None:
    assert greet("kr8s") == "Hello, kr8s!"
