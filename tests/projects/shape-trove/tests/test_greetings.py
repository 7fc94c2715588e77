from tinytrove import greetings


def test_hello() -> None:
    assert "hello" in greetings
