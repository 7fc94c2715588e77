"""The gate in the project's own environment, and the tests against the installed wheel: real
releases of a src-layout project (git + bare remote, uv/venv, nox, build, the local index).

make_sandbox sets RELEASEKIT_GATE_COMMAND for speed; every test here removes it on purpose so
the gate is detected the way a user's release detects it."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from packaging.version import Version

from releasekit.steps.gate import gate_venv
from releasekit.testenv import EnvSpec

from ..conftest import PROJECTS, Sandbox, assert_one_error_line, make_sandbox

FAILING_TEST = """\
def test_counts_punctuation_as_words() -> None:
    assert len("a , b".split()) == 2
"""

NOX_REAL_ENV = """\
import nox


@nox.session(venv_backend="uv|virtualenv")
def tests(session: nox.Session) -> None:
    session.install("-e", ".", "pytest")
    session.run("pytest", "-p", "no:cacheprovider")
"""

NOX_NO_VENV = """\
import nox


@nox.session(python=False)
def tests(session: nox.Session) -> None:
    session.run("python", "-c", SEEN, external=True)
    session.run("python", "-m", "pytest", "-p", "no:cacheprovider", env={"PYTHONPATH": "src"})


# what the project's tool sees of the environment releasekit runs in
SEEN = (
    "import json, os; names = ('VIRTUAL_ENV', 'UV_PYTHON', 'UV_PROJECT_ENVIRONMENT'); "
    "json.dump({n: os.environ.get(n) for n in names}, open(os.environ['SEEN_FILE'], 'w'))"
)
"""

WHEEL_WITHOUT_EXTRA = """
[tool.hatch.build.targets.wheel]
packages = ["src/srclib"]
exclude = ["src/srclib/extra"]
"""


def _sandbox(tmp_path: Path, edit: dict[str, str] | None = None) -> Sandbox:
    sandbox = make_sandbox(tmp_path, "srclayout", edit=edit)
    del sandbox.env["RELEASEKIT_GATE_COMMAND"]  # the default: detected
    del sandbox.env["RELEASEKIT_VERIFY_TESTS"]  # the default: the tests against the wheel
    sandbox.env["SRCLIB_WHERE"] = str(tmp_path / "where.txt")
    return sandbox


def test_src_layout_project_releases_with_the_default_gate(tmp_path: Path) -> None:
    """Today's failure: `python -m pytest --gate` in releasekit's interpreter could not import a
    src-layout package. Now the gate installs the project into its own venv, and verify runs the
    same tests against the installed wheel from a copy outside the tree."""
    sb = _sandbox(tmp_path)
    config = sb.run("config", check=True).stderr
    assert "gate_command = 'python -m pytest'  (detected: releasekit's own venv" in config
    done = sb.run("release", "patch", "--to", "local", "--yes", check=True)
    assert "Released srclib 2.0.1 to local" in done.stderr

    gate = sb.step_facts("gate")
    assert gate["environment"] == "venv" and gate["reused"] is False
    assert gate["command"] == "python -m pytest"
    # the gate venv's versions, for verify: pytest pinned, the project itself left out
    assert any(pin.startswith("pytest==") for pin in gate["resolved"]), gate
    assert not any(pin.startswith("srclib") for pin in gate["resolved"]), gate
    assert "3 passed" in (sb.repo / ".releasekit" / "gate.log").read_text()
    verify = sb.step_facts("verify")
    assert "3 passed" in str(verify["tests"]), verify

    gate_file, verify_file = (tmp_path / "where.txt").read_text().splitlines()
    assert Path(gate_file) == sb.repo / "src" / "srclib" / "__init__.py"  # editable, in the tree
    # the wheel's copy, in verify's fresh venv: not src/, not a copy next to the tests
    assert "site-packages" in verify_file, verify_file
    assert Path(verify_file).is_relative_to(sb.repo / ".releasekit" / "work"), verify_file
    assert "venv-verify" in Path(verify_file).parts, verify_file


def test_the_projects_cache_options_work_in_the_gate_and_verify(tmp_path: Path) -> None:
    """async-lru's setup.cfg passes ``--cache-clear`` in addopts, an option of pytest's cache
    plugin: verify's runs from a copy of the tree had the plugin off, and pytest refused the
    option (``unrecognized arguments: --cache-clear``) after the gate had passed."""
    sb = _sandbox(tmp_path, edit={"setup.cfg": "[tool:pytest]\naddopts = --cache-clear -q\n"})
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in str(sb.step_facts("verify")["tests"])


def test_a_failing_test_is_named_on_the_error_line(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, edit={"tests/test_more.py": FAILING_TEST})
    before = sb.snapshot()
    done = sb.run("release", "patch", "--to", "local", "--yes")
    line = assert_one_error_line(
        done,
        "the quality gate failed: python -m pytest exited 1",
        "FAILED tests/test_more.py::test_counts_punctuation_as_words",
        "1 failed, 3 passed",
        "full output: ",
    )
    assert done.returncode == 4
    log = sb.repo / ".releasekit" / "gate.log"
    assert str(log.relative_to(sb.repo)) in line
    assert "assert 3 == 2" in log.read_text()  # the whole output, assertion details included
    assert sb.snapshot() == before
    assert not (sb.repo / ".releasekit" / "journal.jsonl").exists()  # nothing to resume


def test_a_configured_gate_outside_the_project_env_shows_the_import_error(tmp_path: Path) -> None:
    """The old default, configured explicitly: the ERROR line now says why it failed."""
    sb = _sandbox(tmp_path)
    env = {"RELEASEKIT_GATE_COMMAND": "python -m pytest -p no:cacheprovider"}
    done = sb.run("release", "patch", "--to", "local", "--yes", env=env)
    assert_one_error_line(done, "exited 2", "ModuleNotFoundError: No module named 'srclib'")
    assert done.returncode == 4


def test_a_plugin_option_without_the_plugin_names_the_fix(tmp_path: Path) -> None:
    """pytest's addopts use a plugin the test dependencies lack and releasekit does not know
    (pytest-django's --reuse-db). The ERROR line shows pytest's usage error; the hint says
    which option and where to declare the plugin."""
    sb = _sandbox(tmp_path, edit={"pytest.ini": "[pytest]\naddopts = --reuse-db\n"})
    before = sb.snapshot()
    done = sb.run("release", "patch", "--to", "local", "--yes")
    line = assert_one_error_line(
        done, "exited 4", "error: unrecognized arguments: --reuse-db", "passes --reuse-db"
    )
    assert "add that plugin to the project's test dependencies" in line
    assert done.returncode == 4
    assert sb.snapshot() == before


MOCKED_TEST = """\
import srclib


def test_shout_is_called(mocker) -> None:
    spy = mocker.spy(srclib, "shout")
    srclib.shout("x")
    assert spy.call_count == 1
"""


def test_plugins_the_project_implies_are_installed_and_named(tmp_path: Path) -> None:
    """cookiecutter's and shellingham's shape: pytest's addopts pass --cov, a test takes
    pytest-mock's `mocker`, and nothing declares either plugin (their sdists leave out the file
    that does). The gate installs both into its venv and names each with what implied it, and
    verify's run against the wheel has them too. Without them pytest stops with a usage error."""
    pyproject = (PROJECTS / "srclayout" / "pyproject.toml").read_text()
    undeclared = pyproject.replace('[dependency-groups]\ntest = ["pytest>=8"]\n', "")
    assert undeclared != pyproject
    edit = {
        "pyproject.toml": undeclared,
        "pytest.ini": "[pytest]\naddopts = --cov=srclib --cov-report=term-missing\n",
        "tests/test_mocked.py": MOCKED_TEST,
    }
    sb = _sandbox(tmp_path, edit=edit)
    plan = sb.run("plan", "patch", check=True).stderr
    unless = "unless the test dependencies name it"
    assert f"pytest-cov {unless}: pytest.ini [pytest] addopts pass --cov=srclib" in plan
    assert f"pytest-mock {unless}: tests/test_mocked.py uses its fixture 'mocker'" in plan
    done = sb.run("release", "patch", "--to", "local", "--yes", check=True)
    warnings = [line for line in done.stderr.splitlines() if line.startswith("WARNING")]
    assert any(
        "the tests need pytest-cov (pytest.ini [pytest] addopts pass --cov=srclib)" in line
        and "(none found) do not name" in line
        for line in warnings
    ), warnings
    mock = "pytest-mock (tests/test_mocked.py uses its fixture 'mocker')"
    assert any(mock in line for line in warnings), warnings
    gate_log = (sb.repo / ".releasekit" / "gate.log").read_text()
    assert "4 passed" in gate_log and "coverage: platform" in gate_log, gate_log
    assert "4 passed" in str(sb.step_facts("verify")["tests"])


