"""An example kept in the repository (and the sdist) but not in the wheel, as pyparsing's
examples/ are; its tests import it."""

import tinyparsing

EXAMPLE_NAMES = ["Ada", "", "Grace"]


def greet_all(names=EXAMPLE_NAMES):
    return [tinyparsing.greet(name) for name in names]
