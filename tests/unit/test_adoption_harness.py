"""The adoption run's environment choices (benchmarks/adoption.py): dependencies resolved as of
each sdist's upload, and the environment the unprivileged user releases in."""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from packaging.version import Version

HARNESS = Path(__file__).resolve().parents[2] / "benchmarks" / "adoption.py"


@pytest.fixture(scope="module")
def adoption() -> ModuleType:
    if str(HARNESS.parent) not in sys.path:  # as `python benchmarks/adoption.py` has it
        sys.path.append(str(HARNESS.parent))
    spec = importlib.util.spec_from_file_location("adoption_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_upload_time_from_a_pep_700_entry(adoption: ModuleType) -> None:
    entry = {"filename": "flask-3.1.1.tar.gz", "upload-time": "2025-05-13T15:01:17.447750Z"}
    assert adoption.upload_time(entry) == dt.datetime(2025, 5, 13, 15, 1, 17, 447750, dt.UTC)
    with pytest.raises(RuntimeError, match="no upload-time"):
        adoption.upload_time({"filename": "x-1.tar.gz"})


def test_resolution_as_of_the_release_week(adoption: ModuleType) -> None:
    uploaded = dt.datetime(2025, 4, 9, 2, 54, 46, tzinfo=dt.UTC)
    with adoption.CutoffIndex(adoption.INDEX) as pip:
        pip_env = {
            "PIP_INDEX_URL": pip.url(uploaded + dt.timedelta(days=7)),
            "PIP_CONFIG_FILE": os.devnull,
        }
        assert (
            adoption.resolution_env(uploaded, locked=False, pip=pip)
            == {
                "UV_EXCLUDE_NEWER": "2025-04-16T02:54:46Z",
            }
            | adoption.SEEDED_TOX
            | pip_env
        )
        assert pip.url(uploaded).endswith("/20250409T025446Z/simple/")
        # a uv.lock already pins the release's resolution (and uv rejects it under a cutoff):
        # only tox's environments, which do not use it, get the cutoff
        cutoff = "set_env+=UV_EXCLUDE_NEWER=2025-04-16T02:54:46Z"
        assert (
            adoption.resolution_env(uploaded, locked=True, pip=pip)
            == {
                "TOX_OVERRIDE": ";".join(
                    f"{base}.{setting}"
                    for setting in ("uv_seed=true", cutoff)
                    for base in ("testenv", "env_run_base", "tool.tox.env_run_base")
                )
            }
            | pip_env
        )
        # click's tox environments install from the lock (uv sync --locked): none for them
        both = adoption.resolution_env(uploaded, locked=True, pip=pip, tox_locked=True)
        assert both == adoption.SEEDED_TOX | pip_env


def test_hatchling_builds_as_of_today_under_the_cutoff(
    adoption: ModuleType, tmp_path: Path
) -> None:
    """execnet 2.1.1's week resolved hatchling 1.24, which writes License-Expression under
    Metadata-Version 2.3; today's twine refuses that wheel. Real uv, resolving from PyPI."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling>=1.8", "hatch-vcs"]\n'
    )
    week_of = dt.datetime(2024, 5, 15, tzinfo=dt.UTC)
    env = adoption.todays_backend(repo, tmp_path, locked=False, cutoff=week_of)
    locked = adoption.todays_backend(repo, tmp_path, locked=True, cutoff=week_of)
    assert locked == {}  # built with today's
    argv = [shutil.which("uv") or "uv", "pip", "compile", "--no-header", "-"]
    week = {**os.environ, "UV_EXCLUDE_NEWER": "2024-05-15T00:00:00Z"}
    versions = {}
    for name, extra in (("week", {}), ("today", env)):
        done = subprocess.run(
            argv, input="hatchling\n", env=week | extra, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        pins = dict(line.split("==") for line in done.stdout.splitlines() if "==" in line)
        versions[name] = Version(pins["hatchling"])
        versions[f"{name} packaging"] = Version(pins["packaging"])
    assert versions["week"] < Version("1.27") <= versions["today"]
    # packaging as of hatchling's need (24.2), not today's: the tests get it too
    assert versions["today packaging"] == Version("24.2")
    later = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    config = adoption.todays_backend(repo, tmp_path, locked=False, cutoff=later)["UV_CONFIG_FILE"]
    assert "packaging" not in Path(config).read_text()  # the cutoff has it already
    (repo / "pyproject.toml").write_text('[build-system]\nrequires = ["setuptools>=61"]\n')
    assert adoption.todays_backend(repo, tmp_path, locked=False, cutoff=week_of) == {}


def test_resolution_is_never_older_than_the_python_of_the_run(adoption: ModuleType) -> None:
    """inflection 0.5.1 (2020): its week's pytest and py library fail to import on 3.11."""
    uploaded = dt.datetime(2020, 8, 22, 10, 0, tzinfo=dt.UTC)
    floor = adoption.PYTHON_RELEASED[sys.version_info[:2]]
    with adoption.CutoffIndex(adoption.INDEX) as pip:
        env = adoption.resolution_env(uploaded, locked=False, pip=pip)
        assert env["UV_EXCLUDE_NEWER"] == floor.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert env["PIP_INDEX_URL"] == pip.url(floor)


def test_tox_environments_that_read_the_lock(adoption: ModuleType, tmp_path: Path) -> None:
    assert not adoption.tox_reads_lock(tmp_path)
    (tmp_path / "tox.ini").write_text("[testenv]\ndeps = pytest\n")
    assert not adoption.tox_reads_lock(tmp_path)
    lock_runner = '[tool.tox.env_run_base]\nrunner = "uv-venv-lock-runner"\n'
    (tmp_path / "pyproject.toml").write_text(lock_runner)
    assert adoption.tox_reads_lock(tmp_path)


def test_pip_resolves_as_of_the_cutoff(adoption: ModuleType, tmp_path: Path) -> None:
    """Real pip against the cutoff index over PyPI (whose history does not change): iniconfig
    2.0.0 was uploaded 2023-01-07 and 2.1.0 2025-03-19. tox 3's pip (python-dateutil's
    `requires = tox<4`) resolved pytest 9 without it."""
    before = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    with adoption.CutoffIndex(adoption.INDEX) as pip:
        done = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir", "-q",
             "--dest", str(tmp_path), "--index-url", pip.url(before), "iniconfig"],
            env={**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_FIND_LINKS": ""},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert [p.name for p in tmp_path.iterdir()] == ["iniconfig-2.0.0-py3-none-any.whl"]
        page = pip.page("20240601T000000Z", "iniconfig")
        assert page is not None
        assert "iniconfig-2.0.0.tar.gz#sha256=" in page
        assert "2.1.0" not in page
        assert pip.page("20240601T000000Z", "no-such-project-releasekit-test") is None


def test_the_unprivileged_users_environment(adoption: ModuleType, tmp_path: Path) -> None:
    root_home = str(Path.home())
    environ = {
        "PATH": f"/opt/venv/bin:{root_home}/.pyenv/shims:/usr/bin",
        "PYENV_ROOT": f"{root_home}/.pyenv",
        "REQUESTS_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
        "CURL_CA_BUNDLE": "/etc/ssl/certs/ca-certificates.crt",
        "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
        "VIRTUAL_ENV": "/opt/venv",
        # under nox: its session venv, whose python the user may not be able to run
        "UV_PYTHON": "/opt/venv/bin/python",
        "UV_PROJECT_ENVIRONMENT": "/opt/venv",
        "LANG": "C.UTF-8",
    }
    home = tmp_path / "home"
    env = adoption.user_environment(home, home / "venv" / "bin", environ)
    assert env == {
        "PATH": f"{home / 'venv' / 'bin'}:/opt/venv/bin:/usr/bin",
        "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt",
        "VIRTUAL_ENV": str(home / "venv"),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "USER": adoption.USER,
        "LOGNAME": adoption.USER,
    }


def test_a_run_as_this_user_keeps_its_environment(adoption: ModuleType) -> None:
    runner = adoption.Runner(sys.executable)
    env = runner.environ({"NO_COLOR": "1"})
    assert env["NO_COLOR"] == "1"
    assert not any(k.startswith("RELEASEKIT_") for k in env)
    assert "REQUESTS_CA_BUNDLE" not in env
    assert env.get("PATH") == os.environ.get("PATH")


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("iptables") is None,
    reason="the harness drops packets only when run as root with iptables",
)
def test_the_unroutable_address_gets_no_answer_for_the_run_only(adoption: ModuleType) -> None:
    """requests' connect-timeout tests need 10.255.255.1 unanswered, as a normal network has it;
    this machine's egress answers every address. Another run beside this one (the self-release
    test's gate runs this test too) has its own rule, which this one neither sees nor removes."""
    with adoption.unroutable() as added:
        rule = ["iptables", "-C", *added]
        assert f"releasekit adoption {os.getpid()}" in added
        assert subprocess.run(rule, capture_output=True, check=False).returncode == 0
        probe = socket.socket()
        probe.settimeout(0.5)
        with probe, pytest.raises(TimeoutError):
            probe.connect((adoption.UNROUTABLE, 80))
    assert subprocess.run(rule, capture_output=True, check=False).returncode != 0  # removed


