"""Adoption run (``nox -s adoption``): do real projects release unmodified?

For each popular pure-Python project below, pinned to one version: download its sdist from PyPI
(checked against the sha256 the index gives), unpack it, rebuild the repository a maintainer
would have (the sdist's generated ``PKG-INFO``/``*.egg-info`` and VCS version file removed and
ignored, a vendored versioneer's ``_version.py`` as ``versioneer install`` writes it, a plain
Python ``.gitignore`` when the sdist dropped the project's one, one commit, the current version's
tag in the project's own style, a bare ``origin``), then run what a new user runs:

    releasekit init            (whatever it writes is committed, as a user would)
    releasekit doctor          (its verdict recorded)
    releasekit release patch --to local --yes

with a private ``RELEASEKIT_INDEX_DIR`` and nothing else: the gate is the project's default
(``--skip`` is never used; a project whose tests cannot run fails here, honestly), under a time
limit per project, in a maintainer's environment at release time (see ``POLICY``: dependencies
resolved as of the sdist's upload week, an unprivileged user). Every file that reaches the
index is opened and its metadata version compared with the planned one: a wrong version
uploaded is the one result that must never happen. The remote must then have the release's tag
in the project's own style (``v1.2.3``, ``1.2.3``, ``rel_1_2_3``): a tag in another style is a
"wrong tag", not a release; and a changelog the release commit changed must name the new version
before the previous one (a "wrong changelog" otherwise: an entry appended at the end, or below
older ones), and a release that changed no changelog where one at the top of the tree (or a
README's changelog section) has the last release's entry wrote none: a "wrong changelog" too.
When doctor said ready and preflight then refused the release, doctor missed a problem it could
have named: counted, and the run fails.

Prints a table (project, version, shape, result, failing step and its ERROR line) and, with
``--markdown``, writes it to ``docs/adoption.md`` with the date and the figures.

Usage: ``python benchmarks/adoption.py [--subset ci|holdout] [--jobs 2] [--timeout 900]
[--markdown docs/adoption.md] [--only NAME ...]``. Exit status: 1 if any wrong version was
uploaded, if doctor said ready for a release preflight refused, or if fewer than ``--fail-under``
of the projects released; else 0.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import email.parser
import functools
import hashlib
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
import tomllib
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cutoff_index import CutoffIndex
from packaging.version import Version

from releasekit.process import OUTER_ENVIRONMENT
from releasekit.testreqs import requirement_name

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "adoption.md"
INDEX = os.environ.get("RELEASEKIT_ADOPTION_INDEX", "https://pypi.org/simple/")
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "releasekit-adoption"
#: Where a ``*.egg-info`` is a test's own data (distlib's ``tests/fake_dists/bacon-0.1.egg-info``),
#: not egg_info's output.
TEST_DIRS = ("tests", "test", "testing")
#: For a sdist that dropped the project's own .gitignore. ``build/`` and ``dist/`` are anchored: a
#: sdist's files are tracked files, and poetry-core ships ``tests/fixtures/*/dist/*.whl``.
GITIGNORE = (
    "__pycache__/\n*.py[cod]\n*.egg-info/\n/build/\n/dist/\n.tox/\n.nox/\n.venv/\n"
    + "".join(f"!**/{name}/**/*.egg-info/\n" for name in TEST_DIRS)
)
#: Where a release stopped, by exit code, when its journal names no failed step (README).
EXIT_STEP = {2: "config", 3: "preflight", 4: "gate", 6: "index", 7: "journal", 8: "lock"}
CHANGELOG_STEMS = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
#: Set by this machine, not by a maintainer's shell: requests lets them override a test's own
#: ``verify=<CA file>`` (unearth's self-signed-CA test). pip and uv use PIP_CERT/SSL_CERT_FILE.
MACHINE_ONLY = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
#: An address a normal network does not route: requests' timeout tests connect to it and expect
#: no answer. This machine's egress accepts a TCP connection to every address.
UNROUTABLE = "10.255.255.1"
#: The unprivileged user the releases run as when the run is started as root.
USER = "rkadopt"
#: What a maintainer has installed besides releasekit: the gate detects and uses them.
TOOLS = ("nox", "tox", "tox-uv", "hatch", "uv")
#: Tools a maintainer installs apart (``pipx``/``uv tool install``), each in a venv of its own
#: linked into the user's, by command and requirement: pdm's dependencies (httpx, hishel)
#: conflict with the others', and only its ``locked`` extra pins a hishel it works with.
APART = {"pdm": "pdm[locked]"}
#: Dependencies resolve as of the pinned sdist's upload plus this many days (its release week).
RESOLVE_DAYS = 7
#: ...but never before the release of the Python the run is on (python.org's release dates): a
#: maintainer releasing on it has dependencies that install and work there, and those of
#: before it were never made to (inflection's 2020 week gives pytest 6 and the py library,
#: which fail to import on 3.11; toml's tox environment builds numpy from source).
PYTHON_RELEASED = {
    (3, 11): dt.datetime(2022, 10, 24, tzinfo=dt.UTC),
    (3, 12): dt.datetime(2023, 10, 2, tzinfo=dt.UTC),
    (3, 13): dt.datetime(2024, 10, 7, tzinfo=dt.UTC),
    (3, 14): dt.datetime(2025, 10, 7, tzinfo=dt.UTC),
}


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    #: As the project tags its releases: ``{version}``, or ``{version_underscored}`` for
    #: SQLAlchemy's ``rel_1_3_10``.
    tag_format: str
    ci: bool = False  # in the fast subset .ci/run runs
    holdout: bool = False  # in the nineteenth wave (``--subset holdout``)
    #: The calver plugin's format when the build makes the version from its date
    #: (trove-classifiers): ``release patch`` must then give the release's date, not X.Y.Z+1.
    calendar: str = ""

    def tag(self, version: str) -> str:
        """The tag the project gives ``version``."""
        underscored = version.replace(".", "_")
        return self.tag_format.format(version=version, version_underscored=underscored)


#: Popular pure-Python projects, their pinned versions and tag styles.
PROJECTS = (
    # flit_core
    Project("tomli", "2.2.1", "{version}", ci=True),
    Project("idna", "3.10", "v{version}", ci=True),
    Project("packaging", "25.0", "{version}"),
    Project("click", "8.2.1", "{version}"),
    Project("flask", "3.1.1", "{version}"),
    Project("itsdangerous", "2.2.0", "{version}"),
    Project("blinker", "1.9.0", "{version}"),
    Project("more-itertools", "10.7.0", "v{version}"),
    # hatchling (+ hatch-vcs); urllib3 also towncrier
    Project("iniconfig", "2.1.0", "v{version}", ci=True),
    Project("attrs", "25.3.0", "{version}"),
    Project("platformdirs", "4.3.8", "{version}"),
    Project("filelock", "3.18.0", "{version}"),
    Project("httpx", "0.28.1", "{version}"),
    Project("colorama", "0.4.6", "{version}"),
    # setuptools (pyproject, setup.cfg, setuptools-scm)
    Project("pluggy", "1.6.0", "{version}", ci=True),
    Project("urllib3", "2.5.0", "{version}"),
    Project("sniffio", "1.3.1", "v{version}"),
    Project("flake8", "7.2.0", "{version}"),
    Project("pycodestyle", "2.13.0", "{version}"),
    # poetry-core
    Project("tomlkit", "0.13.3", "{version}", ci=True),
    Project("rich", "14.0.0", "v{version}"),
    # pdm-backend
    Project("unearth", "0.17.5", "{version}"),
    Project("findpython", "0.6.3", "{version}"),
    # The second wave (2026-12-02): twelve more of the most-used pure-Python projects, listed
    # before any was run, each kept whatever its result; pinned to the newest release uploaded
    # before 2025-07-01.
    Project("requests", "2.32.4", "v{version}"),
    Project("jinja2", "3.1.6", "{version}"),
    Project("werkzeug", "3.1.3", "{version}"),
    Project("markupsafe", "3.0.2", "{version}"),
    Project("pyparsing", "3.2.3", "{version}"),
    Project("python-dateutil", "2.9.0.post0", "{version}"),
    Project("six", "1.17.0", "{version}"),
    Project("typing-extensions", "4.14.0", "{version}"),
    Project("h11", "0.16.0", "v{version}"),
    Project("anyio", "4.9.0", "{version}"),
    Project("pygments", "2.19.2", "{version}"),
    Project("tabulate", "0.9.0", "v{version}"),
    # The third wave (2026-12-03): twelve more, chosen for shapes the first two lack (a version
    # tuple with a computed __version__, setup.cfg ``attr:``, flit-scm, versioneer, reno,
    # keep-a-changelog, jaraco's towncrier skeleton), listed before any was run and kept
    # whatever their result; pinned to the newest release uploaded before 2025-07-01.
    Project("markdown", "3.8.2", "{version}"),
    Project("charset-normalizer", "3.4.2", "{version}"),
    Project("wheel", "0.46.1", "{version}"),
    Project("cachetools", "6.1.0", "v{version}"),
    Project("sqlparse", "0.5.3", "{version}"),
    Project("zipp", "3.23.0", "v{version}"),
    Project("tenacity", "9.1.2", "{version}"),
    Project("pyjwt", "2.10.1", "{version}"),
    Project("python-dotenv", "1.1.1", "v{version}"),
    Project("structlog", "25.4.0", "{version}"),
    Project("exceptiongroup", "1.3.0", "{version}"),
    Project("toolz", "1.0.0", "{version}"),
    # The fourth wave (2026-12-03): thirteen more, chosen for shapes the first three lack (pdm's
    # file version, hatch's code version, a version in setup.py and the package, a VERSION
    # file, bump-my-version and bumpversion configurations, towncrier into CHANGELOG.rst, a
    # changelog in docs/, CHANGELOG.txt, ``release_v`` tags, unittest suites), listed before
    # any was run and kept whatever their result; pinned to the newest release uploaded before
    # 2025-07-01.
    Project("typer", "0.16.0", "{version}"),
    Project("soupsieve", "2.7", "{version}"),
    Project("pyflakes", "3.4.0", "{version}"),
    Project("termcolor", "3.1.0", "{version}"),
    Project("semver", "3.0.4", "{version}"),
    Project("deprecated", "1.2.18", "v{version}"),
    Project("bump-my-version", "1.2.0", "{version}"),
    Project("pycparser", "2.22", "release_v{version}"),
    Project("cookiecutter", "2.6.0", "{version}"),
    Project("pyproject-hooks", "1.2.0", "v{version}"),
    Project("jmespath", "1.0.1", "{version}"),
    Project("asgiref", "3.8.1", "{version}"),
    Project("humanize", "4.12.3", "{version}"),
    # The fifth wave (2026-12-04): ten more, chosen for shapes the first four lack (scriv's
    # changelog.d, towncrier into a news/ directory, poetry-core with ``version-`` tags,
    # hatch-vcs with hatch-fancy-pypi-readme, setup.py reading a ``__version__.py``, a changelog
    # in docs/ of a setuptools-scm project, unittest-style suites under flit), listed before any
    # was run and kept whatever their result; pinned to the newest final release uploaded before
    # 2025-07-01.
    Project("scriv", "1.7.0", "{version}"),
    Project("shellingham", "1.5.4", "{version}"),
    Project("rsa", "4.9.1", "version-{version}"),
    Project("decorator", "5.2.1", "{version}"),
    Project("prettytable", "3.16.0", "{version}"),
    Project("markdown-it-py", "3.0.0", "v{version}"),
    Project("tomli-w", "1.2.0", "{version}"),
    Project("typeguard", "4.4.4", "{version}"),
    Project("python-slugify", "8.0.4", "v{version}"),
    Project("pathspec", "0.12.1", "v{version}"),
    # The sixth wave (2026-12-04): ten more, chosen for shapes the first five lack (a pytest
    # plugin released by itself, execnet's hatch-vcs with a generated version file, jaraco's
    # skeleton with newsfragments/, Babel's locale data built in setup.py, jsonschema's
    # hatch-fancy-pypi-readme with a large test suite, cattrs' pdm-style dependency groups, a
    # setup.py that reads its package's version without importing it), listed before any was
    # run and kept whatever their result; pinned to the newest final release uploaded before
    # 2025-07-01.
    Project("marshmallow", "4.0.0", "{version}"),
    Project("tqdm", "4.67.1", "v{version}"),
    Project("pytest-mock", "3.14.1", "v{version}"),
    Project("execnet", "2.1.1", "v{version}"),
    Project("babel", "2.17.0", "v{version}"),
    Project("jsonschema", "4.24.0", "v{version}"),
    Project("inflect", "7.5.0", "v{version}"),
    Project("natsort", "8.4.0", "{version}"),
    Project("cattrs", "25.1.1", "v{version}"),
    Project("sortedcontainers", "2.4.0", "v{version}"),
    # The seventh wave (2026-12-04): ten more, chosen for shapes the first six lack (calendar
    # versions: certifi's in its package, pytz's ``release_`` tags, trove-classifiers' version
    # made by the ``calver`` setuptools plugin; self-hosting backends with ``backend-path``:
    # flit-core and poetry-core; pytest-xdist's towncrier ``changelog/`` directory with
    # setuptools-scm; poetry with the version repeated in the package; hatch's version from a
    # ``_version.py`` with a version tuple; setup.cfg ``attr:``; a setup.py that parses its
    # package), listed before any was run and kept whatever their result; pinned to the newest
    # final release uploaded before 2025-07-01.
    Project("certifi", "2025.6.15", "{version}"),
    Project("pytz", "2025.2", "release_{version}"),
    Project("trove-classifiers", "2025.5.9.12", "{version}", calendar="%Y.%m.%d.%H"),
    Project("flit-core", "3.12.0", "{version}"),
    Project("poetry-core", "2.1.3", "{version}"),
    Project("pytest-xdist", "3.7.0", "v{version}"),
    Project("backoff", "2.2.1", "v{version}"),
    Project("traitlets", "5.14.3", "v{version}"),
    Project("pyasn1", "0.6.1", "v{version}"),
    Project("wcwidth", "0.2.13", "{version}"),
    # The eighth wave (2026-12-04): ten more, chosen for shapes the first seven lack (Encode's
    # hatchling path versions with large async test suites, mkdocs' hatch path with a generated
    # changelog page, towncrier releasing itself, twine's setuptools-scm with tox, pre-commit's
    # setup.cfg static version (identify), dnspython's version module, email-validator's setup.cfg
    # ``attr:``, websocket-client's and oauthlib's setup.py reading their package), listed
    # before any was run and kept whatever their result; pinned to the newest final release
    # uploaded before 2025-07-01.
    Project("starlette", "0.47.1", "{version}"),
    Project("mkdocs", "1.6.1", "{version}"),
    Project("towncrier", "24.8.0", "{version}"),
    Project("twine", "6.1.0", "{version}"),
    Project("identify", "2.6.12", "v{version}"),
    Project("dnspython", "2.7.0", "v{version}"),
    Project("python-multipart", "0.0.20", "{version}"),
    Project("email-validator", "2.2.0", "v{version}"),
    Project("websocket-client", "1.8.0", "v{version}"),
    Project("oauthlib", "3.3.1", "v{version}"),
    # The ninth wave (2026-12-04): ten more, chosen for shapes the first eight lack (a
    # ``.bumpversion.cfg`` with setup.py (pytest-cov, tblib), jaraco's skeleton with towncrier
    # ``newsfragments/`` (importlib-metadata), flit with a ``_version.py`` (arrow), a setup.py
    # with ``VERSION`` and a ``lib/`` package directory (PyYAML), tests inside the package
    # (simplejson), SQLAlchemy-style ``rel_1_3_10`` tags (Mako), a setup.cfg ``attr:`` with
    # towncrier ``news/`` (resolvelib), single-module projects (xmltodict, distro's src layout),
    # listed before any was run and kept whatever their result; pinned to the newest final
    # release uploaded before 2025-07-01.
    Project("pytest-cov", "6.2.1", "v{version}"),
    Project("tblib", "3.1.0", "v{version}"),
    Project("importlib-metadata", "8.7.0", "v{version}"),
    Project("arrow", "1.3.0", "{version}"),
    Project("pyyaml", "6.0.2", "{version}"),
    Project("simplejson", "3.20.1", "v{version}"),
    Project("mako", "1.3.10", "rel_{version_underscored}"),
    Project("resolvelib", "1.2.0", "{version}"),
    Project("xmltodict", "0.14.2", "v{version}"),
    Project("distro", "1.9.0", "v{version}"),
    # The tenth wave (2026-12-04): ten more, chosen for shapes the first nine lack (Alembic's and
    # dogpile.cache's Sphinx changelog with ``rel_`` tags, single-module setup.py projects that
    # parse their module (jsonpointer, mccabe), hpack's src layout with a ``attr:`` version,
    # isodate's setuptools-scm, annotated-types' hatchling path, pytest-timeout's setup.cfg
    # version, flit's ptyprocess and mdurl), listed before any was run and kept whatever their
    # result; pinned to the newest final release uploaded before 2025-07-01.
    Project("alembic", "1.16.2", "rel_{version_underscored}"),
    Project("dogpile-cache", "1.4.0", "rel_{version_underscored}"),
    Project("jsonpointer", "3.0.0", "v{version}"),
    Project("mccabe", "0.7.0", "{version}"),
    Project("hpack", "4.1.0", "v{version}"),
    Project("isodate", "0.7.2", "{version}"),
    Project("annotated-types", "0.7.0", "v{version}"),
    Project("pytest-timeout", "2.4.0", "{version}"),
    Project("ptyprocess", "0.7.0", "{version}"),
    Project("mdurl", "0.1.2", "{version}"),
    # The eleventh wave (2026-12-04): ten more, chosen for shapes the first ten lack (poetry's
    # ``[tool.poetry] version`` with a ``M/D/YY`` changelog date (sh), a version tuple in a module
    # (invoke's ``_version.py``, gunicorn's ``version_info``), versioneer with ``name-X.Y.Z`` tags
    # (ecdsa), Beautiful Soup's ``= 4.13.4 (20250415)`` entries, prompt_toolkit's ``3.0.51:
    # 2025-04-15`` entries, aio-libs' towncrier ``CHANGES/`` (aiosignal), Pylons' ``CHANGES.txt``
    # (waitress), bleach's ``October 29th, 2024`` dates, freezegun's setup.cfg), listed before any
    # was run and kept whatever their result; pinned to the newest final release uploaded before
    # 2025-07-01.
    Project("sh", "2.2.2", "{version}"),
    Project("invoke", "2.2.0", "{version}"),
    Project("gunicorn", "23.0.0", "{version}"),
    Project("ecdsa", "0.19.1", "python-ecdsa-{version}"),
    Project("beautifulsoup4", "4.13.4", "{version}"),
    Project("prompt-toolkit", "3.0.51", "{version}"),
    Project("aiosignal", "1.3.2", "v{version}"),
    Project("waitress", "3.0.2", "v{version}"),
    Project("bleach", "6.2.0", "v{version}"),
    Project("freezegun", "1.5.2", "{version}"),
    # The twelfth wave (2026-12-04): ten more, chosen for shapes the first eleven lack (a pytest
    # plugin's CHANGES.rst (pytest-rerunfailures), a module and tests.py at the root (jsonpatch),
    # aio-libs' towncrier with a setup.cfg ``attr:`` (async-timeout), a ``.post0`` current
    # version (outcome), hyper's h2, parso's CHANGELOG.rst, fastjsonschema's ``=== X (date)``,
    # celery's vine, prometheus-client's static setup.py, python-json-logger's docs changelog),
    # listed before any was run and kept whatever their result; pinned to the newest final
    # release uploaded before 2025-07-01.
    Project("pytest-rerunfailures", "15.1", "{version}"),
    Project("jsonpatch", "1.33", "v{version}"),
    Project("async-timeout", "5.0.1", "v{version}"),
    Project("outcome", "1.3.0.post0", "v{version}"),
    Project("h2", "4.2.0", "v{version}"),
    Project("parso", "0.8.4", "v{version}"),
    Project("fastjsonschema", "2.21.1", "v{version}"),
    Project("vine", "5.1.0", "v{version}"),
    Project("prometheus-client", "0.22.1", "v{version}"),
    Project("python-json-logger", "3.3.0", "v{version}"),
    # The thirteenth wave (2026-12-04): ten more, chosen for shapes the first twelve lack
    # (isort's Markdown changelog with month-name headings, single-module setup.py projects
    # (autopep8, nodeenv's ``nodeenv_version``), asottile's setup.cfg (pyupgrade), mock's
    # ``NEWS.d`` beside CHANGELOG.rst, pyfakefs' CHANGES.md, zope's ``CHANGES.rst`` with a
    # namespace package (zope.event), requests-toolbelt's HISTORY.rst, flit with docs
    # changelogs (tinycss2), mistune's src layout), listed before any was run and kept whatever
    # their result; pinned to the newest final release uploaded before 2025-07-01.
    Project("isort", "6.0.1", "{version}"),
    Project("autopep8", "2.3.2", "v{version}"),
    Project("pyupgrade", "3.20.0", "v{version}"),
    Project("nodeenv", "1.9.1", "{version}"),
    Project("mock", "5.2.0", "{version}"),
    Project("pyfakefs", "5.9.1", "v{version}"),
    Project("zope-event", "5.1", "{version}"),
    Project("requests-toolbelt", "1.0.0", "{version}"),
    Project("tinycss2", "1.4.0", "v{version}"),
    Project("mistune", "3.1.3", "v{version}"),
    # The fourteenth wave (2026-12-04): ten more, chosen for shapes the first thirteen lack
    # (pytest-asyncio's towncrier ``changelog.d`` with setuptools-scm, Faker's ``VERSION`` file
    # with a ``.bumpversion.cfg``, tzlocal's ``CHANGES.txt``, croniter's src layout with
    # ``requirements/``, emoji's CHANGES.md, lark with no changelog, uritemplate's HISTORY.rst,
    # scrapy's cssselect ``CHANGES``, boltons' calendar-major flit project, python-docx's src
    # layout with ``requirements-test.txt``), listed before any was run and kept whatever their
    # result; pinned to the newest final release uploaded before 2025-07-01.
    Project("pytest-asyncio", "1.0.0", "v{version}"),
    Project("faker", "37.4.0", "v{version}"),
    Project("tzlocal", "5.3.1", "{version}"),
    Project("croniter", "6.0.0", "{version}"),
    Project("emoji", "2.14.1", "v{version}"),
    Project("lark", "1.2.2", "{version}"),
    Project("uritemplate", "4.2.0", "{version}"),
    Project("cssselect", "1.3.0", "v{version}"),
    Project("boltons", "25.0.0", "{version}"),
    Project("python-docx", "1.2.0", "v{version}"),
    # The fifteenth wave (2026-12-04): ten more, chosen for shapes the first fourteen lack
    # (validators' src layout with a mkdocs site and CHANGES.md, pyotp's single ``test.py``,
    # jsonpickle's jaraco-style setuptools-scm with CHANGES.rst, schedule's root test module and
    # HISTORY.rst, pytest-subtests' setuptools-scm pytest plugin, pytest-order's setup.py
    # with CHANGELOG.md, nest-asyncio's single module, pep8-naming's own test runner, markdown2's
    # ``lib/`` module with a ``test/`` runner, pyee's CHANGELOG.md with a mkdocs site), listed
    # before any was run and kept whatever their result; pinned to the newest final release
    # uploaded before 2025-07-01.
    Project("validators", "0.35.0", "{version}"),
    Project("pyotp", "2.9.0", "v{version}"),
    Project("jsonpickle", "4.1.1", "v{version}"),
    Project("schedule", "1.2.2", "{version}"),
    Project("pytest-subtests", "0.14.2", "v{version}"),
    Project("pytest-order", "1.3.0", "v{version}"),
    Project("nest-asyncio", "1.6.0", "v{version}"),
    Project("pep8-naming", "0.15.1", "{version}"),
    Project("markdown2", "2.5.3", "{version}"),
    Project("pyee", "13.0.0", "v{version}"),
    # The sixteenth wave (2026-12-04): ten more, chosen for shapes the first fifteen lack
    # (gitpython's smmap with tests inside the package, Send2Trash's setup.cfg, pytest-repeat's
    # single-module hatch-vcs plugin, flake8-bugbear's single module with a dynamic ``attr:``
    # version, pytest-datadir's setuptools-scm src layout, mypy_extensions' flit module,
    # WTForms' hatchling with a build hook, ftfy's uv.lock, pydash's invoke ``tasks.py``,
    # colorlog's setup.py), listed before any was run and kept whatever their result; pinned to
    # the newest final release uploaded before 2025-07-01.
    Project("smmap", "5.0.2", "v{version}"),
    Project("send2trash", "1.8.3", "{version}"),
    Project("pytest-repeat", "0.9.4", "v{version}"),
    Project("flake8-bugbear", "24.12.12", "{version}"),
    Project("pytest-datadir", "1.7.2", "v{version}"),
    Project("mypy-extensions", "1.1.0", "{version}"),
    Project("wtforms", "3.2.1", "{version}"),
    Project("ftfy", "6.3.1", "v{version}"),
    Project("pydash", "8.0.5", "v{version}"),
    Project("colorlog", "6.9.0", "v{version}"),
    # The seventeenth wave (2026-12-05): ten more, chosen for shapes the first sixteen lack
    # (python-hyper's wsproto with a src layout and CHANGELOG.rst, argcomplete's setuptools-scm
    # with Changes.rst and a ``test/`` directory, hyperlink's src layout with CHANGELOG.md,
    # wcmatch's hatch ``code`` source in ``__meta__.py`` with its changelog inside the docs,
    # installer's flit src layout with a noxfile, portalocker's uv.lock with a ``tox.toml``,
    # parse's single module and dynamic ``attr:`` version, setuptools-scm versioning itself,
    # aiohappyeyeballs' poetry-core with semantic-release's CHANGELOG.md, hatch-vcs versioning
    # itself), listed before any was run and kept whatever their result; pinned to the newest
    # final release uploaded before 2025-07-01.
    Project("wsproto", "1.2.0", "{version}"),
    Project("argcomplete", "3.6.2", "v{version}"),
    Project("hyperlink", "21.0.0", "v{version}"),
    Project("wcmatch", "10.1", "{version}"),
    Project("installer", "0.7.0", "{version}"),
    Project("portalocker", "3.2.0", "v{version}"),
    Project("parse", "1.20.2", "{version}"),
    Project("setuptools-scm", "8.3.1", "v{version}"),
    Project("aiohappyeyeballs", "2.6.1", "v{version}"),
    Project("hatch-vcs", "0.5.0", "v{version}"),
    # The eighteenth wave (2026-12-05): ten more, chosen for shapes the first seventeen lack
    # (aiofiles' changelog as a README.md section, Unidecode's GNU-style ChangeLog with
    # ``name-`` tags, cloudpickle's flit with CHANGES.md, texttable's single module, the
    # adamchainz skeleton of pytest-randomly, executablebooks' flit mdit-py-plugins, aio-libs'
    # async-lru, asottile's cfgv with no changelog, pydantic's hatchling typing-inspection,
    # glom's calendar versions), listed before any was run and kept whatever their result;
    # pinned to the newest final release uploaded before 2025-07-01.
    Project("aiofiles", "24.1.0", "v{version}"),
    Project("unidecode", "1.4.0", "unidecode-{version}"),
    Project("cloudpickle", "3.1.1", "v{version}"),
    Project("texttable", "1.7.0", "v{version}"),
    Project("pytest-randomly", "3.16.0", "{version}"),
    Project("mdit-py-plugins", "0.4.2", "v{version}"),
    Project("async-lru", "2.0.5", "v{version}"),
    Project("cfgv", "3.4.0", "v{version}"),
    Project("typing-inspection", "0.4.1", "v{version}"),
    Project("glom", "24.11.0", "v{version}"),
    # The nineteenth wave (2026-12-05), a holdout: forty-six widely used pure-Python projects
    # picked for being used, not for their shape, none of them tried before; listed before any
    # was run and kept whatever their result, so the rate on them says how well the fixes made
    # for the first eighteen carry over to projects nobody here has looked at. Pinned to the
    # newest final release uploaded before 2025-07-01; the tag style is the project's as far
    # as we know it.
    Project("pexpect", "4.9.0", "{version}", holdout=True),
    Project("html5lib", "1.1", "{version}", holdout=True),
    Project("webencodings", "0.5.1", "v{version}", holdout=True),
    Project("defusedxml", "0.7.1", "v{version}", holdout=True),
    Project("pkginfo", "1.12.1.2", "{version}", holdout=True),
    Project("readme-renderer", "44.0", "{version}", holdout=True),
    Project("rfc3986", "2.0.0", "v{version}", holdout=True),
    Project("requests-oauthlib", "2.0.0", "v{version}", holdout=True),
    Project("asttokens", "3.0.0", "v{version}", holdout=True),
    Project("executing", "2.2.0", "v{version}", holdout=True),
    Project("pure-eval", "0.2.3", "v{version}", holdout=True),
    Project("ghp-import", "2.1.0", "{version}", holdout=True),
    Project("mergedeep", "1.3.4", "v{version}", holdout=True),
    Project("pyyaml-env-tag", "1.1", "{version}", holdout=True),
    Project("jsonschema-specifications", "2025.4.1", "v{version}", holdout=True),
    Project("referencing", "0.36.2", "v{version}", holdout=True),
    Project("httpcore", "1.0.9", "{version}", holdout=True),
    Project("loguru", "0.7.3", "{version}", holdout=True),
    Project("dill", "0.4.0", "{version}", holdout=True),
    Project("docstring-parser", "0.16", "{version}", holdout=True),
    Project("typing-inspect", "0.9.0", "{version}", holdout=True),
    Project("toml", "0.10.2", "{version}", holdout=True),
    Project("pyperclip", "1.9.0", "v{version}", holdout=True),
    Project("inflection", "0.5.1", "{version}", holdout=True),
    Project("funcy", "2.0", "{version}", holdout=True),
    Project("bidict", "0.23.1", "v{version}", holdout=True),
    Project("responses", "0.25.7", "{version}", holdout=True),
    Project("requests-mock", "1.12.1", "{version}", holdout=True),
    Project("factory-boy", "3.3.3", "{version}", holdout=True),
    Project("pytest-metadata", "3.1.1", "{version}", holdout=True),
    Project("jaraco-functools", "4.2.1", "v{version}", holdout=True),
    Project("jaraco-context", "6.0.1", "v{version}", holdout=True),
    Project("importlib-resources", "6.5.2", "v{version}", holdout=True),
    Project("keyring", "25.6.0", "v{version}", holdout=True),
    Project("distlib", "0.3.9", "{version}", holdout=True),
    Project("cachecontrol", "0.14.3", "v{version}", holdout=True),
    Project("click-default-group", "1.2.4", "v{version}", holdout=True),
    Project("plumbum", "1.9.0", "v{version}", holdout=True),
    Project("webcolors", "24.11.1", "{version}", holdout=True),
    Project("ply", "3.11", "{version}", holdout=True),
    Project("asn1crypto", "1.5.1", "{version}", holdout=True),
    Project("configobj", "5.0.9", "v{version}", holdout=True),
    Project("retrying", "1.4.0", "v{version}", holdout=True),
    Project("isoduration", "20.11.0", "{version}", holdout=True),
    Project("uvicorn", "0.35.0", "{version}", holdout=True),
    Project("pydantic-settings", "2.10.1", "v{version}", holdout=True),
)


@dataclass
class Outcome:
    project: Project
    shape: str = "?"
    planned: str = "?"
    result: str = "not run"
    step: str = ""
    error: str = ""
    uploaded: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: ``releasekit doctor``'s exit status after init, before the release (None: not run)
    doctor: int | None = None

    @property
    def doctor_missed(self) -> bool:
        """doctor said ready, then preflight refused the release: a problem doctor could have
        named (its checks are preflight's), the promise "doctor ready, release not refused"."""
        return self.doctor == 0 and self.step == "preflight"


# ---------------------------------------------------------------- the project as a repository


def _index_files(project: Project) -> list[dict[str, Any]]:
    """The project's files on the index, from its JSON simple API (PEP 691)."""
    request = urllib.request.Request(  # noqa: S310 - https index URL
        INDEX.rstrip("/") + f"/{project.name}/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
        return list(json.load(response)["files"])


def _cached(entry: dict[str, Any]) -> Path:
    """An index file entry's file, cached and hash-checked."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / str(entry["filename"])
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != entry["hashes"].get(
        "sha256"
    ):
        with urllib.request.urlopen(entry["url"], timeout=120) as response:  # noqa: S310
            data = response.read()
        if hashlib.sha256(data).hexdigest() != entry["hashes"].get("sha256"):
            raise RuntimeError(f"{entry['filename']}: sha256 differs from the index's")
        path.write_bytes(data)
    return path


def _released_as(project: Project) -> str:
    """A regular expression of the project's files at its pinned version (any spelling)."""
    name = "[-_.]+".join(map(re.escape, re.split(r"[-_.]+", project.name)))
    return rf"^{name}-{re.escape(project.version)}"


def download(project: Project) -> tuple[Path, dt.datetime, list[Path]]:
    """The sdist, cached and hash-checked, when it was uploaded (PEP 700 ``upload-time``), and
    the pure-Python wheels of the same release (the last release a maintainer's index has)."""
    files = _index_files(project)
    wanted = re.compile(_released_as(project) + r"\.tar\.gz$", re.IGNORECASE)
    entry = next((f for f in files if wanted.match(f["filename"])), None)
    if entry is None:
        raise RuntimeError(f"no sdist of {project.name} {project.version} on {INDEX}")
    pure = re.compile(_released_as(project) + r"-[^-]+-none-any\.whl$", re.IGNORECASE)
    wheels = [_cached(f) for f in files if pure.match(f["filename"]) and not f.get("yanked")]
    return _cached(entry), upload_time(entry), wheels


def upload_time(entry: dict[str, Any]) -> dt.datetime:
    """A PEP 700 file entry's ``upload-time`` (ISO 8601, ``Z`` for UTC)."""
    stamp = entry.get("upload-time")
    if not stamp:
        raise RuntimeError(f"{entry['filename']}: the index gives no upload-time (PEP 700)")
    return dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))


