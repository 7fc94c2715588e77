"""One gate verdict over a test run split across CI jobs ("shards").

Each shard runs ``pytest --gate --gate-shard=K/N``: it runs its part of the tests (whole files,
balanced by test count, the same split on every machine) and, instead of deciding, writes its
evidence (what an xdist worker ships to the controller: test counts per tier, flaky tests, the
rules' collected data, its coverage data) to ``.releasekit-gate/shard-K-of-N.json``. A final
job gathers the files and runs ``pytest-releasekit combine``: coverage.py combines the coverage
data (with ``[tool.coverage.paths]`` remapping, as ``coverage combine`` does), and the gate
decides once, over everything. A shard whose file is missing is an error verdict, never a pass.
"""

from __future__ import annotations

import base64
import hashlib
import json
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from . import jsonfile

__all__ = [
    "DEFAULT_DIR",
    "KIND",
    "Evidence",
    "ShardError",
    "Split",
    "combine_coverage",
    "describe",
    "find",
    "fingerprint",
    "load",
    "parse_shard",
    "plan",
    "prediction",
    "split",
]

KIND = "pytest-releasekit shard"
SCHEMA = 3  # 2: a fingerprint of the collection it was split from; 3: durations and split
DEFAULT_DIR = ".releasekit-gate"
#: More shards than any CI matrix runs (GitHub Actions allows 256 jobs per matrix).
MAX_SHARDS = 1024
T = TypeVar("T")


class ShardError(ValueError):
    """Bad shard input: the message names the file or value and says how to fix it."""


def parse_shard(value: str) -> tuple[int, int]:
    """``"K/N"`` -> (K, N), 1 <= K <= N."""
    k, sep, n = value.partition("/")
    try:
        shard, shards = int(k), int(n)
    except ValueError:
        shard = shards = 0
    if not sep or not 1 <= shard <= shards:
        raise ShardError(
            f"--gate-shard={value!r}: expected K/N with 1 <= K <= N, e.g. --gate-shard=2/4"
        )
    if shards > MAX_SHARDS:
        raise ShardError(f"--gate-shard={value!r}: at most {MAX_SHARDS} shards; use fewer CI jobs")
    return shard, shards


def fingerprint(nodeids: Sequence[str]) -> dict[str, Any]:
    """What a shard was split from: the number of collected tests and a digest of their ids.

    Every shard of one run collects the same tests; shards whose collections differ (a test file
    added between jobs, another commit, another ``-k``) cannot be combined into one verdict."""
    digest = hashlib.sha256("\n".join(sorted(nodeids)).encode("utf-8", "surrogateescape"))
    return {"tests": len(nodeids), "sha256": digest.hexdigest()}


@dataclass(frozen=True)
class Split:
    """How a collection is split: each shard's test indexes and predicted time.

    ``by`` is ``"duration"`` (``predicted`` in seconds) or ``"count"`` (``predicted`` in tests:
    no recorded duration of any collected test). ``unknown`` tests had no recorded duration and
    were counted at ``fallback`` seconds each (the median of the known ones)."""

    by: str
    parts: tuple[frozenset[int], ...]
    predicted: tuple[float, ...]
    unknown: int = 0
    fallback: float | None = None


