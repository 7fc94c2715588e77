import tinyfastapi


def test_version_is_a_string() -> None:
    assert isinstance(tinyfastapi.__version__, str)
