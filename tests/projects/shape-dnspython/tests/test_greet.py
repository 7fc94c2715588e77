import dns


def test_greet() -> None:
    assert dns.greet("") == "Hello, world!"
