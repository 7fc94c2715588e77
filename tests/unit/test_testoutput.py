"""Reading a test run's output: the one-line digest of a failure, the hint when a dependency is
missing, from outputs pytest really prints (pytest 8 and 9 as run by the gate)."""

from __future__ import annotations

from pathlib import Path

from releasekit.testoutput import failure_digest, missing_dependency_hint, missing_modules

PYTEST_FAILURE = """\
============================= test session starts ==============================
collected 5 items

tests/test_a.py .F                                                       [100%]

=================================== FAILURES ===================================
E       assert 3 == 2
=========================== short test summary info ============================
FAILED tests/test_a.py::test_two - assert 3 == 2
FAILED tests/test_a.py::test_three - assert 0
FAILED tests/test_a.py::test_four - assert 0
FAILED tests/test_a.py::test_five - assert 0
========================= 4 failed, 1 passed in 0.05s ==========================
nox > Command pytest failed with exit code 1
"""

COLLECTION_ERROR = """\
==================================== ERRORS ====================================
______________________ ERROR collecting tests/test_a.py ________________________
ImportError while importing test module '/p/tests/test_a.py'.
E   ModuleNotFoundError: No module named 'srclib'
=========================== short test summary info ============================
ERROR tests/test_a.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
1 error in 0.07s
"""


def test_failure_digest_names_the_failures_and_the_counts() -> None:
    digest = failure_digest(PYTEST_FAILURE)
    assert digest == (
        "FAILED tests/test_a.py::test_two - assert 3 == 2; FAILED tests/test_a.py::test_three - "
        "assert 0; FAILED tests/test_a.py::test_four - assert 0; (+1 more); "
        "4 failed, 1 passed in 0.05s"
    )


def test_failure_digest_of_a_collection_error() -> None:
    assert failure_digest(COLLECTION_ERROR) == (
        "ERROR tests/test_a.py; ModuleNotFoundError: No module named 'srclib'; 1 error in 0.07s"
    )


def test_failure_digest_of_other_output_is_its_last_lines() -> None:
    assert failure_digest("starting\nERROR: no such env py38\n") == (
        "starting; ERROR: no such env py38"
    )
    assert failure_digest("") == "(no output)"


# portalocker's tox.toml runs `pyright` from outside its environment (allowlist_externals),
# after mypy passed; tox 4.67's own lines
TOX_SPAWN_FAILURE = """\
py311: commands[0]> mypy --cache-dir=/dev/null --soft-error-limit=-1 .
Success: no issues found in 22 source files
py311: commands[1]> pyright
py311: Exception running subprocess [Errno 2] No such file or directory: 'pyright'
py311: exit 2 (0.00 seconds) /p> pyright
  py311: FAIL code 2 (14.04=setup[7.00]+cmd[7.03,0.00] seconds)
  evaluation failed :( (14.13 seconds)
"""


def test_failure_digest_names_the_command_tox_could_not_start() -> None:
    assert failure_digest(TOX_SPAWN_FAILURE) == (
        "py311: Exception running subprocess [Errno 2] No such file or directory: 'pyright'"
    )


def test_failure_digest_ignores_colours() -> None:
    coloured = (
        "\x1b[31mFAILED\x1b[0m t.py::x\n"
        "\x1b[31m=== \x1b[1m1 failed\x1b[0m\x1b[31m in 0.01s ===\x1b[0m\n"
    )
    assert failure_digest(coloured) == "FAILED t.py::x; 1 failed in 0.01s"


# `addopts = --cov=cookiecutter` with pytest-cov not installed (cookiecutter's sdist leaves out
# its test requirements): argparse's usage error, exit 4
USAGE_ERROR = """\
ERROR: usage: python -m pytest [options] [file_or_dir] [file_or_dir] [...]
python -m pytest: error: unrecognized arguments: --cov=cookiecutter --cov-report=term
  inifile: /p/setup.cfg
  rootdir: /p
"""

