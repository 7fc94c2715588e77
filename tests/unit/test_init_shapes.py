"""``releasekit init`` on every pyproject.toml layout, and on setup.cfg-only projects."""

import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releasekit.config import load_config
from releasekit.errors import ConfigError
from releasekit.init import init_project
from releasekit.workspace import load_workspace

PROJECT = '[project]\nname = "mine"\nversion = "1.0"\n'

#: Ways a pyproject.toml spells ``tool`` entries (each a self-contained piece of the file).
TOOL_PIECES = {
    "header": "[tool.{n}]\nx = 1\n",
    "nested header": "[tool.{n}.sub]\ny = 2\n",
    "top-level dotted": "tool.{n}.x = 1\n",
    "dotted in [tool]": "[tool]\n{n}.x = 1\n",
    "inline in [tool]": "[tool]\n{n} = {{ x = 1 }}\n",
    "inline tool": "tool = {{ {n} = {{ x = 1 }} }}\n",
    "array of tables": "[[tool.{n}]]\nx = 1\n",
}


def _compose(pieces: list[tuple[str, str]], project_at: int) -> str | None:
    """A file of the pieces in order, the [project] table at ``project_at``; None if invalid."""
    parts = [TOOL_PIECES[kind].format(n=name) for kind, name in pieces]
    top = [p for p in parts if not p.startswith("[")]  # bare keys must precede every table
    tables = [p for p in parts if p.startswith("[")]
    tables.insert(min(project_at, len(tables)), PROJECT)
    text = "\n".join([*top, *tables])
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None  # e.g. [tool] twice, or tool both inline and a table: not a pyproject
    return text


def _check_init(root: Path, text: str) -> None:
    (root / "pyproject.toml").write_text(text)
    before = tomllib.loads(text)
    try:
        init_project(root)
    except ConfigError:
        assert (root / "pyproject.toml").read_text() == text  # refused: nothing changed
        return
    after = tomllib.loads((root / "pyproject.toml").read_text())
    tool = before.setdefault("tool", {})
    if "releasekit" not in tool:
        tool["releasekit"] = {"target": "local"}
    assert after == before  # exactly [tool.releasekit] added; everything else kept


def test_tool_tables_split_around_project(tmp_path: Path) -> None:
    """idna's and rich's layout: tomlkit gives an out-of-order proxy for ``tool``."""
    text = "[tool.a]\nx = 1\n\n" + PROJECT + "\n[tool.b]\ny = 2\n"
    (tmp_path / "pyproject.toml").write_text(text)
    report = init_project(tmp_path, towncrier=True)
    assert report.done[:2] == [
        "added [tool.towncrier] to pyproject.toml",
        "added [tool.releasekit] to pyproject.toml",
    ]
    written = (tmp_path / "pyproject.toml").read_text()
    assert 'target = "local"\n\n[project]' in written  # placed next to [tool.a], set apart
    data = tomllib.loads(written)
    assert data["tool"]["a"] == {"x": 1} and data["tool"]["b"] == {"y": 2}
    assert data["tool"]["releasekit"] == {"target": "local"}
    assert data["tool"]["towncrier"]["directory"] == "changelog.d"
    assert load_config(tmp_path).target == "local"


@pytest.mark.parametrize("kind", sorted(TOOL_PIECES))
@pytest.mark.parametrize("project_at", [0, 1])
def test_each_tool_spelling(tmp_path: Path, kind: str, project_at: int) -> None:
    text = _compose([(kind, "a")], project_at)
    assert text is not None
    _check_init(tmp_path, text)


def test_inline_tool_gets_an_inline_releasekit_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("tool = { a = { x = 1 } }\n" + PROJECT)
    assert init_project(tmp_path).done == ["added [tool.releasekit] to pyproject.toml"]
    assert load_config(tmp_path).target == "local"


def test_dotted_releasekit_keys_are_the_projects_table(tmp_path: Path) -> None:
    text = 'tool.releasekit.target = "local"\n' + PROJECT
    (tmp_path / "pyproject.toml").write_text(text)
    assert "[tool.releasekit] (yours)" in init_project(tmp_path).kept
    assert (tmp_path / "pyproject.toml").read_text() == text


