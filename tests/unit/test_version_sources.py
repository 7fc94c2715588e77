"""Every version source x every kind of bump: written exactly (byte-identical apart from the
version string), read back, and detected from the project's own files."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from packaging.version import Version

from releasekit.errors import ConfigError, StepFailed
from releasekit.versioning import next_version
from releasekit.versions import VersionSource, detect_source, find_bumpversion
from releasekit.workspace import package_name

Files = dict[str, str]

HATCH = '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
SETUPTOOLS = (
    '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n'
)
FLIT = '[build-system]\nrequires = ["flit_core >=3.4,<4"]\nbuild-backend = "flit_core.buildapi"\n\n'
POETRY = '[build-system]\nrequires = ["poetry-core"]\nbuild-backend = "poetry.core.masonry.api"\n\n'
PDM = '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n\n'
DYNAMIC = '[project]\nname = "demo-pkg"\ndynamic = ["version"]\n'


def static_double(v: str) -> Files:
    # another table's version key before [project] must stay untouched
    return {
        "pyproject.toml": f'{HATCH}[tool.other]\nversion = "9.9.9"\n\n[project]\n'
        f'name = "demo-pkg"\nversion = "{v}"  # the version\n\n[tool.x]\nversion = "0"\n'
    }


def static_single_crlf(v: str) -> Files:
    return {"pyproject.toml": f"[project]\r\nname = 'demo-pkg'\r\nversion = '{v}'\r\n"}


def flit_src(v: str) -> Files:
    return {
        "pyproject.toml": f"{FLIT}[project]\nname = 'demo-pkg'\n"
        'dynamic = ["version", "description"]\n',
        "src/demo_pkg/__init__.py": f'"""Demo."""\n\n__version__ = "{v}"\nOTHER = "1.2.3"\n',
    }


def flit_reexported(v: str) -> Files:
    """idna's layout: ``__init__.py`` re-exports ``__version__`` from a sibling module."""
    return {
        "pyproject.toml": f"{FLIT}{DYNAMIC}",
        "demo_pkg/__init__.py": "from .core import encode\nfrom .package_data import __version__\n",
        "demo_pkg/package_data.py": f"__version__ = '{v}'\n",
    }


def flit_flat_module(v: str) -> Files:
    return {
        "pyproject.toml": f'{FLIT}{DYNAMIC}\n[tool.flit.module]\nname = "demo"\n',
        "demo.py": f"__version__: str = '{v}'\n",
    }


def flit_legacy_metadata(v: str) -> Files:
    """cloudpickle's: flit's legacy ``[tool.flit.metadata]`` (no [project]), whose ``module``
    names the module holding ``__version__``."""
    return {
        "pyproject.toml": f'{FLIT}[tool.flit.metadata]\nmodule = "demo"\nauthor = "A"\n',
        "demo/__init__.py": f'"""Demo."""\n\n__version__ = "{v}"\n',
    }


def hatch_path(v: str) -> Files:
    return {
        "pyproject.toml": f"{HATCH}{DYNAMIC}\n[tool.hatch.version]\n"
        'path = "src/demo_pkg/__about__.py"\n',
        "src/demo_pkg/__about__.py": f"# SPDX\nVERSION = 'v{v}'\n",
    }


def hatch_pattern(v: str) -> Files:
    return {
        "pyproject.toml": f'{HATCH}{DYNAMIC}\n[tool.hatch.version]\npath = "demo.txt"\n'
        "pattern = 'release: (?P<version>[^\\s]+)'\n",
        "demo.txt": f"name: demo\nrelease: {v}\n",
    }


def setuptools_attr(v: str) -> Files:
    return {
        "pyproject.toml": f"{SETUPTOOLS}{DYNAMIC}\n[tool.setuptools.dynamic]\n"
        'version = {attr = "demo_pkg.about.__version__"}\n',
        "src/demo_pkg/__init__.py": "",
        "src/demo_pkg/about.py": f'__version__ = "{v}"\n',
    }


