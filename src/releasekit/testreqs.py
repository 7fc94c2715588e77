"""A project's test dependencies, found in its files, for the gate's venv and verify's; and its
documentation dependencies, for the docs step's venv (:func:`requirements_for_docs`).

Looked up in this order (the first found wins): ``[dependency-groups]`` test/tests/dev (PEP 735),
``[project.optional-dependencies]`` test/tests/testing (or dev, when it names pytest:
python-json-logger's), poetry's ``group.test``/``tests``/``dev``
or ``dev-dependencies``, ``[tool.pdm.dev-dependencies]`` test/tests/testing/dev, uv's
``[tool.uv] dev-dependencies`` (before PEP 735, what ``uv add --dev`` wrote), then requirement
files (:data:`REQUIREMENT_FILES`, the first pattern that matches; of ``requirements/tests.txt``
and ``tests37.txt`` or ``tests-min.txt`` beside it only the first, as the others are its variants
for other Pythons or lowest versions, not additions; of ``tests36.txt``, ``tests37.txt`` and
``tests39.txt`` alone only the one for the running Python), and a plain
``requirements.txt`` only when nothing else is found.

A requirement file is passed to the installer as one ``-r<path>`` argument, so its own ``-r``,
``-c`` and ``-e`` lines work; :func:`install_args` first copies it with relative paths made
absolute and a line installing the project itself (``-e .[extra]``) turned into
``name[extra]``, which the project's own install (editable in the gate, the wheel in verify)
satisfies. A ``uv.lock`` or ``poetry.lock`` adds its pinned versions as constraints.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dependency_groups
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import process
from .errors import ConfigError
from .textfiles import read_text
from .venv import uv_binary

__all__ = [
    "REQUIREMENT_FILES",
    "install_args",
    "requirement_name",
    "requirements_for_docs",
    "requirements_for_tests",
]

#: Requirement files with test dependencies, in the order they are looked for.
REQUIREMENT_FILES = (
    "tests/requirements.txt",
    "requirements/test*.txt",
    "requirements/tests*.txt",
    "requirements-test*.txt",
    "requirements_test*.txt",
    "test-requirements.txt",
    "test_requirements.txt",
    "requirements/dev*.txt",
    "dev-requirements.txt",
    "requirements-dev.txt",
    "requirements_dev.txt",
)
#: The names of a project's documentation dependency group or extra, in the order looked for.
DOCS_NAMES = ("docs", "doc", "documentation")
#: Requirement files with documentation dependencies, in the order they are looked for.
DOCS_REQUIREMENT_FILES = (
    "docs/requirements.txt",
    "doc/requirements.txt",
    "requirements/docs.txt",
    "requirements-docs.txt",
    "requirements_docs.txt",
    "docs-requirements.txt",
    "docs/requirements*.txt",
)
FILE_PREFIX = "-r"  # one argument, ``-r/abs/path``: pip and uv both read it
CONSTRAINT_PREFIX = "-c"  # the same for a constraints file
LOCK_CONSTRAINTS = "lock-constraints.txt"


def requirement_name(requirement: str) -> str:
    """The canonical project name of a PEP 508 requirement (empty if it is not one)."""
    try:
        return canonicalize_name(Requirement(requirement).name)
    except InvalidRequirement:
        return ""


def _extras(project: Mapping[str, Any], extra: str, seen: set[str]) -> list[str]:
    """An extra's requirements, with the project's own ``name[other]`` expanded."""
    seen.add(extra)
    own = canonicalize_name(str(project.get("name", "")))
    out: list[str] = []
    for line in project.get("optional-dependencies", {}).get(extra, []):
        try:
            req = Requirement(line)
        except InvalidRequirement as exc:
            raise ConfigError(
                f"[project.optional-dependencies] {extra}: {line!r}: {exc}",
                hint="write a PEP 508 requirement",
            ) from None
        if canonicalize_name(req.name) == own:
            out += [r for e in sorted(req.extras - seen) for r in _extras(project, e, seen)]
        else:
            out.append(line)
    return out


def _poetry_requirement(name: str, spec: Any) -> str | None:
    """A poetry dependency as PEP 508; caret/tilde ranges keep only their lower bound."""
    if name == "python":
        return None
    extras = ""
    if isinstance(spec, dict):
        if any(key in spec for key in ("path", "git", "url")):
            return None
        extras = "[" + ",".join(spec.get("extras", [])) + "]" if spec.get("extras") else ""
        spec = spec.get("version", "*")
    text = str(spec).strip()
    if text in {"", "*"} or "||" in text:
        constraint = ""
    elif text[0] in "^~" and not text.startswith("~="):
        constraint = ">=" + text[1:]
    elif text[0].isdigit():
        constraint = "==" + text
    else:
        constraint = text
    return f"{name}{extras}{constraint}"


def _poetry(data: Mapping[str, Any]) -> tuple[list[str], str] | None:
    poetry = data.get("tool", {}).get("poetry", {})
    candidates = [
        (poetry.get("group", {}).get(g, {}).get("dependencies"), f"[tool.poetry.group.{g}]")
        for g in ("test", "tests", "dev")
    ] + [(poetry.get("dev-dependencies"), "[tool.poetry.dev-dependencies]")]
    for table, where in candidates:
        if isinstance(table, dict):
            found = (_poetry_requirement(n, s) for n, s in table.items())
            return [r for r in found if r], where
    return None


def _pdm(data: Mapping[str, Any]) -> tuple[list[str], str] | None:
    groups = data.get("tool", {}).get("pdm", {}).get("dev-dependencies", {})
    for name in ("test", "tests", "testing", "dev"):
        if isinstance(groups.get(name), list):
            found = [str(r) for r in groups[name] if requirement_name(str(r))]
            return found, f"[tool.pdm.dev-dependencies] {name}"
    return None


def _uv(data: Mapping[str, Any]) -> tuple[list[str], str] | None:
    found = data.get("tool", {}).get("uv", {}).get("dev-dependencies")
    if isinstance(found, list):
        return [str(r) for r in found if requirement_name(str(r))], "[tool.uv] dev-dependencies"
    return None


_PYTHON_SUFFIX = re.compile(r"^(?P<base>.*?\D)(?:py)?(?P<major>[23])(?P<minor>\d{1,2})$")


def _for_this_python(found: list[Path]) -> list[Path]:
    """Of files that differ only by a Python version suffix (wcwidth's ``requirements-tests36``,
    ``-tests37`` and ``-tests39.txt``: alternatives whose pins conflict), the one for this
    Python: the highest at or below it, else the lowest; other sets of files are kept whole."""
    matches = [_PYTHON_SUFFIX.match(p.stem) for p in found]
    if len(found) < 2 or not all(matches):
        return found
    if len({m.group("base") for m in matches if m}) != 1:
        return found
    versions = {
        p: (int(m.group("major")), int(m.group("minor")))
        for p, m in zip(found, matches, strict=True)
        if m
    }
    fitting = [p for p in found if versions[p] <= sys.version_info[:2]]
    return (
        [max(fitting, key=versions.__getitem__)]
        if fitting
        else [min(found, key=versions.__getitem__)]
    )


def _requirement_files(root: Path) -> tuple[list[Path], str] | None:
    for pattern in REQUIREMENT_FILES:
        found = sorted(p for p in root.glob(pattern) if p.is_file())
        # ``tests.txt`` beside ``tests37.txt`` or ``tests-min.txt``: those are variants of it
        # (other Pythons, lowest versions), alternatives whose pins conflict with its own
        base = [p for p in found if all(q.stem.startswith(p.stem) for q in found)]
        found = base or _for_this_python(found)
        if found:
            return found, ", ".join(p.relative_to(root).as_posix() for p in found)
    plain = root / "requirements.txt"
    return ([plain], "requirements.txt") if plain.is_file() else None


def requirements_for_tests(
    data: Mapping[str, Any], where: Path
) -> tuple[tuple[str, ...], str | None]:
    """The project's test dependencies (requirement files as ``-r<absolute path>``) and where
    they came from (None: none found); ``where`` is the project's pyproject.toml path."""
    groups = data.get("dependency-groups", {})
    for name in ("test", "tests", "dev"):
        if name in groups:
            return _group(groups, name, where), f"[dependency-groups] {name}"
    project = data.get("project", {})
    for name in ("test", "tests", "testing", "dev"):
        if name in project.get("optional-dependencies", {}):
            reqs = _extras(project, name, set())
            if name == "dev" and "pytest" not in {requirement_name(r) for r in reqs}:
                continue  # a dev extra of tools only (linters, docs) is no test dependency list
            return tuple(reqs), f"[project.optional-dependencies] {name}"
    found = _poetry(data) or _pdm(data) or _uv(data)
    if found is not None:
        return tuple(found[0]), found[1]
    files = _requirement_files(where.parent)
    if files is not None:
        return tuple(f"{FILE_PREFIX}{p.resolve()}" for p in files[0]), files[1]
    return (), None


