"""The public API of two source trees and what changed between them, with griffe's public API.

griffe (``griffe.load``, ``griffe.find_breaking_changes``) reads both trees statically (no import
of the project's code) and reports most breaks. This module adds what griffe does not report:

- a name removed from a module's ``__all__`` while the object still exists (``removed-from-all``);
- a return annotation replaced by an incompatible one (``return-changed``; narrowing a union,
  ``int | None`` -> ``int``, is compatible);
- a package named in the configuration that is gone (``module-removed``);

and it names griffe's "public object was removed" by what was removed (``function-removed``,
``class-removed``, ``exception-removed``, ``module-removed``, ...). A break found through a
re-export (``pkg.func`` defined in ``pkg._impl``) is reported under its public path.

griffe's false alarms that this project recognises live in :mod:`.apialarms`; return annotations
are compared in one spelling by :mod:`.apitypes`.

Additions (new public objects, new optional parameters) are listed too: they need a minor bump.
"""

from __future__ import annotations

import builtins
import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

from .apialarms import (
    generic,
    lookup,
    positional_rename,
    property_rewritten,
    resolved,
    still_provided,
)
from .apitypes import union_members

__all__ = ["ApiDiff", "Change", "compare", "find_packages", "locate"]

#: griffe's kinds whose old/new values are parameters: the change is keyed ``path(param)``
_PARAMETER_KINDS = {
    griffe.BreakageKind.PARAMETER_MOVED: "parameter-moved",
    griffe.BreakageKind.PARAMETER_REMOVED: "parameter-removed",
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: "parameter-kind-changed",
    griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT: "default-changed",
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: "parameter-made-required",
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: "required-parameter-added",
}
_OTHER_KINDS = {
    griffe.BreakageKind.RETURN_CHANGED_TYPE: "return-changed",
    griffe.BreakageKind.OBJECT_CHANGED_KIND: "kind-changed",
    griffe.BreakageKind.ATTRIBUTE_CHANGED_TYPE: "attribute-type-changed",
    griffe.BreakageKind.ATTRIBUTE_CHANGED_VALUE: "attribute-value-changed",
    griffe.BreakageKind.CLASS_REMOVED_BASE: "base-class-removed",
}
_Api = dict[str, griffe.Object]
_EXCEPTIONS = frozenset(
    name
    for name, value in vars(builtins).items()
    if isinstance(value, type) and issubclass(value, BaseException)
)


@dataclass(frozen=True)
class Change:
    """One change of the public API: a break or an addition."""

    kind: str
    #: the public path, with ``(parameter)`` for a change of one parameter; the allow-list key
    path: str
    #: ``file:line`` in the new tree, or in the old one (``... (in BASE)``) for what was removed
    where: str
    #: old -> new, when there is something to show
    detail: str = ""

    def line(self) -> str:
        detail = f": {self.detail}" if self.detail else ""
        return f"{self.kind} {self.path} at {self.where}{detail}"


@dataclass(frozen=True)
class ApiDiff:
    breaks: tuple[Change, ...]
    additions: tuple[Change, ...]


# ------------------------------------------------------------------------------ finding packages
def locate(root: Path, name: str) -> Path | None:
    """The directory to search for the top-level module ``name`` in ``root`` (src/ or flat)."""
    for base in (root / "src", root):
        if (base / name).is_dir() or (base / f"{name}.py").is_file():
            return base
    return None


def find_packages(root: Path) -> list[str]:
    """The top-level packages of a src layout, else the package named after the project
    (``[project] name``, or ``[tool.poetry] name``), if found."""
    src = root / "src"
    if src.is_dir():
        found = sorted(
            p.name if p.is_dir() else p.stem
            for p in src.iterdir()
            if not p.name.startswith(("_", "."))
            and ((p.is_dir() and (p / "__init__.py").is_file()) or p.suffix == ".py")
        )
        if found:
            return found
    import tomllib

    try:
        with (root / "pyproject.toml").open("rb") as stream:
            data = tomllib.load(stream)
    except (OSError, tomllib.TOMLDecodeError):
        return []
    poetry = data.get("tool", {}).get("poetry", {})
    name = data.get("project", {}).get("name") or (poetry.get("name") if poetry else None)
    if not isinstance(name, str):
        return []
    module = name.replace("-", "_").replace(".", "_").lower()
    return [module] if locate(root, module) else []


# ------------------------------------------------------------------------------ loading
def _load(root: Path, names: Sequence[str]) -> dict[str, griffe.Object | None]:
    """The packages ``names`` of the tree ``root``, loaded into one collection (so that one
    package's re-exports of another, ``attrs`` of ``attr``, resolve); None for a missing one."""
    modules, lines = griffe.ModulesCollection(), griffe.LinesCollection()
    loaded: dict[str, griffe.Object | None] = dict.fromkeys(names)
    pending = [name for name in names if locate(root, name) is not None]
    for attempt in range(2):  # a package whose stubs need another one loads after it
        failed = []
        for name in pending:
            try:
                found = griffe.load(
                    name,
                    search_paths=[str(locate(root, name))],
                    try_relative_path=False,
                    allow_inspection=False,  # never import the project's code
                    modules_collection=modules,
                    lines_collection=lines,
                )
            except griffe.AliasResolutionError:
                if attempt:
                    raise
                failed.append(name)
                continue
            loaded[name] = found if isinstance(found, griffe.Object) else None
        pending = failed
    return loaded


