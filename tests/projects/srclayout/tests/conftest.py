import pytest


@pytest.fixture
def sentence() -> str:
    return "the quick brown fox"
