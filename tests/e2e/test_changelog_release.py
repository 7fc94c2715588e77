"""Real releases of projects that keep their changelog their own way, and tag their own way."""

from __future__ import annotations

import datetime
import signal
import subprocess
import sys
from pathlib import Path

from releasekit.context import KILL_ENV

from ..conftest import Sandbox, assert_one_error_line, make_sandbox

TODAY = datetime.datetime.now(datetime.UTC).date().isoformat()


def _committed_files(sandbox: Sandbox) -> list[str]:
    return sorted(sandbox.git("show", "--name-only", "--format=", "HEAD").splitlines())


def test_keepachangelog_project(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "cl-keepachangelog")
    init = sandbox.run("init", check=True).stderr
    assert "detected changelog: keep-a-changelog (CHANGELOG.md" in init
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Adopt releasekit")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.run("release", "minor", "--to", "local", "--yes", check=True)
    text = (sandbox.repo / "CHANGELOG.md").read_text()
    assert "## [Unreleased]\n\n## [1.1.0] - " + TODAY + "\n\n### Added\n\n- A `--json`" in text
    assert text.endswith(
        "[Unreleased]: https://example.invalid/cl-kac/compare/v1.1.0...HEAD\n"
        "[1.1.0]: https://example.invalid/cl-kac/compare/v1.0.0...v1.1.0\n"
        "[1.0.0]: https://example.invalid/cl-kac/releases/tag/v1.0.0\n"
    )
    assert _committed_files(sandbox) == ["CHANGELOG.md", "pyproject.toml"]
    assert sandbox.remote_git("tag") == "v1.1.0"
    assert sorted(sandbox.index_files()) == ["cl_kac-1.1.0-py3-none-any.whl", "cl_kac-1.1.0.tar.gz"]
    facts = sandbox.step_facts("changelog")
    assert facts["kind"] == "keepachangelog"
    assert facts["notes"] == "### Added\n\n- A `--json` option.\n"


def test_changes_rst_project(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "cl-changes-rst")
    init = sandbox.run("init", "--towncrier", check=True).stderr
    assert "detected changelog: file (CHANGES.rst, reStructuredText, kept by hand)" in init
    assert not (sandbox.repo / "CHANGELOG.md").exists()
    assert "towncrier" not in (sandbox.repo / "pyproject.toml").read_text()
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Adopt releasekit")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.run("release", "minor", "--to", "local", "--yes", check=True)
    assert (
        (sandbox.repo / "CHANGES.rst")
        .read_text()
        .startswith(
            f"Version 3.2.0\n-------------\n\nReleased {TODAY}\n\n-   Add a ``--json`` option.\n"
        )
    )
    assert _committed_files(sandbox) == ["CHANGES.rst", "pyproject.toml"]
    assert sandbox.remote_git("tag") == "v3.2.0"


def test_a_changelog_symlinked_into_the_docs_releases(tmp_path: Path) -> None:
    """referencing's shape: CHANGES.rst is a symlink to docs/changes.rst. The release wrote
    through the link, then committed the link, which had not changed: "no changes added"."""
    sandbox = make_sandbox(tmp_path, "cl-changes-rst")
    (sandbox.repo / "docs").mkdir()
    sandbox.git("mv", "CHANGES.rst", "docs/changes.rst")
    (sandbox.repo / "CHANGES.rst").symlink_to("docs/changes.rst")
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Keep the changelog in the docs")
    sandbox.run("init", check=True)
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Adopt releasekit")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.run("release", "minor", "--to", "local", "--yes", check=True)
    assert _committed_files(sandbox) == ["docs/changes.rst", "pyproject.toml"]
    assert (sandbox.repo / "CHANGES.rst").is_symlink()
    assert (
        (sandbox.repo / "docs/changes.rst")
        .read_text()
        .startswith(f"Version 3.2.0\n-------------\n\nReleased {TODAY}\n")
    )
    assert sandbox.git("status", "--porcelain") == ""
    assert sandbox.remote_git("tag") == "v3.2.0"