def setuptools_attr_reexported(v: str) -> Files:
    """charset-normalizer's layout: ``attr`` names the package, whose ``__init__.py`` imports
    the version with another name from ``version.py``."""
    return {
        "pyproject.toml": f"{SETUPTOOLS}{DYNAMIC}\n[tool.setuptools.dynamic]\n"
        'version = {attr = "demo_pkg.__version__"}\n',
        "src/demo_pkg/__init__.py": '"""Demo."""\n\nfrom .api import x\n'
        "from .version import VERSION, __version__\n",
        "src/demo_pkg/version.py": f'"""Expose version."""\n\n__version__ = "{v}"\n'
        'VERSION = __version__.split(".")\n',
    }


def setuptools_attr_absolute_import(v: str) -> Files:
    """pyfakefs: ``__init__.py`` imports the version absolutely from ``_version.py``."""
    return {
        "pyproject.toml": f"{SETUPTOOLS}{DYNAMIC}\n[tool.setuptools.dynamic]\n"
        'version = {attr = "demo_pkg.__version__"}\n',
        "demo_pkg/__init__.py": "from demo_pkg._version import __version__  # noqa: F401\n",
        "demo_pkg/_version.py": f'__version__ = "{v}"\n',
    }


def flit_chained(v: str) -> Files:
    """tinycss2: ``VERSION = __version__ = '1.4.0'``."""
    return {
        "pyproject.toml": f'{FLIT}{DYNAMIC}\n[tool.flit.module]\nname = "demo"\n',
        "demo.py": f"VERSION = __version__ = '{v}'\n",
    }


def setuptools_file(v: str) -> Files:
    return {
        "pyproject.toml": f"{SETUPTOOLS}{DYNAMIC}\n[tool.setuptools.dynamic]\n"
        'version = {file = "VERSION"}\n',
        "VERSION": f"{v}\n",
    }


def setup_cfg(v: str) -> Files:
    return {
        "pyproject.toml": SETUPTOOLS,
        "setup.cfg": f"[metadata]\nname = demo-pkg\nversion = {v}\n\n[options]\nzip_safe = False\n",
    }


def setup_cfg_attr(v: str) -> Files:
    return {
        "pyproject.toml": SETUPTOOLS,
        "setup.cfg": "[metadata]\nname = demo-pkg\nversion = attr: demo_pkg.__version__\n",
        "demo_pkg/__init__.py": f'__version__ = "{v}"\n',
    }


def poetry_only(v: str) -> Files:
    return {"pyproject.toml": f'{POETRY}[tool.poetry]\nname = "demo-pkg"\nversion = "{v}"\n'}


def poetry_dynamic(v: str) -> Files:
    return {
        "pyproject.toml": f'{POETRY}{DYNAMIC}\n[tool.poetry]\nversion = "{v}"\n'
        '\n[tool.poetry.dependencies]\npython = "^3.11"\n'
    }


def pdm_file(v: str) -> Files:
    return {
        "pyproject.toml": f'{PDM}{DYNAMIC}\n[tool.pdm.version]\nsource = "file"\n'
        'path = "src/demo_pkg/__init__.py"\n',
        "src/demo_pkg/__init__.py": f'__version__ = "{v}"\n',
    }


SHAPES: dict[str, Callable[[str], Files]] = {
    f.__name__: f
    for f in (
        static_double,
        static_single_crlf,
        flit_src,
        flit_reexported,
        flit_flat_module,
        flit_legacy_metadata,
        hatch_path,
        hatch_pattern,
        setuptools_attr,
        setuptools_attr_reexported,
        setuptools_attr_absolute_import,
        flit_chained,
        setuptools_file,
        setup_cfg,
        setup_cfg_attr,
        poetry_only,
        poetry_dynamic,
        pdm_file,
    )
}
BUMPS = [
    ("1.2.3", "patch", "1.2.4"),
    ("1.2.3", "minor", "1.3.0"),
    ("1.2.3", "major", "2.0.0"),
    ("1.2.3", "alpha", "1.2.4a1"),
    ("4.0.1", "rc", "4.0.2rc1"),
    ("4.0.2rc1", "release", "4.0.2"),
    ("1.2.3", "post", "1.2.3.post1"),
    ("1.2.3", "dev", "1.2.4.dev1"),
    ("8.5.0.dev", "patch", "8.5.0"),
    ("1.2.3", "2.0.0b1", "2.0.0b1"),
]


def _make(root: Path, files: Files) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))


