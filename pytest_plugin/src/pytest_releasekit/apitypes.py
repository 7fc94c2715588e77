"""Return annotations in one spelling, so that ``t.Optional[t.List[str]]`` and
``list[str] | None`` compare equal: names unqualified (``cabc.Iterator`` -> ``Iterator``), typing's
aliases of builtins as the builtins (PEP 585), unions (``Union``, ``Optional``, ``|``) as sets.
Annotations are read with :mod:`ast`; nothing is imported or evaluated."""

from __future__ import annotations

import ast

__all__ = ["union_members"]

#: typing's aliases of builtin and collections.abc types (PEP 585) and renamed ones
_SAME_TYPE = {
    "List": "list",
    "Dict": "dict",
    "Tuple": "tuple",
    "Set": "set",
    "FrozenSet": "frozenset",
    "Type": "type",
    "Text": "str",
    "DefaultDict": "defaultdict",
    "Deque": "deque",
    "ContextManager": "AbstractContextManager",
    "AsyncContextManager": "AbstractAsyncContextManager",
}


def _members(node: ast.expr) -> list[str]:
    """The normalized members of a union (one member for anything else)."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return [*_members(node.left), *_members(node.right)]
    if isinstance(node, ast.Subscript) and _normal(node.value) in ("Union", "Optional"):
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        extra = ["None"] if _normal(node.value) == "Optional" else []
        return [m for each in inner for m in _members(each)] + extra
    if isinstance(node, ast.Constant) and isinstance(node.value, str):  # a forward reference
        try:
            return _members(ast.parse(node.value, mode="eval").body)
        except SyntaxError:
            return [node.value]
    return [_normal(node)]


def _normal(node: ast.expr) -> str:
    """An annotation in one spelling: unqualified names (``t.List`` -> ``list``, ``cabc.Iterator``
    -> ``Iterator``), unions as sorted ``A | B``."""
    if isinstance(node, ast.Name | ast.Attribute):
        name = node.id if isinstance(node, ast.Name) else node.attr
        return _SAME_TYPE.get(name, name)
    if isinstance(node, ast.Constant) and node.value is None:
        return "None"
    if isinstance(node, ast.Subscript) and _normal(node.value) not in ("Union", "Optional"):
        inner = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        return f"{_normal(node.value)}[{', '.join(_normal(e) for e in inner)}]"
    if isinstance(node, ast.List):
        return "[" + ", ".join(_normal(e) for e in node.elts) + "]"
    forward = isinstance(node, ast.Constant) and isinstance(node.value, str)
    union = isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr)
    if union or forward or isinstance(node, ast.Subscript):  # Union[...], Optional[...]
        return " | ".join(sorted(set(_members(node))))
    return ast.unparse(node)


def union_members(annotation: str) -> frozenset[str]:
    """The normalized members of an annotation (``Optional[List[int]]`` -> {list[int], None})."""
    try:
        return frozenset(_members(ast.parse(annotation.strip(), mode="eval").body))
    except SyntaxError:
        return frozenset({annotation.strip()})
