"""The calver plugin's build-date version (trove-classifiers): detection from setup.py, the next
version for a bump at a given moment, and the build pin that makes exactly that version."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from releasekit.errors import ConfigError, UsageError
from releasekit.versions import CalverVersion, detect_source

SETUP = 'from setuptools import setup\nsetup(name="tinytrove", use_calver={value})\n'


def _source(root: Path, value: str) -> CalverVersion:
    (root / "setup.py").write_text(SETUP.format(value=value))
    source = detect_source(root, {}, name="tinytrove", tag_format="{version}")
    assert isinstance(source, CalverVersion)
    return source


def test_use_calver_true_is_calvers_default_format(tmp_path: Path) -> None:
    source = _source(tmp_path, "True")
    assert source.date_format == "%Y.%m.%d"
    assert source.read() == "0.0.0"  # no release tag yet
    assert source.files() == ()


def test_a_version_computed_in_code_is_one_config_error(tmp_path: Path) -> None:
    (tmp_path / "setup.py").write_text(SETUP.format(value="lambda: '1.0'"))
    with pytest.raises(ConfigError, match=r"use_calver=lambda: '1.0' computes the version in code"):
        detect_source(tmp_path, {}, name="tinytrove")


def test_every_part_keyword_means_the_date_now(tmp_path: Path) -> None:
    source = _source(tmp_path, '"%Y.%m.%d.%H"')
    now = dt.datetime(2026, 12, 4, 9, 59, 59, tzinfo=dt.UTC)
    for bump in ("patch", "minor", "major", "release"):
        assert source.next_version("2025.5.9.12", bump, now) == "2026.12.4.9"
    with pytest.raises(UsageError, match=r"not greater than the current version 2026\.12\.4\.9"):
        source.next_version("2026.12.4.9", "patch", now)
    with pytest.raises(UsageError, match="no pre-, dev- or post-releases"):
        source.next_version("2025.5.9.12", "dev", now)


@given(
    moment=st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31)),
    date_format=st.sampled_from(["%Y.%m.%d", "%Y.%m.%d.%H", "%Y.%m", "%y.%m.%d"]),
)
def test_the_build_pin_makes_exactly_the_planned_version(
    tmp_path_factory: pytest.TempPathFactory, moment: dt.datetime, date_format: str
) -> None:
    """Whatever the moment, the planned version's pinned time formats back to the same version
    (calver formats ``SOURCE_DATE_EPOCH`` in UTC), also when the hour turns before the build."""
    source = _source(tmp_path_factory.mktemp("calver"), repr(date_format))
    version = source.next_version("0.0.0", "patch", moment.replace(tzinfo=dt.UTC))
    epoch = int(source.build_env("tinytrove", version)["SOURCE_DATE_EPOCH"])
    built = dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime(date_format)
    assert source.next_version("0.0.0", built, moment.replace(tzinfo=dt.UTC)) == version