# httpx's `filterwarnings` names trio.TrioDeprecationWarning; without trio pytest cannot start
# (pytest 8.3: the ModuleNotFoundError; pytest 9: a PytestConfigWarning on top of it)
WARNED = (
    "pytest.PytestConfigWarning: Failed to import filter module 'trio': "
    "ignore::trio.TrioDeprecationWarning"
)
NO_START = f"""\
Traceback (most recent call last):
  File "/v/_pytest/config/__init__.py", line 2217, in _resolve_warning_category
    m = importlib.import_module(module)
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
ModuleNotFoundError: No module named 'trio'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/v/_pytest/config/__init__.py", line 2234, in apply_warning_filters
    warnings.warn(
{WARNED}
"""


def test_a_usage_error_names_the_unknown_options(tmp_path: Path) -> None:
    assert failure_digest(USAGE_ERROR) == (
        "error: unrecognized arguments: --cov=cookiecutter --cov-report=term"
    )
    hint = missing_dependency_hint(USAGE_ERROR, tmp_path)
    assert hint is not None
    assert "passes --cov=cookiecutter, an option of a pytest plugin that is not installed" in hint
    assert "test dependencies" in hint


def test_a_pytest_that_cannot_start_shows_the_traceback_s_exceptions(tmp_path: Path) -> None:
    assert failure_digest(NO_START) == (
        "ModuleNotFoundError: No module named 'trio'; pytest.PytestConfigWarning: Failed to "
        "import filter module 'trio': ignore::trio.TrioDeprecationWarning"
    )
    hint = missing_dependency_hint(NO_START, tmp_path)
    assert hint is not None and hint.startswith("the tests import trio, which neither the tree nor")


def test_a_module_of_the_tree_is_not_a_missing_dependency(tmp_path: Path) -> None:
    """The project's own package failing to import is not fixed by a dependency."""
    (tmp_path / "src" / "srclib").mkdir(parents=True)
    assert missing_dependency_hint(COLLECTION_ERROR, tmp_path) is None
    assert missing_dependency_hint(PYTEST_FAILURE, tmp_path) is None
    hint = missing_dependency_hint(COLLECTION_ERROR, tmp_path / "src" / "srclib")
    assert hint is not None and "the tests import srclib," in hint


def test_a_module_deeper_in_the_tree_asks_for_the_projects_own_test_command(
    tmp_path: Path,
) -> None:
    """argcomplete: pytest collects test/test_package/test_module.py, which imports the
    fixture package test/test_package/test_package that only its test script puts on
    sys.path. No dependency provides it: the advice is the project's own command."""
    inner = tmp_path / "test" / "test_package" / "srclib"
    inner.mkdir(parents=True)
    (inner / "__init__.py").write_text("")
    hint = missing_dependency_hint(COLLECTION_ERROR, tmp_path)
    assert hint is not None
    assert "which is in the tree (test/test_package/srclib) but not importable" in hint
    assert "gate_command" in hint and "test dependencies" not in hint
    (inner / "__init__.py").unlink()  # a directory that is no package is not it
    hint = missing_dependency_hint(COLLECTION_ERROR, tmp_path)
    assert hint is not None and "neither the tree nor" in hint


# shellingham 1.5.4's tests, its sdist without the Pipfile that lists pytest-mock
NO_FIXTURE = """\
==================================== ERRORS ====================================
___________________ ERROR at setup of test_get_shell[mapping0-result0] ___________________
file /p/tests/test_posix.py, line 40
  @pytest.mark.parametrize("mapping, result", [(MAPPING_EXAMPLE_KEEGANCSMITH, "xonsh")])
  def test_get_shell(mocker, environ, mapping, result):
E       fixture 'mocker' not found
>       available fixtures: cache, capfd, capsys, doctest_namespace, monkeypatch, tmp_path
>       use 'pytest --fixtures [testpath]' for help on them.

/p/tests/test_posix.py:40
=========================== short test summary info ============================
ERROR tests/test_posix.py::test_get_shell[mapping0-result0]
1 error in 0.02s
"""


