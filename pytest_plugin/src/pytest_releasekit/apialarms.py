"""griffe's false alarms that the api rule recognises (each has a case in the corpus,
pytest_plugin/tests/test_api_corpus.py), and the lookups they need."""

from __future__ import annotations

import builtins
import re

import griffe

__all__ = [
    "generic",
    "lookup",
    "positional_rename",
    "property_rewritten",
    "resolved",
    "still_provided",
]


def resolved(obj: griffe.Object | griffe.Alias) -> griffe.Object | None:
    """The object an alias ends at; None when griffe cannot resolve it (another distribution's
    name, generated code such as ``_version.py``)."""
    if isinstance(obj, griffe.Alias):
        try:
            return obj.final_target
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
    return obj


def _final_path(alias: griffe.Alias) -> str:
    """Where a chain of aliases ends, as far as it resolves (``typing.ClassVar``)."""
    current = alias
    while True:
        try:
            target = current.target
        except (griffe.AliasResolutionError, griffe.CyclicAliasError):
            return current.target_path
        if not isinstance(target, griffe.Alias):
            return target.path
        current = target


def generic(function: griffe.Function, annotation: str) -> bool:
    """Whether ``annotation`` names a TypeVar (typing's ``AnyStr``, or one of the function's
    module): a generic return is a type checker's business, not judged here."""
    module = function.module
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", annotation):
        if name == "AnyStr":
            return True
        member = module.members.get(name)
        target = resolved(member) if member is not None else None  # None: not resolvable
        value = str(getattr(target, "value", "") or "")
        if re.match(r"(\w+\.)?TypeVar\(", value):
            return True
    return False


def property_rewritten(old: griffe.Object | None, new: griffe.Object | griffe.Alias) -> bool:
    """A property written another way (``@abc.abstractproperty`` -> ``@property``): griffe
    sees a function become an attribute, a caller sees the same attribute."""
    decorators = getattr(old, "decorators", ())
    kinds = ("property", ".setter", ".deleter")
    return new.is_attribute and any(str(d.value).endswith(kinds) for d in decorators)


def _mentions(function: griffe.Object | griffe.Alias, name: str) -> bool:
    """Whether ``function``'s source has ``name`` as a string literal (``if name == "X":``)."""
    target = resolved(function)
    source = str(getattr(target, "source", "") or "")
    return re.search(rf"[\"']{re.escape(name)}[\"']", source) is not None


def positional_rename(
    breakage: griffe.Breakage, old: griffe.Object | None, new: griffe.Object | griffe.Alias
) -> bool:
    """A parameter positional-only by the old ``__name`` convention (PEP 484) renamed: callers
    could not pass it by name, so neither the old name's removal nor the new name is a break."""
    if not (isinstance(old, griffe.Function) and isinstance(new, griffe.Function)):
        return False
    before, after = [p.name for p in old.parameters], [p.name for p in new.parameters]
    if breakage.kind is griffe.BreakageKind.PARAMETER_ADDED_REQUIRED:
        index = after.index(breakage.new_value.name)
    elif breakage.kind is griffe.BreakageKind.PARAMETER_REMOVED:
        index = before.index(breakage.old_value.name)
    else:
        return False
    if index >= min(len(before), len(after)):
        return False
    return before[index].startswith("__") and not before[index].endswith("__")


def lookup(anchor: griffe.Object, path: str) -> griffe.Object | None:
    """The object at the canonical ``path`` in ``anchor``'s collection (the same tree)."""
    try:
        return resolved(anchor.modules_collection.get_member(path))
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def _builtin_member(cls: griffe.Object, name: str) -> bool:
    """Whether a builtin base of ``cls`` (or of its bases) has an attribute ``name``."""
    try:
        classes = [cls, *cls.mro()] if isinstance(cls, griffe.Class) else [cls]
    except (ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        classes = [cls]
    for each in classes:
        for base in getattr(each, "bases", ()):
            builtin = getattr(builtins, str(base).rsplit(".", 1)[-1], None)
            if isinstance(builtin, type) and hasattr(builtin, name):
                return True
    return False


def still_provided(
    obj: griffe.Object | griffe.Alias, new: griffe.Object, packages: frozenset[str]
) -> bool:
    """griffe's "public object was removed" false alarms this module recognises."""
    parent = obj.parent
    if parent is None:
        return False
    new_parent = lookup(new, parent.path)
    exports = {str(e) for e in (new_parent.exports or ())} if new_parent else set()
    served = new_parent.members.get("__getattr__") if new_parent is not None else None
    if served is not None and (obj.name in exports or _mentions(served, obj.name)):
        return True  # PEP 562: a module __getattr__ serves it (often with a deprecation)
    if new_parent is not None and new_parent.is_class and _builtin_member(new_parent, obj.name):
        return True  # e.g. an exception's ``args``: BaseException still provides it
    # a re-export of another distribution's name, not in __all__ (``from typing import *``)
    old_exports = {str(e) for e in (getattr(parent, "exports", None) or ())}
    return (
        isinstance(obj, griffe.Alias)
        and _final_path(obj).split(".")[0] not in packages
        and obj.name not in old_exports
    )