def test_a_gate_that_runs_no_test_says_so(tmp_path: Path) -> None:
    """iniconfig's sdist: testpaths names a directory the sdist lacks; pytest exits 5."""
    sb = _sandbox(tmp_path)
    env = {"RELEASEKIT_GATE_COMMAND": "python -m pytest -p no:cacheprovider --ignore=tests"}
    done = sb.run("release", "patch", "--to", "local", "--yes", env=env)
    assert_one_error_line(done, "the quality gate ran no test", "exited 5", "no tests collected")
    assert done.returncode == 4


def test_the_gate_venv_is_reused_while_the_dependencies_stay_the_same(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path)
    spec = EnvSpec("venv", ("-m", "pytest"), "test", requirements=("pytest>=8",))
    first, reused, added = gate_venv(sb.repo, spec, {sb.repo: "srclib"})
    assert not reused and added == []
    marker = first.path / "pyvenv.cfg"
    made = marker.stat().st_mtime_ns
    again, reused, _ = gate_venv(sb.repo, spec, {sb.repo: "srclib"})
    assert reused and again.path == first.path and marker.stat().st_mtime_ns == made

    pyproject = sb.repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('["pytest>=8"]', '["pytest>=8.1"]'))
    changed, reused, _ = gate_venv(sb.repo, spec, {sb.repo: "srclib"})
    assert not reused and changed.path != first.path
    assert not first.path.exists()  # the outdated venv is removed
    assert not changed.path.is_relative_to(sb.repo)  # outside the tree: see the next test


# A common conftest shape: pytest_ignore_collect answers for every path (False where it ignores
# nothing), so pytest's own rules (norecursedirs' ".*", its virtualenv detection) never apply;
# pytest-relaxed, which invoke tests with, does the same. pytest then walks every directory.
IGNORES_ONE_FILE = """\
from pathlib import Path


def pytest_ignore_collect(collection_path: Path, config: object) -> bool:
    if (collection_path / "pyvenv.cfg").is_file():
        raise AssertionError(f"the tests walked into a venv: {collection_path}")
    return collection_path.name in {".git", "batch_robustness.py"}
"""


