import sys

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