def _module(package: griffe.Object, path: str) -> griffe.Object | None:
    """The module ``path`` (dotted, starting with the package's name) in ``package``, or None."""
    found: griffe.Object | griffe.Alias = package
    for part in path.split(".")[1:]:
        member = found.members.get(part)
        if member is None or not member.is_module:
            return None
        found = member
    return found if isinstance(found, griffe.Object) else None


def _modules(obj: griffe.Object) -> Iterator[griffe.Object]:
    yield obj
    for sub in obj.modules.values():
        yield from _modules(sub)


def _mark_public(package: griffe.Object, patterns: Sequence[str]) -> list[griffe.Object]:
    """Only modules matching ``patterns`` are public (griffe's ``public`` flag); returns them."""
    listed = []
    for module in _modules(package):
        module.public = any(fnmatch.fnmatchcase(module.path, p) for p in patterns)
        if module.public:
            listed.append(module)
    return listed


# ------------------------------------------------------------------------------ walking
def _public(root: griffe.Object) -> dict[str, griffe.Object]:
    """{public path: object} of everything public under ``root`` (re-exports by their path)."""
    found: dict[str, griffe.Object] = {}
    seen: set[str] = set()

    def walk(obj: griffe.Object, path: str) -> None:
        if obj.path in seen:
            return
        seen.add(obj.path)
        for name, member in obj.members.items():
            target = resolved(member)  # None: an alias griffe cannot resolve (e.g. generated code)
            if target is None or not member.is_public or (member.is_alias and target.is_module):
                continue
            found[f"{path}.{name}"] = target
            if target.is_module or target.is_class:
                walk(target, f"{path}.{name}")

    found[root.path] = root
    walk(root, root.path)
    return found


def _public_names(api: dict[str, griffe.Object]) -> dict[str, str]:
    """{canonical path: public path} for objects reachable under another (re-exported) path."""
    names: dict[str, str] = {}
    for path, obj in sorted(api.items(), key=lambda item: len(item[0])):
        names.setdefault(obj.path, path)
    return names


def _rename(path: str, names: dict[str, str]) -> str:
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        head = ".".join(parts[:end])
        if head in names:
            return ".".join([names[head], *parts[end:]])
    return path


def _where(obj: griffe.Object | griffe.Alias, root: Path, label: str | None) -> str:
    holder = obj.parent if isinstance(obj, griffe.Alias) and obj.parent else obj
    filepath = holder.filepath
    file = filepath[0] if isinstance(filepath, list) else filepath
    try:
        shown = file.relative_to(root).as_posix()
    except ValueError:
        shown = file.as_posix()
    line = obj.alias_lineno if isinstance(obj, griffe.Alias) else obj.lineno
    return shown + (f":{line}" if line else "") + (f" (in {label})" if label else "")


def _is_exception(cls: griffe.Object) -> bool:
    for base in getattr(cls, "bases", ()):
        name = str(base).rsplit(".", 1)[-1]
        if name in _EXCEPTIONS or name.endswith(("Error", "Exception", "Warning")):
            return True
    try:
        return any(_is_exception(b) for b in getattr(cls, "resolved_bases", ()))
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return False


def _removed_kind(obj: griffe.Object) -> str:
    if obj.is_class and _is_exception(obj):
        return "exception-removed"
    return f"{obj.kind.value}-removed"


def _show(value: Any) -> str:
    return "none" if value is None else str(value)


