from tinytoolz import compose, identity


def test_identity():
    assert identity(3) == 3


def test_compose():
    assert compose(str, lambda x: x + 1)(1) == "2"
    assert compose()(5) == 5
