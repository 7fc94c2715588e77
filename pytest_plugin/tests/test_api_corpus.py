"""The api rule's corpus: pairs of small packages (the last release, the working tree), the changes
the rule must find, and its verdict when the next release is a patch, minor or major bump.

Each case writes two trees to a temporary directory and compares them with the library (griffe
loads both statically); the git side of the rule is tested in ``test_api_rule.py``.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.version import Version

from pytest_releasekit.apidiff import compare
from pytest_releasekit.apirelease import ApiError, Base, bump_between, judge, passes, tag_version

Files = dict[str, str]


@dataclass(frozen=True)
class Case:
    name: str
    old: Files | str
    new: Files | str
    #: (kind, path) of every break the rule must report, and nothing else
    breaks: frozenset[tuple[str, str]] = frozenset()
    #: the verdict when the next release is a patch, a minor, a major bump (P = pass, F = fail)
    verdicts: str = "PPP"
    #: paths that must be reported as additions
    added: frozenset[str] = frozenset()
    base: str = "1.2.0"
    zero_minor: bool = True
    public: tuple[str, ...] = ()
    allow: dict[str, str] = field(default_factory=dict)


def brk(*pairs: str) -> frozenset[tuple[str, str]]:
    """``brk("function-removed pkg.f", ...)`` -> {(kind, path)}."""
    return frozenset(tuple(p.split(" ")) for p in pairs)  # type: ignore[misc]


BREAK = "FFP"
CASES = [
    # ---------------------------------------------------------------- removals
    Case("function removed", "def f(): ...\ndef g(): ...", "def g(): ...",
         brk("function-removed pkg.f"), BREAK),
    Case("class removed", "class C: ...", "", brk("class-removed pkg.C"), BREAK),
    Case("method removed", "class C:\n    def m(self): ...\n    def n(self): ...",
         "class C:\n    def n(self): ...", brk("function-removed pkg.C.m"), BREAK),
    Case("module attribute removed", "X = 1\nY = 2", "Y = 2",
         brk("attribute-removed pkg.X"), BREAK),
    Case("class attribute removed", "class C:\n    a: int = 1\n    b: int = 2",
         "class C:\n    b: int = 2", brk("attribute-removed pkg.C.a"), BREAK),
    Case("module removed", {"pkg/__init__.py": "", "pkg/sub.py": "def s(): ..."},
         {"pkg/__init__.py": ""}, brk("module-removed pkg.sub"), BREAK),
    Case("private module removed", {"pkg/__init__.py": "", "pkg/_sub.py": "def s(): ..."},
         {"pkg/__init__.py": ""}),
    Case("private function removed", "def f(): ...\ndef _helper(): ...", "def f(): ..."),
    Case("unexported name removed", '__all__ = ["f"]\ndef f(): ...\ndef g(): ...',
         '__all__ = ["f"]\ndef f(): ...'),
    Case("imported name removed", "from os import path\ndef f(): ...", "def f(): ..."),
    Case("exception class removed", "class ParseError(ValueError): ...\nclass C: ...",
         "class C: ...", brk("exception-removed pkg.ParseError"), BREAK),
    Case("exception removed (own base)", "class Base(Exception): ...\nclass Gone(Base): ...",
         "class Base(Exception): ...", brk("exception-removed pkg.Gone"), BREAK),
    # ---------------------------------------------------------------- parameters
    Case("parameter removed", "def f(a, b): ...", "def f(a): ...",
         brk("parameter-removed pkg.f(b)"), BREAK),
    Case("parameter renamed", "def f(a): ...", "def f(b): ...",
         brk("parameter-removed pkg.f(a)", "required-parameter-added pkg.f(b)"), BREAK),
    Case("parameters reordered", "def f(a, b): ...", "def f(b, a): ...",
         brk("parameter-moved pkg.f(a)", "parameter-moved pkg.f(b)"), BREAK),
    Case("parameter made required", "def f(a=1): ...", "def f(a): ...",
         brk("parameter-made-required pkg.f(a)"), BREAK),
    Case("parameter made keyword-only", "def f(a, b=1): ...", "def f(a, *, b=1): ...",
         brk("parameter-kind-changed pkg.f(b)"), BREAK),
    Case("parameter made positional-only", "def f(a, b): ...", "def f(a, b, /): ...",
         brk("parameter-kind-changed pkg.f(a)", "parameter-kind-changed pkg.f(b)"), BREAK),
    Case("default changed", "def f(a, b=1): ...", "def f(a, b=2): ...",
         brk("default-changed pkg.f(b)"), BREAK),
    Case("required parameter added", "def f(a): ...", "def f(a, b): ...",
         brk("required-parameter-added pkg.f(b)"), BREAK),
    Case("method parameter removed", "class C:\n    def m(self, x, y): ...",
         "class C:\n    def m(self, x): ...", brk("parameter-removed pkg.C.m(y)"), BREAK),
    Case("optional parameter added", "def f(a): ...", "def f(a, b=None): ...",
         added=frozenset({"pkg.f(b)"})),
    Case("keyword-only parameter added", "def f(a): ...", "def f(a, *, strict=False): ...",
         added=frozenset({"pkg.f(strict)"})),
    Case("parameters swallowed by *args, **kwargs", "def f(a, b=1): ...",
         "def f(*args, **kwargs): ..."),
    # ---------------------------------------------------------------- __all__
    Case("__all__ shrunk", '__all__ = ["f", "g"]\ndef f(): ...\ndef g(): ...',
         '__all__ = ["f"]\ndef f(): ...\ndef g(): ...', brk("removed-from-all pkg.g"), BREAK),
    Case("__all__ shrunk and object removed", '__all__ = ["f", "g"]\ndef f(): ...\ndef g(): ...',
         '__all__ = ["f"]\ndef f(): ...', brk("function-removed pkg.g"), BREAK),
    Case("__all__ grown", '__all__ = ["f"]\ndef f(): ...\ndef g(): ...',
         '__all__ = ["f", "g"]\ndef f(): ...\ndef g(): ...', added=frozenset({"pkg.g"})),
    # ---------------------------------------------------------------- return annotations
    Case("return annotation changed", "def f() -> int: ...", "def f() -> str: ...",
         brk("return-changed pkg.f"), BREAK),
    Case("return annotation widened", "def f() -> int: ...", "def f() -> int | None: ...",
         brk("return-changed pkg.f"), BREAK),
    Case("return annotation narrowed", "def f() -> int | None: ...", "def f() -> int: ..."),
    Case("return annotation narrowed (typing.Union)",
         "from typing import Union\ndef f() -> Union[int, str, None]: ...",
         "from typing import Optional\ndef f() -> Optional[int]: ..."),
    Case("return annotation removed", "def f() -> int: ...", "def f(): ...",
         brk("return-changed pkg.f"), BREAK),
    Case("return annotation added", "def f(): ...", "def f() -> int: ..."),
    # ---------------------------------------------------------------- classes and kinds
    Case("base class removed", "class A: ...\nclass C(A): ...", "class A: ...\nclass C: ...",
         brk("base-class-removed pkg.C"), BREAK),
    Case("function became a class", "def f(): ...", "class f: ...",
         brk("kind-changed pkg.f"), BREAK),
    Case(
        "break through a re-export",
        {"pkg/__init__.py": 'from ._impl import f\n__all__ = ["f"]',
         "pkg/_impl.py": "def f(a, b): ..."},
        {"pkg/__init__.py": 'from ._impl import f\n__all__ = ["f"]',
         "pkg/_impl.py": "def f(a): ..."},
        brk("parameter-removed pkg.f(b)"), BREAK,
    ),
    # ---------------------------------------------------------------- griffe's false alarms
    Case("name now served by a module __getattr__ (PEP 562)",
         '__all__ = ["VERSION"]\nVERSION = "1.0"',
         '__all__ = ["VERSION"]\ndef __getattr__(name):\n    return "1.0"'),
    Case("removed name still served, deprecated, by a module __getattr__",
         "class BaseCommand: ...\nclass Command(BaseCommand): ...",
         "class Command: ...\nclass _BaseCommand(Command): ...\n"
         "def __getattr__(name):\n    if name == 'BaseCommand':\n        return _BaseCommand\n"
         "    raise AttributeError(name)",
         brk("base-class-removed pkg.Command"), BREAK),
    Case("positional-only by the __name convention, renamed",
         "class C:\n    def invoke(__self, __callback, *args): ...",
         "class C:\n    def invoke(self, callback, /, *args): ..."),
    Case("exception args moved into __init__ (BaseException provides it)",
         'class E(ValueError):\n    args = ("failed",)',
         'class E(ValueError):\n    def __init__(self):\n        super().__init__("failed")'),
    Case("another distribution's name dropped from a star import",
         {"pkg/__init__.py": "", "pkg/_base.py": "from typing import ClassVar\nclass K: ...",
          "pkg/exc.py": "from pkg._base import *"},
         {"pkg/__init__.py": "", "pkg/_base.py": "class K: ...",
          "pkg/exc.py": "from pkg._base import *"}),
    Case("abstractproperty written as @property @abstractmethod",
         "import abc\nclass B(abc.ABC):\n    @abc.abstractproperty\n    def p(self) -> int: ...\n"
         "    @p.setter\n    def p(self, v: int) -> None: ...",
         "import abc\nclass B(abc.ABC):\n    @property\n    @abc.abstractmethod\n"
         "    def p(self) -> int: ...\n    @p.setter\n    def p(self, v: int) -> None: ..."),
    Case("return annotation made generic (a TypeVar)", "def f(x) -> int: ...",
         'from typing import TypeVar\nT = TypeVar("T")\ndef f(x: T) -> T: ...'),
    Case("inherited method removed: one break, not one per subclass",
         "class A:\n    def m(self): ...\nclass B(A): ...\nclass C(A): ...",
         "class A: ...\nclass B(A): ...\nclass C(A): ...", brk("function-removed pkg.A.m"), BREAK),
    Case(
        "function re-exported twice and removed: one break",
        {"pkg/__init__.py": 'from ._impl import f\n__all__ = ["f"]',
         "pkg/api.py": 'from ._impl import f\n__all__ = ["f"]', "pkg/_impl.py": "def f(): ..."},
        {"pkg/__init__.py": "__all__ = []", "pkg/api.py": "__all__ = []", "pkg/_impl.py": ""},
        brk("function-removed pkg.f"), BREAK,
    ),
    # ---------------------------------------------------------------- additions only
    Case("function added", "def f(): ...", "def f(): ...\ndef g(): ...",
         added=frozenset({"pkg.g"})),
    Case("class added", "def f(): ...", "def f(): ...\nclass K:\n    def m(self): ...",
         added=frozenset({"pkg.K", "pkg.K.m"})),
    Case("module added", {"pkg/__init__.py": ""},
         {"pkg/__init__.py": "", "pkg/extra.py": "def e(): ..."},
         added=frozenset({"pkg.extra", "pkg.extra.e"})),
    Case("body and docstring changed", "def f(a):\n    return a",
         'def f(a):\n    "Doc."\n    return a * 2'),
    # ---------------------------------------------------------------- configuration
    Case("0.x: a minor bump may break", "def f(): ...", "", brk("function-removed pkg.f"),
         "FPP", base="0.3.1"),
    Case("0.x convention switched off", "def f(): ...", "", brk("function-removed pkg.f"),
         "FFP", base="0.3.1", zero_minor=False),
    Case("allow-listed break", "def f(): ...\ndef g(): ...", "def g(): ...",
         brk("function-removed pkg.f"), "PPP", allow={"pkg.f": "deprecated since 1.0"}),
    Case("explicit public modules: other modules are not public",
         {"pkg/__init__.py": "def f(): ...", "pkg/internal.py": "def i(): ..."},
         {"pkg/__init__.py": "def f(): ...", "pkg/internal.py": ""}, public=("pkg",)),
    Case("explicit public modules: a listed submodule",
         {"pkg/__init__.py": "", "pkg/api/__init__.py": "", "pkg/api/v1.py": "def f(a): ..."},
         {"pkg/__init__.py": "", "pkg/api/__init__.py": "", "pkg/api/v1.py": "def f(): ..."},
         brk("parameter-removed pkg.api.v1.f(a)"), BREAK, public=("pkg.api.*",)),
]  # fmt: skip


def write(root: Path, files: Files | str) -> None:
    tree = files if isinstance(files, dict) else {"pkg/__init__.py": files}
    for name, text in tree.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_the_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_api_change(case: Case, tmp_path: Path) -> None:
    write(tmp_path / "old", case.old)
    write(tmp_path / "new", case.new)
    diff = compare(tmp_path / "old", tmp_path / "new", ["pkg"], public_modules=case.public)

    assert {(c.kind, c.path) for c in diff.breaks} == case.breaks, [c.line() for c in diff.breaks]
    assert case.added <= {c.path for c in diff.additions}, [c.line() for c in diff.additions]
    for change in diff.breaks:  # every break says where: file:line (or the file of a module)
        file = change.where.split(":")[0].split(" ")[0]
        assert file.endswith(".py"), change.line()
        assert not Path(file).is_absolute(), change.line()
    report = judge(Base("v" + case.base, Version(case.base)), diff, case.allow)
    verdicts = "".join(
        "P" if passes(report, bump, zero_minor=case.zero_minor) else "F"
        for bump in ("patch", "minor", "major")
    )
    assert verdicts == case.verdicts
    assert passes(report, None, zero_minor=case.zero_minor) is (not report.breaks)


@pytest.mark.parametrize(
    ("tag", "version"),
    [("v1.4.0", "1.4.0"), ("1.4.0", "1.4.0"), ("mypkg-2.0.0rc1", "2.0.0rc1"),
     ("pkg2-v3.1", "3.1"), ("release", None), ("v1.x", None)],
)  # fmt: skip
def test_the_version_a_tag_names(tag: str, version: str | None) -> None:
    assert tag_version(tag) == (Version(version) if version else None)


@pytest.mark.parametrize(
    ("base", "next_version", "bump"),
    [("1.4.0", "1.4.1", "patch"), ("1.4.0", "1.5.0", "minor"), ("1.4.0", "2.0.0", "major"),
     ("1.4", "1.4.0.post1", "patch"), ("0.9.3", "1.0.0", "major"), (None, "Minor", "minor")],
)  # fmt: skip
def test_the_bump_to_the_next_version(base: str | None, next_version: str, bump: str) -> None:
    assert bump_between(Version(base) if base else None, next_version) == bump


@pytest.mark.parametrize("next_version", ["two", "2.0.0.x"])
def test_an_unreadable_next_version_is_an_error_with_a_fix(next_version: str) -> None:
    with pytest.raises(ApiError, match="neither a PEP 440 version nor a bump") as caught:
        bump_between(Version("1.0"), next_version)
    assert "major, minor or patch" in caught.value.fix


def test_an_allow_entry_that_matches_no_break_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "old", "def f(): ...")
    write(tmp_path / "new", "")
    diff = compare(tmp_path / "old", tmp_path / "new", ["pkg"])
    allow = {"pkg.f": "announced", "pkg.gone_long_ago": "stale"}
    report = judge(Base("v1.0.0", Version("1.0.0")), diff, allow)
    assert report.breaks == ()
    assert [(c.path, reason) for c, reason in report.allowed] == [("pkg.f", "announced")]
    assert report.unused == ("pkg.gone_long_ago",)