_KILLED_RUN = """
import subprocess, sys, time
sys.path.insert(0, {benchmarks!r})
import adoption
with adoption.unroutable() as rule, adoption.stopped_cleanly():
    release = subprocess.Popen(["sleep", "120"], start_new_session=True)
    adoption.RUNNING.add(release.pid)
    print(release.pid, *rule, sep="\\t", flush=True)
    time.sleep(120)
"""


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("iptables") is None,
    reason="the harness drops packets only when run as root with iptables",
)
def test_a_run_stopped_by_sigterm_takes_its_rule_and_releases_with_it() -> None:
    """A full run is long; stopped with SIGTERM (nox, CI, ``kill``), it must not leave the DROP
    rule on the machine or a release running on without it."""
    code = _KILLED_RUN.format(benchmarks=str(HARNESS.parent))
    with subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) as run:
        assert run.stdout is not None
        pid, *rule = run.stdout.readline().rstrip("\n").split("\t")
        check = ["iptables", "-C", *rule]
        assert subprocess.run(check, capture_output=True, check=False).returncode == 0
        try:
            run.terminate()
            assert run.wait(timeout=30) == 128 + 15
            assert subprocess.run(check, capture_output=True, check=False).returncode != 0
            assert _gone_within(int(pid), seconds=5)  # killed, then reaped by init
        finally:  # a failure must not leave them on the machine
            subprocess.run(["iptables", "-D", *rule], capture_output=True, check=False)
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), 9)


