import tinyfaker


def test_name() -> None:
    assert tinyfaker.name() == "Ada Lovelace"