def tox_override(*settings: str) -> dict[str, str]:
    """``TOX_OVERRIDE`` setting each of ``settings`` for every environment, wherever the
    project configures tox: tox names the base section ``testenv`` in tox.ini and setup.cfg,
    ``env_run_base`` in tox.toml and ``tool.tox.env_run_base`` in pyproject.toml, and
    overrides one it does not have harmlessly; tox splits the variable at ``;``."""
    bases = ("testenv", "env_run_base", "tool.tox.env_run_base")
    return {"TOX_OVERRIDE": ";".join(f"{base}.{s}" for s in settings for base in bases)}


# tox-uv is here for the projects whose tox configuration names its runners; it then makes
# every project's tox environments uv's, which unlike virtualenv's get no pip or setuptools.
# The projects written for plain tox (Deprecated's tox.ini adds setuptools only for Python
# >= 3.12, relying on virtualenv's seeding below) get virtualenv's seeding back.
SEEDED_TOX = tox_override("uv_seed=true")


#: Where a project configures tox, and the runner of tox-uv that installs from uv.lock.
TOX_CONFIGS = ("tox.ini", "tox.toml", "pyproject.toml", "setup.cfg")
LOCK_RUNNER = "uv-venv-lock-runner"


def tox_reads_lock(repo: Path) -> bool:
    """Whether the project's tox environments install from its uv.lock (click's ``runner =
    "uv-venv-lock-runner"``: ``uv sync --locked``, which a cutoff the lock lacks refuses)."""
    return any(
        LOCK_RUNNER in (repo / name).read_text("utf-8", errors="replace")
        for name in TOX_CONFIGS
        if (repo / name).is_file()
    )


