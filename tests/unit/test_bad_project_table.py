"""Random values of the ``[project]`` keys releasekit reads: loading the project answers with a
ReleasekitError (one ERROR line) or a workspace releasekit can work with; any other exception
would be a traceback (issue 12). The name becomes an index URL, file names and a tag, so a name
PEP 508 does not allow must be refused here: ``simple pkg`` was a traceback from urllib."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from packaging.utils import canonicalize_name
from packaging.version import Version

from releasekit.config import load_config
from releasekit.errors import ConfigError, ReleasekitError
from releasekit.workspace import load_workspace

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
KEYS = ["name", "version", "dependencies", "scripts", "gui-scripts", "readme", "license", "dynamic"]
TRICKY = ["simple pkg", "-x", "x-", "x.", "pkg/evil", "p\u00e9", "", " ", "a\tb", "n" * 300]
scalars = st.booleans() | st.integers() | st.floats() | st.text() | st.sampled_from(TRICKY)
values = scalars | st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _load(root: Path, project: dict[str, Any]) -> None:
    text = tomlkit.dumps({"project": project})
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    try:
        config = load_config(root, overrides={"remote": "origin", "branches": ["main"]}, environ={})
        workspace = load_workspace(root, config)
    except ReleasekitError:
        return
    for package in workspace.packages:  # what it loaded is what the release can use
        canonicalize_name(package.name, validate=True)
        Version(package.version)


@pytest.mark.parametrize("key", KEYS)
@EXAMPLES
@given(value=values)
def test_any_value_of_a_project_key(tmp_path: Path, key: str, value: Any) -> None:
    try:
        tomlkit.dumps({"v": value})
    except ValueError:  # a text TOML cannot hold (a lone surrogate)
        return
    _load(tmp_path, {"name": "x", "version": "1.0", key: value})


@EXAMPLES
@given(name=st.text() | st.sampled_from(TRICKY))
@example(name="simple pkg")
def test_any_project_name(tmp_path: Path, name: str) -> None:
    _load(tmp_path, {"name": name, "version": "1.0"})


@pytest.mark.parametrize("name", ["simple pkg", "-x", "x.", "p\u00e9", "pkg/evil"])
def test_a_name_pep_508_does_not_allow_is_one_line(tmp_path: Path, name: str) -> None:
    (tmp_path / "pyproject.toml").write_text(
        tomlkit.dumps({"project": {"name": name, "version": "1.0"}}), encoding="utf-8"
    )
    config = load_config(tmp_path, overrides={"remote": "origin", "branches": ["main"]}, environ={})
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path, config)
    assert f"the project name {name!r} is not a valid name (PEP 508)" in str(info.value)
    assert "pyproject.toml" in str(info.value)


def _workspace(root: Path, project: dict[str, Any]) -> Any:
    (root / "pyproject.toml").write_text(tomlkit.dumps({"project": project}), encoding="utf-8")
    config = load_config(root, overrides={"remote": "origin", "branches": ["main"]}, environ={})
    return load_workspace(root, config)


@pytest.mark.parametrize(
    "value", ["pkg:main:x y", "pkg", "pkg:", "pkg main", ":main", "pkg:main extra", 5]
)
def test_a_script_no_installer_accepts_is_one_line(tmp_path: Path, value: object) -> None:
    """hatchling builds such a wheel; uv and pip refuse to install it (verify stopped there)."""
    with pytest.raises(ConfigError) as info:
        _workspace(tmp_path, {"name": "x", "version": "1.0", "scripts": {"x": value}})
    assert f"[project.scripts] x = {value!r} is not a 'module:function' reference" in str(
        info.value
    )


def test_scripts_installers_accept_load(tmp_path: Path) -> None:
    scripts = {"a": "pkg:main", "b": "pkg.cli : main", "c": "pkg.cli:App.run [extra]"}
    workspace = _workspace(
        tmp_path,
        {"name": "x", "version": "1.0", "scripts": scripts, "gui-scripts": {"g": "pkg.gui:run"}},
    )
    assert workspace.packages[0].scripts == ("a", "b", "c")


@pytest.mark.parametrize(
    ("scripts", "shown"),
    [
        ({"x": "tinypoetry:main:x y"}, "'tinypoetry:main:x y'"),
        ({"x": {"callable": "tinypoetry"}}, "'tinypoetry'"),
        ({"x": {"reference": "tiny poetry:main", "type": "console"}}, "'tiny poetry:main'"),
    ],
)
def test_a_poetry_script_no_installer_accepts_is_one_line(
    tmp_path: Path, scripts: dict[str, Any], shown: str
) -> None:
    """poetry-core builds such a wheel too: the release stopped at verify's install."""
    poetry = {"name": "x", "version": "1.0", "scripts": scripts}
    (tmp_path / "pyproject.toml").write_text(
        tomlkit.dumps({"tool": {"poetry": poetry}}), encoding="utf-8"
    )
    config = load_config(tmp_path, overrides={"remote": "origin", "branches": ["main"]}, environ={})
    with pytest.raises(ConfigError) as info:
        load_workspace(tmp_path, config)
    assert f"[tool.poetry.scripts] x = {shown} is not a 'module:function' reference" in str(
        info.value
    )


def test_a_poetry_file_script_is_not_an_entry_point(tmp_path: Path) -> None:
    poetry = {
        "name": "x",
        "version": "1.0",
        "scripts": {"a": "x.cli:main", "b": {"reference": "bin/b.sh", "type": "file"}},
    }
    (tmp_path / "pyproject.toml").write_text(
        tomlkit.dumps({"tool": {"poetry": poetry}}), encoding="utf-8"
    )
    config = load_config(tmp_path, overrides={"remote": "origin", "branches": ["main"]}, environ={})
    assert load_workspace(tmp_path, config).packages[0].name == "x"