def test_the_gate_venv_is_outside_the_tree_the_tests_walk(tmp_path: Path) -> None:
    """invoke's gate collected the test conftest of a package installed in the gate's venv
    under ``.releasekit/work/`` ("Plugin name already registered"): releasekit's venvs are
    kept in its user cache, and removed with the checkout they were made for."""
    sb = _sandbox(tmp_path, edit={"conftest.py": IGNORES_ONE_FILE})
    sb.run("release", "patch", "--to", "local", "--yes", check=True)
    assert "passed" in (sb.repo / ".releasekit" / "gate.log").read_text()
    assert not list(sb.repo.rglob("pyvenv.cfg"))
    spec = EnvSpec("venv", ("-m", "pytest"), "test", requirements=("pytest>=8",))
    venv = gate_venv(sb.repo, spec, {sb.repo: "srclib"}).venv
    home = venv.path.parent
    gone = shutil.copytree(sb.repo, tmp_path / "gone", symlinks=True)
    old = gate_venv(gone, spec, {gone: "srclib"}).venv.path.parent
    shutil.rmtree(gone)
    gate_venv(sb.repo, spec, {sb.repo: "srclib"})
    assert home.is_dir() and not old.exists()  # the directory of the checkout that is gone


def test_a_nox_session_runs_in_its_own_environment(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, edit={"noxfile.py": NOX_REAL_ENV, ".gitignore": ".nox/\n"})
    plan = sb.run("plan", "patch", check=True)
    assert "--error-on-missing-interpreters -s tests" in plan.stderr
    sb.run("release", "patch", "--to", "local", "--yes", check=True)
    gate = sb.step_facts("gate")
    assert gate["environment"] == "nox" and gate["source"] == "noxfile.py session 'tests'"
    assert (sb.repo / ".nox" / "tests" / "bin" / "pytest").exists()  # nox made the env
    assert "3 passed" in (sb.repo / ".releasekit" / "gate.log").read_text()


NOX_WITH_PIP = NOX_REAL_ENV.replace('venv_backend="uv|virtualenv"', 'venv_backend="virtualenv"')


def test_gate_versions_verify_cannot_install_are_a_warning(tmp_path: Path) -> None:
    """charset-normalizer's nox session installs with pip, which ignores the UV_EXCLUDE_NEWER
    that verify's uv obeys: the gate environment's pytest is newer than anything verify may
    install. verify says so and installs the test dependencies as they resolve for it."""
    sb = _sandbox(tmp_path, edit={"noxfile.py": NOX_WITH_PIP, ".gitignore": ".nox/\n"})
    sb.env["UV_EXCLUDE_NEWER"] = "2025-01-01T00:00:00Z"
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stderr
    pytest_pin = next(p for p in sb.step_facts("gate")["resolved"] if p.startswith("pytest=="))
    assert Version(pytest_pin.split("==")[1]) >= Version("8.3.5")  # pip's, after the cutoff
    said = " ".join(done.stderr.split())
    assert "WARNING verify could not install the gate environment's versions" in said
    assert "it installs them as they resolve here" in said
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "pytest-8.3.4" in log  # the newest pytest before the cutoff ran the tests
    assert sorted(sb.index_files()) == ["srclib-2.0.1-py3-none-any.whl", "srclib-2.0.1.tar.gz"]


def test_a_failing_nox_session_names_the_failing_test(tmp_path: Path) -> None:
    sb = _sandbox(tmp_path, edit={"noxfile.py": NOX_NO_VENV, "tests/test_more.py": FAILING_TEST})
    # releasekit run from a nox session (`nox -s release`): nox points uv and VIRTUAL_ENV at the
    # session's venv. The project's own tool must not see them, or it installs into that venv.
    outer = {"VIRTUAL_ENV": sys.prefix, "UV_PYTHON": sys.executable}
    sb.env.update(outer, UV_PROJECT_ENVIRONMENT=sys.prefix, SEEN_FILE=str(tmp_path / "seen.json"))
    done = sb.run("release", "patch", "--to", "local", "--yes")
    seen = json.loads((tmp_path / "seen.json").read_text())
    assert seen == {"VIRTUAL_ENV": None, "UV_PYTHON": None, "UV_PROJECT_ENVIRONMENT": None}
    assert_one_error_line(
        done,
        "-s tests exited 1",
        "FAILED tests/test_more.py::test_counts_punctuation_as_words",
    )
    assert done.returncode == 4


def test_verify_catches_a_module_the_wheel_lacks(tmp_path: Path) -> None:
    """Every test passes from the tree (the gate runs them for real), and `import srclib` works
    from the wheel, but srclib.extra was left out of it: the tests against the wheel fail."""
    pyproject = (
        Path(__file__).parents[1] / "projects" / "srclayout" / "pyproject.toml"
    ).read_text()
    sb = _sandbox(tmp_path, edit={"pyproject.toml": pyproject + WHEEL_WITHOUT_EXTRA})
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert_one_error_line(
        done,
        "the tests fail against the installed wheel (srclib",
        "No module named 'srclib.extra'",
        "verify-tests.log",
    )
    assert done.returncode == 5
    assert sb.index_files() == {}  # nothing was published
    assert sb.remote_git("tag") == ""
    assert "passed" in (sb.repo / ".releasekit" / "gate.log").read_text()