def resolution_cutoff(uploaded: dt.datetime) -> dt.datetime:
    """``RESOLVE_DAYS`` after the sdist's upload, never before the run's Python was released."""
    floor = PYTHON_RELEASED[sys.version_info[:2]]
    return max(uploaded + dt.timedelta(days=RESOLVE_DAYS), floor).astimezone(dt.UTC)


def resolution_env(
    uploaded: dt.datetime, *, locked: bool, pip: CutoffIndex, tox_locked: bool = False
) -> dict[str, str]:
    """Resolve dependencies as the maintainers did when they released this version: nothing
    uploaded later than ``RESOLVE_DAYS`` after the sdist. uv (releasekit's venvs, tox-uv, hatch)
    takes ``UV_EXCLUDE_NEWER``; pip (tox 3 provisioned by a ``tox<4`` requirement, nox's
    virtualenv backend) gets a local index showing the upstream one as of the cutoff
    (:mod:`cutoff_index`), and no configuration file: this machine's pip.conf adds local
    mirrors with newer files, which a maintainer's machine does not have. Not pip's
    ``--uploaded-prior-to``: the pips inside those tools' environments are older than it. A
    project with a ``uv.lock`` already pins what it resolved then, and uv refuses a lock made
    without the cutoff (``uv lock --check``): there only the environments that do not use the
    lock get it, tox's through its ``set_env`` (ftfy's and portalocker's tox environments
    resolve their own test dependencies), unless they install from the lock (``tox_locked``).
    The cutoff is never before the run's Python was released (:data:`PYTHON_RELEASED`)."""
    cutoff = resolution_cutoff(uploaded)
    stamp = cutoff.strftime("%Y-%m-%dT%H:%M:%SZ")
    pip_env = {"PIP_INDEX_URL": pip.url(cutoff), "PIP_CONFIG_FILE": os.devnull}
    if locked and tox_locked:
        return SEEDED_TOX | pip_env
    if locked:
        return tox_override("uv_seed=true", f"set_env+=UV_EXCLUDE_NEWER={stamp}") | pip_env
    return {"UV_EXCLUDE_NEWER": stamp} | pip_env | SEEDED_TOX