def _detect(root: Path) -> VersionSource:
    data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
    return detect_source(root, data, name="demo-pkg", tag_format="v{version}")


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("current", "bump", "expected"), BUMPS)
def test_each_source_writes_exactly_and_reads_back(
    tmp_path: Path, shape: str, current: str, bump: str, expected: str
) -> None:
    make = SHAPES[shape]
    _make(tmp_path, make(current))
    source = _detect(tmp_path)
    assert source.read() == current
    new = next_version(current, bump)
    assert new == expected
    source.write(new)
    source.verify(new)
    for rel, text in make(new).items():  # byte-identical apart from the version string
        assert (tmp_path / rel).read_bytes() == text.encode("utf-8"), rel
    assert {p.relative_to(tmp_path).as_posix() for p in source.files()} <= set(make(new))


def test_read_back_mismatch_is_a_failed_step(tmp_path: Path) -> None:
    _make(tmp_path, flit_src("1.2.3"))
    source = _detect(tmp_path)
    source.write("1.2.4rc1")
    with pytest.raises(StepFailed, match=re.escape("wrote version 1.2.4 but read back '1.2.4rc1'")):
        source.verify("1.2.4")
    source.write("1.2.04")  # equal as PEP 440, different literal: still a mismatch
    with pytest.raises(StepFailed, match=re.escape("read back '1.2.04'")):
        source.verify("1.2.4")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"pyproject.toml": f"{FLIT}{DYNAMIC}"}, "module 'demo_pkg' not found"),
        (
            {
                "pyproject.toml": f'{HATCH}{DYNAMIC}\n[tool.hatch.version]\npath = "a.py"\n',
                "a.py": "x = 1\n",
            },
            re.escape('no __version__ = "..." (or VERSION) found'),
        ),
        (
            {"pyproject.toml": f"{SETUPTOOLS}{DYNAMIC}"},
            re.escape('set [project] version (e.g. "0.1.0" for a first release)'),
        ),
        (
            {
                "pyproject.toml": "[build-system]\n"
                'requires = ["setuptools", "setuptools-git-versioning"]\n' + DYNAMIC
            },
            "VCS-versioned by setuptools-git-versioning",
        ),
        (  # enabled for `poetry build` with the plugin only: a standard build makes 0.0.0
            {
                "pyproject.toml": '[build-system]\nrequires = ["poetry-core"]\n'
                'build-backend = "poetry.core.masonry.api"\n[tool.poetry]\nname = "demo-pkg"\n'
                'version = "0.0.0"\n[tool.poetry-dynamic-versioning]\nenable = true\n'
            },
            re.escape("poetry-dynamic-versioning is not in [build-system] requires"),
        ),
    ],
)
def test_unreadable_versions_say_what_and_how(tmp_path: Path, files: Files, message: str) -> None:
    _make(tmp_path, files)
    with pytest.raises(ConfigError, match=message):
        _detect(tmp_path).read()


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _repo(root: Path, files: Files) -> None:
    _make(root, files)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "add", "-A")
    _git(root, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-qm", "x")


def test_no_version_advice_never_suggests_a_downgrade(tmp_path: Path) -> None:
    """A dynamic version releasekit cannot find: advice is the latest tag, not 0.1.0."""
    _repo(tmp_path, {"pyproject.toml": f"{SETUPTOOLS}{DYNAMIC}"})
    for tag in ("v25.9.0", "v26.1.0", "v3.0.0"):
        _git(tmp_path, "tag", tag)
    with pytest.raises(ConfigError) as caught:
        _detect(tmp_path)
    assert caught.value.hint is not None
    assert '[project] version = "26.1.0" (your latest tag v26.1.0)' in caught.value.hint
    assert "0.1.0" not in str(caught.value)


@pytest.mark.parametrize(
    ("pyproject", "kind"),
    [
        (
            f'{HATCH}{DYNAMIC}\n[tool.hatch.version]\nsource = "vcs"\n',
            "hatch-vcs",
        ),
        (
            '[build-system]\nrequires = ["setuptools>=64", "setuptools-scm>=8"]\n'
            f'build-backend = "setuptools.build_meta"\n\n{DYNAMIC}',
            "setuptools-scm",
        ),
        (f"{SETUPTOOLS}{DYNAMIC}\n[tool.setuptools_scm]\n", "setuptools-scm"),
        (  # setuptools-scm's own shape: the attr is a module that asks setuptools-scm
            f"{SETUPTOOLS}{DYNAMIC}\n[tool.setuptools.dynamic]\n"
            'version = { attr = "_own_version_helper.version"}\n\n[tool.setuptools_scm]\n',
            "setuptools-scm",
        ),
        (  # the attr is the module setuptools-scm writes at build time, not in git
            f"{SETUPTOOLS}{DYNAMIC}\n[tool.setuptools.dynamic]\n"
            'version = { attr = "demo_pkg._version.version"}\n\n'
            '[tool.setuptools_scm]\nversion_file = "src/demo_pkg/_version.py"\n',
            "setuptools-scm",
        ),
        (f'{PDM}{DYNAMIC}\n[tool.pdm.version]\nsource = "scm"\n', "pdm-backend scm"),
    ],
)
def test_vcs_sources_read_the_latest_reachable_tag(
    tmp_path: Path, pyproject: str, kind: str
) -> None:
    helper = "def __getattr__(name: str) -> str:\n    return get_version(relative_to=__file__)\n"
    _repo(
        tmp_path,
        {
            "pyproject.toml": pyproject,
            "_own_version_helper.py": helper,
            "src/demo_pkg/__init__.py": "from ._version import version as __version__\n",
        },
    )
    source = _detect(tmp_path)
    assert source.vcs
    assert source.kind == kind
    assert source.read() == "0.0.0"  # no release tag yet
    for tag in ("v26.0.3", "v26.1.0", "v26.1.0rc1", "26.2.0", "vnot-a-version", "v9.0.0"):
        _git(tmp_path, "tag", tag)
    assert source.read() == "26.1.0"  # tags of another style (26.2.0) are not ours
    assert "latest tag v26.1.0" in source.describe()
    before = (tmp_path / "pyproject.toml").read_bytes()
    source.write("26.1.1")  # nothing to write: the tag will be the version
    source.verify("26.1.1")
    assert (tmp_path / "pyproject.toml").read_bytes() == before
    assert source.files() == ()
    env = source.build_env("Demo.Pkg", "26.1.1")
    assert env["SETUPTOOLS_SCM_PRETEND_VERSION"] == "26.1.1"
    assert env["SETUPTOOLS_SCM_PRETEND_VERSION_FOR_DEMO_PKG"] == "26.1.1"
    assert env["PDM_BUILD_SCM_VERSION"] == "26.1.1"


# ------------------------------------------------------------ bump-my-version, run for real
PEP440_BUMPVERSION = r"""
[tool.bumpversion]
current_version = "{v}"
parse = '''(?x)
    (?P<major>0|[1-9]\d*)\.(?P<minor>0|[1-9]\d*)\.(?P<patch>0|[1-9]\d*)
    (?:(?P<pre_l>a|b|rc)(?P<pre_n>0|[1-9]\d*))?
    (?:\.post(?P<post>0|[1-9]\d*))?
    (?:\.dev(?P<dev>0|[1-9]\d*))?
'''
serialize = [
    "{{major}}.{{minor}}.{{patch}}{{pre_l}}{{pre_n}}.post{{post}}.dev{{dev}}",
    "{{major}}.{{minor}}.{{patch}}{{pre_l}}{{pre_n}}.post{{post}}",
    "{{major}}.{{minor}}.{{patch}}{{pre_l}}{{pre_n}}.dev{{dev}}",
    "{{major}}.{{minor}}.{{patch}}.post{{post}}.dev{{dev}}",
    "{{major}}.{{minor}}.{{patch}}{{pre_l}}{{pre_n}}",
    "{{major}}.{{minor}}.{{patch}}.post{{post}}",
    "{{major}}.{{minor}}.{{patch}}.dev{{dev}}",
    "{{major}}.{{minor}}.{{patch}}",
]

[tool.bumpversion.parts.pre_l]
values = ["", "a", "b", "rc"]

[tool.bumpversion.parts.pre_n]
optional_value = "none"  # so that rc0, .post0 and .dev0 are written too

[tool.bumpversion.parts.post]
optional_value = "none"

[tool.bumpversion.parts.dev]
optional_value = "none"

[[tool.bumpversion.files]]
filename = "src/demo_pkg/__init__.py"
"""
DEFAULT_BUMPVERSION = """
[tool.bumpversion]
current_version = "{v}"

[[tool.bumpversion.files]]
filename = "src/demo_pkg/__init__.py"
"""
BUMPVERSION_CASES = [
    ("1.2.3", "1.2.4a1"),
    ("4.0.1", "4.0.2rc1"),
    ("4.0.2rc1", "4.0.2"),
    ("1.2.3", "1.2.3.post1"),
    ("8.5.0.dev0", "8.5.0"),
]


def _bumpversion_project(root: Path, v: str, config: str) -> None:
    _make(
        root,
        {
            "pyproject.toml": f"{HATCH}{DYNAMIC}\n[tool.hatch.version]\n"
            'path = "src/demo_pkg/__init__.py"\n' + config.format(v=v),
            "src/demo_pkg/__init__.py": f'__version__ = "{v}"\n',
        },
    )


@pytest.mark.parametrize(("current", "new"), BUMPVERSION_CASES)
def test_bumpversion_writes_the_exact_version_when_its_config_can(
    tmp_path: Path, current: str, new: str
) -> None:
    _bumpversion_project(tmp_path, current, PEP440_BUMPVERSION)
    engine = find_bumpversion(tmp_path)
    assert engine is not None
    assert engine.current_version == current
    assert engine.problem(current, new) is None
    engine.bump(current, new)
    _detect(tmp_path).verify(new)
    assert find_bumpversion(tmp_path).current_version == new  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("current", "new"), [("1.2.3", "1.2.4a1"), ("1.2.3", "1.2.3.post1"), ("4.0.2rc1", "4.0.2")]
)
def test_bumpversion_that_would_lose_a_part_is_refused_before_any_change(
    tmp_path: Path, current: str, new: str
) -> None:
    _bumpversion_project(tmp_path, current, DEFAULT_BUMPVERSION)
    engine = find_bumpversion(tmp_path)
    assert engine is not None
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    problem = engine.problem(current, new)
    assert problem is not None
    what, fix = problem
    if Version(current).is_prerelease:  # the default parse cannot read the current version
        assert f"reads the current version {current} as '{Version(current).base_version}'" in what
        assert "extend [tool.bumpversion] parse and serialize" in fix
    else:
        assert f"not {new}: its parse/serialize cannot express this version" in what
        assert "extend [tool.bumpversion] parse and serialize" in fix
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_bumpversion_runs_the_installed_tool_not_a_package_of_the_same_name(
    tmp_path: Path,
) -> None:
    """bump-my-version's own repository has ``bumpversion/`` at its root: run from there,
    ``python -m bumpversion`` would import that one (with dependencies not installed here)."""
    _bumpversion_project(tmp_path, "1.2.0", DEFAULT_BUMPVERSION)
    _make(tmp_path, {"bumpversion/__init__.py": "import not_installed_here  # noqa\n"})
    engine = find_bumpversion(tmp_path)
    assert engine is not None
    assert engine.problem("1.2.0", "1.2.1") is None
    engine.bump("1.2.0", "1.2.1")
    _detect(tmp_path).verify("1.2.1")


