"""The memo of coverage.py's per-file results (``covmemo``): reused exactly when every input is
the same, never otherwise, and the report is the one coverage.py gives without it.

Coverage data comes from real ``coverage run`` processes over a small package with branches.
To see *whether* an entry was reused, a test plants a marker value in the stored memo: a reused
entry carries it into the report, a recomputed one does not.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from conftest import Project
from pytest_releasekit.covmemo import FILE_NAME
from pytest_releasekit.measure import CoverageReport, analyse
from pytest_releasekit.verdict import EXIT_GATE_FAILED

MODULE = """
def f{i}(x):
    if x > {i}:
        return x - {i}
    return x + {i}


def g{i}(x):  # pragma: no cover
    return x
"""
MARKER = 12.345


def _write(root: Path, name: str, text: str) -> None:
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    (root / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    for i in range(4):
        _write(tmp_path, f"src/pkg/m{i}.py", MODULE.format(i=i))
    _write(tmp_path, "src/pkg/__init__.py", "")
    _write(tmp_path, ".coveragerc", "[run]\nbranch = true\nsource = src\n")
    _measure(tmp_path, calls="m0.f0(5); m1.f1(0); m2.f2(9); m3.f3(1)")
    return tmp_path


def _measure(root: Path, calls: str) -> None:
    _write(root, "drive.py", f"import sys; sys.path.insert(0, 'src')\nfrom pkg import *\n{calls}\n")
    _write(root, "src/pkg/__init__.py", "from . import m0, m1, m2, m3\n")
    subprocess.run(
        [sys.executable, "-m", "coverage", "run", "drive.py"], cwd=root, check=True, timeout=120
    )


def _analyse(root: Path, memo: Path | None, **kwargs: Any) -> CoverageReport:
    return analyse(
        str(root / ".coverage"), config_file=True, cwd=root, origin="t", memo_dir=memo, **kwargs
    )


def _figures(report: CoverageReport) -> dict[str, Any]:
    files = {
        f.path: (f.percent, f.statements, f.covered, f.branches, f.covered_branches, f.missing)
        for f in report.files
    }
    total = (report.percent, report.statements, report.covered, report.branches)
    return {"files": files, "total": total, "branches": report.has_branches}


def _plant(memo: Path, *names: str) -> None:
    """Overwrite the stored percent of ``names`` (keeping their inputs) with MARKER."""
    path = memo / FILE_NAME
    doc = json.loads(path.read_text(encoding="utf-8"))
    for morf, entry in doc["files"].items():
        if Path(morf).name in names:
            entry["entry"]["summary"]["percent_covered"] = MARKER
    path.write_text(json.dumps(doc), encoding="utf-8")


def _marked(report: CoverageReport) -> set[str]:
    return {Path(f.path).name for f in report.files if f.percent == MARKER}


def test_a_memoised_report_is_the_report_of_coverage_py(tree: Path, tmp_path: Path) -> None:
    memo = tmp_path / "memo"
    plain = _figures(_analyse(tree, None))
    assert plain["branches"]
    assert plain["total"][3] > 0
    assert _figures(_analyse(tree, memo)) == plain  # cold: everything analysed, then stored
    assert (memo / FILE_NAME).is_file()
    assert _figures(_analyse(tree, memo)) == plain  # warm: everything reused
    _plant(memo, "m0.py", "m1.py", "m2.py", "m3.py", "__init__.py")
    assert _marked(_analyse(tree, memo)) == {"m0.py", "m1.py", "m2.py", "m3.py", "__init__.py"}


def test_only_files_whose_source_or_data_changed_are_analysed_again(
    tree: Path, tmp_path: Path
) -> None:
    memo = tmp_path / "memo"
    _analyse(tree, memo)
    _plant(memo, "m0.py", "m1.py", "m2.py", "m3.py")
    _write(tree, "src/pkg/m1.py", MODULE.format(i=1) + "\n\ndef extra():\n    return 1\n")
    _measure(tree, calls="m0.f0(5); m1.f1(0); m2.f2(0); m3.f3(1)")  # m2 now runs other lines
    mixed = _analyse(tree, memo)
    assert _marked(mixed) == {"m0.py", "m3.py"}  # m1: new source; m2: new data
    # Without the planted values, the mixed report (reused + analysed, totals summed) is
    # exactly coverage.py's own.
    memo_fresh = tmp_path / "fresh"
    _analyse(tree, memo_fresh)
    _write(tree, "src/pkg/m1.py", MODULE.format(i=1))
    _measure(tree, calls="m0.f0(5); m1.f1(0); m2.f2(9); m3.f3(1)")
    assert _figures(_analyse(tree, memo_fresh)) == _figures(_analyse(tree, None))


def test_data_recorded_in_several_contexts_is_reused_only_where_unchanged(
    tree: Path, tmp_path: Path
) -> None:
    """Lines recorded under several contexts (``--context``, or per test) count as their union,
    as in coverage.py's report; the memo is read from the data file, not copied into memory."""

    def append(context: str, calls: str) -> None:
        _write(
            tree, "more.py", f"import sys; sys.path.insert(0, 'src')\nfrom pkg import *\n{calls}\n"
        )
        argv = ["coverage", "run", "--append", f"--context={context}", "more.py"]
        subprocess.run([sys.executable, "-m", *argv], cwd=tree, check=True, timeout=120)

    append("second", "m2.f2(0)")  # m2's other branch, in a context of its own
    memo = tmp_path / "memo"
    assert _figures(_analyse(tree, memo)) == _figures(_analyse(tree, None))
    _plant(memo, "m0.py", "m1.py", "m2.py", "m3.py")
    assert _marked(_analyse(tree, memo)) == {"m0.py", "m1.py", "m2.py", "m3.py"}
    append("third", "m1.f1(5)")  # m1's data grows in a third context
    assert _marked(_analyse(tree, memo)) == {"m0.py", "m2.py", "m3.py"}


