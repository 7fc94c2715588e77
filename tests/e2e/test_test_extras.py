"""The tests need an extra of the project's own: oauthlib's import ``jwt`` (its ``signedtoken``
extra), FastAPI's need its ``all`` extra (its CI runs ``uv sync --extra all``). Real releases of
the src-layout project, whose tests import tomli_w, which only its ``toml`` extra provides: in
the gate's own venv (detected), and with a configured ``uv run --extra toml`` gate; both times
verify's tests against the installed wheel need it too.

make_sandbox sets RELEASEKIT_GATE_COMMAND and RELEASEKIT_VERIFY_TESTS for speed; both are
removed here so the gate and verify run as a user's release runs them."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..conftest import PROJECTS, Sandbox, assert_one_error_line, make_sandbox

TEST_WRITES_TOML = """\
import tomli_w


def test_writes_toml() -> None:
    assert tomli_w.dumps({"a": 1}) == "a = 1\\n"
"""
EXTRA = '[project.optional-dependencies]\ntoml = ["tomli-w>=1"]\n\n[dependency-groups]'


def _sandbox(tmp_path: Path, *, extra: bool = True) -> Sandbox:
    pyproject = (PROJECTS / "srclayout" / "pyproject.toml").read_text(encoding="utf-8")
    edit = {"tests/test_toml.py": TEST_WRITES_TOML}
    if extra:
        edit["pyproject.toml"] = pyproject.replace("[dependency-groups]", EXTRA, 1)
        assert edit["pyproject.toml"] != pyproject
    sb = make_sandbox(tmp_path, "srclayout", edit=edit)
    del sb.env["RELEASEKIT_GATE_COMMAND"]
    del sb.env["RELEASEKIT_VERIFY_TESTS"]
    sb.env["SRCLIB_WHERE"] = str(tmp_path / "where.txt")
    return sb


def _warnings(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("WARNING")]


def test_the_gate_s_venv_gets_the_extra_the_tests_import(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path)
    done = sb.run("release", "patch", "--to", "local", "--yes", check=True, timeout=600)
    output = " ".join((done.stdout + done.stderr).split())
    assert "gate: the tests import tomli_w, which only they provide; running the tests " in output
    warned = [w for w in _warnings(done.stderr) if "srclib[toml]" in w]
    assert warned and "the tests import tomli_w" in warned[0], done.stderr
    assert sb.step_facts("gate")["extras"] == {"srclib": ["toml"]}
    assert "tomli-w==" in " ".join(map(str, sb.step_facts("gate")["resolved"]))  # type: ignore[call-overload]
    assert "passed" in str(sb.step_facts("verify")["tests"])  # the wheel's tests had it too
    assert (sb.index / "srclib-2.0.1-py3-none-any.whl").is_file()

    # the venv is reused with the extra; the warning stays until the tests' dependencies name it
    again = sb.run("release", "patch", "--to", "local", "--yes", check=True, timeout=600)
    warned = [w for w in _warnings(again.stderr) if "srclib[toml]" in w]
    assert warned and "an earlier release installed them" in warned[0], again.stderr
    assert sb.step_facts("gate")["reused"] is True


def test_without_an_extra_that_provides_it_the_gate_fails_as_before(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, extra=False)
    head = sb.git("rev-parse", "HEAD")
    done = sb.run("release", "patch", "--to", "local", "--yes", timeout=600)
    assert_one_error_line(done, "the quality gate failed", "No module named 'tomli_w'")
    assert "the tests import tomli_w, which neither the tree nor the environment" in done.stderr
    assert sb.git("rev-parse", "HEAD") == head
    assert not sb.index.exists() or not any(sb.index.iterdir())


def test_verify_installs_what_a_configured_uv_run_gate_had(tmp_path: Path) -> None:
    """FastAPI's shape: the gate command names the extra to ``uv run``, which installs it into
    the project's ``.venv``; verify's tests against the wheel get it from there."""
    sb = _sandbox(tmp_path)
    uv = shutil.which("uv")
    assert uv is not None
    sb.env["RELEASEKIT_GATE_COMMAND"] = f"{uv} run --extra toml --group test pytest"
    (sb.repo / ".gitignore").write_text(
        (sb.repo / ".gitignore").read_text(encoding="utf-8") + ".venv/\nuv.lock\n",
        encoding="utf-8",
    )
    sb.git("commit", "-qam", "ignore uv's environment and lock")
    done = sb.run("release", "patch", "--to", "local", "--yes", check=True, timeout=600)
    assert "tomli-w==" in " ".join(map(str, sb.step_facts("gate")["resolved"]))  # type: ignore[call-overload]
    assert "passed" in str(sb.step_facts("verify")["tests"]), done.stderr
    assert not [w for w in _warnings(done.stderr) if "extras" in w]


def test_a_module_that_needs_an_extra_is_smoke_tested_with_it(tmp_path: Path) -> None:
    """Black's shape: ``blackd`` imports aiohttp, which only ``black[d]`` provides. The smoke
    test imports every top-level module of the wheel; this one with the extra installed, in
    verify and again from the index after the upload."""
    pyproject = (PROJECTS / "srclayout" / "pyproject.toml").read_text(encoding="utf-8")
    edit = {
        "pyproject.toml": pyproject.replace("[dependency-groups]", EXTRA, 1)
        + '\n[tool.hatch.build.targets.wheel]\npackages = ["src/srclib", "src/srclibd"]\n',
        "src/srclibd/__init__.py": (
            "try:\n    import tomli_w\nexcept ImportError as exc:\n"
            "    raise ImportError(f'{exc}: pip install srclib[toml]') from None\n"
        ),
    }
    sb = make_sandbox(tmp_path, "srclayout", edit=edit)
    done = sb.run("release", "patch", "--to", "local", "--yes", timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    output = " ".join((done.stdout + done.stderr).split())
    assert "passed with srclib[toml] installed" in output, output
    assert sb.step_facts("verify")["smoke_extras"] == ["srclib[toml]"]
    assert (sb.index / "srclib-2.0.1-py3-none-any.whl").is_file()


def test_a_module_no_extra_provides_still_stops_the_release(tmp_path: Path) -> None:
    pyproject = (PROJECTS / "srclayout" / "pyproject.toml").read_text(encoding="utf-8")
    edit = {
        "pyproject.toml": pyproject.replace("[dependency-groups]", EXTRA, 1)
        + '\n[tool.hatch.build.targets.wheel]\npackages = ["src/srclib", "src/srclibd"]\n',
        "src/srclibd/__init__.py": "import not_a_distribution_anywhere\n",
    }
    sb = make_sandbox(tmp_path, "srclayout", edit=edit)
    head = sb.git("rev-parse", "HEAD")
    done = sb.run("release", "patch", "--to", "local", "--yes", timeout=600)
    assert_one_error_line(done, "smoke test of the built wheels", "not_a_distribution_anywhere")
    assert sb.git("rev-parse", "HEAD") == head
    assert not sb.index.exists() or not any(sb.index.iterdir())
