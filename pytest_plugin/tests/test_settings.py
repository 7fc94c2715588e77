"""Settings: typed validation of [tool.releasekit.gate] and --gate-set, one-line usage errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_releasekit.gates import all_keys
from pytest_releasekit.settings import (
    Key,
    SettingsError,
    load_settings,
    parse_assignment,
    percent,
    read_gate_table,
)


def load(table: dict[str, object] | None = None, *sets: str, base: str | None = None):  # type: ignore[no-untyped-def]
    return load_settings(table or {}, sets, all_keys(), base=base)


def test_defaults_are_unset() -> None:
    settings = load()
    assert settings.values["coverage_total"] is None
    assert settings.values["min_tests"] == {}
    assert set(settings.sources.values()) == {"default"}


def test_pyproject_then_cli_precedence_and_sources() -> None:
    settings = load(
        {"coverage_total": 80, "min_tests": {"e2e": 1}},
        "coverage_total=91.5",
        "min_tests.unit=3",
        base="origin/dev",
    )
    assert settings.values["coverage_total"] == 91.5
    assert settings.values["min_tests"] == {"e2e": 1, "unit": 3}
    assert settings.values["diff_base"] == "origin/dev"
    assert settings.sources["coverage_total"] == "--gate-set"
    assert settings.sources["diff_base"] == "--gate-base"
    assert settings.sources["coverage_branch"] == "default"


def test_off_switches_a_key_back_to_its_default() -> None:
    settings = load({"coverage_total": 80, "max_flaky": 2}, "coverage_total=off", "max_flaky=OFF")
    assert settings.values["coverage_total"] is None
    assert settings.values["max_flaky"] is None
    assert settings.sources["coverage_total"] == "--gate-set off"
    from pytest_releasekit.gates.coverage import COVERAGE_TOTAL

    assert not settings.is_set(COVERAGE_TOTAL)


def test_cli_values_are_toml_or_strings() -> None:
    assert parse_assignment("coverage_total=90") == ("coverage_total", 90)
    assert parse_assignment("diff_base=origin/main") == ("diff_base", "origin/main")
    assert parse_assignment("min_tests={e2e = 2}") == ("min_tests", {"e2e": 2})
    assert parse_assignment("coverage_per_file_exclude=['a/**']") == (
        "coverage_per_file_exclude",
        ["a/**"],
    )


def test_dotted_table_key_with_glob() -> None:
    settings = load({}, "coverage_per_file_overrides.src/legacy/*.py=40")
    assert settings.values["coverage_per_file_overrides"] == {"src/legacy/*.py": 40.0}


def test_percent_accepts_percent_sign_on_cli() -> None:
    assert load({}, "coverage_total=85%").values["coverage_total"] == 85.0
    assert percent(0) == 0.0
    assert percent(100) == 100.0


@pytest.mark.parametrize(
    ("table", "sets", "expected"),
    [
        (
            {"coverage_totl": 90},
            (),
            "unknown key 'coverage_totl' (= 90): did you mean 'coverage_total'?",
        ),
        (
            {"coverage_total": 101},
            (),
            "coverage_total = 101: must be a percentage between 0 and 100",
        ),
        ({"coverage_total": -1}, (), "coverage_total = -1: must be a percentage"),
        ({"coverage_total": "high"}, (), "coverage_total = 'high': must be a percentage"),
        ({"coverage_total": True}, (), "coverage_total = true: must be a percentage"),
        ({"max_flaky": 1.5}, (), "max_flaky = 1.5: must be a whole number >= 0"),
        ({"max_flaky": -2}, (), "max_flaky = -2: must be a whole number >= 0"),
        ({"min_tests": 3}, (), "min_tests = 3: must be a table"),
        (
            {"min_tests": {"smoke": 1}},
            (),
            "min_tests = {smoke = 1}: ['smoke'] = 1 has unknown tier 'smoke'",
        ),
        ({"min_tests": {"e2e": "one"}}, (), "['e2e'] = 'one' must be a whole number >= 0"),
        ({"coverage_per_file_exclude": ["src/[x"]}, (), "bad glob: unclosed '[' in 'src/[x'"),
        ({"coverage_per_file_overrides": {"src/a**": 50}}, (), "'**' must be a whole path segment"),
        (
            {"coverage_per_file_overrides": {"src/*.py": 150}},
            (),
            "['src/*.py'] = 150 must be a percentage",
        ),
        ({"diff_base": ""}, (), "diff_base = '': must be a non-empty string"),
        ({}, ("coverage_total=abc",), "--gate-set coverage_total = 'abc': must be a percentage"),
        ({}, ("nope=1",), "--gate-set unknown key 'nope' (= 1)"),
        ({}, ("coverage_total",), "expected KEY=VALUE"),
    ],
)
def test_bad_config_is_one_line_usage_error_naming_the_key(
    table: dict[str, object], sets: tuple[str, ...], expected: str
) -> None:
    with pytest.raises(pytest.UsageError) as info:
        load(table, *sets)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert message.startswith("releasekit: ")


def test_settings_error_is_usage_error() -> None:
    assert SettingsError is pytest.UsageError


def test_a_rule_can_contribute_keys() -> None:
    extra: Key[float | None] = Key("benchmark_max_regression", percent, None, example="x = 1")
    settings = load_settings({"benchmark_max_regression": 10}, (), [*all_keys(), extra])
    assert settings.get(extra) == 10.0
    assert settings.is_set(extra)
    with pytest.raises(pytest.UsageError, match="benchmark_max_regression = 200"):
        load_settings({"benchmark_max_regression": 200}, (), [*all_keys(), extra])


def test_read_gate_table(tmp_path: Path) -> None:
    assert read_gate_table(tmp_path)[0] == {}
    (tmp_path / "pyproject.toml").write_text("[tool.releasekit.gate]\ncoverage_total = 90\n")
    assert read_gate_table(tmp_path)[0] == {"coverage_total": 90}
    (tmp_path / "pyproject.toml").write_text("[tool.releasekit]\ngate = 3\n")
    with pytest.raises(pytest.UsageError, match="must be a table"):
        read_gate_table(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.releasekit.gate\n")
    with pytest.raises(pytest.UsageError, match="invalid TOML"):
        read_gate_table(tmp_path)


@pytest.mark.parametrize(
    ("gate", "args", "expected"),
    [
        (
            "coverage_total = 120",
            (),
            "coverage_total = 120: must be a percentage between 0 and 100",
        ),
        ("covrage_total = 90", (), "unknown key 'covrage_total'"),
        ("", ("--gate-set", "max_flaky=many"), "--gate-set max_flaky = 'many'"),
        ('coverage_per_file_exclude = ["a/[b"]', (), "bad glob"),
    ],
)
def test_bad_config_stops_pytest_with_usage_error(project, gate, args, expected) -> None:  # type: ignore[no-untyped-def]
    project.configure(gate)
    project.write({"tests/test_x.py": "def test_x(): pass\n"})
    run = project.run("--gate", *args)
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in run.result.stderr.lines if line.startswith("ERROR:")]
    assert len(errors) == 1
    assert expected in errors[0]
    assert "Traceback" not in run.result.stderr.str()


def test_bad_config_replaces_a_stale_json_report(project) -> None:  # type: ignore[no-untyped-def]
    import json

    project.configure("coverage_total = 120")
    project.write(
        {"tests/test_x.py": "def test_x(): pass\n", "gate-report.json": '{"verdict": "pass"}'}
    )
    run = project.run("--gate-report=gate-report.json")
    assert run.ret == pytest.ExitCode.USAGE_ERROR
    document = json.loads(run.report_path.read_text())
    assert document["verdict"] == "not-evaluated"
    assert document["exit_status"] == 4
    assert "coverage_total = 120" in document["reason"]