def _group(groups: Mapping[str, Any], name: str, where: Path) -> tuple[str, ...]:
    try:
        return dependency_groups.resolve(groups, name)
    except (LookupError, ValueError, TypeError) as exc:
        raise ConfigError(
            f"{where}: [dependency-groups] {name}: {exc}",
            hint="fix the group (PEP 735: requirement strings and {include-group = ...})",
        ) from None


def requirements_for_docs(
    data: Mapping[str, Any], where: Path
) -> tuple[tuple[str, ...], str | None]:
    """The project's documentation dependencies, as :func:`requirements_for_tests` finds the
    test ones: ``[dependency-groups]``, ``[project.optional-dependencies]`` or poetry's group
    docs/doc/documentation, else a requirement file (:data:`DOCS_REQUIREMENT_FILES`, Read the
    Docs' ``docs/requirements.txt`` first)."""
    groups = data.get("dependency-groups", {})
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {}).get("group", {})
    for name in DOCS_NAMES:
        if name in groups:
            return _group(groups, name, where), f"[dependency-groups] {name}"
    for name in DOCS_NAMES:
        if name in project.get("optional-dependencies", {}):
            found = _extras(project, name, set())
            return tuple(found), f"[project.optional-dependencies] {name}"
    for name in DOCS_NAMES:
        table = poetry.get(name, {}).get("dependencies")
        if isinstance(table, dict):
            listed = (_poetry_requirement(n, spec) for n, spec in table.items())
            return tuple(r for r in listed if r), f"[tool.poetry.group.{name}]"
    for pattern in DOCS_REQUIREMENT_FILES:
        files = sorted(p for p in where.parent.glob(pattern) if p.is_file())
        if files:
            described = ", ".join(p.relative_to(where.parent).as_posix() for p in files)
            return tuple(f"{FILE_PREFIX}{p.resolve()}" for p in files), described
    return (), None


