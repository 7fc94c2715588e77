from pathlib import Path

import pytest

from releasekit.config import load_config
from releasekit.errors import ConfigError


def _project(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[project]\nname='x'\nversion='1.0'\n{table}")
    return tmp_path


def test_defaults_without_a_table(tmp_path: Path) -> None:
    config = load_config(_project(tmp_path, ""), environ={})
    assert config.target == "local"
    assert config.gate_command is None  # detected: releasekit.testenv
    assert config.verify_tests == "auto"
    assert config.sources == {}


def test_precedence_and_sources(tmp_path: Path) -> None:
    root = _project(tmp_path, "[tool.releasekit]\ntarget='testpypi'\nremote='up'\npush=true\n")
    config = load_config(
        root,
        environ={"RELEASEKIT_REMOTE": "env-remote", "RELEASEKIT_PUSH": "0"},
        overrides={"target": "pypi"},
    )
    assert (config.target, config.remote, config.push) == ("pypi", "env-remote", False)
    assert config.sources["target"] == "command line"
    assert config.sources["remote"] == "environment variable RELEASEKIT_REMOTE"
    assert "branches" not in config.sources
    assert "pyproject.toml" in load_config(root, environ={}).sources["remote"]


def test_commands_accept_strings(tmp_path: Path) -> None:
    root = _project(tmp_path, "[tool.releasekit]\ngate_command = \"pytest -x 'a b'\"\n")
    assert load_config(root, environ={}).gate_command == ["pytest", "-x", "a b"]


@pytest.mark.parametrize(
    ("table", "needles"),
    [
        ("[tool.releasekit]\nbranchez=['main']", ["'branchez'", "unknown key"]),
        ("[tool.releasekit]\npush='maybe'", ["'push'", "boolean", "'maybe'"]),
        ("[tool.releasekit]\npackages=[]", ["'packages'", "at least one"]),
        ("[tool.releasekit.image]\nbuilder='kaniko'", ["'image.builder'", "'kaniko'"]),
        ("[tool.releasekit]\nbump_map={feature='huge'}", ["'bump_map.feature'", "'huge'"]),
        (
            "[tool.releasekit]\ngate_reruns=-1",
            ["'gate_reruns'", "-1", "greater than or equal to 0"],
        ),
    ],
)
def test_invalid_values_name_file_key_and_value(
    tmp_path: Path, table: str, needles: list[str]
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(_project(tmp_path, table), environ={})
    message = str(info.value)
    assert str(tmp_path / "pyproject.toml") in message
    for needle in needles:
        assert needle in message


def test_malformed_toml(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project\nname=")
    with pytest.raises(ConfigError, match="malformed TOML"):
        load_config(tmp_path, environ={})


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("auto", "auto"), ("off", False), ("TRUE", True), ("tests/unit -x", ["tests/unit", "-x"])],
)
def test_verify_tests_from_the_environment(tmp_path: Path, raw: str, expected: object) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "1.0"\n')
    config = load_config(tmp_path, environ={"RELEASEKIT_VERIFY_TESTS": raw})
    assert config.verify_tests == expected
    assert config.sources["verify_tests"] == "environment variable RELEASEKIT_VERIFY_TESTS"


def test_verify_tests_environment_value_that_cannot_be_split_is_a_config_error(
    tmp_path: Path,
) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "1.0"\n')
    with pytest.raises(ConfigError, match="verify_tests"):
        load_config(tmp_path, environ={"RELEASEKIT_VERIFY_TESTS": "tests 'x"})
