"""Test dependencies from requirement files and pdm's dev-dependencies, and the copies of
requirement files the gate's and verify's installers read."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.testreqs import install_args, requirements_for_docs, requirements_for_tests

PROJECT = '[project]\nname = "demo-pkg"\nversion = "1.0"\n'
UV_LOCK = """version = 1
revision = 5
requires-python = ">=3.11"

[[package]]
name = "demo-pkg"
version = "1.0"
source = { virtual = "." }

[package.dev-dependencies]
test = [
    { name = "iniconfig" },
]

[package.metadata]

[package.metadata.requires-dev]
test = [{ name = "iniconfig" }]

[[package]]
name = "iniconfig"
version = "2.3.1"
source = { registry = "https://pypi.org/simple" }
"""  # written by ``uv lock`` for the project in the test below


def _found(root: Path, files: dict[str, str], data: dict[str, object] | None = None) -> tuple:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return requirements_for_tests(data or {}, root / "pyproject.toml")


@pytest.mark.parametrize(
    ("files", "source"),
    [
        (
            {"tests/requirements.txt": "pretend\n", "requirements.txt": "x\n"},
            "tests/requirements.txt",
        ),
        (
            {"requirements/tests.txt": "freezegun\n", "requirements/dev.txt": "x\n"},
            "requirements/tests.txt",
        ),
        (
            {"requirements/test-ci.txt": "a\n", "requirements/test-win.txt": "b\n"},
            "requirements/test-ci.txt, requirements/test-win.txt",
        ),
        (  # jinja2 3.1.6: tests37.txt pins other versions for Python 3.7, not more packages
            {
                "requirements/tests.txt": "pytest==8.3.4\n",
                "requirements/tests37.txt": "pytest==7.4.4\n",
            },
            "requirements/tests.txt",
        ),
        ({"requirements-test.txt": "a\n", "dev-requirements.txt": "b\n"}, "requirements-test.txt"),
        ({"test-requirements.txt": "a\n"}, "test-requirements.txt"),
        (
            {"dev-requirements.txt": "pytest==8.3.5\n", "requirements.txt": "x\n"},
            "dev-requirements.txt",
        ),
        ({"requirements_dev.txt": "a\n"}, "requirements_dev.txt"),
        ({"requirements.txt": "-e .[brotli]\ntrio\n"}, "requirements.txt"),
    ],
    ids=[
        "tests-dir",
        "requirements-dir",
        "all-matches",
        "exact-name-over-variants",
        "dash",
        "test-req",
        "dev",
        "underscore",
        "plain",
    ],
)
def test_requirement_files_in_order(tmp_path: Path, files: dict[str, str], source: str) -> None:
    requirements, found = _found(tmp_path, files)
    assert found == source
    assert requirements == tuple(f"-r{(tmp_path / n).resolve()}" for n in source.split(", "))


@pytest.mark.parametrize(
    ("python", "chosen"),
    [
        ((3, 11), "39"),
        ((3, 9), "39"),
        ((3, 8), "37"),
        ((3, 6), "36"),
        ((3, 5), "36"),
        ((3, 12), "310"),
    ],
)
def test_requirement_files_for_other_pythons_give_the_one_for_this_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, python: tuple[int, int], chosen: str
) -> None:
    """wcwidth 0.2.13: ``requirements-tests36/37/39.txt`` pin conflicting versions (one file per
    Python); installing all of them cannot resolve. ``tests310`` counts as 3.10, not 3.1."""
    files = {f"requirements-tests{v}.txt": f"typing-extensions=={v}\n" for v in ("36", "37", "39")}
    if python == (3, 12):
        files["requirements-tests310.txt"] = "x\n"
    monkeypatch.setattr("sys.version_info", (*python, 0, "final", 0))
    requirements, found = _found(tmp_path, files)
    assert found == f"requirements-tests{chosen}.txt"
    assert requirements == (f"-r{(tmp_path / found).resolve()}",)


def test_requirement_files_without_a_common_python_suffix_are_all_kept(tmp_path: Path) -> None:
    files = {"requirements-test.in.txt": "a\n", "requirements-tests39.txt": "b\n"}
    assert _found(tmp_path, files)[1] == "requirements-test.in.txt, requirements-tests39.txt"


def test_tables_come_before_files_and_pdm_before_files(tmp_path: Path) -> None:
    files = {"requirements.txt": "x\n"}
    pdm = {"tool": {"pdm": {"dev-dependencies": {"lint": ["ruff"], "test": ["flask", "-e ."]}}}}
    assert _found(tmp_path, files, pdm) == (("flask",), "[tool.pdm.dev-dependencies] test")
    groups = {"dependency-groups": {"test": ["hypothesis"]}, **pdm}
    assert _found(tmp_path, files, groups) == (("hypothesis",), "[dependency-groups] test")
    assert _found(tmp_path / "nothing", {}) == ((), None)


def test_uv_dev_dependencies_before_files(tmp_path: Path) -> None:
    """`uv add --dev` before PEP 735 wrote [tool.uv] dev-dependencies (uv 0.4 projects)."""
    uv = {"tool": {"uv": {"dev-dependencies": ["pytest>=8.3", "pytest-cov", "-e ."]}}}
    found = _found(tmp_path, {"requirements.txt": "x\n"}, uv)
    assert found == (("pytest>=8.3", "pytest-cov"), "[tool.uv] dev-dependencies")
    groups = {"dependency-groups": {"dev": ["hypothesis"]}, **uv}  # uv's own order: groups win
    assert _found(tmp_path, {}, groups) == (("hypothesis",), "[dependency-groups] dev")


def test_copies_resolve_paths_and_name_the_project(tmp_path: Path) -> None:
    """httpx: ``-e .[brotli]`` in requirements.txt; urllib3: a pinned pytest; nested files
    and constraints relative to the file that names them."""
    root = tmp_path / "proj"
    (root / "requirements").mkdir(parents=True)
    (root / "requirements" / "tests.txt").write_text(
        "# test deps\n-e .[brotli,cli]  # the project\n-r base.txt\n--constraint=pins.txt\n"
        "pytest==8.3.5 ; python_version >= '3.9'\n-e ./vendored/lib\n"
    )
    (root / "requirements" / "base.txt").write_text("freezegun\n-r tests.txt\n")
    (root / "vendored" / "lib").mkdir(parents=True)
    requirements, _ = requirements_for_tests({}, root / "pyproject.toml")
    args, names = install_args([*requirements, "trio"], root, {root: "demo-pkg"}, tmp_path / "c")
    assert names == {"pytest", "freezegun", "trio"}
    assert args[1] == "trio" and args[0].startswith("-r")
    main = Path(args[0][2:]).read_text().splitlines()
    base = tmp_path / "c" / "1-base.txt"
    assert main == [
        "# test deps",
        "demo-pkg[brotli,cli]",
        f"-r {base}",
        f"-c {(root / 'requirements' / 'pins.txt').resolve()}",
        "pytest==8.3.5 ; python_version >= '3.9'",
        f"-e {(root / 'vendored' / 'lib').resolve()}",
    ]
    assert base.read_text().splitlines() == ["freezegun", f"-r {args[0][2:]}"]  # a cycle ends


def test_a_uv_lock_pins_the_versions_as_constraints(tmp_path: Path) -> None:
    """urllib3: ``pytest>=8.3.4`` in a group, 8.3.4 in uv.lock; the lock's versions constrain
    the install (a real ``uv export`` of a real lock written by ``uv lock``)."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(
        PROJECT + 'requires-python = ">=3.11"\n[dependency-groups]\ntest = ["iniconfig"]\n'
    )
    (root / "uv.lock").write_text(UV_LOCK)
    args, names = install_args(("iniconfig",), root, {root: "demo-pkg"}, tmp_path / "c")
    assert args == [f"-c{tmp_path / 'c' / 'lock-constraints.txt'}", "iniconfig"]
    assert "iniconfig==2.3.1" in (tmp_path / "c" / "lock-constraints.txt").read_text()
    assert names == {"iniconfig"}
    assert install_args(("x",), tmp_path, {}, tmp_path / "d")[0] == ["x"]  # no lock