# ------------------------------------------------------------------- requirement file copies
_OPTION = re.compile(
    r"^(-r|--requirement|-c|--constraint|-e|--editable)(?:\s*=\s*|\s+|(?=\S))(\S+)(.*)$"
)
_EXTRAS = re.compile(r"^(.*?)(\[[^\]]*\])?$")


def _local(value: str, base: Path) -> Path | None:
    """The directory a path-like requirement names, relative to ``base`` (None: not a path)."""
    if value.startswith("file:"):
        value = value[len("file:") :].removeprefix("//")
    if not (value.startswith((".", "/")) or value == "."):
        return None
    return (base / value).resolve()


class _Copier:
    """Copies requirement files into ``into`` (see the module docstring) and collects the
    project names they require."""

    def __init__(self, root: Path, packages: Mapping[Path, str], into: Path) -> None:
        self.root, self.into = root, into
        self.packages = {path.resolve(): name for path, name in packages.items()}
        self.names: set[str] = set()
        self.done: dict[Path, Path] = {}

    def copy(self, source: Path) -> Path:
        source = source.resolve()
        if source in self.done:
            return self.done[source]
        target = self.into / f"{len(self.done)}-{source.name}"
        self.done[source] = target
        lines = [self._line(line, source.parent) for line in read_text(source).splitlines()]
        self.into.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return target

    def _line(self, line: str, here: Path) -> str:
        text = line.split(" #", maxsplit=1)[0].strip()
        if not text or text.startswith("#"):
            return line
        option = _OPTION.match(text)
        flag, value, rest = option.groups() if option else ("", text.split()[0], "")
        if flag in {"-r", "--requirement"}:
            return f"-r {self.copy(here / value)}"
        if flag in {"-c", "--constraint"}:
            return f"-c {(here / value).resolve()}"
        path_part, extras = _EXTRAS.match(value).groups()  # type: ignore[union-attr]
        local = _local(path_part, self.root)
        if local is not None and local in self.packages:
            return f"{self.packages[local]}{extras or ''}"
        if local is not None:
            return f"{flag} {local}{extras or ''}{rest}".strip()
        if not flag:
            self.names.add(requirement_name(text))
        return line