def git(cwd: Path, *args: str, runner: Runner | None = None) -> str:
    prefix = runner.prefix if runner else ()
    env = runner.env if runner else None
    done = subprocess.run(
        [*prefix, "git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


# ---------------------------------------------------------------- who runs the releases


@dataclass(frozen=True)
class Runner:
    """How releasekit is run: as this user with this interpreter, or, when this is root, as
    the unprivileged ``USER`` (maintainers do not release as root, and test suites that check
    file permissions fail as root) with a venv of its own holding releasekit and the tools."""

    python: str
    prefix: tuple[str, ...] = ()
    env: dict[str, str] | None = None  # the whole environment, for the unprivileged user
    owner: str | None = None

    def environ(self, extra: dict[str, str]) -> dict[str, str]:
        base = self.env if self.env is not None else dict(os.environ)
        drop = ("RELEASEKIT_", *MACHINE_ONLY)
        return {k: v for k, v in base.items() if not k.startswith(drop)} | extra


def user_environment(home: Path, bin_dir: Path, environ: dict[str, str]) -> dict[str, str]:
    """``environ`` for the unprivileged user: its HOME, the venv first on PATH, and nothing
    pointing into root's home (unreadable to it)."""
    root_home = str(Path.home())
    # nor at the environment this script runs in (under nox: its session venv, via UV_PYTHON)
    dropped = (*MACHINE_ONLY, *OUTER_ENVIRONMENT)
    kept = {k: v for k, v in environ.items() if root_home not in v and k not in dropped}
    # nor another venv's bin/ (under nox: the session's), whose python3.11 a project's nox
    # would pick, and which is not the user's to read
    path = [str(bin_dir)] + [
        d
        for d in environ.get("PATH", "").split(os.pathsep)
        if d and root_home not in d and not (Path(d).parent / "pyvenv.cfg").is_file()
    ]
    return kept | {
        "HOME": str(home),
        "USER": USER,
        "LOGNAME": USER,
        "PATH": os.pathsep.join(path),
        "VIRTUAL_ENV": str(bin_dir.parent),
    }


def _usable_by(prefix: tuple[str, ...], python: str) -> bool:
    done = subprocess.run([*prefix, python, "-c", "pass"], capture_output=True, check=False)
    return done.returncode == 0


IDENTITY = (("user.name", "Adoption Run"), ("user.email", "adoption@example.invalid"))


def make_runner() -> Runner:
    if os.geteuid() != 0:
        return Runner(sys.executable)
    if subprocess.run(["id", "-u", USER], capture_output=True, check=False).returncode:
        subprocess.run(["useradd", "--create-home", USER], check=True)
    home = Path(pwd.getpwnam(USER).pw_dir)
    prefix = ("runuser", "-u", USER, "--")
    for key, value in IDENTITY:  # a maintainer's git has one (bump-my-version's tests commit)
        command = [*prefix, "env", f"HOME={home}", "git", "config", "--global", key, value]
        subprocess.run(command, check=True)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    candidates = [os.path.realpath(sys.executable), shutil.which(version), f"/usr/bin/{version}"]
    python = next((c for c in candidates if c and _usable_by(prefix, c)), None)
    if python is None:
        raise SystemExit(f"no {version} that {USER} can run: {candidates}")
    venv = home / "adoption-venv"
    shutil.rmtree(venv, ignore_errors=True)
    uv = shutil.which("uv") or "uv"
    subprocess.run([uv, "venv", "--quiet", "--python", python, str(venv)], check=True)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--python",
            str(venv / "bin" / "python"),
            "-e",
            str(HERE.parent),
            "-e",
            str(HERE.parent / "pytest_plugin"),
            *TOOLS,
        ],
        check=True,
    )
    for tool, requirement in APART.items():
        own = home / f"{tool}-venv"
        shutil.rmtree(own, ignore_errors=True)
        subprocess.run([uv, "venv", "--quiet", "--python", python, str(own)], check=True)
        python_of = ["--python", str(own / "bin" / "python")]
        subprocess.run([uv, "pip", "install", "--quiet", *python_of, requirement], check=True)
        (venv / "bin" / tool).symlink_to(own / "bin" / tool)
        subprocess.run(["chown", "-R", f"{USER}:", str(own)], check=True)
    subprocess.run(["chown", "-R", f"{USER}:", str(venv)], check=True)
    env = user_environment(home, venv / "bin", dict(os.environ))
    return Runner(str(venv / "bin" / "python"), prefix, env, USER)