POETRY_LOCK = """\
# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

[[package]]
name = "Pygments"
version = "2.19.1"
description = "Pygments is a syntax highlighting package written in Python."
optional = false
python-versions = ">=3.8"
groups = ["main"]

[[package]]
name = "numpy"
version = "1.24.4"
optional = false
python-versions = ">=3.8"
markers = "python_version < \\"3.9\\""

[[package]]
name = "numpy"
version = "2.2.6"
optional = false
python-versions = ">=3.10"
markers = "python_version >= \\"3.10\\""

[[package]]
name = "attrs"
version = "25.3.0"
optional = false
python-versions = ">=3.8"

[package.source]
type = "legacy"
url = "https://mirror.example/simple"
reference = "mirror"

[[package]]
name = "fork"
version = "0.1.0"
optional = false
python-versions = "*"

[package.source]
type = "git"
url = "https://github.com/o/fork.git"
reference = "main"
resolved_reference = "0123456789abcdef"

[metadata]
lock-version = "2.1"
python-versions = ">=3.8"
content-hash = "0"
"""


def test_a_poetry_lock_pins_the_versions_it_takes_from_an_index(tmp_path: Path) -> None:
    """rich's snapshot tests expect the Pygments its poetry.lock pins; a package locked at two
    versions (for two markers) or from git is not pinned."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(PROJECT)
    (root / "poetry.lock").write_text(POETRY_LOCK)
    args, _ = install_args(("pytest",), root, {root: "demo-pkg"}, tmp_path / "c")
    assert args == [f"-c{tmp_path / 'c' / 'lock-constraints.txt'}", "pytest"]
    pins = (tmp_path / "c" / "lock-constraints.txt").read_text().splitlines()
    assert pins == ["attrs==25.3.0", "pygments==2.19.1"]
    (root / "poetry.lock").write_text("[[package]\n")  # unreadable: poetry says why, not us
    assert install_args(("pytest",), root, {root: "demo-pkg"}, tmp_path / "d")[0] == ["pytest"]


def test_a_dev_extra_that_names_pytest_is_the_test_dependencies(tmp_path: Path) -> None:
    """python-json-logger declares its test dependencies (pytest, freezegun) in a ``dev``
    extra; a ``dev`` extra of tools only is none, and a ``test`` extra comes first."""
    dev = ["black", "pytest", "freezegun"]
    data = {"project": {"name": "demo-pkg", "optional-dependencies": {"dev": dev}}}
    found = requirements_for_tests(data, tmp_path / "pyproject.toml")
    assert found == (tuple(dev), "[project.optional-dependencies] dev")
    tools = {"project": {"name": "demo-pkg", "optional-dependencies": {"dev": ["black"]}}}
    assert requirements_for_tests(tools, tmp_path / "pyproject.toml") == ((), None)
    both = {"project": {"optional-dependencies": {"dev": dev, "test": ["pytest"]}}}
    assert requirements_for_tests(both, tmp_path / "pyproject.toml")[1] == (
        "[project.optional-dependencies] test"
    )


@pytest.mark.parametrize(
    ("data", "files", "expected"),
    [
        (  # typing-inspection
            {
                "dependency-groups": {
                    "docs": ["mike>=2.1.3", {"include-group": "theme"}],
                    "theme": ["mkdocs-material"],
                    "test": ["pytest"],
                }
            },
            {},
            (("mike>=2.1.3", "mkdocs-material"), "[dependency-groups] docs"),
        ),
        (  # an extra, with the project's own name[other] expanded
            {
                "project": {
                    "name": "demo-pkg",
                    "optional-dependencies": {
                        "doc": ["demo-pkg[api]", "mkdocs"],
                        "api": ["mkdocstrings"],
                    },
                }
            },
            {},
            (("mkdocstrings", "mkdocs"), "[project.optional-dependencies] doc"),
        ),
        (
            {"tool": {"poetry": {"group": {"docs": {"dependencies": {"mkdocs": "^1.6"}}}}}},
            {},
            (("mkdocs>=1.6",), "[tool.poetry.group.docs]"),
        ),
        ({}, {"docs/requirements.txt": "mkdocs\n"}, "docs/requirements.txt"),  # Read the Docs'
        ({}, {"requirements/docs.txt": "mkdocs\n"}, "requirements/docs.txt"),
        ({"dependency-groups": {"test": ["pytest"]}}, {"requirements.txt": "x\n"}, ((), None)),
    ],
    ids=["group", "extra", "poetry", "rtd-file", "requirements-dir", "none"],
)
def test_docs_dependencies_are_found_where_projects_declare_them(
    tmp_path: Path, data: dict[str, object], files: dict[str, str], expected: object
) -> None:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    found = requirements_for_docs(data, tmp_path / "pyproject.toml")
    if isinstance(expected, str):  # a requirement file: one -r<absolute path>
        assert found == ((f"-r{(tmp_path / expected).resolve()}",), expected)
    else:
        assert found == expected
