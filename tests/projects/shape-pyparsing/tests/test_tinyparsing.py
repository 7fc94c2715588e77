import tinyparsing


def test_greet() -> None:
    assert tinyparsing.greet("you") == "Hello, you!"


def test_greet_empty() -> None:
    assert tinyparsing.greet("") == "Hello, world!"


def test_version_matches_tuple() -> None:
    info = tinyparsing.__version_info__
    assert tinyparsing.__version__.startswith(f"{info.major}.{info.minor}.{info.micro}")
