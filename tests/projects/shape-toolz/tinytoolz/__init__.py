"""A tiny functional toolkit."""

from .core import compose, identity

__all__ = ["compose", "identity"]

from . import _version
__version__ = _version.get_versions()['version']
