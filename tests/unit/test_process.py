import sys
import time
from pathlib import Path

import pytest

from releasekit import process
from releasekit.errors import ProcessError
from releasekit.redact import REDACTED, register_secret


def test_output_and_failure_are_redacted() -> None:
    register_secret("tok-abcdef-123456")
    done = process.run([sys.executable, "-c", "print('tok-abcdef-123456')"])
    assert done.stdout.strip() == REDACTED
    with pytest.raises(ProcessError) as info:
        process.run(
            [sys.executable, "-c", "import sys; sys.exit('bad tok-abcdef-123456')"],
            what="the thing",
        )
    assert "tok-abcdef" not in str(info.value)
    assert info.value.returncode == 1
    assert str(info.value).startswith("the thing failed (exit 1)")


def test_argv_only_and_missing_tool() -> None:
    with pytest.raises(TypeError):
        process.run("echo hi")  # type: ignore[arg-type]
    with pytest.raises(ProcessError, match="command not found") as info:
        process.run(["definitely-not-a-tool-xyz"], what="running it")
    assert info.value.returncode == 127


def test_a_failure_whose_error_line_ends_in_a_colon_says_the_reason_after_it() -> None:
    # uv without a terminal: the error line, then its reason on the next line
    script = (
        "import sys; print('Resolved 3 packages'); "
        "sys.exit('error: No solution found when resolving dependencies:\\n"
        "  \\u2570\\u2500\\u25b6 Because you require pytest==8.3.4 and pytest==7.4.4, we can "
        "conclude that your requirements are unsatisfiable.')"
    )
    with pytest.raises(ProcessError) as info:
        process.run([sys.executable, "-c", script], what="installing")
    first = str(info.value).splitlines()[0]
    assert first == (
        "installing failed (exit 1): error: No solution found when resolving dependencies: "
        "Because you require pytest==8.3.4 and pytest==7.4.4, we can conclude that your "
        "requirements are unsatisfiable."
    )


def test_a_failure_names_the_causes_uv_indents_under_its_error_line() -> None:
    # uv build in sqlparse's tree, whose .python-version names a pyenv virtualenv
    script = (
        "import sys; sys.exit('error: Failed to build `/tmp/sqlparse`\\n"
        "  cause: No interpreter found in directory `sqlparse`')"
    )
    with pytest.raises(ProcessError) as info:
        process.run([sys.executable, "-c", script], what="building sqlparse (uv build)")
    first = str(info.value).splitlines()[0]
    assert first == (
        "building sqlparse (uv build) failed (exit 1): error: Failed to build `/tmp/sqlparse`: "
        "No interpreter found in directory `sqlparse`"
    )


def _first_line_of_failure(output: str, what: str) -> str:
    """The ERROR line's cause when a command writes ``output`` to stderr and exits 2."""
    script = f"import sys; sys.stderr.write({output!r}); sys.exit(2)"
    with pytest.raises(ProcessError) as info:
        process.run([sys.executable, "-c", script], what=what)
    return str(info.value).splitlines()[0]


def test_a_build_backend_traceback_names_the_exception_that_ended_it() -> None:
    """asn1crypto's sdist lacks the readme.md its setup.py opens: uv says only that the
    backend's hook failed; the exception says why."""
    output = (
        "Traceback (most recent call last):\n"
        '  File "setup.py", line 98, in <module>\n'
        "    with codecs.open(os.path.join(PACKAGE_ROOT, 'readme.md'), 'r', 'utf-8') as f:\n"
        "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "FileNotFoundError: [Errno 2] No such file or directory: '/b/asn1crypto-1.5.1/readme.md'\n"
        "error: Failed to build `/tmp/asn`\n"
        "  cause: The build backend returned an error\n"
        "  cause: Call to `setuptools.build_meta:__legacy__.get_requires_for_build_wheel` failed"
        " (exit status: 1)\n"
        "hint: Build failures usually indicate a problem with the package\n"
    )
    first = _first_line_of_failure(output, "building asn1crypto (uv build)")
    assert first.startswith("building asn1crypto (uv build) failed (exit 2): ")
    assert first.endswith(
        ": FileNotFoundError: [Errno 2] No such file or directory: '/b/asn1crypto-1.5.1/readme.md'"
    )
    assert "get_requires_for_build_wheel" in first  # what uv said is kept


