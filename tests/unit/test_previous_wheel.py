"""The members of the last release's wheel that this one lacks (artifacts.previous)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from releasekit.artifacts.previous import (
    leftovers,
    lost_members,
    previous_artifact,
    unexplained,
)


def _wheel(directory: Path, name: str, members: list[str]) -> Path:
    path = directory / name
    with zipfile.ZipFile(path, "w") as archive:
        for member in members:
            archive.writestr(member, "x")
    return path


def test_dist_info_and_the_data_directory_s_version_are_not_losses(tmp_path: Path) -> None:
    """jmespath's script moves from ``jmespath-1.0.1.data`` to ``jmespath-1.0.2.data``."""
    old = _wheel(
        tmp_path,
        "jp-1.0.1-py3-none-any.whl",
        [
            "jp/__init__.py",
            "jp/gone.py",
            "jp-1.0.1.data/scripts/jp.py",
            "jp-1.0.1.dist-info/RECORD",
        ],
    )
    new = _wheel(
        tmp_path,
        "jp-1.0.2-py3-none-any.whl",
        ["jp/__init__.py", "jp-1.0.2.data/scripts/jp.py", "jp-1.0.2.dist-info/RECORD"],
    )
    assert lost_members(old, new) == ["jp/gone.py"]


def test_a_loss_git_deleted_is_explained() -> None:
    lost = ["pkg/a.py", "pkg/b.py", "pkg/locale/x.mo"]
    assert unexplained(lost, ["src/pkg/a.py", "pkg/b.py", "other/x.mo"]) == ["pkg/locale/x.mo"]
    assert unexplained(lost, ["xpkg/a.py"]) == lost  # a path ending, not a name ending


def test_the_previous_artifact_has_the_same_name_version_and_tags(tmp_path: Path) -> None:
    new = _wheel(tmp_path, "my_pkg-2.0.1-py3-none-any.whl", [])
    index = tmp_path / "index"
    index.mkdir()
    _wheel(index, "my_pkg-2.0.0-cp311-cp311-manylinux_2_17_x86_64.whl", [])
    _wheel(index, "other-2.0.0-py3-none-any.whl", [])
    assert previous_artifact(new, "2.0.0", directory=index, index_url=None, into=tmp_path) is None
    same = _wheel(index, "my_pkg-2.0-py3-none-any.whl", [])  # 2.0 is 2.0.0
    assert previous_artifact(new, "2.0.0", directory=index, index_url=None, into=tmp_path) == same


def test_from_a_simple_index_the_wheel_is_downloaded_and_hash_checked(tmp_path: Path) -> None:
    """A remote target: the embedded index served over HTTP stands for pypiserver or PyPI."""
    from releasekit.index import LocalIndex

    index = tmp_path / "served"
    index.mkdir()
    old = _wheel(index, "my_pkg-2.0.0-py3-none-any.whl", ["my_pkg/__init__.py", "my_pkg/x.mo"])
    new = _wheel(tmp_path, "my_pkg-2.0.1-py3-none-any.whl", ["my_pkg/__init__.py"])
    with LocalIndex.running(index) as served:
        got = previous_artifact(
            new, "2.0.0", directory=None, index_url=served.simple_url, into=tmp_path / "dl"
        )
    assert got == tmp_path / "dl" / old.name and got.read_bytes() == old.read_bytes()
    assert lost_members(got, new) == ["my_pkg/x.mo"]


def test_a_top_level_name_is_compared_without_the_version_and_python_tag(tmp_path: Path) -> None:
    """zope.event's namespace ``.pth``: built again it is named for the new release and the
    Python that built it; missing altogether (a newer setuptools writes none), it is lost."""
    old = _wheel(tmp_path, "zope.event-5.1-py3-none-any.whl", ["zope.event-5.1-py3.12-nspkg.pth"])
    again = _wheel(
        tmp_path, "zope.event-5.1.1-py3-none-any.whl", ["zope.event-5.1.1-py3.11-nspkg.pth"]
    )
    assert lost_members(old, again) == []
    (tmp_path / "gone").mkdir()
    gone = _wheel(tmp_path / "gone", "zope.event-5.1.1-py3-none-any.whl", ["zope/event.py"])
    assert lost_members(old, gone) == ["zope.event-5.1-py3.12-nspkg.pth"]


def test_a_module_that_became_a_package_is_not_lost(tmp_path: Path) -> None:
    """inflection 0.5.1's wheel has ``inflection.py``; its tree has ``inflection/__init__.py``
    (and ``py.typed``): the same import, not a file gone."""
    old = _wheel(tmp_path, "inflection-0.5.1-py3-none-any.whl", ["inflection.py", "sub/m.py"])
    new = _wheel(
        tmp_path,
        "inflection-0.5.2-py3-none-any.whl",
        ["inflection/__init__.py", "inflection/py.typed", "sub/m/__init__.py"],
    )
    assert lost_members(old, new) == []
    assert lost_members(new, old) == ["inflection/py.typed"]  # back to a module: only that goes
    bare = _wheel(tmp_path, "inflection-0.5.3-py3-none-any.whl", ["inflection/py.typed"])
    assert lost_members(old, bare) == ["inflection.py", "sub/m.py"]


def _wheel_of(directory: Path, name: str, members: dict[str, str]) -> Path:
    path = directory / name
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


def test_a_module_not_in_the_tagged_source_that_nothing_imports_is_left_over(
    tmp_path: Path,
) -> None:
    """ecdsa 0.19.1's wheel has the ``_rwlock.py`` its tree dropped in 0.19.0, funcy 2.0's the
    ``compat.py`` and ``py2.py`` its tree removed: setuptools' build/lib kept them."""
    new = _wheel_of(
        tmp_path,
        "funcy-2.0.1-py3-none-any.whl",
        {
            "funcy/__init__.py": "from .calc import *\nfrom . import colls\n",
            "funcy/calc.py": "import funcy._pb2\n",
            "funcy/colls.py": "from .strings import x\n",
            "funcy/api.py": "from funcy import _api_pb2\n",
            "funcy/hooks.py": "M = 'funcy.plugin'\n",
            "funcy/broken.py": "print 'py2' funcy.py3\n",
        },
    )
    lost = [
        "funcy/compat.py",  # left over
        "funcy/old/__init__.py",  # left over
        "funcy/_pb2.py",  # generated before the build: imported absolutely
        "funcy/strings.py",  # imported relatively
        "funcy/_api_pb2.py",  # imported from its package
        "funcy/plugin.py",  # named (an entry point, importlib)
        "funcy/py3.py",  # named in a file ast cannot parse
        "funcy/tagged.py",  # in the source at the tag: not a leftover
        "funcy/locale/de.mo",  # not a module
    ]
    at_tag = ["setup.py", "src/funcy/tagged.py", "src/funcy/calc.py"]
    assert leftovers(lost, at_tag, new) == ["funcy/compat.py", "funcy/old/__init__.py"]
    assert leftovers(["funcy/compat.py"], ["funcy/compat.py"], new) == []
