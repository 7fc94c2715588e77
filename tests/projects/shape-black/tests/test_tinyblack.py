from tinyblack import greet


def test_greet() -> None:
    assert greet("you") == "Hello, you!"


def test_greet_empty() -> None:
    assert greet("") == "Hello, world!"


def test_version_file_was_generated() -> None:
    import tinyblack

    assert tinyblack.__version__
