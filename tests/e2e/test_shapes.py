"""Real project shapes released unmodified: ``releasekit init``, then a chain of releases.

Each fixture in ``tests/projects/shape-*`` is a tiny copy of a popular project's shape (backend,
version source, layout, changelog kind, tag style, current version). A chain per shape makes a
git repository with a bare remote, creates the tags the project would already have, runs
``releasekit init`` (committing what it wrote, as a user would), then ``releasekit release BUMP
--yes --to local`` once per bump with only ordinary development in between (one ``fix:`` commit,
plus a news fragment for towncrier projects). Nothing is edited to help releasekit. The
chain's first release runs the project's own gate (its nox session, tox env, hatch env or test
dependencies) and its tests against the installed wheel; the later ones, which check the version
arithmetic, use the sandbox's no-op gate.

After every release we check what a maintainer would: the files on the index (names and the
version inside their metadata), the tag (in the project's own style) on the remote, the version
files (exactly one line changed, to exactly the planned version), and the changelog (the
release's heading, the pending entries under it, older entries kept, no second changelog).

Each (shape, step) is its own test; a chain runs once per shape (memoised, in any order) and its
tests share one xdist group. Between them, the chains cover every bump (patch, minor, rc,
release, post, dev) for every version-source kind.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from packaging.version import Version

from ..conftest import Sandbox, make_sandbox, metadata_version

CHANGELOG_NAMES = re.compile(r"^(CHANGELOG|CHANGES|HISTORY|NEWS)(\.\w+)?$", re.IGNORECASE)
VERSION_RE = re.compile(r"v?(\d+(?:\.\d+)*(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?)(?![\w.])")
LINK_REF = re.compile(r"^\[[^\]]+\]:\s")
COMPARE = re.compile(r"/compare/([^\s()\[\]<>]+?\.\.\.[^\s()\[\]<>]+)")
UNDERLINE = re.compile(r"([=\-~^*+#])\1{2,}")
PYPROJECT_VERSION = r'^version = "([^"]+)"$'
DUNDER_VERSION = r'^__version__ = "([^"]+)"$'
FULL_CHAIN = ("patch", "minor", "rc", "release", "post", "dev")
#: what the sandbox sets so that a release skips the project's tests (see Chain._release)
_OWN_TESTS = ("RELEASEKIT_GATE_COMMAND", "RELEASEKIT_VERIFY_TESTS")
PARTS_VERSION = (
    r"^(MAJOR = \d+\nMINOR = \d+\nMICRO = \d+\nRELEASELEVEL = 0x[0-9A-F]+\nSERIAL = \d+)$"
)


@dataclass(frozen=True)
class Shape:
    """One project shape and what each release of its chain must produce."""

    fixture: str
    dist: str
    tag_format: str
    tags: tuple[str, ...]  # the tags the project already has, oldest first
    chain: tuple[tuple[str, str], ...]  # (bump, expected version)
    version_files: dict[str, str] = field(default_factory=dict)  # path -> regex, one group
    changelog: str | None = None
    pending: str | None = None  # an entry waiting for the first release
    fragments: tuple[str, str, str] | None = None  # towncrier: (directory, type, extension)
    spell: Callable[[str], str] = str  # the version as the version files write it


def _chain(*pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple((bump, version) for bump, version in (p.split("=") for p in pairs))


def _full(versions: str) -> tuple[tuple[str, str], ...]:
    return tuple(zip(FULL_CHAIN, versions.split(), strict=True))


EMPTY_NAME = "Greet the world when the name is empty"
SHAPES = {
    # Flask / Click (pallets): flit_core, static `X.Y.Z.dev` version, CHANGES.rst whose next
    # section is already titled with the version and says "Unreleased", tags without v.
    "flask": Shape(
        "shape-flask",
        "tinyflask",
        "{version}",
        ("3.0.3", "3.1.0"),
        _chain("patch=3.1.1", "dev=3.1.2.dev1", "minor=3.2.0"),
        {"pyproject.toml": PYPROJECT_VERSION},
        "CHANGES.rst",
        EMPTY_NAME,
    ),
    # flit with `__version__ = "X.dev0"` in the module and CHANGELOG.rst "Unreleased" (click 8.1).
    "flit-dunder": Shape(
        "shape-flit-dunder",
        "tinydunder",
        "{version}",
        ("8.4.0", "8.4.1"),
        _chain(
            "dev=8.5.0.dev1",
            "patch=8.5.0",
            "post=8.5.0.post1",
            "minor=8.6.0",
            "rc=8.6.1rc1",
            "release=8.6.1",
        ),
        {"src/tinydunder/__init__.py": DUNDER_VERSION},
        "CHANGELOG.rst",
        "Add the ``name`` argument to ``greet``.",
    ),
    # attrs: hatchling + hatch-vcs, towncrier into CHANGELOG.md, CalVer tags without v.
    "attrs": Shape(
        "shape-attrs",
        "tinyattrs",
        "{version}",
        ("25.2.0", "25.3.0"),
        _chain("patch=25.3.1", "minor=25.4.0", "dev=25.4.1.dev1"),
        {},
        "CHANGELOG.md",
        "now greets the world when given an empty name",
        ("changelog.d", "change", "md"),
    ),
    # Black: hatch-vcs writing a version file, hand-written CHANGES.md with "## Unreleased".
    "black": Shape(
        "shape-black",
        "tinyblack",
        "{version}",
        ("24.10.0", "25.1.0"),
        _chain("rc=25.1.1rc1", "release=25.1.1", "post=25.1.1.post1"),
        {},
        "CHANGES.md",
        "Fix crash when greeting an empty name (#4520)",
    ),
    # Requests: setuptools, version attr in __version__.py, HISTORY.md with a "dev" section, v tags.
    "requests": Shape(
        "shape-requests",
        "tinyrequests",
        "v{version}",
        ("v2.32.3", "v2.32.4"),
        _chain("patch=2.32.5", "minor=2.33.0", "post=2.33.0.post1"),
        {"src/tinyrequests/__version__.py": DUNDER_VERSION},
        "HISTORY.md",
        EMPTY_NAME,
    ),
    # Requests 2.32.4, h11, six as they are: setup.py reads name and version from a module by
    # code (exec of __version__.py); pyproject.toml holds only tool settings.
    "setuppy": Shape(
        "shape-setuppy",
        "tinyreqs",
        "v{version}",
        ("v2.32.3", "v2.32.4"),
        _chain("patch=2.32.5", "rc=2.32.6rc1", "release=2.32.6"),
        {"src/tinyreqs/__version__.py": DUNDER_VERSION},
        "HISTORY.md",
        EMPTY_NAME,
    ),
    # pip: setuptools attr `__version__ = "25.2.dev0"`, towncrier news/ into NEWS.rst, no v.
    "pip": Shape(
        "shape-pip",
        "tinypip",
        "{version}",
        ("25.1", "25.1.1"),
        _chain("rc=25.2rc1", "release=25.2", "dev=25.2.1.dev1"),
        {"src/tinypip/__init__.py": DUNDER_VERSION},
        "NEWS.rst",
        EMPTY_NAME,
        ("news", "bugfix", "rst"),
    ),
    # pluggy: setuptools-scm with a version file, towncrier changelog/ into CHANGELOG.rst.
    "pluggy": Shape(
        "shape-pluggy",
        "tinypluggy",
        "{version}",
        ("1.5.0", "1.6.0"),
        _full("1.6.1 1.7.0 1.7.1rc1 1.7.1 1.7.1.post1 1.7.2.dev1"),
        {},
        "CHANGELOG.rst",
        EMPTY_NAME,
        ("changelog", "bugfix", "rst"),
    ),
    # Classic setuptools: setup.cfg [metadata] version, setup.py shim, flat layout, CHANGES.md.
    "setupcfg": Shape(
        "shape-setupcfg",
        "tinycfg",
        "v{version}",
        ("v1.4.1", "v1.4.2"),
        _full("1.4.3 1.5.0 1.5.1rc1 1.5.1 1.5.1.post1 1.5.2.dev1"),
        {"setup.cfg": r"^version = (\S+)$"},
        "CHANGES.md",
        EMPTY_NAME,
    ),
    # Poetry 1.x: [tool.poetry] version (no [project]), flat layout, keep-a-changelog.
    "poetry": Shape(
        "shape-poetry",
        "tinypoetry",
        "v{version}",
        ("v0.9.2", "v0.9.3"),
        _full("0.9.4 0.10.0 0.10.1rc1 0.10.1 0.10.1.post1 0.10.2.dev1"),
        {"pyproject.toml": PYPROJECT_VERSION},
        "CHANGELOG.md",
        EMPTY_NAME,
    ),
    # pdm-backend, [tool.pdm.version] source = "file", no changelog, v tags.
    "pdm-file": Shape(
        "shape-pdm-file",
        "tinypdm",
        "v{version}",
        ("v0.3.0", "v0.4.0"),
        _full("0.4.1 0.5.0 0.5.1rc1 0.5.1 0.5.1.post1 0.5.2.dev1"),
        {"src/tinypdm/__init__.py": DUNDER_VERSION},
    ),
    # PDM itself: pdm-backend scm version, towncrier news/ into CHANGELOG.md, tags without v.
    "pdm-scm": Shape(
        "shape-pdm-scm",
        "tinypdmscm",
        "{version}",
        ("2.22.3", "2.22.4"),
        _full("2.22.5 2.23.0 2.23.1rc1 2.23.1 2.23.1.post1 2.23.2.dev1"),
        {},
        "CHANGELOG.md",
        EMPTY_NAME,
        ("news", "bugfix", "md"),
    ),
    # HTTPX: hatchling [tool.hatch.version] path, flat layout, keep-a-changelog, tags without v.
    "httpx": Shape(
        "shape-httpx",
        "tinyhttpx",
        "{version}",
        ("0.28.0", "0.28.1"),
        _full("0.28.2 0.29.0 0.29.1rc1 0.29.1 0.29.1.post1 0.29.2.dev1"),
        {"tinyhttpx/__version__.py": DUNDER_VERSION},
        "CHANGELOG.md",
        f"{EMPTY_NAME}. (#3460)",
    ),
    # `hatch new`: hatchling, static version, flat layout, no changelog, v tags.
    "hatch-static": Shape(
        "shape-hatch-static",
        "tinyhatch",
        "v{version}",
        ("v0.9.0", "v1.0.0"),
        _chain("rc=1.0.1rc1", "release=1.0.1", "post=1.0.1.post1"),
        {"pyproject.toml": PYPROJECT_VERSION},
    ),
    # pyparsing 3.2: flit_core, flat layout, `__version_info__ = version_info(3, 2, 3, "final",
    # 1)` that __version__ is computed from, a CHANGES file (no suffix) with "Version X.Y.Z -
    # Month, Year" headings under a preamble, tags without v.
    "pyparsing": Shape(
        "shape-pyparsing",
        "tinyparsing",
        "{version}",
        ("3.2.2", "3.2.3"),
        _chain("patch=3.2.4", "rc=3.2.5rc1", "release=3.2.5"),
        {"tinyparsing/__init__.py": r"^__version_info__ = version_info\((.+)\)$"},
        "CHANGES",
        spell=lambda v: _info_tuple(Version(v)),
    ),
    # bump-my-version 1.2: hatchling version path, flat layout, bump-my-version as the engine
    # with files entries for its own module, an action.yml pin and the changelog: "Unreleased"
    # (which generate-changelog writes first) and the compare link; CHANGELOG.md has none of
    # them between releases. The changelog step owns that file; tags without v.
    "bump-my-version": Shape(
        "shape-bumpmyversion",
        "tinybump",
        "{version}",
        ("1.1.4", "1.2.0"),
        _chain("patch=1.2.1", "minor=1.3.0"),
        {
            "pyproject.toml": r'^current_version = "([^"]+)"$',
            "tinybump/__init__.py": DUNDER_VERSION,
            "action.yml": r'^      run: pip install "tinybump==([^"]+)"$',
        },
        "CHANGELOG.md",
    ),
    # `uv init --package`: uv_build, src layout, static version, a uv.lock that records the
    # version (its `uv sync --locked` fails when the lock says another), a dev group, no
    # changelog, v tags.
    "uv-init": Shape(
        "shape-uv-init",
        "tinyuv",
        "v{version}",
        ("v0.1.0",),
        _full("0.1.1 0.2.0 0.2.1rc1 0.2.1 0.2.1.post1 0.2.2.dev1"),
        {"pyproject.toml": PYPROJECT_VERSION, "uv.lock": r'^name = "tinyuv"\nversion = "([^"]+)"$'},
    ),
    # kr8s: poetry-core with poetry-dynamic-versioning as the build backend, `0.0.0` placeholders
    # in [tool.poetry] version and __version__, v tags, no changelog.
    "kr8s": Shape(
        "shape-kr8s",
        "tinykr8s",
        "v{version}",
        ("v0.8.5", "v0.8.6"),
        _full("0.8.7 0.9.0 0.9.1rc1 0.9.1 0.9.1.post1 0.9.2.dev1"),
    ),
    # pydantic-ai's packages: hatchling with uv-dynamic-versioning, src layout, v tags.
    "uvdv": Shape(
        "shape-uvdv",
        "tinyuvdv",
        "v{version}",
        ("v1.0.0", "v1.0.1"),
        _chain("patch=1.0.2", "minor=1.1.0", "rc=1.1.1rc1", "release=1.1.1"),
    ),
    # ridgeplot-py: versioningit under hatchling, `git describe` at build time with no variable
    # to pin it, a format for builds between tags, src layout, v tags.
    "versioningit": Shape(
        "shape-versioningit",
        "tinyvgit",
        "v{version}",
        ("v0.4.0", "v0.5.0"),
        _full("0.5.1 0.6.0 0.6.1rc1 0.6.1 0.6.1.post1 0.6.2.dev1"),
    ),
    # dnspython: hatchling's code source computing `version` from MAJOR, MINOR, MICRO,
    # RELEASELEVEL (CPython's 0xA/0xB/0xC/0xF, dnspython's 0x0 for dev) and SERIAL; v tags.
    "dnspython": Shape(
        "shape-dnspython",
        "tinydns",
        "v{version}",
        ("v2.6.1", "v2.7.0"),
        # (a dev version is spelled "2.8.2dev1" by the module: see test_version_parts)
        _chain("patch=2.7.1", "minor=2.8.0", "rc=2.8.1rc1", "release=2.8.1"),
        {"dns/version.py": PARTS_VERSION},
        spell=lambda v: _parts(Version(v)),
    ),
    # toolz 1.0: versioneer vendored (`git describe` when the sdist is built), setup.py and
    # setup.cfg only (no pyproject.toml), tests inside the package, no changelog, tags without v.
    "toolz": Shape(
        "shape-toolz",
        "tinytoolz",
        "{version}",
        ("0.12.1", "1.0.0"),
        _full("1.0.1 1.1.0 1.1.1rc1 1.1.1 1.1.1.post1 1.1.2.dev1"),
    ),
    # Faker: setup.py only (no pyproject.toml) reading a VERSION file, the version repeated in
    # the package's __init__.py, CHANGELOG.md headings linking the changes since the release
    # before (``### [v37.4.0 - 2025-06-11](.../compare/v37.3.4...v37.4.0)``), v tags.
    "faker": Shape(
        "shape-faker",
        "tinyfaker",
        "v{version}",
        ("v37.3.0", "v37.4.0"),
        _chain("patch=37.4.1", "minor=37.5.0"),
        {"VERSION": r"^(\d\S*)$", "tinyfaker/__init__.py": r'^VERSION = "([^"]+)"$'},
        "CHANGELOG.md",
    ),
    # aiofiles: hatchling, static version, src layout, and no changelog file: the changelog is
    # the README's "### History" section ("#### 24.1.0 (2024-06-24)" entries), followed by a
    # "### Contributing" section; v tags.
    "aiofiles": Shape(
        "shape-aiofiles",
        "tinyaio",
        "v{version}",
        ("v23.2.1", "v24.1.0"),
        _chain("patch=24.1.1", "minor=24.2.0"),
        {"pyproject.toml": PYPROJECT_VERSION},
        "README.md",
    ),
    # FastAPI: pdm-backend reading `__version__` from the package, flat layout, dependency
    # groups, release notes in the English docs of translated MkDocs docs
    # (docs/en/docs/release-notes.md) whose "## Latest Changes" collects the changes and stays,
    # tests importing docs_src's tutorials, which import each other with the PYTHONPATH that
    # scripts/test.sh exports; tags without v.
    "fastapi": Shape(
        "shape-fastapi",
        "tinyfastapi",
        "{version}",
        ("0.141.0", "0.141.1"),
        _chain("patch=0.141.2", "rc=0.141.3rc1", "release=0.141.3"),
        {"tinyfastapi/__init__.py": DUNDER_VERSION},
        "docs/en/docs/release-notes.md",
        "Fix `root` returning `None` for an empty greeting",
    ),
}


def _parts(version: Version) -> str:
    """dnspython's spelling: the numbers, the release level in hex, the serial."""
    phase = "dev" if version.dev is not None else version.pre[0] if version.pre else ""
    level = {"a": 0xA, "b": 0xB, "rc": 0xC, "": 0xF, "dev": 0x0}[phase]
    serial = version.dev if version.dev is not None else version.pre[1] if version.pre else 0
    major, minor, micro = version.release
    return (
        f"MAJOR = {major}\nMINOR = {minor}\nMICRO = {micro}\nRELEASELEVEL = 0x{level:02X}\n"
        f"SERIAL = {serial}"
    )