def test_bumpversion_errors_are_one_line_from_its_error_box(tmp_path: Path) -> None:
    _bumpversion_project(tmp_path, "1.2.3", DEFAULT_BUMPVERSION)
    (tmp_path / "src/demo_pkg/__init__.py").write_text('__version__ = "1.2.2"\n')
    engine = find_bumpversion(tmp_path)
    assert engine is not None
    with pytest.raises(StepFailed) as caught:
        engine.bump("1.2.3", "1.2.4")
    message = caught.value.message
    assert "Did not find '1.2.3' in file: 'src/demo_pkg/__init__.py'" in message
    assert "\n" not in message
    assert "─" not in message


def test_bumpversion_config_files_are_found_in_its_own_order(tmp_path: Path) -> None:
    _make(tmp_path, {"pyproject.toml": f'{HATCH}[project]\nname = "x"\nversion = "1.0"\n'})
    assert find_bumpversion(tmp_path) is None
    _make(tmp_path, {"setup.cfg": "[bumpversion]\ncurrent_version = 1.0\n"})
    assert find_bumpversion(tmp_path).current_version == "1.0"  # type: ignore[union-attr]
    _make(tmp_path, {".bumpversion.toml": '[tool.bumpversion]\ncurrent_version = "1.1"\n'})
    assert find_bumpversion(tmp_path).current_version == "1.1"  # type: ignore[union-attr]
    assert sys.executable  # bump-my-version runs under releasekit's own interpreter