RUNS_THE_SOURCE_FILE = """\
import subprocess
import sys


def test_the_module_runs_as_a_script() -> None:
    \"\"\"As tabulate's test_cli: runs the source file from the working directory.\"\"\"
    done = subprocess.run([sys.executable, "src/srclib/__init__.py"], capture_output=True)
    assert done.returncode == 0, done.stderr
"""


def _released_beside_the_tree(sb: Sandbox, test_id: str) -> None:
    """The release went through, with the WARNING naming the test that passed only beside the
    source tree."""
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stderr
    assert (
        "WARNING 1 test(s) pass against the installed wheel only with the source tree beside "
        "them (they read or run its files; every import of the wheel's packages came from the "
        f"wheel): {test_id}" in " ".join(done.stderr.split())  # the console wraps the line
    )


def test_a_test_that_runs_the_source_file_is_named_not_fatal(tmp_path: Path) -> None:
    """Against the wheel, from the tree without src/srclib, the test cannot find the file it
    runs; run again beside the whole tree, importing nothing from it, it passes: a WARNING
    names it, and the release goes on."""
    sb = _sandbox(tmp_path, edit={"tests/test_script.py": RUNS_THE_SOURCE_FILE})
    _released_beside_the_tree(sb, "tests/test_script.py::test_the_module_runs_as_a_script")
    assert sorted(sb.index_files()) == ["srclib-2.0.1-py3-none-any.whl", "srclib-2.0.1.tar.gz"]
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "can't open file" in log  # the first run, without the sources
    assert "--import-mode=append tests/test_script.py::test_the_module_runs_as_a_script" in log


def test_a_test_package_the_standard_library_shadows_is_rerun_in_importlib_mode(
    tmp_path: Path,
) -> None:
    """autopep8's shape: its tests are a package named ``test`` (as the standard library's own)
    and run the source file. Beside the whole tree, append mode (the tree last on sys.path)
    found the standard library's ``test`` first and could not import them, so the release
    stopped; importlib mode, which puts nothing on sys.path, runs them and they pass."""
    sb = _sandbox(tmp_path)
    sb.git("mv", "tests", "test")
    (sb.repo / "test" / "__init__.py").write_text("", encoding="utf-8")
    (sb.repo / "test" / "test_script.py").write_text(RUNS_THE_SOURCE_FILE, encoding="utf-8")
    sb.git("add", "-A")
    sb.git("commit", "-qm", "tests in a test package, as autopep8 has them")
    _released_beside_the_tree(sb, "test/test_script.py::test_the_module_runs_as_a_script")
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "No module named 'test.conftest'" in log  # append mode, beside the tree
    assert "--import-mode=importlib test/test_script.py::test_the_module_runs_as_a_script" in log


READS_THE_TREE_IN_CONFTEST = """\
from pathlib import Path

# as Alembic's conftest.py: reads a file of the package by its path in the tree, before any test
SOURCE = (Path(__file__).parent / ".." / "src" / "srclib" / "__init__.py").read_text()
"""


def test_a_conftest_that_reads_the_package_source_is_named_not_fatal(tmp_path: Path) -> None:
    """Against the wheel, from the tree without src/srclib, conftest.py cannot load (pytest's
    exit 4, no test ran); the suite, run again beside the whole tree with every import of
    srclib from the wheel, passes: a WARNING names it, and the release goes on."""
    conftest = Path(__file__).parents[1] / "projects" / "srclayout" / "tests" / "conftest.py"
    sb = _sandbox(
        tmp_path, edit={"tests/conftest.py": conftest.read_text() + READS_THE_TREE_IN_CONFTEST}
    )
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stderr
    assert (
        "WARNING the suite (tests, whose conftest.py reads the tree) passes against the "
        "installed wheel only with the source tree beside them" in " ".join(done.stderr.split())
    )
    assert sorted(sb.index_files()) == ["srclib-2.0.1-py3-none-any.whl", "srclib-2.0.1.tar.gz"]
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "FileNotFoundError" in log  # the first run, without the sources
    assert "--import-mode=append tests" in log


READS_BESIDE_THE_PACKAGE = """\
from pathlib import Path

import srclib


def test_every_example_is_read() -> None:
    # as Pygments' test_lexer_classes: the examples beside the *imported* package
    examples = Path(srclib.__file__).resolve().parent.parent / "examples"
    assert (examples / "hello.txt").is_file(), f"Example file {examples / 'hello.txt'} not found"
"""


