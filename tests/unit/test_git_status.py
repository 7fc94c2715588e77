"""What counts as a change to the project's tree (``Git.dirty_paths``): a real git repository."""

from __future__ import annotations

from pathlib import Path

from releasekit.git import Git

from ..conftest import git


def _repo(root: Path) -> Git:
    git(root, "init", "-q", "-b", "main")
    (root / ".gitignore").write_text(".venv/\n.tox/\n")  # pygments': directories only
    (root / "mod.py").write_text("X = 1\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "init")
    return Git(root)


def test_the_venv_redirect_tox_writes_is_not_a_change(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (tmp_path / ".venv").write_text(".tox/py\n")  # tox's PEP 832 redirect to its environment
    assert repo.dirty_paths() == []
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / ".venv").write_text(f"{tmp_path / 'sub' / '.nox' / 'tests'}\n")
    assert repo.dirty_paths() == []


def test_any_other_venv_file_or_change_is(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    (tmp_path / ".venv").write_text("/opt/somewhere/else\n")  # the user's own redirect
    (tmp_path / "mod.py").write_text("X = 2\n")
    assert sorted(repo.dirty_paths()) == [".venv", "mod.py"]
