"""Bad options and settings of the plugin (issue 12's corpus, plugin part): each is one
``ERROR`` line naming the option and value, pytest's usage-error status 4, no traceback (no
``INTERNALERROR``), and nothing written: no shard directory, no report, no other file."""

from __future__ import annotations

import json
import os
import stat

import pytest

TEST_FILE = "def test_one():\n    pass\n"

# (id, command-line arguments, pyproject.toml text after [tool.pytest.ini_options], needles)
CASES = [
    ("shard-huge", ["--gate-shard=1/99999999999999999999"], "", ["--gate-shard", "at most"]),
    ("shard-zero", ["--gate-shard=0/2"], "", ["--gate-shard='0/2'", "1 <= K <= N"]),
    ("shard-over", ["--gate-shard=3/2"], "", ["--gate-shard='3/2'"]),
    ("shard-word", ["--gate-shard=x"], "", ["--gate-shard='x'"]),
    ("shard-no-n", ["--gate-shard=1/"], "", ["--gate-shard='1/'"]),
    ("shard-no-k", ["--gate-shard=/2"], "", ["--gate-shard='/2'"]),
    ("shard-negative", ["--gate-shard=-1/2"], "", ["--gate-shard='-1/2'"]),
    ("shard-n-zero", ["--gate-shard=1/0"], "", ["--gate-shard='1/0'"]),
    ("shard-three", ["--gate-shard=1/2/3"], "", ["--gate-shard='1/2/3'"]),
    ("shard-float", ["--gate-shard=1.5/2"], "", ["--gate-shard='1.5/2'"]),
    ("shard-unicode", ["--gate-shard=\u0661/\u0662\u0662\u0662\u0662\u0662"], "", ["--gate-shard"]),
    (
        "shard-dir-file",
        ["--gate-shard=1/2", "--gate-shard-dir=test_one.py"],
        "",
        ["--gate-shard-dir='test_one.py'", "is a file"],
    ),
    (
        "shard-dir-under-file",
        ["--gate-shard=1/2", "--gate-shard-dir=test_one.py/d"],
        "",
        ["--gate-shard-dir", "not a directory"],
    ),
    ("report-under-file", ["--gate-report=test_one.py/r.json"], "", ["--gate-report"]),
    ("history-short-ref", ["--gate-history=git:mine"], "", ["--gate-history='git:mine'", "ref"]),
    ("html-is-file", ["--gate-html=test_one.py"], "", ["--gate-html='test_one.py'", "is a file"]),
    ("report-is-dir", ["--gate-report=."], "", ["--gate-report='.'", "is a directory"]),
    (
        "ini-report-under-file",
        [],
        'releasekit_gate_report = "test_one.py/r.json"',
        ["--gate-report", "not a directory"],
    ),
    # outputs written at the end, where no file can be made: found before the tests run
    (
        "report-in-proc",
        ["--gate-report=/proc/releasekit/r.json"],
        "",
        ["--gate-report='/proc/releasekit/r.json'", "no file can be written in /proc"],
    ),
    (
        "shard-dir-in-proc",
        ["--gate-shard=1/2", "--gate-shard-dir=/proc/releasekit"],
        "",
        ["--gate-shard-dir='/proc/releasekit'", "no file can be written in /proc"],
    ),
    ("html-in-proc", ["--gate-html=/proc/releasekit"], "", ["--gate-html", "in /proc"]),
    ("tier-unknown", ["--tier=bogus"], "", ["--tier='bogus'", "unknown tier"]),
    ("tier-empty", ["--tier=,"], "", ["--tier"]),
    ("ini-tier-unknown", [], 'releasekit_tier = "bogus"', ["unknown tier 'bogus'"]),
    ("ini-gate-word", [], 'releasekit_gate = "maybe"', ["'maybe'"]),
    ("ini-auto-mark", [], 'releasekit_auto_mark = ["nonsense"]', ["releasekit_auto_mark"]),
    ("set-range", ["--gate-set=coverage_total=500"], "", ["coverage_total = 500", "percentage"]),
    ("set-word", ["--gate-set=coverage_total=abc"], "", ["coverage_total", "'abc'"]),
    ("set-unknown", ["--gate-set=nokey=1"], "", ["unknown key 'nokey'"]),
    ("set-no-equals", ["--gate-set=junk"], "", ["--gate-set 'junk'", "KEY=VALUE"]),
    ("set-no-key", ["--gate-set==1"], "", ["--gate-set '=1'"]),
    ("set-negative-count", ["--gate-set=min_tests.e2e=-1"], "", ["min_tests"]),
]