def test_a_test_that_looks_beside_the_imported_package_is_named_not_fatal(
    tmp_path: Path,
) -> None:
    """Pygments' shape: the test finds its example files beside the imported package, so from
    the tree (the gate, an editable install) it reads src/examples, and against the wheel it
    looks in site-packages, where no wheel puts them, and fails, even beside the whole tree.
    With the tree's ``examples`` linked into verify's throwaway venv, where the test looked,
    and every import of srclib from the wheel, it passes: a WARNING names it and the release
    goes on."""
    sb = _sandbox(
        tmp_path,
        edit={"tests/test_examples.py": READS_BESIDE_THE_PACKAGE, "src/examples/hello.txt": "hi"},
    )
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stderr
    assert (
        "WARNING 1 test(s) pass against the installed wheel only with the source tree beside "
        "them (they look for the tree's examples beside the installed package, where only a "
        "source checkout has it; every import of the wheel's packages came from the wheel): "
        "tests/test_examples.py::test_every_example_is_read" in " ".join(done.stderr.split())
    )
    assert sorted(sb.index_files()) == ["srclib-2.0.1-py3-none-any.whl", "srclib-2.0.1.tar.gz"]
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "site-packages/examples/hello.txt not found" in log  # against the wheel
    assert "linked beside the installed packages, where the tests look for them: examples" in log


IMPORTS_FROM_THE_CHECKOUT = """\
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def test_count_words_from_the_checkout() -> None:
    sys.path.insert(0, str(SRC))  # as old projects do
    from srclib.extra.words import count_words

    assert count_words("a b") == 2


def test_count_words_in_a_process_of_its_own() -> None:
    code = "from srclib.extra.words import count_words; assert count_words('a b') == 2"
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True)
    assert done.returncode == 0
"""


def test_a_module_the_wheel_lacks_still_fails_when_a_test_imports_the_tree(
    tmp_path: Path,
) -> None:
    """The wheel lacks srclib.extra. One test puts src/ on sys.path itself: beside the whole
    tree, srclib is already the wheel's (imported before the tests), so it fails again. The
    other imports it in a process of its own with src/ on PYTHONPATH: beside the whole tree it
    passes, but by importing srclib from the tree, not the wheel: the import probe sees that.
    The failure stands."""
    pyproject = (
        Path(__file__).parents[1] / "projects" / "srclayout" / "pyproject.toml"
    ).read_text()
    edit = {
        "pyproject.toml": pyproject + WHEEL_WITHOUT_EXTRA,
        "tests/test_srclib.py": IMPORTS_FROM_THE_CHECKOUT,
    }
    sb = _sandbox(tmp_path, edit=edit)
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert_one_error_line(
        done, "the tests fail against the installed wheel (srclib", "No module named 'srclib.extra'"
    )
    assert done.returncode == 5
    assert sb.index_files() == {}
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    beside = log.split("(the failed tests again, from the whole tree)")[1]
    assert "FAILED tests/test_srclib.py::test_count_words_from_the_checkout" in beside
    assert "PASSED" not in beside.split("\n\n", 1)[0]
    assert "imported from outside the venv's site-packages" in beside
    assert "src/srclib" in beside.split("imported from outside the venv's site-packages")[1]


KNOWS_ITS_CHECKOUT = """\
from pathlib import Path


def test_the_checkout_is_named_as_cloned() -> None:
    # as plumbum's test_local: the checkout's directory name is in the tests' path
    assert Path(__file__).resolve().parents[1].name == "work"
"""


def test_the_tests_against_the_wheel_run_in_a_directory_named_as_the_checkout(
    tmp_path: Path,
) -> None:
    """verify's copy of the tree has the checkout's name (the sandbox's is ``work``), so a test
    that looks for it in its path passes against the wheel as it did in the gate."""
    sb = _sandbox(tmp_path, edit={"tests/test_checkout.py": KNOWS_ITS_CHECKOUT})
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stderr
    assert "only with the source tree" not in done.stderr
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "test_checkout.py ." in log
    assert re.search(r"--rootdir \S+/releasekit-tests-\w+/work ", log)


IMPORTS_THE_TREE_FIRST = """\
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
sys.path.insert(0, str(SRC))  # as autopep8's tests put their root first, then import it
import srclib  # noqa: E402


def test_shout() -> None:
    assert srclib.shout("hi") == "HI!"


def test_the_module_runs_as_a_script() -> None:
    done = subprocess.run([sys.executable, str(SRC / "srclib" / "__init__.py")])
    assert done.returncode == 0
"""


def test_a_test_module_that_puts_the_tree_first_gets_the_wheel(tmp_path: Path) -> None:
    """autopep8's shape: the test module puts the tree first on sys.path and imports the
    package, and a test runs the source file. Against the wheel the file is not there; beside
    the whole tree the package was imported from the wheel before the test module ran, so
    every import came from the wheel and the test passes: a WARNING names it, and the release
    goes on (it stopped when the test module's import found the tree)."""
    sb = _sandbox(tmp_path, edit={"tests/test_script.py": IMPORTS_THE_TREE_FIRST})
    _released_beside_the_tree(sb, "tests/test_script.py::test_the_module_runs_as_a_script")
    assert sorted(sb.index_files()) == ["srclib-2.0.1-py3-none-any.whl", "srclib-2.0.1.tar.gz"]
    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "-p _releasekit_preload" in log
    assert "imported from outside" not in log


UNITTEST_ONLY = """\
import unittest
import warnings

warnings.simplefilter("error")  # as Python-Markdown's tests do

import srclib


class TestSuite:  # a helper, not a test: pytest warns it cannot collect it
    def __init__(self, name: str) -> None:
        self.name = name


class ShoutTest(unittest.TestCase):
    def test_shout(self) -> None:
        self.assertEqual(srclib.shout(TestSuite("hi").name), "HI!")
"""