def test_tox_envs_are_seeded_as_under_plain_tox(adoption: ModuleType, tmp_path: Path) -> None:
    """With tox-uv next to tox, a project's tox environments are uv's; the harness seeds them
    with setuptools, as virtualenv does under plain tox (Deprecated's tests need it on 3.11)."""
    (tmp_path / "tox.ini").write_text(
        "[tox]\nenv_list = py\nskip_missing_interpreters = false\n\n[testenv]\n"
        "skip_install = true\ncommands = python -c 'import setuptools'\n",
        encoding="utf-8",
    )
    plugins = subprocess.run(["tox", "--version"], capture_output=True, text=True, check=True)
    assert "tox-uv" in plugins.stdout  # the test group has it, as the adoption run does

    def tox(extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TOX_")} | extra
        argv = ["tox", "-e", "py", "--recreate", "--workdir", str(tmp_path / ".tox")]
        return subprocess.run(
            argv, cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )

    assert tox({}).returncode != 0  # uv's environment alone has no setuptools
    seeded = tox(adoption.SEEDED_TOX)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr


_PRINT = "import importlib.metadata as m; print(m.version('iniconfig'))"


@pytest.mark.parametrize(
    ("name", "config"),
    [
        (
            "tox.ini",
            "[tox]\nenv_list = py\n\n[testenv]\nskip_install = true\ndeps = iniconfig\n"
            f'commands = python -c "{_PRINT}"\n',
        ),
        (  # portalocker's
            "tox.toml",
            'env_list = ["py"]\n\n[env_run_base]\nskip_install = true\ndeps = ["iniconfig"]\n'
            f'commands = [["python", "-c", "{_PRINT}"]]\n',
        ),
        (
            "pyproject.toml",
            '[tool.tox]\nenv_list = ["py"]\n\n[tool.tox.env_run_base]\nskip_install = true\n'
            f'deps = ["iniconfig"]\ncommands = [["python", "-c", "{_PRINT}"]]\n',
        ),
    ],
)
def test_a_locked_projects_tox_environments_resolve_as_of_the_cutoff(
    adoption: ModuleType, tmp_path: Path, name: str, config: str
) -> None:
    """Real tox with tox-uv over PyPI: under a uv.lock's project, tox's environments (which
    do not read the lock) still install as of the release week, wherever tox is configured.
    iniconfig 2.0.0 was uploaded 2023-01-07 and 2.1.0 2025-03-19; today's is 2.1.0 or later."""
    (tmp_path / name).write_text(config, encoding="utf-8")
    uploaded = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    with adoption.CutoffIndex(adoption.INDEX) as pip:
        extra = adoption.resolution_env(uploaded, locked=True, pip=pip)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOX_", "UV_"))} | extra
    argv = ["tox", "-e", "py", "--recreate", "--workdir", str(tmp_path / ".tox")]
    done = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\n2.0.0\n" in done.stdout


def test_a_release_counts_with_its_tag_in_the_projects_style(adoption: ModuleType) -> None:
    mako = adoption.Project("mako", "1.3.10", "rel_{version_underscored}")
    assert mako.tag("1.3.11") == "rel_1_3_11"
    assert adoption.Project("idna", "3.10", "v{version}").tag("3.10.1") == "v3.10.1"
    outcome = adoption.Outcome(mako, planned="1.3.11")
    adoption.judge(outcome, 0, [], "", tagged=True)
    assert outcome.result == "nothing uploaded"


def _released_repo(root: Path, changes: str, after: str) -> Path:
    root.mkdir()
    for args in (("init", "-q", "-b", "main"), ("config", "user.email", "t@example.invalid")):
        subprocess.run(["git", *args], cwd=root, check=True)
    (root / changes).write_text("6.0.2 (2024-08-06)\n\n* old\n")
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "-c", "user.name=T", "commit", "-qm", "a"], cwd=root, check=True)
    (root / changes).write_text(after)
    subprocess.run(["git", "-c", "user.name=T", "commit", "-qam", "Release"], cwd=root, check=True)
    return root