def test_conventional_commits_without_changelog_and_tags_without_v(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "cl-plain")
    sandbox.git("tag", "8.5.0")
    sandbox.git("commit", "-q", "--allow-empty", "-m", "fix: no crash on empty input")
    sandbox.git("commit", "-q", "--allow-empty", "-m", "feat(cli): a --json option")
    sandbox.git("push", "-q", "origin", "main", "8.5.0")

    # plan: BUMP from the commits (feat -> minor), the tag in the project's style
    plan = sandbox.run("plan", check=True).stderr
    assert "8.5.0 -> 8.6.0 (minor)" in plan
    assert "git tag -a 8.6.0" in plan and "v8.6.0" not in plan
    assert "release notes from 2 commit(s) since 8.5.0" in plan
    config = sandbox.run("config", check=True).stderr
    assert "tag_format = '{version}'  (detected from tags 8.5.0)" in config
    assert "changelog = 'none'  (detected: none" in config

    # a version whose tag exists is refused before anything happens
    sandbox.git("tag", "8.6.0")
    before = sandbox.snapshot()
    refused = sandbox.run("release", "minor", "--to", "local", "--yes")
    assert refused.returncode == 3
    assert "tag 8.6.0 already exists" in refused.stderr
    assert sandbox.snapshot() == before
    sandbox.git("tag", "-d", "8.6.0")

    sandbox.run("release", "--to", "local", "--yes", check=True)
    assert sandbox.remote_git("tag").split() == ["8.5.0", "8.6.0"]
    assert _committed_files(sandbox) == ["pyproject.toml"]  # no changelog file written
    stems = ("CHANGELOG", "CHANGES", "HISTORY", "NEWS")
    assert not [p for p in sandbox.repo.iterdir() if p.name.upper().startswith(stems)]
    facts = sandbox.step_facts("changelog")
    assert facts["files"] == [] and facts["kind"] == "none"
    assert facts["notes"] == (
        "### Features\n\n- cli: a --json option\n\n### Fixes\n\n- no crash on empty input\n"
    )

    # nothing conventional since the last tag: BUMP must be given
    sandbox.git("commit", "-q", "--allow-empty", "-m", "Update the docs")
    done = sandbox.run("plan")
    assert done.returncode == 2
    assert "no BUMP given" in done.stderr and "since 8.6.0" in done.stderr


def test_towncrier_without_fragments_and_an_explicit_bump(tmp_path: Path) -> None:
    """attrs', pluggy's and sniffio's sdists carry no fragments: BUMP given, towncrier's own
    empty release is written (and the plan warns); the fragment directory stays."""
    sandbox = make_sandbox(tmp_path, "simple")
    (sandbox.repo / "changelog.d" / "1.feature.md").unlink()
    (sandbox.repo / "changelog.d" / ".gitkeep").write_text("")
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "No fragments")
    sandbox.git("push", "-q", "origin", "main")
    plan = sandbox.run("plan", "patch", "--to", "local")
    assert plan.returncode == 0, plan.stderr
    assert "WARNING: no fragments in changelog.d/: towncrier writes its empty release" in (
        plan.stdout + plan.stderr
    )
    sandbox.run("release", "patch", "--to", "local", "--yes", check=True)
    text = (sandbox.repo / "CHANGELOG.md").read_text()
    assert f"## 1.0.1 ({TODAY})\n\nNo significant changes.\n" in text
    assert _committed_files(sandbox) == ["CHANGELOG.md", "pyproject.toml"]
    assert (sandbox.repo / "changelog.d" / ".gitkeep").exists()
    assert sandbox.remote_git("tag") == "v1.0.1"