@contextlib.contextmanager
def unroutable() -> Iterator[tuple[str, ...]]:
    """For the run, packets to ``UNROUTABLE`` are dropped, as a normal network drops them (only
    where run as root with iptables; elsewhere the network is left as it is). The rule carries
    this process's id, so runs side by side each add and remove their own; yields the rule."""
    tag = f"releasekit adoption {os.getpid()}"
    rule = ("OUTPUT", "-d", UNROUTABLE, "-m", "comment", "--comment", tag, "-j", "DROP")
    added = (
        os.geteuid() == 0
        and shutil.which("iptables") is not None
        and subprocess.run(["iptables", "-I", *rule], capture_output=True, check=False).returncode
        == 0
    )
    try:
        yield rule
    finally:
        if added:
            subprocess.run(["iptables", "-D", *rule], capture_output=True, check=False)


def make_repository(project: Project, sdist: Path, base: Path) -> Path:
    with tarfile.open(sdist) as archive:
        archive.extractall(base / "unpacked", filter="data")
    (top,) = (base / "unpacked").iterdir()
    repo = base / project.name  # as `git clone` names it (plumbum's tests look for their name)
    top.rename(repo)
    (repo / "PKG-INFO").unlink(missing_ok=True)  # generated by the build, not in the repository
    for generated in repo.glob("**/*.egg-info"):  # egg_info's output; a test's data stays
        inside = set(generated.relative_to(repo).parts[:-1])
        if generated.is_dir() and not inside.intersection(TEST_DIRS):
            shutil.rmtree(generated)
    if not (repo / ".gitignore").exists():
        (repo / ".gitignore").write_text(GITIGNORE)
    ignore = (repo / ".gitignore").read_text()
    for rel in scm_version_files(repo):  # written by each build; a repository ignores it
        (repo / rel).unlink(missing_ok=True)
        if rel not in ignore:
            ignore += f"{'' if ignore.endswith(chr(10)) else chr(10)}/{rel}\n"
    (repo / ".gitignore").write_text(ignore)
    restore_versioneer(repo)
    remote = remote_of(base, project)
    git(base, "init", "-q", "--bare", "-b", "main", str(remote))
    for args in (
        ("init", "-q", "-b", "main"),
        *(("config", key, value) for key, value in IDENTITY),
        ("config", "commit.gpgsign", "false"),
        ("add", "-A"),
        ("commit", "-q", "-m", f"{project.name} {project.version} from its sdist"),
        ("tag", "-a", project.tag(project.version), "-m", "release"),
        ("remote", "add", "origin", remote.as_uri()),  # a URL, as a maintainer's origin is
        ("push", "-q", "origin", "main", "--tags"),
    ):
        git(repo, *args)
    return repo


#: What `versioneer install` writes as the repository's ``_version.py`` (versioneer's own
#: ``do_setup``); the sdist has the static copy its build wrote instead, which never changes.
VERSIONEER_TEMPLATE = """
import versioneer
cfg = versioneer.get_config_from_root(".")
with open(cfg.versionfile_source, "w") as f:
    f.write(versioneer.LONG_VERSION_PY[cfg.VCS] % {
        "DOLLAR": "$", "STYLE": cfg.style, "TAG_PREFIX": cfg.tag_prefix,
        "PARENTDIR_PREFIX": cfg.parentdir_prefix, "VERSIONFILE_SOURCE": cfg.versionfile_source,
    })
"""


def remote_of(base: Path, project: Project) -> Path:
    """The bare remote, named as the project's repository is (pytest-perf names the upstream
    package after it)."""
    return base / f"{project.name}.git"


def remote_tags(remote: Path, runner: Runner) -> set[str]:
    """The tags pushed to the bare remote."""
    return set(git(remote, "tag", "--list", runner=runner).split())


#: A line that starts a changelog entry: at its start the version, after heading or list markup,
#: bold, a ``[``, or a word like "Version" (``## [1.2.3]``, ``+ Version 2.21``, ``**1.3.0**``), or
#: the Sphinx changelog's indented ``:version: 1.3.11``, or after a GNU ChangeLog's date and name
#: (``2025-04-24<TAB>unidecode 1.4.0``). Indented prose never is.
ENTRY_LINE = re.compile(
    r"^(?:[#*+=\-\[][#*+=\-\[ \t]*)?(?:\d{4}-\d\d-\d\d[ \t]+(?:[\w.-]+[ \t]+)?)?"
    r"(?:(?:version|release)\b\s*|v(?=\d))?"
    r"(\d+(?:\.\d+)+(?:[a-z]+\d*)*)"
    r"|^\s+:version:\s*(\d+(?:\.\d+)+(?:[a-z]+\d*)*)",
    re.IGNORECASE,
)


#: A year near an entry's line: its date (cssselect's ``Released on 2025-03-10.`` below it).
YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
#: A compare URL in an entry's line (GitHub's, GitLab's ``/-/compare/``): its ``A...B``.
COMPARE_URL = re.compile(r"/compare/([^\s()\[\]<>]+?\.\.\.[^\s()\[\]<>]+)")