def test_bumpversion_current_version_disagreeing_is_a_problem(tmp_path: Path) -> None:
    from releasekit.config import load_config
    from releasekit.workspace import load_workspace, version_problems

    _make(
        tmp_path,
        {
            "pyproject.toml": f'{HATCH}[project]\nname = "demo-pkg"\nversion = "26.1.0"\n'
            '\n[tool.bumpversion]\ncurrent_version = "0.1.0"\n'
        },
    )
    workspace = load_workspace(tmp_path, load_config(tmp_path))
    assert workspace.version == "26.1.0"
    [(what, fix)] = version_problems(workspace)
    assert "current_version = '0.1.0', but demo-pkg's version is '26.1.0'" in what
    assert "pyproject.toml [project] version" in what
    assert fix == 'set current_version = "26.1.0" in pyproject.toml [tool.bumpversion]'


#: more-itertools 10.7.0's setup.cfg (its sdist on PyPI), abridged after [bumpversion].
MORE_ITERTOOLS_CFG = """[bumpversion]
current_version = 10.7.0
commit = True
tag = False
files = more_itertools/__init__.py

[mypy]
check_untyped_defs = true
"""
MORE_ITERTOOLS_INIT = (
    '"""More routines for operating on iterables."""\n\n__version__ = \'10.7.0\'\n'
)


