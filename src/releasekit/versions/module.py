"""Versions written in a text file: a module's ``__version__`` or a bare VERSION file.

The module kinds differ only in how the backend names the file:

* flit_core reads ``__version__`` from the module named like the project (``[tool.flit.module]
  name`` overrides it), in ``src/`` or flat layout, package or single module;
* hatchling's ``[tool.hatch.version] path`` (with its ``pattern`` if given);
* setuptools' ``[tool.setuptools.dynamic] version = {attr = "pkg.__version__"}`` (or ``file``);
* setup.cfg's ``version = attr: pkg.__version__`` (or ``file:``);
* pdm-backend's ``[tool.pdm.version] source = "file"`` with ``path``.

Quotes stay as written (``'...'`` or ``"..."``), and annotated ``__version__: str = "..."`` works.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ConfigError
from .base import TextSlot, VersionSource

__all__ = ["ModuleVersion", "PlainFileVersion", "attr_file", "flit_module"]


def dunder_pattern(*names: str) -> re.Pattern[str]:
    """``NAME = "1.2.3"``, ``NAME: str = '1.2.3'`` (a leading ``v`` stays outside the version)."""
    alternatives = "(?:" + "|".join(map(re.escape, names or ("__version__",))) + ")"
    annotation = r"(?::[ \t]*str[ \t]*)?"
    value = r"(?P<q>['\"])v?(?P<version>[^'\"\n]+)(?P=q)"
    return re.compile(rf"^{alternatives}[ \t]*{annotation}=[ \t]*{value}", re.M)


class ModuleVersion(VersionSource):
    """``__version__ = "..."`` (or a configured attribute or pattern) in a Python file."""

    def __init__(
        self,
        root: Path,
        path: Path,
        *,
        kind: str,
        pattern: re.Pattern[str] | None = None,
        where: str = '__version__ = "..."',
    ) -> None:
        super().__init__(root)
        self.kind = kind
        self.slot = TextSlot(path, pattern or dunder_pattern(), where)

    def read(self) -> str:
        return self.slot.read()

    def files(self) -> tuple[Path, ...]:
        return (self.slot.path,)

    def write(self, version: str) -> None:
        self.slot.write(version)

    def describe(self) -> str:
        return f"{_rel(self.slot.path, self.root)} ({self.kind})"


class PlainFileVersion(VersionSource):
    """A file that holds nothing but the version (``{file = "VERSION"}``)."""

    def __init__(self, root: Path, path: Path, *, kind: str) -> None:
        super().__init__(root)
        self.kind = kind
        self.slot = TextSlot(
            path, re.compile(r"\A\s*(?P<version>[^\s]+)"), "a version on the first line"
        )

    def read(self) -> str:
        return self.slot.read()

    def files(self) -> tuple[Path, ...]:
        return (self.slot.path,)

    def write(self, version: str) -> None:
        self.slot.write(version)

    def describe(self) -> str:
        return f"{_rel(self.slot.path, self.root)} ({self.kind})"


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _module_file(root: Path, dotted: str, where: str) -> Path:
    """The file of module ``dotted`` in src/ or flat layout (package ``__init__`` or module)."""
    parts = dotted.split(".")
    for base in (root / "src", root):
        package, module = base.joinpath(*parts, "__init__.py"), base.joinpath(*parts[:-1])
        for candidate in (package, module / f"{parts[-1]}.py"):
            if candidate.is_file():
                return candidate
    raise ConfigError(
        f"{root / 'pyproject.toml'}: {where}: module {dotted!r} not found in src/ or {root.name}/",
        hint=f"create {dotted.replace('.', '/')}/__init__.py with __version__, or fix the setting",
    )


def flit_module(root: Path, name: str, module: str | None) -> ModuleVersion:
    dotted = module or re.sub(r"[-.]+", "_", name)
    path = _module_file(root, dotted, "flit_core's dynamic version")
    return ModuleVersion(root, path, kind="flit __version__")


def attr_file(root: Path, attr: str, *, kind: str, package_dir: str | None = None) -> ModuleVersion:
    """``pkg.mod.__version__`` -> the file of ``pkg.mod`` and a pattern for the attribute."""
    module, _, name = attr.strip().rpartition(".")
    if not module or not name:
        raise ConfigError(
            f"{root}: {kind}: attr {attr!r} is not 'module.attribute'",
            hint='write it like attr = "pkg.__version__"',
        )
    base = root / package_dir if package_dir else root
    path = _module_file(base, module, kind)
    return ModuleVersion(
        root, path, kind=kind, pattern=dunder_pattern(name), where=f'{name} = "..."'
    )
