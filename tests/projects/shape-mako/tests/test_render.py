from tinymako import render


def test_render() -> None:
    assert render("Hello, ${name}!", name="world") == "Hello, world!"