def test_tool_that_is_not_a_table_is_one_error(tmp_path: Path) -> None:
    text = "tool = 3\n" + PROJECT
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError):
        init_project(tmp_path)
    assert (tmp_path / "pyproject.toml").read_text() == text


def test_a_layout_tomlkit_misreads_is_refused_in_one_line(tmp_path: Path) -> None:
    """Found by the property below: ``[[tool.b]]``, then ``[tool]``, then ``[tool.b.sub]`` (which
    extends the array's last table) is TOML that tomlkit reads as a plain table and then fails on
    with ``KeyAlreadyPresent``; before, ``init`` raised that traceback."""
    text = PROJECT + "\n[[tool.b]]\nx = 1\n\n[tool]\na.x = 1\n\n[tool.b.sub]\ny = 2\n"
    (tmp_path / "pyproject.toml").write_text(text)
    with pytest.raises(ConfigError, match="tomlkit misreads") as raised:
        init_project(tmp_path)
    assert raised.value.hint and "[tool.releasekit]" in raised.value.hint
    assert (tmp_path / "pyproject.toml").read_text() == text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(
        st.tuples(st.sampled_from(sorted(TOOL_PIECES)), st.sampled_from(["a", "b", "releasekit"])),
        max_size=4,
    ),
    project_at=st.integers(0, 4),
)
def test_any_layout_is_edited_or_refused_in_one_line(
    tmp_path_factory: pytest.TempPathFactory, pieces: list[tuple[str, str]], project_at: int
) -> None:
    text = _compose(pieces, project_at)
    if text is not None:
        _check_init(tmp_path_factory.mktemp("shape"), text)


SETUP_CFG = """[metadata]
name = legacy-pkg
version = attr: legacy_pkg.__version__

[options]
packages = find:
"""


def test_setup_cfg_project_without_pyproject(tmp_path: Path) -> None:
    """flake8's and pycodestyle's shape: defaults apply and nothing that changes the build."""
    (tmp_path / "setup.cfg").write_text(SETUP_CFG)
    (tmp_path / "setup.py").write_text("from setuptools import setup\n\nsetup()\n")
    (tmp_path / "legacy_pkg").mkdir()
    (tmp_path / "legacy_pkg" / "__init__.py").write_text('__version__ = "2.13.0"\n')
    report = init_project(tmp_path)
    assert report.done == []
    assert any("no pyproject.toml" in line and "defaults" in line for line in report.kept)
    assert any(
        line.startswith("version source: legacy_pkg/__init__.py (setup.cfg version = attr:")
        for line in report.detected
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["legacy_pkg", "setup.cfg", "setup.py"]
    config = load_config(tmp_path)
    workspace = load_workspace(tmp_path, config)
    assert (workspace.packages[0].name, workspace.version) == ("legacy-pkg", "2.13.0")


def test_setup_cfg_without_a_name_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[options]\npackages = find:\n")
    with pytest.raises(ConfigError, match=r"setup\.cfg: no project name"):
        init_project(tmp_path)


def test_setup_cfg_not_utf8_is_one_error_naming_it(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_bytes(b"[metadata]\nname = x\n# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"setup\.cfg: not UTF-8 .* at line 3"):
        init_project(tmp_path)


def test_setup_py_alone_without_a_name_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text("from setuptools import setup\n\nsetup()\n")
    with pytest.raises(ConfigError, match=r"setup\.py: no project name"):  # setuptools: UNKNOWN
        init_project(tmp_path)


def test_setup_py_names_the_project_through_its_backend(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text("from setuptools import setup\n\nsetup(name='x')\n")
    report = init_project(tmp_path)
    assert any(
        "setup.py gives version 0.0.0, but no file holds it" in line for line in report.detected
    ), report.detected


def test_empty_directory_still_needs_a_project(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"no pyproject\.toml here"):
        init_project(tmp_path)