def install_args(
    requirements: tuple[str, ...] | list[str],
    root: Path,
    packages: Mapping[Path, str],
    into: Path,
    *,
    lock: bool = True,
) -> tuple[list[str], set[str]]:
    """The installer's arguments for ``requirements``, requirement files copied into ``into``
    (``packages``: the workspace's directories and names), and every project name required.
    A project with a ``uv.lock`` or ``poetry.lock`` gets its locked versions as constraints
    (``-c``), so the tests run with the versions the project tests with (a pinned pytest stays
    pinned); not with ``lock=False``, where the caller pins the versions itself."""
    copier = _Copier(root, packages, into)
    args: list[str] = _lock_constraints(root, into) if lock else []
    for requirement in requirements:
        if requirement.startswith(FILE_PREFIX):
            args.append(f"{FILE_PREFIX}{copier.copy(Path(requirement[len(FILE_PREFIX) :]))}")
        else:
            copier.names.add(requirement_name(requirement))
            args.append(requirement)
    return args, copier.names - {""}


def _lock_constraints(root: Path, into: Path) -> list[str]:
    """``-c<file>`` with the versions and remote URLs ``uv.lock`` pins (every group and extra;
    the workspace's own projects and local paths left out); none without a lock, without uv,
    or when uv cannot read it. Only uv takes a URL as a constraint, and only with uv is there
    a lock to read."""
    uv = uv_binary()
    if (root / "poetry.lock").is_file() and not (root / "uv.lock").is_file():
        return _poetry_lock_constraints(root / "poetry.lock", into / LOCK_CONSTRAINTS)
    if uv is None or not (root / "uv.lock").is_file():
        return []
    into.mkdir(parents=True, exist_ok=True)
    target = into / LOCK_CONSTRAINTS
    options = ["--no-emit-workspace", "--no-header", "--no-annotate", "--quiet", "-o", str(target)]
    done = process.run(
        [uv, "export", "--frozen", "--no-hashes", "--all-groups", "--all-extras", *options],
        cwd=root,
        check=False,
        what="reading uv.lock's versions",
    )
    if done.returncode != 0 or not target.is_file():
        return []
    pins = [line for line in read_text(target).splitlines() if _remote_or_version(line)]
    target.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return [f"{CONSTRAINT_PREFIX}{target}"]


def _poetry_lock_constraints(lock: Path, target: Path) -> list[str]:
    """``-c<file>`` with the versions ``poetry.lock`` pins from an index (rich's snapshot tests
    expect its Pygments); a package locked at two versions (for two markers) or from a path,
    URL or git is left out. None when the lock cannot be read (poetry itself would say why)."""
    try:
        packages = tomllib.loads(read_text(lock)).get("package", [])
    except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
        return []
    versions: dict[str, set[str]] = {}
    for package in packages if isinstance(packages, list) else []:
        source = package.get("source", {}) if isinstance(package, dict) else None
        if not isinstance(source, dict) or source.get("type") not in (None, "legacy"):
            continue
        name, version = package.get("name"), package.get("version")
        if isinstance(name, str) and isinstance(version, str):
            versions.setdefault(canonicalize_name(name), set()).add(version)
    pins = sorted(f"{name}=={next(iter(v))}" for name, v in versions.items() if len(v) == 1)
    if not pins:
        return []
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return [f"{CONSTRAINT_PREFIX}{target}"]


def _remote_or_version(line: str) -> bool:
    """Whether a line of ``uv export`` is a pin uv's installer takes as a constraint:
    ``name==version``, or ``name @ <remote URL>`` (a ``[tool.uv.sources]`` git fork, such as
    urllib3's hypercorn, which ``uv pip install`` does not read from pyproject.toml itself);
    not a local path (``-e ./lib``, ``name @ file:///...``), which is installed otherwise."""
    text = line.strip()
    if text.startswith(("-", ".", "/")):
        return False
    _, at, url = text.partition(" @ ")
    return not at or not url.strip().startswith("file:")