def _median(values: Sequence[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def plan(
    nodeids: Sequence[str], shards: int, durations: Mapping[str, float] | None = None
) -> Split:
    """Split the tests ``nodeids`` into ``shards`` parts, the same on every machine.

    Whole files go to one shard (module fixtures run once); the heaviest first, each onto the
    shard with the least load so far (longest processing time first). The weight of a test is
    its recorded duration, the median of the known ones for a test never recorded, or 1 (a split
    by count) when no collected test has a recorded duration. By duration, a file heavier than
    a quarter of a shard's fair share is placed test by test, so one slow file cannot make one
    shard the bottleneck. Depends only on the node ids and ``durations``: every shard (and every
    xdist worker) computes the same split from the same durations file."""
    known = [durations[n] for n in nodeids if n in durations] if durations else []
    fallback = _median(known) if known else None
    weights = [
        1.0 if fallback is None or durations is None else durations.get(n, fallback)
        for n in nodeids
    ]
    files: dict[str, list[int]] = {}
    for i, nodeid in enumerate(nodeids):
        files.setdefault(nodeid.split("::", 1)[0], []).append(i)
    units: list[tuple[float, str, list[int]]] = []
    share = sum(weights) / shards
    for name, members in files.items():
        weight = sum(weights[i] for i in members)
        if fallback is not None and weight > share / 4 and len(members) > 1:
            units += [(weights[i], nodeids[i], [i]) for i in members]
        else:
            units.append((weight, name, members))
    load_ = [0.0] * shards
    parts: list[set[int]] = [set() for _ in range(shards)]
    for weight, _, members in sorted(units, key=lambda u: (-u[0], u[1])):
        target = min(range(shards), key=lambda s: (load_[s], s))
        load_[target] += weight
        parts[target].update(members)
    return Split(
        by="count" if fallback is None else "duration",
        parts=tuple(frozenset(p) for p in parts),
        predicted=tuple(load_),
        unknown=0 if fallback is None else len(nodeids) - len(known),
        fallback=fallback,
    )


def describe(
    split_: Split, shard: int, nodeids: Sequence[str], durations: Mapping[str, float] | None
) -> dict[str, Any]:
    """What a shard records about its split (in its evidence, compared by ``combine``)."""
    used = {n: durations[n] for n in nodeids if durations and n in durations}
    text = json.dumps(sorted(used.items()), separators=(",", ":"))
    return {
        "by": split_.by,
        "tests": len(split_.parts[shard - 1]),
        "predicted": split_.predicted[shard - 1],
        "unknown": split_.unknown,
        "fallback": split_.fallback,
        # the input of the split: shards given different durations split differently
        "durations_sha256": hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()
        if used
        else None,
    }


def prediction(info: Mapping[str, Any]) -> str:
    """``"predicted 12.3 s"`` or ``"predicted 40 tests"``, from :func:`describe`'s record."""
    if info.get("by") == "duration":
        unknown = int(info.get("unknown") or 0)
        guessed = (
            f"; {unknown} test(s) never recorded counted at the median {info['fallback']:.3f} s"
            if unknown
            else ""
        )
        return f"predicted {info['predicted']:.1f} s (split by recorded durations{guessed})"
    if info.get("problem"):
        return f"split by test count, as the durations file is unusable: {info['problem']}"
    if info.get("by") == "count":
        return "split by test count (no recorded durations: run `pytest-releasekit combine`)"
    return "split unknown"


def split(
    nodeids: Sequence[str],
    shard: int,
    shards: int,
    durations: Mapping[str, float] | None = None,
) -> set[int]:
    """Indexes of the tests of shard ``shard`` (1-based) of ``shards`` (see :func:`plan`)."""
    return set(plan(nodeids, shards, durations).parts[shard - 1])


def shard_file(directory: Path, shard: int, shards: int) -> Path:
    return directory / f"shard-{shard}-of-{shards}.json"


def read_data(data_file: str) -> bytes:
    """A coverage.py data file, serialised (``CoverageData.dumps``)."""
    from coverage import CoverageData

    data = CoverageData(basename=data_file)
    data.read()
    blob: bytes = data.dumps()
    return blob


@dataclass
class Evidence:
    """What one shard recorded: the input of the combined verdict."""

    shard: int
    shards: int
    pytest_exit_status: int
    tally: dict[str, Any]
    collected: dict[str, list[Any]] = field(default_factory=dict)
    plugins: list[str] = field(default_factory=list)
    coverage: bytes | None = None
    #: why this shard has no coverage data (reason, fix), when it has none
    coverage_problem: tuple[str, str] | None = None
    missing_workers: list[str] = field(default_factory=list)
    #: :func:`fingerprint` of the collection this shard was split from
    collection: dict[str, Any] = field(default_factory=dict)
    #: seconds each test of this shard took (setup + call + teardown)
    durations: dict[str, float] = field(default_factory=dict)
    #: how the collection was split: by, durations_sha256, predicted (this shard), tests
    split: dict[str, Any] = field(default_factory=dict)
    #: wall time of this shard's pytest session, in seconds
    elapsed: float | None = None
    path: Path | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": KIND,
            "schema": SCHEMA,
            "shard": self.shard,
            "shards": self.shards,
            "pytest_exit_status": self.pytest_exit_status,
            "tally": self.tally,
            "collected": self.collected,
            "plugins": sorted(self.plugins),
            "coverage": None if self.coverage is None else base64.b64encode(self.coverage).decode(),
            "coverage_problem": list(self.coverage_problem) if self.coverage_problem else None,
            "missing_workers": self.missing_workers,
            "collection": self.collection,
            "durations": self.durations,
            "split": self.split,
            "elapsed": self.elapsed,
        }

    def write(self, directory: Path) -> Path:
        path = shard_file(directory, self.shard, self.shards)
        jsonfile.write(path, self.to_json())
        return path

    @classmethod
    def from_json(cls, doc: Mapping[str, Any], path: Path) -> Evidence:
        problem = doc.get("coverage_problem")
        blob = doc.get("coverage")
        return cls(
            shard=int(doc["shard"]),
            shards=int(doc["shards"]),
            pytest_exit_status=int(doc["pytest_exit_status"]),
            tally=dict(doc["tally"]),
            collected={str(k): list(v) for k, v in doc.get("collected", {}).items()},
            plugins=[str(p) for p in doc.get("plugins", [])],
            coverage=None if blob is None else base64.b64decode(blob, validate=True),
            coverage_problem=(str(problem[0]), str(problem[1])) if problem else None,
            missing_workers=[str(w) for w in doc.get("missing_workers", [])],
            collection={
                "tests": int(doc["collection"]["tests"]),
                "sha256": str(doc["collection"]["sha256"]),
            },
            durations={str(k): float(v) for k, v in doc.get("durations", {}).items()},
            split=dict(doc.get("split") or {}),
            elapsed=None if doc.get("elapsed") is None else float(doc["elapsed"]),
            path=path,
        )


def find(paths: Iterable[Path]) -> list[Path]:
    """The shard files named by ``paths`` (files, or directories holding ``shard-*.json``)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.glob("shard-*-of-*.json"))
        elif path.is_file():
            found.append(path)
        else:
            raise ShardError(
                f"{path}: no such file or directory; pass the shard files written by "
                f"`pytest --gate --gate-shard=K/N` (default directory {DEFAULT_DIR}/)"
            )
    if not found:
        raise ShardError(
            f"no shard files in {', '.join(map(str, paths))}; run each shard with "
            "`pytest --gate --gate-shard=K/N` and gather their files here"
        )
    return found


def _read(path: Path) -> Evidence:
    def bad(why: object) -> ShardError:
        return ShardError(
            f"{path}: not a shard file of `pytest --gate --gate-shard=K/N` ({why}); "
            "pass only the files the shards wrote"
        )

    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise bad(exc) from None
    if not isinstance(doc, dict) or doc.get("kind") != KIND:
        raise bad("no shard header")
    if not isinstance(doc.get("shards"), int) or not 1 <= doc["shards"] <= MAX_SHARDS:
        raise bad(f"shards = {doc.get('shards')!r}, expected 1 to {MAX_SHARDS}")
    if doc.get("schema") != SCHEMA:
        raise bad(f"schema {doc.get('schema')!r}; this version reads {SCHEMA}")
    try:
        return Evidence.from_json(doc, path)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        raise bad(f"{type(exc).__name__}: {exc}") from None


def load(paths: Sequence[Path]) -> list[Evidence]:
    """Read and cross-check shard files; :class:`ShardError` for anything unusable."""
    out = [_read(path) for path in paths]
    counts = {e.shards for e in out}
    if len(counts) > 1:
        listing = ", ".join(f"{e.path} says {e.shards}" for e in out)
        raise ShardError(f"the shard files disagree on the number of shards ({listing})")
    seen: dict[int, Path | None] = {}
    for e in out:
        if e.shard in seen:
            raise ShardError(
                f"shard {e.shard} of {e.shards} given twice ({seen[e.shard]} and {e.path}); "
                "pass each shard's file once"
            )
        seen[e.shard] = e.path
    collections = {(e.collection["tests"], e.collection["sha256"]) for e in out}
    if len(collections) > 1:
        listing = ", ".join(
            f"shard {e.shard}: {e.collection['tests']} tests ({e.collection['sha256'][:12]})"
            for e in sorted(out, key=lambda e: e.shard)
        )
        raise ShardError(
            f"the shard files come from different test collections ({listing}); every shard "
            "must run the same commit with the same selection -- re-run all shards"
        )
    inputs = {e.split.get("durations_sha256") for e in out}
    if len(inputs) > 1:
        listing = ", ".join(
            f"shard {e.shard}: {_split_input(e)}" for e in sorted(out, key=lambda e: e.shard)
        )
        raise ShardError(
            f"the shards split the tests from different durations files ({listing}), so some "
            "tests ran twice and others never; give every shard the same --gate-durations file "
            "(restore the CI cache once, before the shard jobs) and re-run all shards"
        )
    return sorted(out, key=lambda e: e.shard)


def _split_input(e: Evidence) -> str:
    sha = e.split.get("durations_sha256")
    return f"durations {sha[:12]}" if sha else "no durations (by count)"


def combine_coverage(pieces: Sequence[bytes], data_file: str, config_file: str | bool) -> None:
    """coverage.py combines the shards' data into ``data_file`` (``[paths]`` remapping applies)."""
    import coverage
    from coverage import CoverageData

    with tempfile.TemporaryDirectory(prefix="releasekit-shards-") as tmp:
        files = []
        for i, piece in enumerate(pieces):
            name = str(Path(tmp, f".coverage.shard{i}"))
            CoverageData(basename=name).loads(piece)
            files.append(name)
        cov = coverage.Coverage(data_file=data_file, config_file=config_file)
        cov.combine(data_paths=files, strict=True, keep=True)
        cov.save()