def test_a_project_that_runs_unittest_is_verified_with_unittest(tmp_path: Path) -> None:
    """Python-Markdown's tox env runs `-m unittest discover tests`; under pytest its tests stop
    at collection. The tests against the wheel run them as the project does."""
    edit = {
        "tox.ini": "[testenv]\ncommands = python -m unittest discover tests\n",
        "tests/test_unit.py": UNITTEST_ONLY,
    }
    log = _verify_log_of_a_release(tmp_path, edit)
    assert "$ python -m unittest discover tests" in log
    assert "Ran 1 test" in log
    assert "OK" in log


def _verify_log_of_a_release(tmp_path: Path, edit: dict[str, str]) -> str:
    """Release srclayout with ``edit`` (the gate: the suite's stand-in) and its tests against
    the wheel on; the release must succeed. verify's log."""
    sb = make_sandbox(tmp_path, "srclayout", edit=edit)
    del sb.env["RELEASEKIT_VERIFY_TESTS"]
    done = sb.run("release", "patch", "--to", "local", "--yes")
    assert done.returncode == 0, done.stderr
    assert sorted(sb.index_files()) == ["srclib-2.0.1-py3-none-any.whl", "srclib-2.0.1.tar.gz"]
    return (sb.repo / ".releasekit" / "verify-tests.log").read_text()


def test_doctor_reports_a_missing_test_runner(tmp_path: Path) -> None:
    """tox.ini says the tests run under tox; with no tox installed, doctor says so (and how to
    fix it) before a release could fail on it. PATH holds git only: no tox there."""
    env = f"py{sys.version_info.major}{sys.version_info.minor}"  # the running Python's
    tox_ini = f"[tox]\nenv_list = {env}\n[testenv]\ncommands = pytest\n"
    sb = _sandbox(tmp_path, edit={"tox.ini": tox_ini})
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "git")
    done = sb.run("doctor", env={"PATH": str(bin_dir)})
    if importlib.util.find_spec("tox") is not None:  # ``python -m tox`` runs it (adoption venv)
        assert "tox is not installed" not in done.stderr
        return
    assert done.returncode == 3, done.stderr
    assert f"with tox (tox environment '{env}' (tox.ini)), but tox is not installed" in done.stderr
    assert "uv tool install tox" in done.stderr


TOX_WITH_PIP = """\
[tox]
env_list = py{major}{minor}
[testenv]
deps = pytest
install_command = python -m pip install {{opts}} {{packages}}
commands = pytest -p no:cacheprovider
"""


def test_a_tox_environment_that_installs_with_pip_runs_on_virtualenv(tmp_path: Path) -> None:
    """pytest-asyncio's tox environments install with their own ``python -m pip install``. With
    tox-uv installed (the test environment has it, as a maintainer's machine may), tox made them
    uv's, which have no pip: the gate failed with ``No module named pip`` (or pip's ``no such
    option: --reinstall``). Real tox, tox-uv, virtualenv and pip."""
    assert importlib.util.find_spec("tox_uv") is not None  # the case this is about
    tox_ini = TOX_WITH_PIP.format(major=sys.version_info.major, minor=sys.version_info.minor)
    sb = _sandbox(tmp_path, edit={"tox.ini": tox_ini, ".gitignore": ".tox/\n"})
    sb.run("release", "patch", "--to", "local", "--yes", check=True)
    gate = sb.step_facts("gate")
    assert gate["environment"] == "tox"
    assert "-x testenv.runner=virtualenv" in gate["command"]
    assert (
        sb.repo / ".tox" / f"py{sys.version_info.major}{sys.version_info.minor}" / "bin" / "pip"
    ).exists()
    assert "3 passed" in (sb.repo / ".releasekit" / "gate.log").read_text()


NO_EDITABLE_BACKEND = '''\
"""A build backend with no build_editable (as flit_core < 3.4 and other old backends)."""
import base64, hashlib, pathlib, zipfile


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name = "plainpkg-1.0-py3-none-any.whl"
    files = {
        "plainpkg/__init__.py": pathlib.Path("src/plainpkg/__init__.py").read_bytes(),
        "plainpkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: plainpkg\\n"
        b"Version: 1.0\\n",
        "plainpkg-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: t\\n"
        b"Root-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    record = []
    with zipfile.ZipFile(pathlib.Path(wheel_directory) / name, "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            record.append(f"{path},sha256={digest.decode()},{len(data)}")
        record.append("plainpkg-1.0.dist-info/RECORD,,")
        wheel.writestr("plainpkg-1.0.dist-info/RECORD", "\\n".join(record) + "\\n")
    return name
'''


def test_a_backend_without_editable_installs_gets_the_project_from_the_tree(
    tmp_path: Path,
) -> None:
    root = tmp_path / "plain"
    (root / "src" / "plainpkg").mkdir(parents=True)
    (root / "src" / "plainpkg" / "__init__.py").write_text("ANSWER = 42\n")
    (root / "_backend").mkdir()
    (root / "_backend" / "nobuild_editable.py").write_text(NO_EDITABLE_BACKEND)
    (root / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "nobuild_editable"\n'
        'backend-path = ["_backend"]\n\n[project]\nname = "plainpkg"\nversion = "1.0"\n'
    )
    spec = EnvSpec("venv", ("-m", "pytest"), "test")
    venv, reused, _ = gate_venv(root, spec, {root: "plainpkg"})
    assert not reused
    assert (venv.path / ".releasekit-ready").read_text().startswith(f"{root} ")  # not -e
    done = venv.run(
        ["python", "-c", "import plainpkg; print(plainpkg.ANSWER, plainpkg.__file__)"],
        cwd=tmp_path,
        what="importing plainpkg",
    )
    assert done.stdout.split()[0] == "42" and "site-packages" in done.stdout