def test_a_readme_changelog_section_is_checked_as_a_changelog(
    adoption: ModuleType, tmp_path: Path
) -> None:
    """parse keeps its changelog as a section of README.rst: an entry written below the last
    one is as misplaced there as in a CHANGES file, and the shape names the section."""
    after = "Changelog\n---------\n\n- 6.0.2 Old.\n- 6.0.3 New.\n"
    repo = _released_repo(tmp_path / "repo", "README.rst", after)
    project = adoption.Project("parse", "6.0.2", "{version}")
    found = adoption.changelog_misplaced(repo, project, "6.0.3", adoption.Runner(sys.executable))
    assert found == "README.rst: the 6.0.3 entry is at line 5, below 6.0.2's"
    assert adoption.describe_shape(repo).endswith(" / README.rst section")


@pytest.mark.parametrize(
    ("name", "text", "missing"),
    [
        ("CHANGELOG", "- 6.0.3: Future version.\n- 6.0.2: Old.\n", True),  # tabulate's
        ("README.rst", "Changelog\n---------\n\n- 6.0.2 Old thing\n", True),  # parse's
        ("README.rst", "Install\n-------\n\n6.0.2 is on PyPI\n", False),  # no changelog
        ("CHANGES", "See the documentation.\n", False),  # no entries
    ],
)
def test_a_release_that_writes_no_entry_where_the_project_keeps_one_is_wrong(
    adoption: ModuleType, tmp_path: Path, name: str, text: str, missing: bool
) -> None:
    repo = _released_repo(tmp_path / "repo", "setup.py", "version = '6.0.3'\n")
    (repo / name).write_text(text)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=T", "commit", "-qm", "files"], cwd=repo, check=True)
    (repo / "setup.py").write_text("version = '6.0.4'\n")
    subprocess.run(["git", "-c", "user.name=T", "commit", "-qam", "Release"], cwd=repo, check=True)
    project = adoption.Project("p", "6.0.2", "{version}")
    found = adoption.changelog_misplaced(repo, project, "6.0.3", adoption.Runner(sys.executable))
    assert found == (f"{name}: no 6.0.3 entry, where 6.0.2's is" if missing else "")


