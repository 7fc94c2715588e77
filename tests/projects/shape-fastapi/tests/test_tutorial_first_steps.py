import asyncio

from docs_src.first_steps.tutorial001_py310 import app


def test_get_root() -> None:
    assert asyncio.run(app.call("/")) == {"message": "Hello World"}
