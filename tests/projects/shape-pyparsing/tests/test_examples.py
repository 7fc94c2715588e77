from examples.greeting_parser import greet_all


def test_examples_greet() -> None:
    assert greet_all() == ["Hello, Ada!", "Hello, world!", "Hello, Grace!"]
