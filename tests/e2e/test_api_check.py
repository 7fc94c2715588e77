"""The public-API check of a release (the gate's api rule, read by releasekit): the plan shows the
verdict and the bump it needs; preflight refuses a patch release that removes a public function
before anything changes. (The verdicts for every kind of change and bump are unit-tested in
pytest_plugin/tests/test_api_corpus.py; one real release run is enough here.)"""

from __future__ import annotations

from pathlib import Path

from ..conftest import assert_one_error_line, make_sandbox

WITHOUT_GREET = '''"""A tiny package released by releasekit's tests."""

from importlib.metadata import version

__all__ = ["main"]


def main() -> None:
    import sys

    if sys.argv[1:] == ["--version"]:
        print(f"simple-pkg {version('simple-pkg')}")
    else:
        print("hello, world")
'''


def _unwrapped(output: str) -> str:
    """The plan table's text with its borders and line wraps taken out."""
    return " ".join(output.replace("│", " ").split())


def test_a_patch_release_that_removes_a_public_function_is_refused(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    pyproject = sandbox.repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "\n[tool.releasekit.gate]\napi = true\n")
    sandbox.git("commit", "-qam", "gate: api rule on")
    sandbox.git("tag", "v1.0.0")  # the last release
    (sandbox.repo / "src/simple_pkg/__init__.py").write_text(WITHOUT_GREET)
    (sandbox.repo / "tests/test_greet.py").write_text("def test_nothing():\n    pass\n")
    sandbox.git("commit", "-qam", "remove greet")

    before = sandbox.snapshot()
    done = sandbox.run("release", "patch", "--yes", "--to", "local")
    assert done.returncode == 3, done.stdout + done.stderr
    assert_one_error_line(
        done,
        "1.0.0 -> 1.0.1 is a patch bump",
        "1 breaking change(s) since v1.0.0",
        "function-removed simple_pkg.greet",
    )
    assert "releasekit release major" in done.stdout + done.stderr
    assert 'api_allow = {"simple_pkg.greet"' in done.stdout + done.stderr
    assert sandbox.snapshot() == before
    assert not (sandbox.repo / ".releasekit" / "journal.jsonl").exists()
    # the plan shown first (the same as `releasekit plan patch`) has the verdict and the bump
    shown = _unwrapped(done.stdout + done.stderr)
    assert "public API since v1.0.0: 1 breaking change(s)" in shown
    assert "needs a major bump, planned patch: REFUSED" in shown
