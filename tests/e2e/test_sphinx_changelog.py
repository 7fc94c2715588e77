"""Mako's shape, released unmodified: setup.cfg ``attr:`` version, SQLAlchemy-style ``rel_1_3_10``
tags, a root ``CHANGES`` that only points to the docs, and the Sphinx ``changelog`` extension's
``doc/build/changelog.rst`` with changes waiting in ``doc/build/unreleased/``.

Before, releasekit tagged ``rel_1_3_1.3.11`` (it read ``rel_1_3_`` as a prefix of version 10) and
appended the entry under the stub's "MOVED" text, leaving the real changelog and the waiting
changes untouched. Real ``init`` and ``release`` on tests/projects/shape-mako, real builds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import Sandbox, make_sandbox, metadata_version

PROJECT = Path(__file__).resolve().parents[1] / "projects" / "shape-mako"
CHANGE = """.. change::
    :tags: bug, runtime
    :tickets: 420

    Fixed a crash when rendering an empty template.
"""


@pytest.fixture
def mako(tmp_path: Path) -> Sandbox:
    sb = make_sandbox(tmp_path, "shape-mako")
    for tag in ("rel_1_3_9", "rel_1_3_10"):
        sb.git("tag", "-a", tag, "-m", "release")
    sb.git("push", "-q", "origin", "main", "--tags")
    done = sb.run("init", check=True)
    assert "sphinx-changelog (doc/build/changelog.rst" in done.stdout + done.stderr
    if sb.git("status", "--porcelain"):
        sb.git("add", "-A")
        sb.git("commit", "-qm", "Set up releasekit")
    return sb


def _commit(sb: Sandbox, message: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (sb.repo / rel).write_text(text, encoding="utf-8")
    sb.git("add", "-A")
    sb.git("commit", "-qm", message)


def _released(sb: Sandbox, version: str, tags: set[str]) -> str:
    """The index has ``version``'s files saying it inside, the remote its ``rel_`` tag on the
    release commit; the changelog's text at that commit."""
    for name in (f"tinymako-{version}.tar.gz", f"tinymako-{version}-py3-none-any.whl"):
        assert metadata_version(sb.index / name) == version, name
    tag = "rel_" + version.replace(".", "_")
    assert set(sb.remote_git("tag", "--list").split()) == tags | {tag}
    assert sb.remote_git("rev-parse", f"{tag}^{{commit}}") == sb.git("rev-parse", "HEAD")
    assert sb.git("status", "--porcelain") == ""
    assert f'__version__ = "{version}"' in (sb.repo / "tinymako/__init__.py").read_text()
    assert (sb.repo / "CHANGES").read_text() == (PROJECT / "CHANGES").read_text()
    return (sb.repo / "doc/build/changelog.rst").read_text()


@pytest.mark.xdist_group("sphinx-changelog")
def test_patch_then_minor_tags_rel_and_writes_the_docs_changelog(mako: Sandbox) -> None:
    _commit(mako, "fix: empty templates", {"doc/build/unreleased/420.rst": CHANGE})
    mako.run("release", "patch", "--yes", "--to", "local", check=True, timeout=600)
    text = _released(mako, "1.3.11", {"rel_1_3_9", "rel_1_3_10"})
    assert (
        "1.3\n===\n\n.. changelog::\n    :version: 1.3.11\n    :released: "
        in text.split(":version: 1.3.10")[0]
    )
    assert "        Fixed a crash when rendering an empty template.\n" in text
    assert not (mako.repo / "doc/build/unreleased/420.rst").exists()
    assert (mako.repo / "doc/build/unreleased/README.txt").is_file()
    changed = mako.git("diff", "--name-only", "HEAD~1", "HEAD").split()
    assert sorted(changed) == [
        "doc/build/changelog.rst",
        "doc/build/unreleased/420.rst",
        "tinymako/__init__.py",
    ]

    _commit(mako, "feat: render filters", {"tinymako/filters.py": "NAMES = ()\n"})
    mako.run("release", "minor", "--yes", "--to", "local", check=True, timeout=600)
    text = _released(mako, "1.4.0", {"rel_1_3_9", "rel_1_3_10", "rel_1_3_11"})
    assert "Changelog\n=========\n\n1.4\n===\n\n.. changelog::\n    :version: 1.4.0\n" in text
    assert "        :tags: changed\n\n        render filters\n\n\n1.3\n===\n" in text