def changelog_misplaced(repo: Path, project: Project, planned: str, runner: Runner) -> str:
    """Why the release commit's changelog entry is wrong (empty when it is not): in each changed
    changelog whose entries name the release and the last one, the release's entry must come
    first (series headings such as Mako's ``1.3`` above both are no release), written as an entry
    like the last one's (pyfakefs' was written in the shape of a "Planned changes (6.0.0)"
    heading), its line, or a line after it, must not repeat the last release's date (bleach's
    was copied), nor lack a date where the last one's has one (cssselect's "Released on" line
    was left out), and a compare link in its line must go from the last release's tag to this
    one's (Faker's, structlog's and charset-normalizer's were the last entry's), and be there
    where the last entry's line has one (structlog's keep-a-changelog headings)."""
    changed = git(repo, "show", "--name-only", "--format=", "HEAD", runner=runner).splitlines()
    logs = [rel for rel in changed if _changelog_named(Path(rel).name)]
    if not logs:
        return _entry_missing(repo, project, planned)
    for rel in logs:
        path = repo / rel
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        entries = [
            (number, m[1] or m[2])
            for number, line in enumerate(text.splitlines(), 1)
            if (m := ENTRY_LINE.match(line))
        ]
        new = next((n for n, v in entries if v == planned), None)
        old = next((n for n, v in entries if v == project.version), None)
        if new is not None and old is not None and new > old:
            return f"{rel}: the {planned} entry is at line {new}, below {project.version}'s"
        if new is None and old is not None and planned in text:  # pyfakefs' "Planned (X)"
            return f"{rel}: {planned} is written, but not as an entry like {project.version}'s"
        if new is not None and old is not None:
            lines = text.splitlines()
            for k in range(3):  # the entry's line and the two after it (a "Released" line)
                was = (
                    lines[old - 1 + k].replace(project.version, "X")
                    if old + k <= len(lines)
                    else ""
                )
                now = lines[new - 1 + k].replace(planned, "X") if new + k <= len(lines) else ""
                if was == now and re.search(r"\d", was):
                    return f"{rel}: the {planned} entry at line {new + k} copies the last date"
            was_dated = YEAR.search(
                "\n".join(lines[old - 1 : old + 3]).replace(project.version, "")
            )
            if was_dated and not YEAR.search(
                "\n".join(lines[new - 1 : new + 3]).replace(planned, "")
            ):
                return f"{rel}: the {planned} entry has no date where {project.version}'s has one"
            link = COMPARE_URL.search(lines[new - 1])
            wanted = f"{project.tag(project.version)}...{project.tag(planned)}"
            if link is not None and link[1] != wanted:
                return f"{rel}: the {planned} entry links the changes {link[1]}, not {wanted}"
            if link is None and COMPARE_URL.search(lines[old - 1]):
                last = project.version
                return f"{rel}: the {planned} entry has no compare link where {last}'s has one"
    return ""


def restore_versioneer(repo: Path) -> None:
    """A vendored versioneer's ``_version.py`` as the repository has it (toolz)."""
    config = (repo / "setup.cfg").read_text() if (repo / "setup.cfg").is_file() else ""
    if (repo / "versioneer.py").is_file() and "[versioneer]" in config:
        subprocess.run([sys.executable, "-c", VERSIONEER_TEMPLATE], cwd=repo, check=True)


def scm_version_files(repo: Path) -> list[str]:
    """The version file a VCS version plugin writes at build time (setuptools-scm's and flit-scm's
    ``write_to``/``version_file``, hatch-vcs's ``version-file``): the sdist has it, the project's
    repository ignores it."""
    pyproject = repo / "pyproject.toml"
    tool = tomllib.loads(pyproject.read_text()).get("tool", {}) if pyproject.is_file() else {}
    scm = tool.get("setuptools_scm", {})
    hook = tool.get("hatch", {}).get("build", {}).get("hooks", {}).get("vcs", {})
    found = (scm.get("write_to"), scm.get("version_file"), hook.get("version-file"))
    return [rel for rel in found if isinstance(rel, str)]


def _version_source(repo: Path, project: dict[str, Any], tool: dict[str, Any], build: str) -> str:
    if "version" in project:
        return "static"
    if "version" in tool.get("poetry", {}):
        return "[tool.poetry]"
    if "version" in tool.get("hatch", {}):
        hatch = tool["hatch"]["version"]
        return "hatch-vcs" if hatch.get("source") == "vcs" else f"hatch path {hatch.get('path')}"
    if "version" in tool.get("pdm", {}):
        return f"pdm {tool['pdm']['version'].get('source')}"
    if "version" in tool.get("setuptools", {}).get("dynamic", {}):
        return "setuptools attr"
    if "setuptools_scm" in tool or "setuptools-scm" in build or "setuptools_scm" in build:
        return "setuptools-scm"
    if (repo / "versioneer.py").is_file():
        return "versioneer"
    if "flit" in build:
        return "flit __version__"
    if "calver" in build:
        return "calver plugin"
    for name in ("setup.cfg", "setup.py"):
        if (repo / name).is_file() and "version" in (repo / name).read_text(encoding="utf-8"):
            return name
    return "?"


def describe_shape(repo: Path) -> str:
    """backend / version source / changelog kind, as a person reading the files would say."""
    data: dict[str, Any] = {}
    if (repo / "pyproject.toml").is_file():
        data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    build = data.get("build-system", {})
    backend = str(build.get("build-backend", "setuptools (legacy)"))
    backend = backend.partition(".")[0].replace("_core", "").replace("poetry", "poetry-core")
    tool = data.get("tool", {})
    source = _version_source(repo, data.get("project", {}), tool, str(build))
    if "towncrier" in tool:
        changelog = "towncrier"
    else:
        found = sorted(
            p.name for p in repo.iterdir() if p.is_file() and p.stem.upper() in CHANGELOG_STEMS
        )
        changelog = found[0] if found else _readme_changelog(repo)
    notes = _notes_directory(repo) if changelog == "none" else None
    if notes is not None:
        changelog = f"per-version {notes.relative_to(repo).as_posix()}/"
    return f"{backend} / {source} / {changelog}"


#: Directories of one file of notes per release (rfc3986's docs/source/release-notes/2.0.0.rst)
#: and the files in them: ``2.0.0.rst``, ``v2.3.0.rst``, ``2.3.0-notes.rst``.
NOTES_DIRECTORIES = (
    "changelog", "changes", "release-notes", "release_notes", "releases", "release", "whatsnew"
)  # fmt: skip
NOTES_FILE = re.compile(r"v?(\d+(?:\.\d+)+)(?:-notes)?\.(?:md|rst|txt)")


def _notes_directory(repo: Path) -> Path | None:
    """A directory at most three levels down, named as such directories are, holding at least
    two files of one release's notes; None without one."""
    found = [*repo.glob("*/"), *repo.glob("*/*/"), *repo.glob("*/*/*/")]
    for path in sorted(p for p in found if not p.relative_to(repo).as_posix().startswith(".")):
        named = path.name.lower() in NOTES_DIRECTORIES and not path.is_symlink()
        if named and sum(bool(NOTES_FILE.fullmatch(p.name)) for p in path.iterdir()) >= 2:
            return path
    return None


#: A README's section title that names its changelog (parse's ``Changelog``, wcwidth's
#: ``History``), as its own line, after Markdown's ``#`` if any.
README_CHANGELOG = re.compile(
    r"^(?:#+[ \t]*)?(?:change[ -]?log|changes|history|release notes)[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


def _changelog_named(name: str) -> bool:
    upper = name.upper()
    return "CHANGELOG" in upper or upper.startswith((*CHANGELOG_STEMS, "README"))


def _entry_missing(repo: Path, project: Project, planned: str) -> str:
    """Why a release that changed no changelog is wrong (empty when it is not): a changelog at
    the top of the tree, or a README's changelog section, with the last release's entry
    (tabulate's CHANGELOG, whose ``- 0.9.1: Future version.`` counted as written)."""
    for path in sorted(p for p in repo.iterdir() if p.is_file() and _changelog_named(p.name)):
        if project.version in _entry_versions(path):
            return f"{path.name}: no {planned} entry, where {project.version}'s is"
    notes = _notes_directory(repo)
    if notes is not None:
        versions = {m[1] for p in notes.iterdir() if (m := NOTES_FILE.fullmatch(p.name))}
        if project.version in versions and planned not in versions:
            rel = notes.relative_to(repo).as_posix()
            return f"{rel}/: no {planned} file, where {project.version}'s is"
    return ""


def _readme_changelog(repo: Path) -> str:
    """``README.rst section`` when a README has a changelog section with entries after it."""
    for path in sorted(p for p in repo.glob("README*") if p.is_file()):
        if _entry_versions(path):
            return f"{path.name} section"
    return "none"


def _entry_versions(path: Path) -> list[str]:
    """The versions a changelog file's entries name; for a README, those after its changelog
    section's title (none without one)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.name.upper().startswith("README"):
        title = README_CHANGELOG.search(text)
        text = text[title.end() :] if title else ""
    return [m[1] or m[2] for m in map(ENTRY_LINE.match, text.splitlines()) if m]


def expected_patch(current: str) -> str:
    """What ``release patch`` must plan: the next patch, or the unreleased version it finishes."""
    now = Version(current)
    if now.is_prerelease and now.pre is None and now.post is None:  # X.devN -> X
        return now.base_version
    release = [*now.release, 0, 0][:3]
    if now.pre is not None:
        return ".".join(map(str, now.release))
    return f"{release[0]}.{release[1]}.{release[2] + 1}"


def metadata_version(path: Path) -> str:
    if path.name.endswith(".whl"):
        with zipfile.ZipFile(path) as wheel:
            name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
            text = wheel.read(name).decode()
    else:
        with tarfile.open(path) as sdist:
            member = next(
                m
                for m in sdist.getmembers()
                if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO")
            )
            handle = sdist.extractfile(member)
            text = handle.read().decode() if handle else ""
    return str(email.parser.Parser().parsestr(text)["Version"])


def failed_step(repo: Path) -> str:
    journals = sorted((repo / ".releasekit").glob("**/*.jsonl"))
    for journal in reversed(journals):
        for line in reversed(journal.read_text(encoding="utf-8").splitlines()):
            event = json.loads(line)
            if event.get("event") == "failed":
                return str(event.get("step", ""))
    return ""


def error_line(output: str) -> str:
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    if errors:
        return errors[0]
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


@functools.cache
def audit_env() -> dict[str, str]:
    """verify audits dependencies against OSV; where this machine cannot reach it, the run
    says so through releasekit's own one-run switch (never ``--skip``)."""
    from releasekit.audit import OSV_URL, SKIP_ENV

    body = json.dumps({"package": {"name": "pip", "ecosystem": "PyPI"}, "version": "0"})
    request = urllib.request.Request(  # noqa: S310 - https
        OSV_URL, data=body.encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10):  # noqa: S310
            return {}
    except OSError as exc:
        return {SKIP_ENV: f"adoption run: the OSV API is unreachable from this machine ({exc})"}


#: The process groups of the releases under way (each runs in a session of its own).
RUNNING: set[int] = set()


def _kill_group(group: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signal.SIGKILL)


def releasekit(
    runner: Runner, repo: Path, env: dict[str, str], timeout: float, *args: str
) -> tuple[int, str]:
    """Run releasekit in a session of its own: at the time limit the whole process group goes
    (the gate's pytest included), not only the ``runuser`` in front of it."""
    argv = [*runner.prefix, runner.python, "-m", "releasekit", *args]
    with subprocess.Popen(
        argv, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    ) as proc:  # fmt: skip
        RUNNING.add(proc.pid)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc.pid)
            out, err = proc.communicate()
            return -1, out + err + f"\nTIMEOUT after {timeout:.0f} s"
        finally:
            RUNNING.discard(proc.pid)
    return proc.returncode, out + err