@pytest.mark.parametrize(
    ("after", "misplaced"),
    [
        ("6.0.3 (2026-12-04)\n\n* new\n\n6.0.2 (2024-08-06)\n\n* old\n", False),
        ("6.0.2 (2024-08-06)\n\n* old\n\n6.0.3 (2026-12-04)\n\n* new\n", True),  # appended
        ("6.0.2 (2024-08-06)\n\n* old, unlike 6.0.21\n", False),  # no entry: another check's
        # prose naming the last version above the entries (pycparser, pyparsing) is no entry
        (
            "+ Starting with 6.0.2, see the tags.\n\n+ Version 6.0.3 (2026.12.04)\n\n"
            "+ Version 6.0.2 (2024.08.06)\n",
            False,
        ),
        (" 6.0.2 a utility\n\n6.0.3 - December, 2026\n\n6.0.2 - August, 2024\n", False),
        (".. changelog::\n    :version: 6.0.2\n\n.. changelog::\n    :version: 6.0.3\n", True),
        # the last release's date copied (bleach's "October 29th", sh's 2/23/25)
        ("6.0.3 (2024-08-06)\n\n* new\n\n6.0.2 (2024-08-06)\n\n* old\n", True),
        ("= 6.0.3 - 8/6/24\n\n* new\n\n= 6.0.2 - 8/6/24\n\n* old\n", True),
        ("6.0.3\n-----\n* new\n\n6.0.2\n-----\n* old\n", False),  # no date at all
        ("## Planned (6.0.3)\n* new\n\n## Version 6.0.2\n* old\n", True),  # not an entry
        # the date line the last entry has, left out (cssselect's "Released on")
        ("6.0.3\n-----\n\n* new\n\n6.0.2\n-----\n\nReleased on 2024-08-06.\n", True),
        (
            "6.0.3\n-----\n\nReleased on 2026-12-04.\n\n6.0.2\n-----\n\nReleased on 2024-08-06.\n",
            False,
        ),
        # a compare link: the last release's tag to this one's, not the last entry's (Faker)
        ("## [6.0.3](h/compare/6.0.2...6.0.3)\n\n## [6.0.2](h/compare/6.0.1...6.0.2)\n", False),
        ("## [6.0.3](h/compare/6.0.1...6.0.2)\n\n## [6.0.2](h/compare/6.0.1...6.0.2)\n", True),
        ("## [6.0.3] - 2026-12-04\n\n## [6.0.2](h/compare/6.0.1...6.0.2) - 2024-08-06\n", True),
        # GNU's ChangeLog (Unidecode's): the date and the name before the version
        ("2024-08-06\tp 6.0.2\n\t* old\n\n2026-12-04\tp 6.0.3\n\t* new\n", True),
        ("2026-12-04\tp 6.0.3\n\t* new\n\n2024-08-06\tp 6.0.2\n\t* old\n", False),
        # Mako's series headings above the blocks are no release
        (
            "6.0\n===\n\n.. changelog::\n    :version: 6.0.3\n\n.. changelog::\n"
            "    :version: 6.0.2\n",
            False,
        ),
    ],
)
def test_a_changelog_entry_below_the_last_release_is_misplaced(
    adoption: ModuleType, tmp_path: Path, after: str, misplaced: bool
) -> None:
    repo = _released_repo(tmp_path / "repo", "CHANGES", after)
    project = adoption.Project("pyyaml", "6.0.2", "{version}")
    found = adoption.changelog_misplaced(repo, project, "6.0.3", adoption.Runner(sys.executable))
    assert bool(found) == misplaced
    if "Planned" in after:
        assert found == "CHANGES: 6.0.3 is written, but not as an entry like 6.0.2's"
    elif misplaced and "Released on" in after:
        assert found == "CHANGES: the 6.0.3 entry has no date where 6.0.2's has one"
    elif misplaced and "## [6.0.3] -" in after:
        assert found == "CHANGES: the 6.0.3 entry has no compare link where 6.0.2's has one"
    elif misplaced and "compare" in after:
        assert (
            found == "CHANGES: the 6.0.3 entry links the changes 6.0.1...6.0.2, not 6.0.2...6.0.3"
        )
    elif misplaced and "(2024-08-06)\n\n* new" not in after and "8/6/24" not in after:
        assert found.startswith("CHANGES: the 6.0.3 entry is at line ") and "below 6.0.2's" in found
    elif misplaced:
        assert found == "CHANGES: the 6.0.3 entry at line 1 copies the last date"