def test_a_fragment_of_a_type_towncrier_does_not_know_stops_before_anything(
    tmp_path: Path,
) -> None:
    """``+fix.fixed.md`` where the types are feature/bugfix/...: towncrier would leave it out of
    the changelog without a word. doctor and the release say so first, and change nothing."""
    sandbox = make_sandbox(tmp_path, "simple")
    (sandbox.repo / "changelog.d" / "+lock.fixed.md").write_text("The lock is released.\n")
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "A fragment with a typo in its type")
    sandbox.git("push", "-q", "origin", "main")
    before = sandbox.snapshot()

    doctor = sandbox.run("doctor")
    refused = sandbox.run("release", "patch", "--yes")

    assert doctor.returncode != 0 and "changelog.d/+lock.fixed.md" in doctor.stderr
    assert refused.returncode == 3
    assert_one_error_line(
        refused,
        "changelog.d/+lock.fixed.md: not a fragment type [tool.towncrier] declares",
        "(feature, bugfix, doc, removal, misc)",
        "towncrier would leave it out of CHANGELOG.md",
        "rename",
    )
    assert sandbox.snapshot() == before

    sandbox.git("mv", "changelog.d/+lock.fixed.md", "changelog.d/+lock.bugfix.md")
    sandbox.git("commit", "-q", "-m", "Its type, spelled right")
    sandbox.git("push", "-q", "origin", "main")
    sandbox.run("release", "patch", "--yes", check=True)
    assert "The lock is released." in (sandbox.repo / "CHANGELOG.md").read_text()


KILLED = "applied:changelog"
WRITTEN_AHEAD = """The one where the greeting learned punctuation.

### What's fixed

**`greet` ends with an exclamation mark**, as the docs always said.
"""


def test_one_file_per_release(tmp_path: Path) -> None:
    """cookiecutter's shape: CHANGELOG/2.7.1.md, one file per release, written by hand before
    the release. The file written ahead is the release's notes, left as it is; without one, the
    release writes it from the commits, named as the others are."""
    sandbox = make_sandbox(tmp_path, "cl-per-version")
    sandbox.git("tag", "-a", "v2.7.1", "-m", "Release 2.7.1")
    init = sandbox.run("init", check=True).stderr
    assert "detected changelog: one file per release (CHANGELOG/<version>.md)" in init
    assert not (sandbox.repo / "CHANGELOG.md").exists()
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Adopt releasekit")
    (sandbox.repo / "CHANGELOG" / "2.7.2.md").write_text(WRITTEN_AHEAD)
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Notes for 2.7.2")
    sandbox.git("push", "-q", "origin", "main", "v2.7.1")

    plan = sandbox.run("plan", "patch", check=True)
    assert "CHANGELOG/2.7.2.md is written already" in plan.stdout + plan.stderr
    sandbox.run("release", "patch", "--to", "local", "--yes", check=True)
    assert (sandbox.repo / "CHANGELOG" / "2.7.2.md").read_text() == WRITTEN_AHEAD
    assert _committed_files(sandbox) == ["pyproject.toml"]
    facts = sandbox.step_facts("changelog")
    assert (facts["kind"], facts["files"], facts["notes"]) == ("per-version", [], WRITTEN_AHEAD)
    assert sandbox.remote_git("tag").split() == ["v2.7.1", "v2.7.2"]

    (sandbox.repo / "src/cl_per_version/__init__.py").write_text('"""Fixed."""\n')
    sandbox.git("commit", "-q", "-am", "fix: keep the module's docstring only")
    sandbox.git("push", "-q", "origin", "main")
    # killed once the file is written and before the journal knows: the resumed release
    # must not take its own file for one written ahead (and leave it out of the commit)
    killed = sandbox.run("release", "patch", "--to", "local", "--yes", env={KILL_ENV: KILLED})
    assert killed.returncode == -signal.SIGKILL
    assert (sandbox.repo / "CHANGELOG" / "2.7.3.md").is_file()
    sandbox.run("release", "--resume", check=True)
    written = (sandbox.repo / "CHANGELOG" / "2.7.3.md").read_text()
    assert written == "### Fixes\n\n- keep the module's docstring only\n"
    assert _committed_files(sandbox) == ["CHANGELOG/2.7.3.md", "pyproject.toml"]
    assert sorted(p.name for p in (sandbox.repo / "CHANGELOG").iterdir()) == [
        "2.7.0.md", "2.7.1.md", "2.7.2.md", "2.7.3.md"
    ]  # fmt: skip
    assert sandbox.remote_git("show", "v2.7.3:CHANGELOG/2.7.3.md") == written.rstrip("\n")