@contextlib.contextmanager
def stopped_cleanly(pool: concurrent.futures.Executor | None = None) -> Iterator[None]:
    """A run stopped by SIGTERM or Ctrl-C drops the projects not started, kills the releases
    under way and leaves through the ``with`` blocks: the DROP rule and the cutoff index go."""

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except BaseException:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        for group in list(RUNNING):
            _kill_group(group)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)


def hatch_env(base: Path) -> dict[str, str]:
    """hatch's environments for the project in its own directory: hatch keeps them in the
    user's home, named after the project's path, and a later run in the same ``--keep``
    directory found the last run's environment. Its editable install pointed at the old tree,
    so platformdirs' ``version.py``, which hatch-vcs writes when it installs, was never written
    into the new one."""
    return {"HATCH_DATA_DIR": str(base / "hatch")}


#: hatchling 1.27 and later need packaging>=24.2, uploaded 2024-11-08: under an earlier cutoff
#: packaging resolves as of the day after, not today (today's packaging failed traitlets'
#: pytest-mypy-testing cases in verify; 24.2 does not). The rest keeps the cutoff.
HATCHLING_PACKAGING = dt.datetime(2024, 11, 9, tzinfo=dt.UTC)


def todays_backend(repo: Path, base: Path, *, locked: bool, cutoff: dt.datetime) -> dict[str, str]:
    """hatchling as of today under the resolution cutoff (a uv configuration file with
    ``exclude-newer-package``: uv has no variable for it). The week's hatchling (1.24 to 1.26)
    wrote ``License-Expression`` under Metadata-Version 2.3, which PyPI took then and today's
    twine and PyPI refuse: the artifacts are judged today, so they are built as a maintainer
    builds them today (execnet, mkdocs, towncrier, pytest-metadata). Only for a project whose
    build requires hatchling and that resolves under the cutoff (a locked one builds with
    today's backend already)."""
    try:
        requires = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["build-system"][
            "requires"
        ]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        return {}
    if locked or "hatchling" not in {requirement_name(str(r)) for r in requires}:
        return {}
    dates = {"hatchling": dt.datetime.now(dt.UTC)}
    if cutoff < HATCHLING_PACKAGING:
        dates["packaging"] = HATCHLING_PACKAGING
    config = base / "uv.toml"
    lines = [f'"{name}" = "{when:%Y-%m-%dT%H:%M:%SZ}"' for name, when in dates.items()]
    config.write_text("[exclude-newer-package]\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return {"UV_CONFIG_FILE": str(config)}


def maintainer_signals() -> None:
    """The releases get the signal dispositions of a maintainer's shell: a shell starting a
    background job without job control (``cmd &`` in a script, nohup) has it ignore SIGINT and
    SIGQUIT, and an ignored signal stays ignored in every program it starts. Tests that
    interrupt themselves then fail (sh's, pytest-cov's, ecdsa's)."""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # SIG_DFL in the children
    if signal.getsignal(signal.SIGQUIT) == signal.SIG_IGN:
        signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def run_one(
    project: Project, workdir: Path, timeout: float, runner: Runner, pip: CutoffIndex
) -> Outcome:
    outcome = Outcome(project)
    started = time.monotonic()
    base = workdir / project.name
    shutil.rmtree(base, ignore_errors=True)  # a kept directory of an earlier run
    try:
        sdist, uploaded, wheels = download(project)
        repo = make_repository(project, sdist, base)
        previous = seed_index(base / "index", [sdist, *wheels])
        if runner.owner:
            subprocess.run(["chown", "-R", f"{runner.owner}:", str(base)], check=True)
    except (OSError, RuntimeError, subprocess.CalledProcessError, tarfile.TarError) as exc:
        outcome.result, outcome.step, outcome.error = "setup failed", "download", str(exc)
        return outcome
    outcome.shape = describe_shape(repo)
    outcome.planned = expected_patch(project.version)
    index = base / "index"
    tmp = Path(tempfile.mkdtemp(prefix="rk-"))  # short: tests put sockets below it
    if runner.owner:
        subprocess.run(["chown", f"{runner.owner}:", str(tmp)], check=True)
    locked = (repo / "uv.lock").is_file()
    env = runner.environ(
        {"RELEASEKIT_INDEX_DIR": str(index), "NO_COLOR": "1", "COLUMNS": "200", "TMPDIR": str(tmp)}
        | hatch_env(base)
        | resolution_env(
            uploaded, locked=locked, pip=pip, tox_locked=locked and tox_reads_lock(repo)
        )
        | audit_env()
        | todays_backend(repo, base, locked=locked, cutoff=resolution_cutoff(uploaded))
    )
    code, output = releasekit(runner, repo, env, timeout, "init")
    if code == 0 and git(repo, "status", "--porcelain", runner=runner):
        git(repo, "add", "-A", runner=runner)
        git(repo, "commit", "-q", "-m", "Set up releasekit", runner=runner)
    if code == 0:  # what the maintainer asks first; it changes nothing
        left = max(timeout - (time.monotonic() - started), 1.0)
        outcome.doctor, _ = releasekit(runner, repo, env, min(left, 300.0), "doctor")
        left = max(timeout - (time.monotonic() - started), 1.0)
        before = dt.datetime.now(dt.UTC)
        code, output = releasekit(
            runner, repo, env, left, "release", "patch", "--to", "local", "--yes"
        )
        if project.calendar:  # the date when the release was planned, in the plugin's format
            dates = (before, dt.datetime.now(dt.UTC))
            versions = dict.fromkeys(str(Version(d.strftime(project.calendar))) for d in dates)
            found = re.search(r"^Release \S+ -> (\S+) ", output, re.M)
            outcome.planned = found[1] if found and found[1] in versions else next(iter(versions))
        step = failed_step(repo)
    else:
        step = "init"
    (base / "releasekit.log").write_text(output, encoding="utf-8")  # kept with --keep
    shutil.rmtree(tmp, ignore_errors=True)
    files = sorted(p for p in index.iterdir() if p.is_file() and p.name not in previous)
    tagged = project.tag(outcome.planned) in remote_tags(remote_of(base, project), runner)
    judge(outcome, code, files, step, tagged=tagged)
    outcome.seconds = time.monotonic() - started
    if outcome.result == "wrong tag":
        outcome.error = f"the remote has no tag {project.tag(outcome.planned)}, the project's style"
    elif outcome.result == "released" and (
        misplaced := changelog_misplaced(repo, project, outcome.planned, runner)
    ):
        outcome.result, outcome.step, outcome.error = "wrong changelog", "changelog", misplaced
    elif outcome.result != "released":
        outcome.error = error_line(output).replace(f"{repo}/", "")
    return outcome


def seed_index(index: Path, files: list[Path]) -> set[str]:
    """Put the pinned release's sdist and wheels on the embedded index the release goes to, as
    the last release is on a maintainer's index (verify compares the new wheels with them, and a
    key the scan finds with the file the last release published); their names, which are not
    this release's uploads."""
    index.mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy2(file, index / file.name)
    return {file.name for file in files}


def judge(outcome: Outcome, code: int, files: list[Path], step: str, *, tagged: bool) -> None:
    """The result of one release: what reached the index, and whether the remote has the tag
    in the project's style."""
    outcome.uploaded = [p.name for p in files]
    outcome.wrong = [
        f"{p.name} says {v}" for p in files if (v := metadata_version(p)) != outcome.planned
    ]
    if outcome.wrong:
        outcome.result = "WRONG VERSION"
    elif code == 0 and files and not tagged:
        outcome.result, outcome.step = "wrong tag", "tag"
    elif code == 0 and files:
        outcome.result = "released"
    elif code == -1:
        outcome.result, outcome.step = "timeout", step
    else:
        outcome.result = f"failed (exit {code})" if code else "nothing uploaded"
        outcome.step = step or EXIT_STEP.get(code, "")


# ---------------------------------------------------------------- report

POLICY = """\
Policy: the gate is whatever releasekit detects for the project (its nox, tox or hatch
test environment, else pytest in a venv with its test dependencies); `--skip` is never
used and each project has a time limit. The environment is a maintainer's at release time:

- nox, tox (with tox-uv), hatch and uv are installed next to releasekit. tox-uv's
  environments are seeded with pip and setuptools (`TOX_OVERRIDE=testenv.uv_seed=true`), as
  plain tox's virtualenv seeds them: projects not written for tox-uv rely on that.
- Dependencies resolve as of the release: `UV_EXCLUDE_NEWER` is the pinned sdist's
  `upload-time` (PEP 700, from the simple index) plus 7 days, so releasekit's venvs,
  tox-uv and hatch install what the maintainers had that week, not today's versions that
  break an old test suite; but never before the run's Python was released (3.11:
  2022-10-24): a maintainer releasing on it has dependencies that work there, and a week of
  2020 gives a pytest that cannot import on 3.11. A project with a `uv.lock` keeps its
  lock's resolution (uv rejects a lock made without the cutoff): only its tox
  environments, where they do not install from the lock (tox-uv's `uv-venv-lock-runner`),
  get the cutoff, through `set_env` (`TOX_OVERRIDE`). pip, inside the projects' own tools
  (tox 3 provisioned by python-dateutil's `requires = tox<4`, nox's virtualenv backend),
  gets the same cutoff through `PIP_INDEX_URL`: a local index (`benchmarks/cutoff_index.py`)
  that lists PyPI's files uploaded up to the cutoff and links to them. pip reads no
  configuration file (`PIP_CONFIG_FILE=/dev/null`): this machine's pip.conf adds local
  mirrors with newer files. Not pip's `--uploaded-prior-to`: the pips inside those tools
  are older than it, and it refuses the local index the release goes to. The exception is
  the build backend hatchling, which resolves as of today (and packaging, which it needs
  at 24.2, as of that release where the cutoff is earlier)
  (`exclude-newer-package` in a `UV_CONFIG_FILE`): the week's hatchling wrote
  `License-Expression` under Metadata-Version 2.3, which today's twine and PyPI refuse, and
  the artifacts are judged today.
- The embedded index the release goes to already has the pinned release's sdist and
  pure-Python wheels from PyPI, as a maintainer's index has the last release: verify compares
  the new wheels with them (a file the last release shipped must not go missing), and a key
  the content scan finds with the file the last release published. They are not counted as
  the release's uploads.
- The bare remote is `origin` by a `file://` URL and named after the project
  (`importlib-metadata.git`), as a maintainer's origin is a URL named after the repository:
  pytest-perf (jaraco's projects) installs the upstream version from it. The repository
  itself is named as `git clone` names it (`importlib-metadata/`): plumbum's tests expect
  `plumbum` in their path.
- Maintainers do not release as root: run as root, the harness creates the user
  `rkadopt` and runs each release as that user (`runuser`), with a venv of its own
  (releasekit and the tools on a Python it can read), the work directories its own, and a
  git identity in its `~/.gitconfig`, as a maintainer's git has (test suites commit).
- Each release has a temporary directory of its own (`TMPDIR`): a maintainer releases one
  project at a time, and click's pager tests share one fixed file in it.
- Each project has hatch's environments to itself (`HATCH_DATA_DIR` in its directory): hatch
  names them after the project's path, and a reused `--keep` directory found the last run's.
- The releases get a maintainer's shell's signal dispositions: started in the background of a
  script, the harness inherits SIGINT and SIGQUIT ignored, and restores them before it starts
  anything (sh's, pytest-cov's and ecdsa's tests interrupt themselves).
- `REQUESTS_CA_BUNDLE` and `CURL_CA_BUNDLE`, which this machine sets and a maintainer's
  shell does not, are left out: requests lets them override a test's own `verify=`.
- This machine's network accepts a TCP connection to any address; a maintainer's drops
  packets to an unroutable one. Run as root, the harness drops packets to `10.255.255.1`
  (iptables, for the run), the address requests' connect-timeout tests expect no answer from.
- This machine cannot reach the OSV API; where that is so, verify's dependency audit is
  turned off for the run with `RELEASEKIT_AUDIT_SKIP` and the reason (the audit is not what
  this run measures).

- Programs some test suites run, which those projects' maintainers have, are installed on
  this machine (Debian packages): Mercurial (`hg`: bump-my-version's tests) and pandoc
  (scriv's), and the `en_US.UTF-8` locale (`locales`, `locale-gen`: natsort's README
  doctests set it). The release user has pdm in a venv of its own, as `uv tool install pdm`
  gives it (cattrs' tox environments run `pdm sync`).

A test suite that still cannot pass here (it needs the network or another Python) fails,
and says so."""


def table(outcomes: list[Outcome]) -> str:
    rows = [
        "| project | version | shape (backend / version source / changelog) | result "
        "| failing step | ERROR line | s |",
        "|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        # brackets escaped: "[cmd2 [cmd2_opts] ...]" (invoke's usage) is no link to mkdocs
        error = re.sub(r"([|\[\]])", r"\\\1", o.error).replace("\n", " ")
        if len(error) > 300:
            error = error[:297] + "..."
        rows.append(
            f"| {o.project.name} | {o.project.version} -> {o.planned} | `{o.shape}` | {o.result} "
            f"| {o.step} | {error} | {o.seconds:.0f} |"
        )
    return "\n".join(rows)


def figures(outcomes: list[Outcome]) -> str:
    released = sum(o.result == "released" for o in outcomes)
    wrong = sum(bool(o.wrong) for o in outcomes)
    tags = sum(o.result == "wrong tag" for o in outcomes)
    logs = sum(o.result == "wrong changelog" for o in outcomes)
    ready = sum(o.doctor == 0 for o in outcomes)
    missed = [o.project.name for o in outcomes if o.doctor_missed]
    rate = released / len(outcomes) if outcomes else 0.0
    return (
        f"{released}/{len(outcomes)} released with no edit ({rate:.0%}); "
        f"wrong versions uploaded: {wrong}; wrong tags: {tags}; misplaced changelog entries: {logs}"
        f"; doctor said ready for {ready}, and preflight then refused {len(missed)}"
        + (f" ({', '.join(missed)})" if missed else "")
    )


def write_markdown(path: Path, outcomes: list[Outcome], seconds: float) -> None:
    import releasekit

    date = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    version = getattr(releasekit, "__version__", "?")
    head = git(HERE.parent, "rev-parse", "--short", "HEAD")
    path.write_text(
        "# Adoption: real projects released unmodified\n\n"
        "`nox -s adoption` downloads the sdists of popular pure-Python projects at pinned\n"
        "versions, makes each a git repository with a bare remote and the current version's tag\n"
        "in the project's style, and runs `releasekit init` then\n"
        "`releasekit release patch --to local --yes` with no other edit (the project's default\n"
        "gate, a private local index). Every uploaded file's metadata version is compared with\n"
        "the planned one, the remote must have the release's tag in the project's own style,\n"
        "and a changelog the release wrote must have the new entry above the others, without\n"
        "the last release's date copied into it, with a date where the last entry has one, and\n"
        "with a compare link, if it has one, from the last release's tag to this one's; a\n"
        "release that wrote no entry where a changelog at the top of the tree (or a README's\n"
        "changelog section) has the last release's is a wrong changelog too. See\n"
        "`benchmarks/adoption.py` for the exact procedure.\n\n"
        f"{POLICY}\n\n"
        f"Run: {date}, releasekit {version} at `{head}`, {len(outcomes)} projects in "
        f"{seconds / 60:.1f} min.\n\n"
        f"**{figures(outcomes)}.**\n\n"
        f"{table(outcomes)}\n",
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", choices=["all", "ci", "holdout"], default="all")
    parser.add_argument("--only", nargs="*", default=[], help="project names to run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900, help="seconds per project")
    parser.add_argument("--markdown", type=Path, help=f"write the table there (e.g. {DOC})")
    parser.add_argument("--keep", type=Path, help="work here and keep the repositories")
    parser.add_argument(
        "--fail-under", type=float, default=0.0, help="exit 1 below this released fraction"
    )
    args = parser.parse_args(argv)
    chosen = [
        p
        for p in PROJECTS
        if {"all": True, "ci": p.ci, "holdout": p.holdout}[args.subset]
        and (not args.only or p.name in args.only)
    ]
    maintainer_signals()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="releasekit-adoption-"))
    workdir.mkdir(parents=True, exist_ok=True)
    runner = make_runner()
    if runner.owner:
        workdir.chmod(0o755)  # mkdtemp's 0700 would keep the unprivileged user out
    started = time.monotonic()
    outcomes: list[Outcome] = []
    with (
        unroutable(),
        CutoffIndex(INDEX) as pip,
        concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool,
        stopped_cleanly(pool),
    ):
        futures = [pool.submit(run_one, p, workdir, args.timeout, runner, pip) for p in chosen]
        for future in concurrent.futures.as_completed(futures):
            o = future.result()
            doctor = "" if o.doctor is None else f", doctor exit {o.doctor}"
            print(
                f"{o.project.name} {o.project.version}: {o.result} ({o.seconds:.0f} s{doctor})",
                flush=True,
            )
            outcomes.append(o)
    outcomes.sort(key=lambda o: chosen.index(o.project))
    seconds = time.monotonic() - started
    print(table(outcomes))
    print(figures(outcomes) + f"; {seconds / 60:.1f} min")
    for o in outcomes:
        for wrong in o.wrong:
            print(f"WRONG VERSION UPLOADED: {o.project.name}: {wrong}, planned {o.planned}")
    if args.markdown:
        write_markdown(args.markdown, outcomes, seconds)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    released = sum(o.result == "released" for o in outcomes)
    if any(o.wrong for o in outcomes) or any(o.doctor_missed for o in outcomes):
        return 1
    return 1 if outcomes and released / len(outcomes) < args.fail_under else 0


if __name__ == "__main__":
    sys.exit(main())