@pytest.mark.parametrize(
    ("rc", "reused"),
    [
        ("[report]\nexclude_also = return x - 0\n", False),  # analysis options are in the key
        ("[report]\nomit = src/pkg/m3.py\n", False),  # include/omit: no memo at all
        ("[report]\nshow_missing = true\n", True),  # options that do not shape analysis
    ],
)
def test_report_options_that_shape_analysis_invalidate_the_memo(
    tree: Path, tmp_path: Path, rc: str, reused: bool
) -> None:
    memo = tmp_path / "memo"
    _analyse(tree, memo)
    _plant(memo, "m0.py")
    _write(tree, ".coveragerc", "[run]\nbranch = true\nsource = src\n" + rc)
    report = _analyse(tree, memo)
    assert _marked(report) == ({"m0.py"} if reused else set())
    if not reused:
        _write(tree, ".coveragerc", "[run]\nbranch = true\nsource = src\n")
        assert _figures(_analyse(tree, None)) == _figures(_analyse(tree, tmp_path / "other"))


def test_a_restricted_report_keeps_the_other_entries(tree: Path, tmp_path: Path) -> None:
    memo = tmp_path / "memo"
    _analyse(tree, memo)
    _plant(memo, "m0.py", "m3.py")
    part = _analyse(tree, memo, paths=[str(tree / "src/pkg/m0.py")])
    assert [Path(f.path).name for f in part.files] == ["m0.py"]
    assert _marked(_analyse(tree, memo)) == {"m0.py", "m3.py"}


def test_an_unreadable_memo_is_ignored(tree: Path, tmp_path: Path) -> None:
    memo = tmp_path / "memo"
    memo.mkdir()
    (memo / FILE_NAME).write_text("{not json", encoding="utf-8")
    assert _figures(_analyse(tree, memo)) == _figures(_analyse(tree, None))
    assert json.loads((memo / FILE_NAME).read_text(encoding="utf-8"))["files"]


def test_the_gate_memoises_in_pytests_cache(project: Project) -> None:
    """``pytest --gate`` keeps the memo in .pytest_cache; ``-p no:cacheprovider`` keeps none."""
    project.write(
        {
            "pyproject.toml": """
            [tool.pytest.ini_options]
            pythonpath = ["src"]
            addopts = ["-p", "no:hypothesispytest", "-p", "no:benchmark"]
            [tool.coverage.run]
            source = ["src"]
            [tool.releasekit.gate]
            coverage_per_file = 50
            """,
            "src/pkg/__init__.py": "def f(x):\n    if x:\n        return 1\n    return 2\n",
            "tests/test_f.py": "from pkg import f\n\ndef test_f():\n    assert f(1) == 1\n",
        }
    )
    memo = project.path / ".pytest_cache" / "d" / "releasekit-coverage" / FILE_NAME
    first = project.run("--gate", "--gate-report=gate-report.json", subprocess=True)
    assert first.ret == 0, first.out
    assert memo.is_file()
    _plant(memo.parent, "__init__.py")
    second = project.run("--gate", "--gate-report=gate-report.json", subprocess=True)
    assert second.ret == EXIT_GATE_FAILED  # the planted 12.345 % was reused
    assert second.rule("coverage_per_file")["measured"] == MARKER
    memo.unlink()
    off = project.run("--gate", "-p", "no:cacheprovider", subprocess=True)
    assert off.ret == 0, off.out
    assert not memo.exists()
