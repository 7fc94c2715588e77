"""Versions written in a text file: a module's ``__version__`` or a bare VERSION file.

The kinds differ only in how the backend names the file:

* flit_core reads ``__version__`` from the module named like the project (``[tool.flit.module]
  name``, or the legacy ``[tool.flit.metadata] module``, overrides it), in ``src/`` or flat
  layout, package or single module;
* hatchling's ``[tool.hatch.version] path`` (with its ``pattern`` if given);
* setuptools' ``[tool.setuptools.dynamic] version = {attr = "pkg.__version__"}`` (or ``file``);
* pdm-backend's ``[tool.pdm.version] source = "file"`` with ``path``;
* setup.cfg's ``version = attr: pkg.__version__`` (see :mod:`.setupcfg`).

Quotes stay as written (``'...'`` or ``"..."``), and annotated ``__version__: str = "..."`` works.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

from ..errors import ConfigError
from ..textfiles import named_path, read_text
from .base import SlotVersion, TextSlot, VersionSource
from .infotuple import TupleVersion, find_tuple
from .parts import PartsVersion, find_parts
from .project import Project

__all__ = [
    "FlitModuleVersion",
    "HatchPathVersion",
    "ModuleVersion",
    "PdmFileVersion",
    "PlainFileVersion",
    "SetuptoolsAttrVersion",
    "SetuptoolsFileVersion",
    "attr_file",
]


def dunder_pattern(*names: str) -> re.Pattern[str]:
    """``NAME = "1.2.3"``, ``NAME: str = '1.2.3'``, ``NAME: 'Final[str]' = "1.2.3"`` (outcome's;
    a leading ``v`` stays outside the version)."""
    alternatives = "(?:" + "|".join(map(re.escape, names or ("__version__",))) + ")"
    annotation = r"(?::[ \t]*(?P<a>['\"]?)(?:typing\.)?(?:str|Final\[str\]|Final)(?P=a)[ \t]*)?"
    value = r"(?P<q>['\"])v?(?P<version>[^'\"\n]+)(?P=q)"
    chained = r"(?:[A-Za-z_]\w*[ \t]*=[ \t]*)*"  # tinycss2's ``VERSION = __version__ = '1.4.0'``
    return re.compile(rf"^{chained}{alternatives}[ \t]*{annotation}=[ \t]*{value}", re.M)


class ModuleVersion(SlotVersion):
    """``__version__ = "..."`` (or a configured attribute or pattern) in a Python file."""

    kind = "module __version__"

    def __init__(
        self,
        root: Path,
        path: Path,
        *,
        pattern: re.Pattern[str] | None = None,
        where: str = '__version__ = "..."',
        kind: str | None = None,
    ) -> None:
        super().__init__(root)
        self.kind = kind or self.kind
        self.slot = TextSlot(path, pattern or dunder_pattern(), where)

    def describe(self) -> str:
        return f"{_rel(self.slot.path, self.root)} ({self.kind})"


class PlainFileVersion(ModuleVersion):
    """A file that holds nothing but the version (``{file = "VERSION"}``)."""

    kind = "version file"

    def __init__(self, root: Path, path: Path, *, kind: str | None = None) -> None:
        first_word = re.compile(r"\A\s*(?P<version>[^\s]+)")
        super().__init__(root, path, pattern=first_word, where="a version", kind=kind)


class HatchPathVersion(ModuleVersion):
    kind = "[tool.hatch.version] path"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        hatch = project.table("tool", "hatch", "version")
        path = hatch.get("path")
        if not project.dynamic_version or not isinstance(path, str):
            return None
        where = f"{project.root / 'pyproject.toml'}: [tool.hatch.version] path"
        named_path(project.root, path, where)
        if hatch.get("source") == "code":  # hatch runs the file and reads ``expression``
            expression = hatch.get("expression", "__version__")
            kind = "[tool.hatch.version] code"
            found = _computed_version(project.root, project.root / path, str(expression), kind)
            if found is not None:
                return found
        pattern = hatch.get("pattern")
        if isinstance(pattern, str):
            compiled = _hatch_pattern(project.root, pattern)
            return cls(
                project.root,
                project.root / path,
                pattern=compiled,
                where="a match of [tool.hatch.version] pattern",
            )
        default = dunder_pattern("__version__", "VERSION")  # hatch's default pattern
        return cls(
            project.root,
            project.root / path,
            pattern=default,
            where='__version__ = "..." (or VERSION)',
        )


def _setuptools_dynamic(project: Project) -> dict[str, Any]:
    """``[tool.setuptools.dynamic] version = {...}`` of a dynamic-version project, else {}."""
    spec = project.table("tool", "setuptools", "dynamic").get("version")
    return spec if project.dynamic_version and isinstance(spec, dict) else {}


class SetuptoolsAttrVersion(ModuleVersion):
    kind = "setuptools dynamic attr"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        spec = _setuptools_dynamic(project)
        attr = spec.get("attr")
        if not isinstance(attr, str):
            return None
        package_dir = project.table("tool", "setuptools", "package-dir").get("")
        base = project.root / package_dir if isinstance(package_dir, str) else project.root
        if "setuptools_scm" not in project.table("tool"):
            return attr_file(project.root, attr, kind=cls.kind, base=base)
        # With [tool.setuptools_scm] the attribute may be setuptools-scm's: the module it
        # writes at build time (``version_file``), or one that asks it (setuptools-scm's own
        # ``_own_version_helper.version``). Only a literal the file holds is the attr's.
        try:
            found = attr_file(project.root, attr, kind=cls.kind, base=base)
            found.read()
        except ConfigError:
            return None
        return found


class SetuptoolsFileVersion(PlainFileVersion):
    kind = "setuptools dynamic file"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        files = _setuptools_dynamic(project).get("file")
        first = files if isinstance(files, str) else files[0] if isinstance(files, list) else None
        if not first:
            return None
        where = f"{project.root / 'pyproject.toml'}: [tool.setuptools.dynamic] version file"
        return cls(project.root, named_path(project.root, str(first), where))


class PdmFileVersion(ModuleVersion):
    kind = "pdm-backend file"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        pdm = project.table("tool", "pdm", "version")
        path = pdm.get("path")
        if not project.dynamic_version or pdm.get("source") != "file" or not isinstance(path, str):
            return None
        where = f"{project.root / 'pyproject.toml'}: [tool.pdm.version] path"
        return cls(project.root, named_path(project.root, path, where))


class FlitModuleVersion(ModuleVersion):
    kind = "flit __version__"

    @classmethod
    def detect(cls, project: Project) -> VersionSource | None:
        flit = project.backend.startswith("flit_core") or "flit-core" in project.build_requires
        if not project.dynamic_version or not flit:
            return None
        module = project.table("tool", "flit", "module").get("name")
        legacy = project.table("tool", "flit", "metadata").get("module")  # cloudpickle's
        module = module if isinstance(module, str) else legacy
        dotted = module if isinstance(module, str) else re.sub(r"[-.]+", "_", project.name)
        path = _module_file(project.root, project.root, dotted, "flit_core's dynamic version")
        path = _reexported_from(path, "__version__")
        return _computed_version(project.root, path, "__version__", cls.kind) or cls(
            project.root, path
        )


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _hatch_pattern(root: Path, pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern, re.M)
    except re.error as exc:
        compiled = None
        reason = f"is not a valid regular expression ({exc})"
    else:
        reason = "has no group named 'version'"
    if compiled is None or "version" not in compiled.groupindex:
        raise ConfigError(
            f"{root / 'pyproject.toml'}: [tool.hatch.version] pattern {pattern!r} {reason}",
            hint="write a regex with a (?P<version>...) group, as hatch requires",
        )
    return compiled


def _module_file(root: Path, base: Path, dotted: str, where: str) -> Path:
    """The file of module ``dotted`` under ``base``, in src/ or flat layout."""
    parts = dotted.split(".")
    for top in (base / "src", base):
        package, module = top.joinpath(*parts, "__init__.py"), top.joinpath(*parts[:-1])
        for candidate in (package, module / f"{parts[-1]}.py"):
            if candidate.is_file():
                return candidate
    raise ConfigError(
        f"{root / 'pyproject.toml'}: {where}: module {dotted!r} not found in src/ or {base.name}/",
        hint=f"create {dotted.replace('.', '/')}/__init__.py with __version__, or fix the setting",
    )


def _reexported_from(path: Path, name: str) -> Path:
    """The sibling module ``path`` takes ``name`` from (``from .package_data import
    __version__`` as idna does, ``from .version import VERSION, __version__`` as
    charset-normalizer does, ``from pyfakefs._version import __version__`` as pyfakefs does)
    when ``path`` itself assigns no literal; else ``path``."""
    text = read_text(path)
    if dunder_pattern(name).search(text):
        return path
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return path
    for node in ast.walk(tree):
        if not (isinstance(node, ast.ImportFrom) and node.level in (0, 1) and node.module):
            continue
        if not any(a.name == name and a.asname in (None, name) for a in node.names):
            continue
        parts = node.module.split(".")
        base = path.parent
        if node.level == 0:  # pyfakefs: ``from pyfakefs._version import __version__``
            tops = [d for d in (path.parent, *path.parent.parents) if d.name == parts[0]]
            if not tops:
                continue  # another distribution's module
            base = tops[0].parent
        for sibling in (
            base.joinpath(*parts[:-1], f"{parts[-1]}.py"),
            base.joinpath(*parts, "__init__.py"),
        ):
            if sibling.is_file() and dunder_pattern(name).search(read_text(sibling)):
                return sibling
    return path


def _computed_version(root: Path, path: Path, name: str, kind: str) -> VersionSource | None:
    """The numbers ``path`` computes ``name`` from instead of assigning a literal: a version
    tuple (pyparsing's ``__version_info__``, :class:`TupleVersion`) or named numbers
    (dnspython's ``MAJOR``, ``MINOR``... :class:`PartsVersion`)."""
    if not path.is_file():
        return None
    text = read_text(path)
    literal = dunder_pattern(name).search(text)
    if literal and _is_version(literal.group("version")):
        return None
    if name == "__version__" and find_tuple(text) is not None:
        return TupleVersion(root, path, kind=kind)
    if find_parts(text, name) is not None:
        return PartsVersion(root, path, expression=name, kind=kind)
    return None


def _is_version(text: str) -> bool:
    """A literal that is a version (``".".join(VERSION)`` starts with the literal ``"."``)."""
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True


def attr_file(root: Path, attr: str, *, kind: str, base: Path | None = None) -> VersionSource:
    """``pkg.mod.__version__`` -> the file of ``pkg.mod`` and a pattern for the attribute."""
    module, _, name = attr.strip().rpartition(".")
    if not module or not name:
        raise ConfigError(
            f"{root}: {kind}: attr {attr!r} is not 'module.attribute'",
            hint='write it like attr = "pkg.__version__"',
        )
    named_path(root, module.replace(".", "/"), f"{root}: {kind}: attr")
    path = _reexported_from(_module_file(root, base or root, module, kind), name)
    return _computed_version(root, path, name, kind) or ModuleVersion(
        root, path, pattern=dunder_pattern(name), where=f'{name} = "..."', kind=kind
    )
