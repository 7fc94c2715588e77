__title__ = "tinyhttpx"
__description__ = "A next generation greeting client."
__version__ = "0.28.1"