def test_bump2version_files_key_bumps_like_bump2version(tmp_path: Path) -> None:
    """more-itertools: bump2version's ``files = ...`` (unreadable for bump-my-version)."""
    _make(
        tmp_path,
        {
            "pyproject.toml": f"{FLIT}{DYNAMIC}",
            "setup.cfg": MORE_ITERTOOLS_CFG,
            "more_itertools/__init__.py": MORE_ITERTOOLS_INIT,
        },
    )
    engine = find_bumpversion(tmp_path)
    assert engine is not None
    assert engine.legacy_files == ("more_itertools/__init__.py",)
    assert engine.problem("10.7.0", "10.7.1") is None
    engine.bump("10.7.0", "10.7.1")
    engine.verify("10.7.1")
    init = (tmp_path / "more_itertools" / "__init__.py").read_text()
    assert init == MORE_ITERTOOLS_INIT.replace("10.7.0", "10.7.1")
    assert (tmp_path / "setup.cfg").read_text() == MORE_ITERTOOLS_CFG.replace(
        "current_version = 10.7.0", "current_version = 10.7.1"
    )


@pytest.mark.parametrize(
    ("extra", "init", "message"),
    [
        ("parse = (?P<major>\\d+)\n", MORE_ITERTOOLS_INIT, "`files = ...` key with parse"),
        ("", "__version__ = '10.6.0'\n", "does not contain the current version 10.7.0"),
    ],
)
def test_bump2version_files_key_it_cannot_follow_is_a_problem(
    tmp_path: Path, extra: str, init: str, message: str
) -> None:
    cfg = MORE_ITERTOOLS_CFG.replace("tag = False\n", f"tag = False\n{extra}")
    files = {"setup.cfg": cfg, "more_itertools/__init__.py": init}
    _make(tmp_path, {"pyproject.toml": f"{FLIT}{DYNAMIC}", **files})
    engine = find_bumpversion(tmp_path)
    assert engine is not None
    problem = engine.problem("10.7.0", "10.7.1")
    assert problem is not None
    assert message in problem[0]


@pytest.mark.parametrize(
    ("metadata", "name"),
    [
        ('module = "cloudpickle"', "cloudpickle"),
        ('module = "cp"\ndist-name = "cloud-pickle"', "cloud-pickle"),
    ],
)
def test_flits_legacy_metadata_names_the_project(tmp_path: Path, metadata: str, name: str) -> None:
    """cloudpickle 3.1.1: before, init stopped with 'no project name'."""
    data = tomllib.loads(f"{FLIT}[tool.flit.metadata]\n{metadata}\n")
    assert package_name(data, tmp_path) == name
