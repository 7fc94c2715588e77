# .-. .-. .-. . . .-. .-. .-. .-.
# |(  |-  |.| | | |-  `-.  |  `-.
# ' ' `-' `-`.`-' `-' `-'  '  `-'

__title__ = "tinyreqs"
__description__ = "Python HTTP for Humans, in miniature."
__url__ = "https://example.invalid/tinyreqs"
__version__ = "2.32.4"
__author__ = "Requests-like Author"
__license__ = "Apache-2.0"
