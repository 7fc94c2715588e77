#!/usr/bin/env python
# Shaped like Requests 2.32.4's setup.py: name and version are read from __version__.py by code.
import os

from setuptools import setup

here = os.path.abspath(os.path.dirname(__file__))
about = {}
with open(os.path.join(here, "src", "tinyreqs", "__version__.py"), encoding="utf-8") as f:
    exec(f.read(), about)

with open("README.md", encoding="utf-8") as f:
    readme = f.read()

setup(
    name=about["__title__"],
    version=about["__version__"],
    description=about["__description__"],
    long_description=readme,
    long_description_content_type="text/markdown",
    author=about["__author__"],
    url=about["__url__"],
    packages=["tinyreqs"],
    package_dir={"": "src"},
    python_requires=">=3.9",
    license=about["__license__"],
)
