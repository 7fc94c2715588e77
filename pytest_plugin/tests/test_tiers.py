"""Tiers: markers, --tier selection (composing with -m and -k), auto-marking by directory."""

from __future__ import annotations

import pytest
from gate_helpers import MODES, Project

TESTS = {
    "tests/test_unit.py": """
        def test_unit_a(): pass
        def test_unit_slow(): pass
    """,
    "tests/test_marked.py": """
        import pytest

        @pytest.mark.integration
        def test_integration(): pass

        @pytest.mark.performance
        def test_performance(): pass

        @pytest.mark.regression
        @pytest.mark.e2e
        def test_two_tiers(): pass
    """,
    "tests/e2e/test_flow.py": """
        def test_flow(): pass
        def test_flow_slow(): pass
    """,
}


@pytest.fixture
def tiered(project: Project) -> Project:
    project.configure()
    project.write(TESTS)
    return project


def test_markers_are_registered_for_strict_markers(tiered: Project) -> None:
    run = tiered.run("--markers")
    for tier in ("integration", "e2e", "performance", "regression"):
        run.result.stdout.fnmatch_lines([f"@pytest.mark.{tier}: * tier (pytest-releasekit*"])
    run = tiered.run("--strict-markers")
    run.result.assert_outcomes(passed=7)


def test_unit_marker_is_registered_and_m_unit_selects_every_unit_test(tiered: Project) -> None:
    tiered.write(
        {
            "tests/e2e/test_pinned.py": """
            import pytest

            @pytest.mark.unit
            def test_pinned(): pass
            """
        }
    )
    run = tiered.run("--markers")
    run.result.stdout.fnmatch_lines(["@pytest.mark.unit: unit tier, also every test without*"])
    # unmarked tests and the explicitly marked one (explicit markers beat auto-marking)
    run = tiered.run("--strict-markers", "-m", "unit", "-v")
    run.result.assert_outcomes(passed=3, deselected=5)
    assert "test_pinned PASSED" in run.out
    assert "test_flow " not in run.out
    run = tiered.run("--strict-markers", "-m", "not unit")
    run.result.assert_outcomes(passed=5, deselected=3)
    run = tiered.run("--strict-markers", "--tier=unit", "--gate", "--gate-set", "min_tests.unit=3")
    run.result.assert_outcomes(passed=3, deselected=5)
    assert run.ret == 0


def test_benchmark_gate_marker_is_registered(project: Project) -> None:
    project.write(
        {
            "tests/test_marked.py": """
            import pytest

            @pytest.mark.benchmark_gate(max_regression=10)
            def test_noisy():
                pass
            """
        }
    )
    run = project.run("--markers")
    run.result.stdout.fnmatch_lines(["@pytest.mark.benchmark_gate(max_regression): *"])
    run = project.run("--strict-markers")
    run.result.assert_outcomes(passed=1)


def outcomes(mode: str, passed: int, deselected: int) -> dict[str, int]:
    """xdist's controller does not report the workers' deselected count."""
    return {"passed": passed, "deselected": 0 if mode == "xdist" else deselected}


@pytest.mark.parametrize("mode", MODES)
def test_tier_selection(tiered: Project, mode: str) -> None:
    run = tiered.run("--tier=unit,integration", "-v", mode=mode)
    run.result.assert_outcomes(**outcomes(mode, passed=3, deselected=4))
    out = run.out
    assert "test_unit_a" in out
    assert "test_integration" in out
    assert "test_flow" not in out


@pytest.mark.parametrize("mode", MODES)
def test_tier_selects_any_of_a_tests_tiers_and_auto_marked_dirs(tiered: Project, mode: str) -> None:
    run = tiered.run("--tier=e2e", "-v", mode=mode)
    run.result.assert_outcomes(**outcomes(mode, passed=3, deselected=4))  # two_tiers + e2e/* (2)
    assert "test_two_tiers" in run.out


def test_tier_composes_with_k_and_m(tiered: Project) -> None:
    run = tiered.run("--tier=unit,e2e", "-k", "not slow", "-v")
    run.result.assert_outcomes(passed=3, deselected=4)  # unit_a, two_tiers, flow
    assert "test_flow_slow" not in run.out
    run = tiered.run("--tier=unit,e2e", "-m", "not regression")
    run.result.assert_outcomes(passed=4, deselected=3)


def test_auto_marking_makes_m_work_without_tier_option(tiered: Project) -> None:
    run = tiered.run("-m", "e2e", "-v")
    run.result.assert_outcomes(passed=3, deselected=4)
    assert "test_flow_slow" in run.out


def test_auto_mark_is_configurable_and_explicit_markers_win(project: Project) -> None:
    project.configure(
        pytest_ini="""
        releasekit_auto_mark = ["integration: it/** tests/it_*.py", "e2e: tests/e2e/**"]
    """
    )
    project.write(
        {
            "it/test_db.py": "def test_db(): pass\n",
            "tests/it_api.py": "def test_api(): pass\n",
            "tests/e2e/test_flow.py": """
            import pytest

            def test_flow(): pass

            @pytest.mark.performance
            def test_flow_perf(): pass
        """,
            "tests/test_plain.py": "def test_plain(): pass\n",
        }
    )
    run = project.run("-m", "integration", "-v", "it", "tests/it_api.py")
    run.result.assert_outcomes(passed=2)
    run = project.run("-m", "e2e", "-v", "tests")
    run.result.assert_outcomes(passed=1, deselected=2)
    assert "test_flow_perf" not in run.out  # explicit performance marker wins over the directory
    run = project.run("--tier=performance", "tests")
    run.result.assert_outcomes(passed=1, deselected=2)


def test_auto_mark_can_be_disabled(project: Project) -> None:
    project.configure(pytest_ini="releasekit_auto_mark = []")
    project.write(TESTS)
    run = project.run("-m", "e2e")
    run.result.assert_outcomes(passed=1, deselected=6)


def test_tier_ini_twin(project: Project) -> None:
    project.configure(pytest_ini='releasekit_tier = "performance"')
    project.write(TESTS)
    project.run().result.assert_outcomes(passed=1, deselected=6)
    project.run("--tier=unit").result.assert_outcomes(passed=2, deselected=5)


@pytest.mark.parametrize(
    ("args", "ini", "expected"),
    [
        (("--tier=unit,smoke",), "", "unknown tier 'smoke'; choose from unit, integration"),
        (("--tier=,",), "", "unknown tier (empty)"),
        ((), 'releasekit_auto_mark = ["smoke: tests/**"]', "expected 'TIER: GLOB [GLOB ...]'"),
        ((), 'releasekit_auto_mark = ["e2e: tests/[e2e"]', "bad glob: unclosed '['"),
    ],
)
def test_bad_tier_options_are_usage_errors(
    project: Project, args: tuple[str, ...], ini: str, expected: str
) -> None:
    project.configure(pytest_ini=ini)
    project.write(TESTS)
    run = project.run(*args)
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in run.result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1
    assert expected in errors[0]
