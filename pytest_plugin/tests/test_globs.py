"""Globs used by auto-marking and the per-file coverage rule."""

from __future__ import annotations

import pytest

from pytest_releasekit.globs import BadGlob, compile_glob


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("tests/e2e/**", "tests/e2e/test_x.py", True),
        ("tests/e2e/**", "tests/e2e/deep/er/test_x.py", True),
        ("tests/e2e/**", "pkg/tests/e2e/test_x.py", False),
        ("**/tests/e2e/**", "pkg/tests/e2e/test_x.py", True),
        ("**/tests/e2e/**", "tests/e2e/test_x.py", True),
        ("src/*.py", "src/a.py", True),
        ("src/*.py", "src/sub/a.py", False),
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/sub/deeper/a.py", True),
        ("*.py", "src/sub/a.py", True),
        ("legacy_?.py", "src/legacy_1.py", True),
        ("src/[ab].py", "src/b.py", True),
        ("src/[!ab].py", "src/b.py", False),
        ("src/[!ab].py", "src/c.py", True),
        ("./src/a.py", "src/a.py", True),
        ("src/a.py", "src/a_py", False),
    ],
)
def test_matching(pattern: str, path: str, matches: bool) -> None:
    assert compile_glob(pattern).match(path) is matches


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        ("", "empty"),
        ("src/[ab.py", "unclosed '['"),
        ("src/a**.py", "whole path segment"),
        ("/abs/*.py", "relative to the rootdir"),
        ("src\\a.py", "use '/'"),
        ("src//a.py", "empty path segment"),
        ("src/[z-a].py", "bad character range"),
    ],
)
def test_bad_globs(pattern: str, reason: str) -> None:
    with pytest.raises(BadGlob, match=reason.replace("[", r"\[").replace("(", r"\(")):
        compile_glob(pattern)