TABLES = [
    ("table-range", "[tool.releasekit.gate]\ncoverage_total = 500\n", ["coverage_total = 500"]),
    ("table-unknown", "[tool.releasekit.gate]\ncoverage = 90\n", ["unknown key 'coverage'"]),
    ("table-scalar", "[tool.releasekit]\ngate = 5\n", ["tool.releasekit.gate must be a table"]),
    ("table-list", "[tool.releasekit.gate]\nmax_flaky = [1]\n", ["max_flaky"]),
]


PYTESTER_OWN = ("runpytest-", "stdout", "stderr")  # a subprocess run's temp dir and output


def _files(pytester: pytest.Pytester) -> list[str]:
    return sorted(
        str(p.relative_to(pytester.path))
        for p in pytester.path.rglob("*")
        if "__pycache__" not in p.parts
        and not p.relative_to(pytester.path).parts[0].startswith(PYTESTER_OWN)
    )


def _refused(
    pytester: pytest.Pytester, args: list[str], needles: list[str], made: tuple[str, ...] = ()
) -> None:
    """``made``: what the project's own tests write (they ran)."""
    before = sorted([*_files(pytester), *made])
    result = pytester.runpytest("-p", "no:cacheprovider", *args)
    output = "\n".join([*result.outlines, *result.errlines])
    assert "Traceback" not in output, output
    assert "INTERNALERROR" not in output, output
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1, output
    for needle in needles:
        assert needle in errors[0], errors[0]
    assert result.ret == pytest.ExitCode.USAGE_ERROR, output
    assert _files(pytester) == before


@pytest.mark.parametrize(("args", "ini", "needles"), [pytest.param(*c[1:], id=c[0]) for c in CASES])
def test_bad_option(
    pytester: pytest.Pytester, args: list[str], ini: str, needles: list[str]
) -> None:
    pytester.makepyfile(test_one=TEST_FILE)
    pytester.makefile(".toml", pyproject=f"[tool.pytest.ini_options]\n{ini}\n")
    _refused(pytester, args, needles)


@pytest.mark.parametrize(("table", "needles"), [pytest.param(*c[1:], id=c[0]) for c in TABLES])
def test_bad_gate_table(pytester: pytest.Pytester, table: str, needles: list[str]) -> None:
    pytester.makepyfile(test_one=TEST_FILE)
    pytester.makefile(".toml", pyproject=f"[tool.pytest.ini_options]\n\n{table}")
    _refused(pytester, ["--gate"], needles)


def test_huge_shard_count_in_a_real_process(pytester: pytest.Pytester) -> None:
    """The case of the issue, as CI runs it: its own process, the plugin from its entry point."""
    pytester.makepyfile(test_one=TEST_FILE)
    before = _files(pytester)
    result = pytester.runpytest_subprocess("--gate-shard=1/99999999999999999999")
    output = "\n".join([*result.outlines, *result.errlines])
    assert "INTERNALERROR" not in output, output
    assert "Traceback" not in output, output
    assert [line for line in output.splitlines() if line.startswith("ERROR")] == [
        "ERROR: releasekit: --gate-shard='1/99999999999999999999': at most 1024 shards; "
        "use fewer CI jobs"
    ]
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert _files(pytester) == before


@pytest.mark.parametrize(
    ("args", "env", "needles"),
    [
        pytest.param(
            ["--gate-report=out/r.json"],
            {},
            ["--gate-report=", "out/r.json'", "cannot write it"],
            id="report-directory-gone",
        ),
        pytest.param(
            ["--gate"],
            {"GITHUB_STEP_SUMMARY": "/proc/releasekit-summary"},
            ["GITHUB_STEP_SUMMARY='/proc/releasekit-summary'", "cannot append"],
            id="step-summary-unwritable",
        ),
    ],
)
def test_an_output_that_fails_after_the_tests_is_one_error_line(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    env: dict[str, str],
    needles: list[str],
) -> None:
    """Writable when the run started, not at its end (a disk that filled up; here the report's
    directory, which a test turns into a file): pytest's usage error, no traceback (was: an
    OSError out of pytest_sessionfinish). Not /dev/full: without the fix, as root, the report
    would replace it."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    pytester.makepyfile(
        test_one="import pathlib\n\ndef test_one():\n    pathlib.Path('out').write_text('')\n"
    )
    # pytest-benchmark's .benchmarks/ is not the plugin's
    _refused(pytester, ["-p", "no:benchmark", *args], needles, made=("out",))


def test_a_report_into_a_pipe_is_written_into_it(pytester: pytest.Pytester) -> None:
    """A path that is not a regular file (``/dev/null``, a pipe) is written into, not renamed
    over: as root, ``--gate-report=/dev/null`` replaced /dev/null with the JSON report."""
    pytester.makepyfile(test_one=TEST_FILE)
    fifo = pytester.path / "report.pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that the writer's open returns
    try:
        result = pytester.runpytest("-p", "no:cacheprovider", f"--gate-report={fifo}")
        received = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert result.ret == 0
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received)["verdict"] == "pass"