# ------------------------------------------------------------------------------ comparing
class _Comparison:
    def __init__(self, old_root: Path, new_root: Path, label: str, packages: Sequence[str]) -> None:
        self.old_root, self.new_root, self.label = old_root, new_root, label
        self.packages = frozenset(packages)
        self.breaks: dict[tuple[str, str], Change] = {}
        self.additions: dict[tuple[str, str], Change] = {}

    def add(
        self, bucket: dict[tuple[str, str], Change], change: Change, key: str | None = None
    ) -> None:
        """Record ``change`` once per ``key`` (the canonical path: a break reached through
        several re-exports or subclasses is one break)."""
        bucket.setdefault((change.kind, key or change.path), change)

    def griffe_breaks(self, old: griffe.Object, new: griffe.Object, names: dict[str, str]) -> None:
        for breakage in griffe.find_breaking_changes(old, new):
            obj = breakage.obj
            path = _rename(obj.path, names)
            key = obj.path
            if breakage.kind in _PARAMETER_KINDS:
                param = breakage.old_value or breakage.new_value
                if positional_rename(breakage, lookup(old, obj.path), obj):
                    continue
                detail = breakage.details
                if breakage.kind is griffe.BreakageKind.PARAMETER_CHANGED_KIND:
                    detail = f"{breakage.old_value.kind.value} -> {breakage.new_value.kind.value}"
                elif breakage.kind is griffe.BreakageKind.PARAMETER_CHANGED_DEFAULT:
                    detail = f"{breakage.old_value.default} -> {breakage.new_value.default}"
                change = Change(
                    _PARAMETER_KINDS[breakage.kind],
                    f"{path}({param.name})",
                    _where(obj, self.new_root, None),
                    detail,
                )
                key = f"{obj.path}({param.name})"
            elif breakage.kind is griffe.BreakageKind.OBJECT_REMOVED:
                if still_provided(obj, new, self.packages):
                    continue
                target = resolved(obj)  # None: a re-export of something griffe did not load
                kind = _removed_kind(target) if target else "name-removed"
                change = Change(kind, path, _where(obj, self.old_root, self.label))
                key = target.path if target else obj.path
            elif breakage.kind is griffe.BreakageKind.OBJECT_CHANGED_KIND and property_rewritten(
                lookup(old, obj.path), obj
            ):
                continue
            else:
                detail = f"{_show(breakage.old_value)} -> {_show(breakage.new_value)}"
                if breakage.kind is griffe.BreakageKind.CLASS_REMOVED_BASE:
                    detail = (
                        ", ".join(map(str, breakage.old_value))
                        + " -> "
                        + ", ".join(map(str, breakage.new_value))
                    )
                change = Change(
                    _OTHER_KINDS.get(breakage.kind, breakage.kind.name.lower()),
                    path,
                    _where(obj, self.new_root, None),
                    detail,
                )
            self.add(self.breaks, change, key)

    def exports(self, old_api: _Api, new_api: _Api) -> None:
        """Names dropped from ``__all__`` whose object is still there (griffe sees no removal)."""
        for path, old in old_api.items():
            new = new_api.get(path)
            if not old.is_module or new is None or not new.is_module or not old.exports:
                continue
            for name in map(str, old.exports):
                member = new.members.get(name)
                if member is not None and not member.is_public and name in old.members:
                    where = new.members.get("__all__", new)
                    self.add(
                        self.breaks,
                        Change(
                            "removed-from-all",
                            f"{path}.{name}",
                            _where(where, self.new_root, None),
                            f"{name!r} is no longer in {path}.__all__",
                        ),
                    )

    def signatures(
        self, old_api: dict[str, griffe.Object], new_api: dict[str, griffe.Object]
    ) -> None:
        """Return annotations (griffe only reports a removed one) and parameter additions."""
        for path, new in new_api.items():
            old = old_api.get(path)
            if old is None:
                self.add(self.additions, Change(f"{new.kind.value}-added", path, self._at(new)))
                continue
            if not (isinstance(old, griffe.Function) and isinstance(new, griffe.Function)):
                continue
            old_names = {p.name for p in old.parameters}
            for param in new.parameters:
                if param.name not in old_names and not param.required:
                    self.add(
                        self.additions,
                        Change("parameter-added", f"{path}({param.name})", self._at(new)),
                    )
            if old.returns is not None and new.returns is not None:
                before, after = str(old.returns), str(new.returns)
                typevar = generic(old, before) or generic(new, after)
                if not union_members(after) <= union_members(before) and not typevar:
                    self.add(
                        self.breaks,
                        Change("return-changed", path, self._at(new), f"{before} -> {after}"),
                    )

    def _at(self, obj: griffe.Object) -> str:
        return _where(obj, self.new_root, None)


def compare(
    old_root: Path,
    new_root: Path,
    packages: Sequence[str],
    *,
    public_modules: Sequence[str] = (),
    label: str = "base",
) -> ApiDiff:
    """The breaks and additions of ``packages`` from the tree ``old_root`` to ``new_root``.

    ``public_modules``: module path globs; when given, only those modules are public (else every
    module without a leading underscore). ``label`` names the old tree in locations."""
    with griffe.logger.disable():  # griffe's warnings about code it cannot read are noise here
        return _compare(old_root.resolve(), new_root.resolve(), packages, public_modules, label)


def _compare(
    old_root: Path,
    new_root: Path,
    packages: Sequence[str],
    public_modules: Sequence[str],
    label: str,
) -> ApiDiff:
    run = _Comparison(old_root, new_root, label, packages)
    olds, news = _load(old_root, packages), _load(new_root, packages)
    for name in packages:
        old, new = olds[name], news[name]
        if old is None:
            if new is not None:
                run.add(run.additions, Change("package-added", name, run._at(new)))
            continue
        if new is None:
            run.add(run.breaks, Change("module-removed", name, _where(old, old_root, label)))
            continue
        if public_modules:
            roots = _mark_public(old, public_modules)
            _mark_public(new, public_modules)
        else:
            roots = [old]
        for old_module in roots:
            new_module = _module(new, old_module.path)
            if new_module is None:
                where = _where(old_module, old_root, label)
                run.add(run.breaks, Change("module-removed", old_module.path, where))
                continue
            old_api, new_api = _public(old_module), _public(new_module)
            names = _public_names(old_api)
            run.griffe_breaks(old_module, new_module, names)
            run.exports(old_api, new_api)
            run.signatures(old_api, new_api)
    return ApiDiff(tuple(run.breaks.values()), tuple(run.additions.values()))