def test_the_last_release_s_wheels_are_on_the_index_and_not_uploads(
    adoption: ModuleType, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    wheel = cache / "tomli-2.2.1-py3-none-any.whl"
    wheel.write_bytes(b"wheel")
    index = tmp_path / "index"
    assert adoption.seed_index(index, [wheel]) == {wheel.name}
    assert (index / wheel.name).read_bytes() == b"wheel"


_IGNORING_SHELL = """
import signal, subprocess, sys
sys.path.insert(0, {benchmarks!r})
import adoption
signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `cmd &` in a script, or nohup, leaves it
signal.signal(signal.SIGQUIT, signal.SIG_IGN)
{reset}
child = "import signal; print(signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGQUIT))"
print(subprocess.run([sys.executable, "-c", child], capture_output=True, text=True).stdout)
"""


@pytest.mark.parametrize("reset", [True, False])
def test_releases_get_a_maintainer_s_signal_dispositions(reset: bool) -> None:
    """Started in the background of a script, the harness inherited SIGINT ignored, and so did
    every test suite it ran: sh's, pytest-cov's and ecdsa's tests that interrupt themselves
    failed. The harness restores the defaults first (the child's Python then installs its
    KeyboardInterrupt handler)."""
    code = _IGNORING_SHELL.format(
        benchmarks=str(HARNESS.parent), reset="adoption.maintainer_signals()" if reset else ""
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    if reset:
        assert done.stdout.split() == ["<built-in", "function", "default_int_handler>", "0"]
    else:
        assert done.stdout.split() == ["1", "1"]  # SIG_IGN, inherited


def test_each_project_has_its_own_hatch_environments(adoption: ModuleType, tmp_path: Path) -> None:
    """hatch keeps environments in the user's home by the project's path: a run in a reused
    ``--keep`` directory found the last run's (platformdirs' gate then lacked its version.py).
    With the harness's environment, real hatch puts them below the project's directory."""
    base = tmp_path / "platformdirs"
    repo = base / "work"
    repo.mkdir(parents=True)
    (repo / "pyproject.toml").write_text('[project]\nname = "tinydirs"\nversion = "1"\n')
    env = {k: v for k, v in os.environ.items() if not k.startswith("HATCH_")}
    found = subprocess.run(
        ["hatch", "env", "find", "default"],
        cwd=repo,
        env=env | adoption.hatch_env(base),
        capture_output=True,
        text=True,
        check=True,
    )
    assert Path(found.stdout.strip()).is_relative_to(base / "hatch"), found.stdout


def test_the_repository_drops_egg_info_the_build_wrote_but_keeps_the_tests_data(
    adoption: ModuleType, tmp_path: Path
) -> None:
    """pkginfo's and distlib's tests read ``*.egg-info`` files and directories of their own;
    removing every ``*.egg-info`` stopped on the first file and lost the tests' data."""
    import tarfile

    top = tmp_path / "src" / "pkg-1.0"
    files = {
        "PKG-INFO": "Metadata-Version: 2.1\n",
        "pkg.egg-info/PKG-INFO": "",
        "src/pkg.egg-info/SOURCES.txt": "",
        "tests/funny/funny.egg-info": "Metadata-Version: 1.0\n",
        "tests/fake_dists/bacon-0.1.egg-info/PKG-INFO": "Name: bacon\n",
        "setup.py": "",
    }
    for rel, text in files.items():
        (top / rel).parent.mkdir(parents=True, exist_ok=True)
        (top / rel).write_text(text)
    sdist = tmp_path / "pkg-1.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as archive:
        archive.add(top, arcname=top.name)
    base = tmp_path / "base"
    base.mkdir()
    repo = adoption.make_repository(adoption.Project("pkg", "1.0", "{version}"), sdist, base)
    assert repo == base / "pkg"  # named as `git clone` of pkg.git names it
    tracked = set(subprocess.check_output(["git", "ls-files"], cwd=repo, text=True).split())
    assert {"tests/funny/funny.egg-info", "tests/fake_dists/bacon-0.1.egg-info/PKG-INFO"} <= tracked
    assert not (repo / "pkg.egg-info").exists() and not (repo / "src/pkg.egg-info").exists()
    assert not (repo / "PKG-INFO").exists()


def test_an_error_line_in_the_table_is_text_not_markdown(adoption: ModuleType) -> None:
    """invoke's setup.py usage ("[cmd1_opts] [cmd2 [cmd2_opts] ...]") was a cross-reference to
    mkdocs, whose strict build failed; a "|" ended the cell."""
    invoke = adoption.Project("invoke", "2.2.0", "{version}")
    error = "ERROR usage: [global_opts] cmd1 [cmd1_opts] [cmd2 [cmd2_opts] ...] | or"
    row = adoption.table([adoption.Outcome(invoke, result="failed", error=error)]).splitlines()[-1]
    assert r"\[cmd2 \[cmd2_opts\] ...\] \| or" in row
    assert len(re.findall(r"(?<!\\)\|", row)) == 8  # seven cells, none from the error line


@pytest.mark.parametrize(("written", "missing"), [(True, ""), (False, "2.0.1 file")])
def test_a_directory_of_notes_per_release_is_checked(
    adoption: ModuleType, tmp_path: Path, written: bool, missing: str
) -> None:
    """rfc3986 keeps docs/source/release-notes/2.0.0.rst: its shape says so, and a release that
    wrote no file for its version there, where the last release's is, misplaced its notes."""
    repo = _released_repo(tmp_path / "repo", "setup.py", "import setuptools\n")
    notes = repo / "docs/source/release-notes"
    notes.mkdir(parents=True)
    for name in ("1.5.0.rst", "2.0.0.rst", "index.rst", *(["2.0.1.rst"] if written else [])):
        (notes / name).write_text("notes\n")
    project = adoption.Project("rfc3986", "2.0.0", "v{version}")
    found = adoption.changelog_misplaced(repo, project, "2.0.1", adoption.Runner(sys.executable))
    assert found == (
        "" if written else "docs/source/release-notes/: no 2.0.1 file, where 2.0.0's is"
    )
    assert adoption.describe_shape(repo).endswith(" / per-version docs/source/release-notes/")


def test_doctor_ready_then_refused_by_preflight_counts_and_fails_the_run(
    adoption: ModuleType,
) -> None:
    """The promise: if doctor says ready, the release is not refused for a reason doctor could
    have known. A project doctor passed and preflight then stopped is named in the figures."""
    flask = adoption.Project("flask", "3.1.1", "{version}")
    missed = adoption.Outcome(flask, result="failed (exit 3)", step="preflight", doctor=0)
    told = adoption.Outcome(flask, result="failed (exit 3)", step="preflight", doctor=3)
    gate = adoption.Outcome(flask, result="failed (exit 4)", step="gate", doctor=0)
    assert missed.doctor_missed and not told.doctor_missed and not gate.doctor_missed
    line = adoption.figures([missed, told, gate])
    assert "doctor said ready for 2, and preflight then refused 1 (flask)" in line
