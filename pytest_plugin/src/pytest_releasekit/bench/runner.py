"""Measuring processes: ``pytest --benchmark-only --benchmark-json`` on a tree, and git worktrees.

Every measurement is a fresh ``python -m pytest`` process running only the benchmarks, with
pytest-benchmark's public JSON output (raw samples included). Same-job mode alternates such
processes between a temporary ``git worktree`` of the base ref and the working tree, flipping
the order every round and giving both processes of a round the same ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .._run import Completed, run
from . import CHILD_ENV
from .samples import read_benchmark_json

__all__ = ["CHILD_ENV", "Measured", "Measurer", "WorktreeError", "git", "tree_files", "worktree"]

_TAIL = 30


@dataclass(frozen=True)
class Measured:
    samples: dict[str, list[float]]
    completed: Completed
    tree: Path

    @property
    def ok(self) -> bool:
        # 0: passed; 1: some test failed (its samples may be missing); 5: nothing collected.
        return self.completed.returncode in (0, 1, 5) and bool(self.samples)

    def tail(self) -> str:
        lines = self.completed.output.strip().splitlines()
        return "\n".join(lines[-_TAIL:])


@dataclass
class Measurer:
    """Runs one measuring process per call; all options come from the gate settings."""

    pytest_args: Sequence[str] = ()
    autoload: bool = True
    xdist: bool = False
    pythonpath: Sequence[str] = ("src",)
    timeout: float = 900.0
    python: str = field(default_factory=lambda: sys.executable)

    def argv(self, selection: Sequence[str], json_out: Path) -> list[str]:
        argv = [self.python, "-m", "pytest", *selection, "-q", "-p", "no:cacheprovider"]
        if not self.autoload:
            argv += ["-p", "pytest_benchmark.plugin"]
        argv += ["-p", "pytest_releasekit.bench._probe"]
        argv += ["--benchmark-only", "--benchmark-enable", f"--benchmark-json={json_out}"]
        if self.xdist and self.autoload:
            argv += ["-n", "0"]  # pytest-benchmark disables itself under xdist
        return [*argv, *self.pytest_args]

    def env(self, tree: Path, seed: int | None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
        env[CHILD_ENV] = "1"
        if seed is not None:
            env["PYTHONHASHSEED"] = str(seed)
        if not self.autoload:
            env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
        # The tree's own sources first: an editable install of the project points at the
        # working tree, which must not shadow the base ref's code in its worktree.
        paths = [str(tree / p) for p in self.pythonpath if (tree / p).is_dir()]
        if paths:
            env["PYTHONPATH"] = os.pathsep.join([*paths, env.get("PYTHONPATH", "")]).rstrip(
                os.pathsep
            )
        return env

    def measure(self, tree: Path, selection: Sequence[str], *, seed: int | None) -> Measured:
        with tempfile.TemporaryDirectory(prefix="releasekit-bench-") as tmp:
            out = Path(tmp) / "bench.json"
            completed = run(
                self.argv(selection, out), cwd=tree, env=self.env(tree, seed), timeout=self.timeout
            )
            return Measured(read_benchmark_json(out), completed, tree)


def git(root: Path, *args: str) -> Completed:
    return run(["git", *args], cwd=root)


def tree_files(tree: Path, node_ids: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split node ids into those whose file exists in ``tree`` and those whose file does not."""
    present: list[str] = []
    absent: list[str] = []
    for node in node_ids:
        (present if (tree / node.split("::", 1)[0]).exists() else absent).append(node)
    return present, absent


class WorktreeError(RuntimeError):
    """The base ref could not be checked out; the message says why and how to fix it."""


@contextlib.contextmanager
def worktree(root: Path, ref: str) -> Iterator[tuple[Path, str]]:
    """A temporary detached ``git worktree`` of ``ref``; yields (its root, the commit)."""
    top = git(root, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise WorktreeError(f"{root} is not in a git repository: {top.stderr.strip()}")
    toplevel = Path(top.stdout.strip())
    commit = git(toplevel, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit.returncode != 0:
        raise WorktreeError(
            f"base ref {ref!r} is not a commit in {toplevel} (in CI, fetch it: "
            f"`git fetch origin {ref}` or checkout with fetch-depth: 0)"
        )
    sha = commit.stdout.strip()
    tmp = Path(tempfile.mkdtemp(prefix="releasekit-base-"))
    path = tmp / "tree"
    added = git(toplevel, "worktree", "add", "--detach", str(path), sha)
    if added.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise WorktreeError(f"git worktree add {ref} failed: {added.output.strip()}")
    try:
        yield path / root.resolve().relative_to(toplevel.resolve()), sha
    finally:
        git(toplevel, "worktree", "remove", "--force", str(path))
        shutil.rmtree(tmp, ignore_errors=True)
        git(toplevel, "worktree", "prune")
