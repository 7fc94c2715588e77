# tinymako/__init__.py
"""tinymako: a tiny library for releasekit's project-shape tests."""

__version__ = "1.3.10"


def render(template: str, **values: str) -> str:
    """Fill ``${name}`` placeholders in ``template``."""
    for name, value in values.items():
        template = template.replace("${" + name + "}", value)
    return template