def test_requirement_files_feed_the_gate_and_verify_with_their_pytest_pin(tmp_path: Path) -> None:
    """urllib3/itsdangerous/httpx shape: no test table, test-requirements.txt with ``-e .[x]``
    and a pinned pytest; the gate's venv and verify's wheel-test venv both get it (8.3.3 is
    in the machine's uv cache, as every other requirement here)."""
    fixture = Path(__file__).parents[1] / "projects" / "srclayout" / "pyproject.toml"
    pyproject = fixture.read_text().replace(
        '[dependency-groups]\ntest = ["pytest>=8"]\n',
        '[project.optional-dependencies]\nini = ["iniconfig"]\n',
    )
    requirements = "-e .[ini]\npytest==8.3.3\n"
    sb = _sandbox(
        tmp_path, edit={"pyproject.toml": pyproject, "test-requirements.txt": requirements}
    )
    plan = sb.run("plan", "patch", check=True)
    assert "test-requirements.txt" in plan.stderr
    sb.run("release", "patch", "--to", "local", "--yes", check=True)
    assert "pytest-8.3.3" in (sb.repo / ".releasekit" / "gate.log").read_text()
    assert "pytest-8.3.3" in (sb.repo / ".releasekit" / "verify-tests.log").read_text()


def test_a_project_without_tests_has_nothing_to_gate(tmp_path: Path) -> None:
    """An sdist shipped without its tests (flake8, rich): the plan says the gate has nothing to
    run and why -- visibly skipped, not a pytest "no tests ran" failure, not a silent pass."""
    sb = _sandbox(tmp_path)
    sb.git("rm", "-rq", "tests")
    sb.git("commit", "-qm", "Ship without tests")
    sb.git("push", "-q", "origin", "main")
    done = sb.run("plan", "patch", check=True)
    assert "the project has no tests" in done.stderr
    assert "nothing to gate" in done.stderr


LOCK_UPGRADING_HOOK = """
pre_commit_hooks = ["uv lock --offline --upgrade-package pytest==8.3.4"]
"""


def test_verify_tests_with_the_gate_versions_when_the_release_changed_the_lock(
    tmp_path: Path,
) -> None:
    """bump-my-version's own shape: its `pre_commit_hooks` run `uv sync --upgrade`, so the
    release commit's uv.lock is newer than the one the gate installed from. verify runs the
    tests with the gate's versions (what passed), not a conflict of both that fell back to
    whatever resolves today. The hook locks offline: both pytest versions are put in uv's cache
    first, online, so the test does not depend on what ran before it on this machine."""
    fixture = Path(__file__).parents[1] / "projects" / "srclayout" / "pyproject.toml"
    pyproject = fixture.read_text().replace(
        'current_version = "2.0.0"\n', f'current_version = "2.0.0"{LOCK_UPGRADING_HOOK}'
    )
    sb = _sandbox(tmp_path, edit={"pyproject.toml": pyproject})
    for pin in ("pytest==8.3.4", "pytest==8.3.3"):  # the last one is the lock committed
        subprocess.run(
            ["uv", "lock", "--upgrade-package", pin], cwd=sb.repo, check=True, capture_output=True
        )
    sb.git("add", "uv.lock")
    sb.git("commit", "-q", "-m", "Lock")

    done = sb.run("release", "patch", "--to", "local", "--yes", check=True)

    assert "WARNING verify could not install" not in done.stderr
    assert "uv.lock" in sb.step_facts("commit")["files"]  # type: ignore[operator]
    released = sb.git("show", "v2.0.1:uv.lock")
    assert 'name = "pytest"\nversion = "8.3.4"' in released  # the hook's upgrade, committed
    assert "pytest-8.3.3" in (sb.repo / ".releasekit" / "gate.log").read_text()
    assert "pytest-8.3.3" in (sb.repo / ".releasekit" / "verify-tests.log").read_text()


PINNED_DEPENDENCY_TEST = """\
import importlib.metadata


def test_the_locked_six() -> None:
    assert importlib.metadata.version("six") == "1.16.0"
"""


def test_verify_tests_get_the_lock_s_versions_of_the_wheel_s_own_dependencies(
    tmp_path: Path,
) -> None:
    """rich's shape: its snapshot tests expect the Pygments (a runtime dependency) its lock pins.
    The smoke test installs the wheel with today's versions; the tests against it run with the
    lock's, the wheel's own dependencies included (no gate ran, whose versions verify would
    otherwise take). Both six versions are put in uv's cache first, online (six: no test
    dependency depends on it, so nothing else pins it)."""
    fixture = Path(__file__).parents[1] / "projects" / "srclayout" / "pyproject.toml"
    pyproject = fixture.read_text().replace(
        'license = "MIT"\n', 'license = "MIT"\ndependencies = ["six"]\n'
    )
    sb = _sandbox(
        tmp_path,
        edit={"pyproject.toml": pyproject, "tests/test_pinned.py": PINNED_DEPENDENCY_TEST},
    )
    for pin in ("six==1.17.0", "six==1.16.0"):  # the last one is the lock committed
        subprocess.run(
            ["uv", "lock", "--upgrade-package", pin], cwd=sb.repo, check=True, capture_output=True
        )
    sb.git("add", "uv.lock")
    sb.git("commit", "-q", "-m", "Lock")

    sb.run("release", "patch", "--to", "local", "--yes", "--skip", "gate", check=True)

    log = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "4 passed" in log, log