def _sphinx(sandbox: Sandbox, out: Path) -> subprocess.CompletedProcess[str]:
    """The docs built as a project's CI builds them: every warning an error."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs/source", str(out)],
        cwd=sandbox.repo,
        capture_output=True,
        text=True,
        check=False,
    )


def test_one_file_per_release_headed_and_listed(tmp_path: Path) -> None:
    """rfc3986's shape: docs/source/release-notes/2.0.0.rst headed ``2.0.0 - 2022-01-10`` over
    dashes, each file listed in the directory's index.rst toctree, newest first. The release's
    file is headed as the latest one and listed above it, so that ``sphinx-build -W`` still
    builds (a file in no toctree is a warning); a resumed release lists it once."""
    sandbox = make_sandbox(tmp_path, "cl-per-version-sphinx")
    sandbox.git("tag", "-a", "v2.0.0", "-m", "Release 2.0.0")
    init = sandbox.run("init", check=True).stderr
    assert "one file per release (docs/source/release-notes/<version>.rst)" in init
    assert not sandbox.git("status", "--porcelain")  # nothing for it to write
    (sandbox.repo / "src/uri_notes/__init__.py").write_text(
        (sandbox.repo / "src/uri_notes/__init__.py").read_text().replace("isalpha", "isascii")
    )
    sandbox.git("commit", "-q", "-am", "fix: schemes with digits")
    sandbox.git("push", "-q", "origin", "main", "v2.0.0")
    built = _sphinx(sandbox, tmp_path / "before")
    assert built.returncode == 0, built.stderr

    killed = sandbox.run("release", "patch", "--to", "local", "--yes", env={KILL_ENV: KILLED})
    assert killed.returncode == -signal.SIGKILL
    sandbox.run("release", "--resume", check=True)

    notes = sandbox.repo / "docs/source/release-notes"
    heading = f"2.0.1 - {TODAY}"
    assert (notes / "2.0.1.rst").read_text() == f"{heading}\n{'-' * 18}\n\n- schemes with digits\n"
    listed = [line.strip() for line in (notes / "index.rst").read_text().splitlines()]
    assert listed[listed.index("unreleased") :][:3] == ["unreleased", "2.0.1", "2.0.0"]
    assert listed.count("2.0.1") == 1
    assert _committed_files(sandbox) == [
        "docs/source/release-notes/2.0.1.rst",
        "docs/source/release-notes/index.rst",
        "src/uri_notes/__init__.py",
    ]
    assert sandbox.step_facts("changelog")["notes"] == "- schemes with digits\n"
    built = _sphinx(sandbox, tmp_path / "after")
    assert built.returncode == 0, built.stderr
    assert "2.0.1 - " in (tmp_path / "after/release-notes/2.0.1.html").read_text()


def test_a_release_s_notes_file_that_is_a_link_stops_the_plan(tmp_path: Path) -> None:
    """A committed symbolic link where the release's file goes: read, its target's text would
    be the release's notes (a file outside the repository, published with the release);
    written, the write would go where it points. Doctor and release stop on it, one ERROR line,
    nothing changed."""
    sandbox = make_sandbox(tmp_path, "cl-per-version")
    secret = tmp_path / "outside.txt"
    secret.write_text("not for publishing\n")
    (sandbox.repo / "CHANGELOG" / "2.7.2.md").symlink_to(secret)
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "A link")
    sandbox.git("tag", "-a", "v2.7.1", "-m", "Release 2.7.1")
    sandbox.git("push", "-q", "origin", "main", "v2.7.1")
    head = sandbox.git("rev-parse", "HEAD")
    for args in (("doctor",), ("release", "patch", "--to", "local", "--yes")):
        done = sandbox.run(*args)
        line = assert_one_error_line(done, "CHANGELOG/2.7.2.md is a symbolic link", "make")
        assert "not for publishing" not in done.stdout + done.stderr
        assert done.returncode == 3, line
    assert secret.read_text() == "not for publishing\n"
    assert sandbox.git("rev-parse", "HEAD") == head
    assert sandbox.git("status", "--porcelain") == ""
    assert sandbox.remote_git("tag").split() == ["v2.7.1"]
    assert not sandbox.index_files()
