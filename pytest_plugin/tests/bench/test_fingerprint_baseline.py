"""Fingerprint rules and baseline storage."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from pytest_releasekit.bench import baseline, fingerprint
from pytest_releasekit.bench.fingerprint import Fingerprint

FP = Fingerprint(
    cpu_model="Test CPU 3000",
    cpu_count=2,
    machine="x86_64",
    system="Linux",
    python_implementation="CPython",
    python_version="3.11.7",
    packages={"numpy": "2.4.0"},
)


def test_current_fingerprint_describes_this_machine() -> None:
    fp = fingerprint.current(["pytest", "surely-not-installed-dist"])
    assert fp.cpu_count >= 1
    assert fp.cpu_model
    assert fp.packages["surely-not-installed-dist"] == "not installed"
    assert Fingerprint.from_json(json.loads(json.dumps(fp.to_json()))) == fp


def test_identical_fingerprints_are_comparable() -> None:
    assert fingerprint.differences(FP, replace(FP)) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"cpu_model": "Other CPU"}, "cpu_model"),
        ({"cpu_count": 4}, "cpu_count"),
        ({"python_version": "3.11.8"}, "python_version"),
        ({"python_implementation": "PyPy"}, "python_implementation"),
        ({"packages": {"numpy": "2.3.0"}}, "numpy"),
    ],
)
def test_any_difference_is_a_reason(change: dict[str, object], reason: str) -> None:
    reasons = fingerprint.differences(FP, replace(FP, **change))  # type: ignore[arg-type]
    assert len(reasons) == 1
    assert reasons[0].startswith(reason)


def test_a_package_recorded_on_one_side_only_is_not_a_difference() -> None:
    assert fingerprint.differences(FP, replace(FP, packages={"numpy": "2.4.0", "x": "1"})) == []
    assert fingerprint.differences(FP, replace(FP, packages={})) == []


def test_save_appends_sessions_and_keeps_the_last(tmp_path: Path) -> None:
    name = "tests/perf/test_x.py::test_parse[big input]"
    for i in range(4):
        saved = baseline.save(tmp_path, name, [[1.0 + i, 1.1 + i]], FP, keep=3)
    assert len(saved.sessions) == 3
    assert saved.sessions[0] == ((2.0, 2.1),)
    loaded = baseline.load(tmp_path, name)
    assert loaded is not None
    assert loaded.sessions == saved.sessions
    assert loaded.fingerprint == FP
    assert baseline.load_all(tmp_path).keys() == {name}
    assert " " not in baseline.slug(name)
    assert "/" not in baseline.slug(name)


def test_every_session_keeps_its_saved_at(tmp_path: Path) -> None:
    saved = baseline.save(tmp_path, "t::a", [[1.0]], FP)
    doc = json.loads(saved.path.read_text(encoding="utf-8"))
    doc["sessions"][0]["saved_at"] = "2026-01-01T00:00:00Z"  # as saved by an earlier run
    saved.path.write_text(json.dumps(doc), encoding="utf-8")
    baseline.save(tmp_path, "t::a", [[2.0]], FP)
    saved = baseline.save(tmp_path, "t::a", [[3.0]], FP, keep=3)
    stored = json.loads(saved.path.read_text(encoding="utf-8"))["sessions"]
    assert stored[0]["saved_at"] == "2026-01-01T00:00:00Z"
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s["saved_at"]) for s in stored)
    assert saved.saved_at[0] == "2026-01-01T00:00:00Z"
    assert len(saved.saved_at) == len(saved.sessions) == 3


def test_save_on_another_fingerprint_starts_over(tmp_path: Path) -> None:
    baseline.save(tmp_path, "t::a", [[1.0]], FP)
    baseline.save(tmp_path, "t::a", [[1.0]], FP)
    other = replace(FP, cpu_model="Other CPU")
    saved = baseline.save(tmp_path, "t::a", [[2.0]], other)
    assert len(saved.sessions) == 1
    assert saved.fingerprint == other


def test_missing_and_unreadable_baselines(tmp_path: Path) -> None:
    assert baseline.load(tmp_path, "t::nothing") is None
    (tmp_path / baseline.slug("t::broken")).write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="unreadable baseline"):
        baseline.load(tmp_path, "t::broken")
    doc = {"schema": 99, "benchmark": "t::old", "fingerprint": {}, "sessions": []}
    (tmp_path / baseline.slug("t::old")).write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValueError, match="schema"):
        baseline.load(tmp_path, "t::old")
