"""Tag style learned from real git repositories; tag_format validation; remote detection."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from releasekit.config import load_config
from releasekit.errors import ConfigError
from releasekit.git import detect_remote, remote_default_branch
from releasekit.tags import (
    detect_style,
    detect_tag_format,
    effective_tag_format,
    format_tag,
    latest_version_tag,
    tag_matcher,
)

from ..conftest import pep440_versions


def _git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _repo(root: Path, *tags: str) -> Path:
    """A repository with one commit per tag, tagged in the given order (oldest first)."""
    root.mkdir(exist_ok=True)
    (root / "pyproject.toml").write_text("[project]\nname = 'pkg'\nversion = '1.0'\n")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "T")
    _git(root, "config", "user.email", "t@example.invalid")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "initial")
    for tag in tags:
        _git(root, "commit", "-q", "--allow-empty", "-m", f"release {tag}")
        _git(root, "tag", tag)
    return root


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (["v1.2.3"], "v{version}"),
        (["8.4.0", "8.5.0"], "{version}"),
        (["pkg-1.2.3"], "{name}-{version}"),
        (["pkg-v1.2.3"], "{name}-v{version}"),
        (["pkg@1.2.3"], "{name}@{version}"),
        (["release-2.0"], "release-{version}"),
        # SQLAlchemy's, Mako's and Alembic's style
        (["rel_1_3_9", "rel_1_3_10"], "rel_{version_underscored}"),
        (["pkg-1_2_3"], "{name}-{version_underscored}"),
        # switched styles: the highest version decides
        (["v1.0.0", "v1.1.0", "1.2.0"], "{version}"),
        (["1.0.0", "v2.0.0rc1"], "v{version}"),
        # tags that are no version are ignored
        (["nightly", "latest", "1.0.0"], "{version}"),
        (["nightly"], None),
        ([], None),
    ],
)
def test_detect_tag_format(tmp_path: Path, tags: list[str], expected: str | None) -> None:
    assert detect_tag_format(_repo(tmp_path, *tags), ["pkg"]) == expected


def test_detect_names_the_tags_it_learned_from(tmp_path: Path) -> None:
    root = _repo(tmp_path, "v1.0.0", "v1.4.2", "v1.3.0", "nightly")
    style = detect_style(root, ["pkg"])
    assert style is not None
    assert style.source == "detected from tags v1.0.0..v1.4.2"


def test_effective_format_default_configured_and_detected(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    config = load_config(root, environ={})
    assert effective_tag_format(root, config, ["pkg"]) == (
        "v{version}",
        "default: no release tags yet",
    )
    assert effective_tag_format(root, config, ["a", "b"])[0] == "{name}-v{version}"
    _git(root, "tag", "8.5.0")
    assert effective_tag_format(root, config, ["pkg"]) == (
        "{version}",
        "detected from tags 8.5.0",
    )
    with (root / "pyproject.toml").open("a") as handle:
        handle.write("[tool.releasekit]\ntag_format = 'rel-{version}'\n")
    config = load_config(root, environ={})
    fmt, where = effective_tag_format(root, config, ["pkg"])
    assert fmt == "rel-{version}" and where.endswith("pyproject.toml")


def test_latest_version_tag_is_the_highest_reachable_of_the_format(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", "v1.0.0", "v1.10.0", "v1.9.0", "2.0.0", "pkg-v3.0.0")
    assert latest_version_tag(root, "v{version}") is not None
    tag, version = latest_version_tag(root, "v{version}") or ("", None)
    assert (tag, str(version)) == ("v1.10.0", "1.10.0")
    assert latest_version_tag(root, "{name}-v{version}", name="pkg") is not None
    assert latest_version_tag(root, "{name}-v{version}", name="other") is None
    _git(root, "checkout", "-q", "v1.0.0")
    assert (latest_version_tag(root, "v{version}") or ("",))[0] == "v1.0.0"
    (tmp_path / "not-a-repo").mkdir()
    assert latest_version_tag(tmp_path / "not-a-repo", "v{version}") is None


def test_underscored_tags_order_by_version_and_take_pre_releases(tmp_path: Path) -> None:
    root = _repo(tmp_path, "rel_1_3_9", "rel_1_3_10", "rel_2_0_0b1", "rel_1_4_0")
    fmt = detect_tag_format(root, ["pkg"])
    assert fmt == "rel_{version_underscored}"
    _git(root, "tag", "v9.0.0")  # another style's tag is no release of this format
    tag, version = latest_version_tag(root, fmt) or ("", None)
    assert (tag, str(version)) == ("rel_2_0_0b1", "2.0.0b1")
    assert format_tag(fmt, "pkg", "2.0.0") == "rel_2_0_0"
    # a dotted version is no underscored tag, and an underscored one no dotted tag
    assert tag_matcher(fmt)("rel_1.3.10") is None
    assert tag_matcher("rel_{version}")("rel_1_3_10") is None


FORMATS = ["v{version}", "{version}", "{name}-v{version}", "rel_{version_underscored}"]


@settings(max_examples=200, deadline=None)
@given(version=pep440_versions(), fmt=st.sampled_from(FORMATS))
def test_every_tag_made_reads_back_as_its_version(version: str, fmt: str) -> None:
    tag = format_tag(fmt, "pkg", version)
    assert tag_matcher(fmt, "pkg")(tag) == Version(version)


@pytest.mark.parametrize(
    "fmt", ["v{versoin}", "{name}-{version.major}", "v{version", "release", "rel_{name}"]
)
def test_bad_tag_format_is_a_config_error(tmp_path: Path, fmt: str) -> None:
    root = _repo(tmp_path)
    with (root / "pyproject.toml").open("a") as handle:
        handle.write(f"[tool.releasekit]\ntag_format = {fmt!r}\n")
    with pytest.raises(ConfigError, match="tag_format"):
        load_config(root, environ={})


def test_remote_and_default_branch_detection(tmp_path: Path) -> None:
    root = _repo(tmp_path / "work")
    assert detect_remote(root) == ("origin", "default")
    _git(tmp_path, "init", "-q", "--bare", "-b", "trunk", "up.git")
    _git(root, "remote", "add", "upstream", "../up.git")
    assert detect_remote(root) == ("upstream", "detected: the only git remote")
    _git(root, "push", "-q", "-u", "upstream", "main:trunk")
    _git(root, "remote", "add", "origin", "../up.git")
    assert detect_remote(root) == ("upstream", "detected: upstream of branch main")
    assert remote_default_branch(root, "upstream") is None
    _git(root, "remote", "set-head", "upstream", "trunk")
    assert remote_default_branch(root, "upstream") == "trunk"
    config = load_config(root, environ={})
    assert config.remote == "upstream"
    assert config.branches == ["main", "master", "release/*", "trunk"]
    assert config.detected["remote"] == "detected: upstream of branch main"
    assert "branches" not in config.sources
    set_remote = load_config(root, environ={"RELEASEKIT_REMOTE": "origin"})
    assert set_remote.remote == "origin" and "remote" not in set_remote.detected