def _info_tuple(version: Version) -> str:
    """pyparsing's spelling: ``3, 2, 5, "candidate", 1`` (a final release keeps serial 1)."""
    level = (
        {"a": "alpha", "b": "beta", "rc": "candidate"}[version.pre[0]] if version.pre else "final"
    )
    serial = version.pre[1] if version.pre else 1
    return ", ".join(map(str, version.release)) + f', "{level}", {serial}'


# ---------------------------------------------------------------- reading what a release made


def _heading(lines: list[str], i: int) -> str | None:
    """The version (or 'unreleased') a changelog heading at line ``i`` names, else None."""
    stripped = lines[i].strip()
    under = lines[i + 1].strip() if i + 1 < len(lines) else ""
    markdown = stripped.startswith("#")
    underlined = bool(stripped) and bool(UNDERLINE.fullmatch(under))
    if not (markdown or underlined) or UNDERLINE.fullmatch(stripped):
        return None
    title = stripped.lstrip("#").strip()
    if "unreleased" in title.lower() or title.lower() == "dev":
        return "unreleased"
    match = VERSION_RE.search(title)
    return str(Version(match.group(1))) if match else None


def _unfenced(text: str) -> list[str]:
    """The lines of ``text``, those of Markdown code blocks blank (a README's ``# comment``
    there is no heading)."""
    lines, fence = [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        lines.append("" if fence or line.lstrip().startswith("```") else line)
    return lines


def headings(text: str) -> list[str]:
    """The versions of a changelog's section headings, newest first ('unreleased' kept)."""
    lines = _unfenced(text)
    return [h for i in range(len(lines)) if (h := _heading(lines, i))]


def section(text: str, version: str) -> str:
    """The text from ``version``'s heading to the next version (or unreleased) heading."""
    lines = _unfenced(text)
    out: list[str] = []
    for i, line in enumerate(lines):
        key = _heading(lines, i)
        if out and key:
            break
        if out or key == version:
            out.append(line)
    return "\n".join(out)


def _no_links(text: str) -> str:
    """Without Markdown link reference definitions (``[1.2.3]: https://...``) and blank lines."""
    return "\n".join(
        line for line in text.splitlines() if line.strip() and not LINK_REF.match(line)
    )


def _put_back(new: str, old: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        return match.group(0).replace(new, old)

    return replace


def changelog_files(repo: Path) -> set[str]:
    return {p.name for p in repo.iterdir() if p.is_file() and CHANGELOG_NAMES.match(p.name)}


# ---------------------------------------------------------------- the chain of releases


@dataclass
class Step:
    bump: str
    version: str
    done: subprocess.CompletedProcess[str] | None = None
    base: str = ""  # HEAD before the release
    before: dict[str, str] = field(default_factory=dict)  # tracked text files before
    index_before: set[str] = field(default_factory=set)
    tags_before: set[str] = field(default_factory=set)
    entries: list[str] = field(default_factory=list)  # changelog entries this release must carry


def error_line(done: subprocess.CompletedProcess[str]) -> str:
    output = done.stdout + done.stderr
    errors = [line for line in output.splitlines() if line.startswith("ERROR")]
    return errors[0] if errors else output.strip().splitlines()[-1] if output.strip() else "?"


class Chain:
    """Runs one shape's init and releases lazily, in order, once; remembers where it stopped."""

    def __init__(self, shape: Shape, base: Path) -> None:
        self.shape = shape
        self.base = base
        self.sandbox: Sandbox | None = None
        self.init: subprocess.CompletedProcess[str] | None = None
        self.changelogs_before: set[str] = set()
        self.steps = [Step(bump, version) for bump, version in shape.chain]
        self.ran = 0
        self.stopped: str | None = None
        self.shared: dict[str, str] = {}  # the sandbox's no-op gate and verify settings

    def setup(self) -> Sandbox:
        if self.sandbox is None:
            sb = make_sandbox(self.base, self.shape.fixture)
            # the project's own gate, as adopted, and its tests against the wheel
            self.shared = {key: sb.env.pop(key) for key in _OWN_TESTS}
            for tag in self.shape.tags:
                sb.git("tag", "-a", tag, "-m", f"Release {tag}")
            sb.git("push", "-q", "origin", "--tags")
            self.changelogs_before = changelog_files(sb.repo)
            self.init = sb.run("init")
            if self.init.returncode != 0:
                self.stopped = f"init: {error_line(self.init)}"
            elif sb.git("status", "--porcelain"):
                sb.git("add", "-A")
                sb.git("commit", "-qm", "Set up releasekit")
                sb.git("push", "-q", "origin", "main")
            self.sandbox = sb
        return self.sandbox

    def upto(self, k: int) -> Step:
        sb = self.setup()
        while self.ran <= k:
            if self.stopped:
                pytest.fail(f"not released: the chain stopped at {self.stopped}")
            self._release(sb, self.ran, self.steps[self.ran])
            self.ran += 1
        return self.steps[k]

    def _release(self, sb: Sandbox, k: int, step: Step) -> None:
        # ordinary development since the last release: a fix, and its news fragment if any
        tracked = sb.git("ls-files").splitlines()
        module = sb.repo / next(
            n for n in tracked if n.endswith("/__init__.py") and "tests" not in n
        )
        with module.open("a", encoding="utf-8") as handle:
            handle.write(f"# fix {k}\n")
        if k == 0:
            step.entries = [self.shape.pending] if self.shape.pending else []
        elif self.shape.fragments:
            directory, kind, ext = self.shape.fragments
            text = f"Fixed the greeting, take {k}."
            (sb.repo / directory).mkdir(exist_ok=True)
            (sb.repo / directory / f"{900 + k}.{kind}.{ext}").write_text(text + "\n")
            step.entries = [text]
        sb.git("add", "-A")
        sb.git("commit", "-qm", f"fix: greeting, take {k}")
        step.base = sb.git("rev-parse", "HEAD")
        step.before = {
            name: (sb.repo / name).read_text(encoding="utf-8")
            for name in tracked
            if name in self.shape.version_files or name == self.shape.changelog
        }
        step.index_before = set(sb.index_files())
        step.tags_before = set(sb.remote_git("tag").split())
        # the project's own gate and its tests against the wheel run at the chain's first
        # release; the others check the version arithmetic, tags and changelog, with the
        # sandbox's no-op gate, so that 22 chains stay within CI's time
        own = {} if k == 0 else {key: self.shared[key] for key in _OWN_TESTS}
        step.done = sb.run("release", step.bump, "--yes", "--to", "local", env=own, timeout=600)
        if step.done.returncode != 0:
            self.stopped = f"{step.bump} -> {step.version}: {error_line(step.done)}"


_CHAINS: dict[str, Chain] = {}


def _cells() -> list[object]:
    """``SHAPE-init`` then ``SHAPE-N-BUMP`` per shape; k = -1 stands for init."""
    cells: list[object] = []
    for name, shape in SHAPES.items():
        steps = [("init", -1)] + [(f"{k + 1}-{bump}", k) for k, (bump, _) in enumerate(shape.chain)]
        for suffix, k in steps:
            mark = pytest.mark.xdist_group(f"shape-{name}")
            cells.append(pytest.param(name, k, id=f"{name}-{suffix}", marks=mark))
    return cells


@pytest.fixture
def chain(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Chain:
    name = request.node.callspec.params["shape"]
    if name not in _CHAINS:
        _CHAINS[name] = Chain(SHAPES[name], tmp_path_factory.mktemp(f"shape-{name}"))
    return _CHAINS[name]


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize(("shape", "k"), _cells())
def test_shape(shape: str, k: int, chain: Chain) -> None:
    if k < 0:
        check_init(chain)
    else:
        check_release(chain, k)


@pytest.mark.parametrize(
    ("shape", "k"), [pytest.param("fastapi", 0, marks=pytest.mark.xdist_group("shape-fastapi"))]
)
def test_latest_changes_stays_on_top(shape: str, k: int, chain: Chain) -> None:
    """FastAPI's "## Latest Changes" stays, the newest release's heading right under it."""
    chain.upto(k)
    assert chain.sandbox is not None and chain.shape.changelog is not None
    newest = chain.steps[chain.ran - 1].version
    text = (chain.sandbox.repo / chain.shape.changelog).read_text(encoding="utf-8")
    assert text.count("## Latest Changes") == 1
    assert f"\n## Latest Changes\n\n## {newest} (" in text, text[:400]


def check_init(chain: Chain) -> None:
    """init succeeds and never adds a second changelog (nor one where the project has none)."""
    sb = chain.setup()
    assert chain.init is not None
    if chain.init.returncode != 0:
        pytest.fail(f"exit {chain.init.returncode}: {error_line(chain.init)}")
    assert changelog_files(sb.repo) == chain.changelogs_before


def check_release(chain: Chain, k: int) -> None:
    """The release of step ``k``: index, tag, version files and changelog exactly right."""
    step = chain.upto(k)
    sb, spec = chain.sandbox, chain.shape
    assert sb is not None and step.done is not None
    if step.done.returncode != 0:
        pytest.fail(f"exit {step.done.returncode}: {error_line(step.done)}")
    v = step.version

    # the index got exactly this version's wheel and sdist, with that version inside
    wheel, sdist = f"{spec.dist}-{v}-py3-none-any.whl", f"{spec.dist}-{v}.tar.gz"
    assert set(sb.index_files()) - step.index_before == {wheel, sdist}
    for name in (wheel, sdist):
        assert metadata_version(sb.index / name) == v, name

    # one new tag, in the project's style, on the released commit, pushed with main
    tag = spec.tag_format.format(version=v)
    assert set(sb.remote_git("tag").split()) == step.tags_before | {tag}
    head = sb.git("rev-parse", "HEAD")
    assert sb.remote_git("rev-parse", f"{tag}^{{commit}}") == head
    assert sb.remote_git("rev-parse", "main") == head
    assert sb.git("status", "--porcelain") == ""

    # the release changed only the version files and the changelog (and consumed fragments)
    changed = set(sb.git("diff", "--name-only", step.base, "HEAD").splitlines())
    allowed = set(spec.version_files) | ({spec.changelog} if spec.changelog else set())
    fragment_dir = spec.fragments[0] if spec.fragments else None
    assert {c for c in changed if not (fragment_dir and c.startswith(fragment_dir + "/"))} <= (
        allowed
    )
    if fragment_dir:
        fragments = sb.repo / fragment_dir
        waiting = sorted(fragments.iterdir()) if fragments.is_dir() else []
        left = [p.name for p in waiting if p.name.count(".") >= 2]
        assert left == [], left

    # each version file: exactly the version line changed, to exactly the new version
    for rel, pattern in spec.version_files.items():
        before, after = step.before[rel], (sb.repo / rel).read_text(encoding="utf-8")
        found = re.findall(pattern, after, flags=re.MULTILINE)
        assert found == [spec.spell(v)], (rel, found)
        old = re.findall(pattern, before, flags=re.MULTILINE)
        assert len(old) == 1, (rel, old)
        restored = re.sub(pattern, _put_back(spec.spell(v), old[0]), after, flags=re.MULTILINE)
        assert restored == before, rel

    # the changelog: this version's heading on top of the older ones, its entries under it
    assert changelog_files(sb.repo) == chain.changelogs_before
    if spec.changelog:
        before_text = step.before[spec.changelog]
        after_text = (sb.repo / spec.changelog).read_text(encoding="utf-8")
        released = [h for h in headings(after_text) if h != "unreleased"]
        prior = [h for h in headings(before_text) if h != "unreleased"]
        assert released == ([v, *prior] if v not in prior else prior), released
        body = section(after_text, v)
        assert "unreleased" not in body.lower(), body
        link = COMPARE.search(body.splitlines()[0])  # the heading's link: these changes
        last = spec.tag_format.format(version=prior[0]) if prior else None
        assert link is None or link[1] == f"{last}...{tag}", (link, last, tag)
        for entry in step.entries:
            assert entry in body, (entry, body)
        for old_version in prior:  # older entries kept as they were (link references may grow)
            if old_version != v:
                assert _no_links(section(after_text, old_version)) == _no_links(
                    section(before_text, old_version)
                ), old_version