def test_packaging_s_invalid_exceptions_end_a_traceback_too() -> None:
    """setuptools parses setup.cfg's python_requires with packaging: its InvalidSpecifier is
    the cause, not uv's "Call to ... get_requires_for_build_sdist failed"."""
    output = (
        "Traceback (most recent call last):\n"
        '  File "specifiers.py", line 388, in __init__\n'
        '    raise InvalidSpecifier(f"Invalid specifier: {spec!r}")\n'
        "packaging.specifiers.InvalidSpecifier: Invalid specifier: '>=3.x'\n"
        "error: Failed to build `/tmp/tinycfg`\n"
        "  cause: The build backend returned an error\n"
        "  cause: Call to `setuptools.build_meta.get_requires_for_build_sdist` failed"
        " (exit status: 1)\n"
    )
    first = _first_line_of_failure(output, "building tinycfg (uv build)")
    assert first.endswith(": packaging.specifiers.InvalidSpecifier: Invalid specifier: '>=3.x'")


def test_a_tool_without_a_traceback_is_quoted_as_before() -> None:
    script = "import sys; print('ValueError: only a word in its output'); sys.exit('error: bad')"
    with pytest.raises(ProcessError) as info:
        process.run([sys.executable, "-c", script], what="the thing")
    assert str(info.value).splitlines()[0] == "the thing failed (exit 1): error: bad"


BUILD_INSTALLER_FAILED = """\
* Creating isolated environment: venv+uv...
* Installing packages in isolated environment:
  - setuptools >= 40.8.0
> /venv/bin/uv pip install "setuptools >= 40.8.0" --python
  /tmp/build-env-cew0t0vz/bin/python
< Using Python 3.11.7 environment at: /tmp/build-env-cew0t0vz
< error: No solution found when resolving dependencies
<   cause: Because only setuptools<=34.4.1 is available and you require
  setuptools>=40.8.0, we can conclude that your requirements are
  unsatisfiable.

< hint: `setuptools` was filtered by `exclude-newer` to only include packages
  uploaded before 2017-04-12T00:00:00Z.

Traceback (most recent call last):
  File "/venv/lib/python3.11/site-packages/build/_ctx.py", line 68, in run_subprocess
    subprocess.run(cmd, capture_output=True, check=True, cwd=cwd, env=env)  # noqa: S603
subprocess.CalledProcessError: Command '['/venv/bin/uv', 'pip', 'install', 'setuptools']' \
returned non-zero exit status 1.

ERROR Command '['/venv/bin/uv', 'pip', 'install', 'setuptools >= 40.8.0']' returned non-zero \
exit status 1.
"""


def test_a_command_that_only_says_another_failed_gives_way_to_that_ones_error() -> None:
    """pypa/build's ``--metadata`` when its installer cannot install the build requirements
    (webencodings' ``setuptools >= 40.8.0`` under a 2017 cutoff): its last line says only that
    ``uv pip install`` failed; uv's error and its cause, quoted with ``< ``, say why."""
    script = f"import sys; sys.stderr.write({BUILD_INSTALLER_FAILED!r}); sys.exit(1)"
    with pytest.raises(ProcessError) as info:
        process.run([sys.executable, "-c", script], what="reading the name and version")
    assert str(info.value).splitlines()[0] == (
        "reading the name and version failed (exit 1): error: No solution found when resolving "
        "dependencies: Because only setuptools<=34.4.1 is available and you require "
        "setuptools>=40.8.0, we can conclude that your requirements are unsatisfiable."
    )


def _running(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie no one has reaped yet does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


LEAVES_A_CHILD = (
    "import subprocess, sys\n"
    "child = subprocess.Popen([sys.executable, '-c', "
    "'import sys, time; time.sleep(0.3); print(\"late\", flush=True); time.sleep(600)'])\n"
    "print(child.pid, flush=True)\n"
)


def test_a_command_that_exits_leaving_a_process_holding_its_output_returns(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # uvicorn's suite leaves multiprocessing workers behind that hold pytest's stdout: the
    # release waited for the pipe to close, for ever (here: until the timeout, an error)
    monkeypatch.setattr(process, "LINGER", 2.0)
    done = process.run([sys.executable, "-c", LEAVES_A_CHILD], timeout=60)
    pid, late = done.stdout.split()
    assert done.returncode == 0
    assert late == "late"  # what it wrote while the output could still stay open is kept
    for _ in range(50):  # it was sent SIGTERM
        if not _running(int(pid)):
            break
        time.sleep(0.1)
    assert not _running(int(pid))


def test_input_larger_than_a_pipe_is_written_whole_while_the_output_is_read() -> None:
    data = "".join(f"line {n}\n" for n in range(200_000))  # ~2 MB each way
    done = process.run(
        [sys.executable, "-c", "import sys; sys.stdout.write(sys.stdin.read())"], input=data
    )
    assert done.stdout == data


def test_a_command_past_its_timeout_is_killed_and_reported() -> None:
    script = "import time; print('started', flush=True); time.sleep(600)"
    with pytest.raises(ProcessError, match=r"the wait: timed out after 1s") as info:
        process.run([sys.executable, "-c", script], timeout=1, what="the wait")
    assert info.value.returncode == 124
