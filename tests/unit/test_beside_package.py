"""Which of the tree's directories verify links beside the installed package for a rerun."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.sourcetree import beside_package
from releasekit.venv import VirtualEnv


@pytest.fixture
def site(tmp_path: Path) -> Path:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    (site / "pkg").mkdir(parents=True)
    (site / "pkg-1.0.dist-info").mkdir()
    return site


def _tree(root: Path, *files: str) -> Path:
    for name in files:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("")
    return root


def _links(site: Path, tree: Path, output: str) -> dict[Path, Path]:
    venv = VirtualEnv(site.parents[2])
    return beside_package(output, venv, tree, {"pkg"})


def test_a_directory_the_tests_looked_for_beside_the_package_is_linked(
    tmp_path: Path, site: Path
) -> None:
    tree = _tree(tmp_path / "tree", "pkg/__init__.py", "tests/examplefiles/a/b.txt")
    output = f"AssertionError: Example file {site}/tests/examplefiles/a/b.txt not found"
    assert _links(site, tree, output) == {site.resolve() / "tests": tree / "tests"}


def test_in_a_src_layout_the_directory_beside_the_package_in_src_is_linked(
    tmp_path: Path, site: Path
) -> None:
    tree = _tree(tmp_path / "tree", "src/pkg/__init__.py", "src/examples/x", "examples/y")
    output = f"FileNotFoundError: '{site}/examples/x'"
    assert _links(site, tree, output) == {site.resolve() / "examples": tree / "src" / "examples"}


@pytest.mark.parametrize(
    "named",
    [
        "pkg/data/table.json",  # inside the wheel's own package: the wheel lacks it
        "pkg.py",  # the wheel's own module, as a file
        "pkg-1.0.dist-info/RECORD",  # the installer's
        "nowhere/x.txt",  # the tree has no such directory either
        "pkg-1.0.dist-info",
    ],
)
def test_what_the_wheel_installs_or_the_tree_lacks_is_never_linked(
    tmp_path: Path, site: Path, named: str
) -> None:
    tree = _tree(tmp_path / "tree", "pkg/__init__.py", "pkg/data/table.json", "pkg.py")
    _tree(tree, "pkg-1.0.dist-info/RECORD")
    assert _links(site, tree, f"No such file or directory: '{site}/{named}'") == {}


def test_a_name_site_packages_already_has_is_left_alone(tmp_path: Path, site: Path) -> None:
    tree = _tree(tmp_path / "tree", "pkg/__init__.py", "six.py")
    (site / "six.py").write_text("")
    assert _links(site, tree, f"error in {site}/six.py line 3") == {}