def test_a_missing_fixture_names_the_plugin_that_provides_it(tmp_path: Path) -> None:
    hint = missing_dependency_hint(NO_FIXTURE, tmp_path)
    assert hint is not None
    assert hint.startswith(
        "the tests use the fixture 'mocker', which nothing installed where they ran provides: "
        "add pytest-mock, which provides it, to the project's test dependencies"
    )
    unknown = missing_dependency_hint(NO_FIXTURE.replace("'mocker'", "'tmp_repo'"), tmp_path)
    assert unknown is not None
    assert "fixture 'tmp_repo'" in unknown and "the pytest plugin that provides it" in unknown


UNITTEST_FAILURE = """\
..s.F..
======================================================================
FAIL: test_json (test_locators.LocatorTestCase.test_json)
----------------------------------------------------------------------
Traceback (most recent call last):
  File "/w/tests/test_locators.py", line 112, in test_json
AssertionError: '0.1.4' not found in {'urls': {}, 'digests': {}}

======================================================================
ERROR: test_package_data (test_util.UtilTestCase)
----------------------------------------------------------------------
Traceback (most recent call last):
OSError: no such file

----------------------------------------------------------------------
Ran 238 tests in 16.000s

FAILED (failures=1, errors=1, skipped=21)
"""


def test_failure_digest_names_the_tests_unittest_reports() -> None:
    """distlib's tox environment runs unittest: the ERROR line said only "FAILED (failures=4,
    skipped=21)"."""
    digest = failure_digest(UNITTEST_FAILURE)
    assert digest == (
        "FAILED test_locators.LocatorTestCase.test_json; "
        "ERROR test_util.UtilTestCase.test_package_data; "
        "FAILED (failures=1, errors=1, skipped=21)"
    ), digest


XDIST_FAILURE = """\
testing/acceptance_test.py::TestGroupScope::test_by_module FAILED
testing/test_lf.py::test_fail SKIPPED (could not import 'pexpect': No module named 'pexpect')
=========================== short test summary info ============================
SKIPPED [3] pytester.py:1554: could not import 'pexpect': No module named 'pexpect'
XFAIL testing/test_remote.py::test_x - reason: No module named 'execnet.gateway_io'
FAILED testing/acceptance_test.py::test_by_module - AssertionError: assert {'gw1': 3}
============ 1 failed, 215 passed, 6 skipped, 10 xfailed in 147.71s ============
"""


def test_a_skipped_test_s_missing_module_is_not_why_the_run_failed(tmp_path: Path) -> None:
    """pytest-xdist's tox run: three tests skip without pexpect, five fail on assertions; the
    hint blamed pexpect."""
    assert missing_dependency_hint(XDIST_FAILURE, tmp_path) is None
    failed = XDIST_FAILURE.replace(
        "AssertionError: assert {'gw1': 3}", "ModuleNotFoundError: No module named 'pexpect'"
    )
    hint = missing_dependency_hint(failed, tmp_path)
    assert hint is not None and hint.startswith("the tests import pexpect,")


def test_missing_modules_are_those_the_tree_does_not_have(tmp_path: Path) -> None:
    """oauthlib's ``jwt`` and a dotted ``cryptography.hazmat``, once each; the project's own
    package (a conftest importing it before install) and a skipped test's module are not."""
    (tmp_path / "src" / "oauthlib").mkdir(parents=True)
    output = "\n".join(
        [
            "E   ModuleNotFoundError: No module named 'jwt'",
            "ERROR tests/test_b.py - ModuleNotFoundError: No module named 'jwt'",
            "E   ModuleNotFoundError: No module named 'oauthlib'",
            "E   ModuleNotFoundError: No module named 'cryptography.hazmat'",
            "SKIPPED [1] tests/test_c.py:3: No module named 'pexpect'",
        ]
    )
    assert missing_modules(output, tmp_path) == ["jwt", "cryptography"]