FORK_TEST = """\
import forkdep


def test_the_fork_is_installed() -> None:
    assert forkdep.FORK == "tls"
"""


def _fork_repository(base: Path) -> str:
    """A git repository of `forkdep`, a package no index has: the URL of its bare remote."""
    work, bare = base / "forkdep", base / "forkdep.git"
    (work / "forkdep").mkdir(parents=True)
    (work / "forkdep" / "__init__.py").write_text('FORK = "tls"\n')
    (work / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        '[project]\nname = "forkdep"\nversion = "0.17.3"\n'
    )
    git = ["git", "-c", "user.name=F", "-c", "user.email=f@example.invalid"]
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "fork"]):
        subprocess.run([*git, *args], cwd=work, check=True)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return bare.as_uri()


def test_a_uv_git_source_is_what_the_gate_and_verify_install(tmp_path: Path) -> None:
    """urllib3's shape: `[tool.uv.sources]` takes a test dependency from a git fork (its
    hypercorn, whose `tls` extension its TLS tests need). `uv pip install` does not read
    `[tool.uv.sources]`; the gate's constraints from uv.lock now keep the fork's pinned commit,
    and verify installs the commit the gate had. Before, both installed the name from the
    index: here none has it, so the gate's venv could not be made."""
    fork = _fork_repository(tmp_path / "fork")
    pyproject = (PROJECTS / "srclayout" / "pyproject.toml").read_text()
    with_fork = pyproject.replace(
        'test = ["pytest>=8"]\n',
        f'test = ["pytest>=8", "forkdep"]\n\n[tool.uv.sources]\nforkdep = {{ git = "{fork}" }}\n',
    )
    assert with_fork != pyproject
    sb = _sandbox(tmp_path, edit={"pyproject.toml": with_fork, "tests/test_fork.py": FORK_TEST})
    subprocess.run(["uv", "lock"], cwd=sb.repo, check=True, capture_output=True)
    assert f'source = {{ git = "{fork}' in (sb.repo / "uv.lock").read_text()
    sb.git("add", "uv.lock")
    sb.git("commit", "-q", "-m", "Lock")

    done = sb.run("release", "patch", "--to", "local", "--yes", check=True)

    assert "WARNING verify could not install" not in done.stderr  # the gate's pins, URL and all
    assert "4 passed" in (sb.repo / ".releasekit" / "gate.log").read_text()
    resolved = sb.step_facts("gate")["resolved"]
    assert any(pin.startswith(f"forkdep @ git+{fork}@") for pin in resolved), resolved  # type: ignore[union-attr]
    assert "4 passed" in str(sb.step_facts("verify")["tests"])


RELATIVE_IMPORT = """\
import unittest

from .util import shout_of


class ShoutTest(unittest.TestCase):
    def test_shout(self) -> None:
        self.assertEqual(shout_of("hi"), "HI!")
"""


def test_a_unittest_package_is_discovered_from_the_top_of_the_tree(tmp_path: Path) -> None:
    """pathspec's tox env runs `python -m unittest` from the root, and tests/ is a package whose
    modules import `.util`: discovery must start from the top, or the import fails."""
    edit = {
        "tox.ini": "[testenv]\ncommands = python -m unittest {posargs}\n",
        "tests/__init__.py": "",
        "tests/util.py": "import srclib\n\n\ndef shout_of(text: str) -> str:\n"
        "    return srclib.shout(text)\n",
        "tests/test_relative.py": RELATIVE_IMPORT,
    }
    log = _verify_log_of_a_release(tmp_path, edit)
    assert "$ python -m unittest discover -s tests -t ." in log
    assert "Ran 1 test" in log and "OK" in log


UNITTEST_NAMED = """\
import unittest

import srclib


class ShoutTest(unittest.TestCase):
    def test_shout(self) -> None:
        self.assertEqual(srclib.shout("hi"), "HI!")

    def test_shout_empty(self) -> None:
        self.assertEqual(srclib.shout(""), "!")
"""


def test_a_suite_pytest_would_not_collect_runs_in_the_gate_and_verify(tmp_path: Path) -> None:
    """decorator's shape: its only test module is tests/test.py (unittest's pattern, not
    pytest's): `python -m pytest` collected nothing and the gate said no test ran."""
    sb = _sandbox(tmp_path, edit={"tests/test.py": UNITTEST_NAMED})
    sb.git("rm", "-q", "tests/test_srclib.py")
    sb.git("commit", "-qm", "tests as decorator names them")

    done = sb.run("release", "patch", "--to", "local", "--yes")

    assert done.returncode == 0, done.stderr
    gate = (sb.repo / ".releasekit" / "gate.log").read_text()
    assert "python -m pytest tests/test.py" in gate and "2 passed" in gate
    verify = (sb.repo / ".releasekit" / "verify-tests.log").read_text()
    assert "tests/test.py" in verify and "2 passed" in verify
