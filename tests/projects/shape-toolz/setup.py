#!/usr/bin/env python
# Shaped like toolz 1.0.0's setup.py: versioneer vendored, no pyproject.toml.
from os.path import exists
from pathlib import Path

import versioneer
from setuptools import setup

setup(
    name="tinytoolz",
    version=versioneer.get_version(),
    cmdclass=versioneer.get_cmdclass(),
    description="A tiny project shaped like toolz: versioneer, setup.py only, no changelog",
    url="https://example.invalid/tinytoolz",
    author="Toolz-like Author",
    author_email="author@example.invalid",
    license="BSD",
    keywords="functional utility itertools functools",
    packages=["tinytoolz"],
    package_data={"tinytoolz": ["tests/*.py"]},
    long_description=(Path("README.rst").read_text() if exists("README.rst") else ""),
    long_description_content_type="text/x-rst",
    zip_safe=False,
    python_requires=">=3.8",
)
