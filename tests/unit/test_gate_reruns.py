"""Which failures the gate runs again (pytest's short test summary), and how each runner is
told to run only them."""

from __future__ import annotations

from releasekit.testenv import EnvSpec, rerun_argv
from releasekit.testoutput import MAX_RERUN, rerun_ids

FAILED = """\
tests/test_utils.py ..F.....F                                            [100%]
=========================== short test summary info ============================
FAILED tests/test_utils.py::test_echo_via_pager[test5-cat] - AssertionError: Unexpected pager output
FAILED tests/test_utils.py::test_pager[with space] - assert 'test' == ''
ERROR tests/test_net.py::test_retry - ConnectionResetError
========================= 2 failed, 1 error, 60 passed in 1.84s ==========================
"""
COLLECTION = """\
==================================== ERRORS ====================================
_____________________ ERROR collecting tests/test_isoparser.py _____________________
=========================== short test summary info ============================
ERROR tests/test_isoparser.py - pytest.PytestRemovedIn10Warning: Passing a no...
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
"""


def test_the_failed_and_errored_tests_are_named_with_their_parameters() -> None:
    assert rerun_ids(FAILED) == [
        "tests/test_utils.py::test_echo_via_pager[test5-cat]",
        "tests/test_utils.py::test_pager[with space]",
        "tests/test_net.py::test_retry",
    ]


def test_nothing_is_rerun_after_a_collection_error_or_too_many_failures() -> None:
    assert rerun_ids(COLLECTION) == []
    assert rerun_ids("ModuleNotFoundError: No module named 'trio'\n") == []
    many = "".join(f"FAILED tests/t.py::test_{n} - assert 0\n" for n in range(MAX_RERUN + 1))
    assert rerun_ids(many) == []
    assert len(rerun_ids(many.split("\n", 1)[1])) == MAX_RERUN


def test_each_runner_passes_the_ids_to_pytest() -> None:
    ids = ["tests/t.py::test_a"]
    tox = EnvSpec("tox", ("tox", "-e", "py311"), "tox.ini")
    assert rerun_argv(tox, ids) == ("tox", "-e", "py311", "--", "tests/t.py::test_a")
    nox = EnvSpec("nox", ("nox", "-s", "tests"), "noxfile.py")
    assert rerun_argv(nox, ids) == ("nox", "-s", "tests", "--", "tests/t.py::test_a")
    venv = EnvSpec("venv", ("-m", "pytest"), "venv")
    assert rerun_argv(venv, ids) == ("-m", "pytest", "tests/t.py::test_a")
    # pytest-releasekit's --gate would judge coverage of the subset; a configured command is
    # the user's own: neither is rerun
    assert rerun_argv(EnvSpec("venv", ("-m", "pytest", "--gate"), "v", plugin=True), ids) is None
    assert rerun_argv(EnvSpec("configured", ("make", "test"), "gate_command"), ids) is None
