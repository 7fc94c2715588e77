"""TinyFastAPI framework, high performance, easy to learn, ready for a tiny production"""

__version__ = "0.141.1"

from .app import TinyFastAPI as TinyFastAPI
