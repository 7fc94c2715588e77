from os import path

from setuptools import find_packages, setup

here = path.abspath(path.dirname(__file__))

with open(path.join(here, "README.md"), encoding="utf-8") as f:
    long_description = f.read()

setup(
    name="tinytrove",
    description="A tiny copy of trove-classifiers' shape: a calendar version made at build time.",
    long_description=long_description,
    long_description_content_type="text/markdown",
    author="Release Tester",
    author_email="tester@example.invalid",
    package_dir={"": "src"},
    packages=find_packages(where="src"),
    use_calver="%Y.%m.%d.%H",
    setup_requires=["calver"],
)
