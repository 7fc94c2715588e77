#!/usr/bin/env python
# Shaped like Faker 37.4.0's setup.py: the version is read from a VERSION file, the packages are
# found, and MANIFEST.in leaves the sphinx helpers out of the sdist, while the maintainers'
# wheels, built from the tree, have them.
from pathlib import Path

from setuptools import find_packages, setup

here = Path(__file__).resolve().parent
README = (here / "README.rst").read_text(encoding="utf-8")
VERSION = (here / "VERSION").read_text(encoding="utf-8").strip()

excluded_packages = ["docs", "tests", "tests.*"]

setup(
    name="tinyfaker",
    version=VERSION,
    description="Fake data, shaped like Faker.",
    long_description=README,
    packages=find_packages(exclude=excluded_packages),
    python_requires=">=3.9",
    license="MIT",
)
