"""`releasekit release` end to end with the image and docs steps on: the real CLI in a subprocess,
the embedded local index, buildah, Debian's docker-registry, mike and a bare git remote.

Skipped until the image/docs/promote steps are part of ``pipeline.default_steps()``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from releasekit.context import KILL_ENV
from releasekit.image import Buildah
from releasekit.pipeline import default_steps

from ..conftest import PROJECTS, Sandbox, assert_one_error_line, make_sandbox
from . import infra


def test_image_docs_and_promote_are_release_steps() -> None:
    names = [step.name for step in default_steps()]
    assert names.index("verify") < names.index("image") < names.index("docs")
    assert (
        names.index("docs") < names.index("publish") < names.index("tag") < names.index("promote")
    )


SIMPLE = (PROJECTS / "simple" / "pyproject.toml").read_text()
SITE = {
    "mkdocs.yml": "site_name: simple-pkg\ntheme:\n  name: material\n"
    "extra:\n  version:\n    provider: mike\n",
    "docs/index.md": "# simple-pkg\n\nA tiny project.\n",
}


def _with_image(
    tmp_path: Path, registry: infra.LocalRegistry, files: dict[str, str], namespace: str = ""
) -> Sandbox:
    where = f"{registry.host}/{namespace}" if namespace else registry.host
    table = (
        f'\n[tool.releasekit.image]\nbase_image = "{infra.BASE_IMAGE}"\n'
        f'registry = "{where}"\ntls_verify = false\n'
    )
    sandbox = make_sandbox(tmp_path, "simple", edit={"pyproject.toml": SIMPLE + table})
    _add(sandbox, files)
    return sandbox


def _add(sandbox: Sandbox, files: dict[str, str]) -> None:
    if not files:
        return
    for rel, text in files.items():
        (sandbox.repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (sandbox.repo / rel).write_text(text)
    sandbox.git("add", "-A")
    sandbox.git("commit", "-q", "-m", "Add files")
    sandbox.git("push", "-q", "origin", "main")


def _facts(sandbox: Sandbox, step: str) -> dict[str, object]:
    state = sandbox.repo / ".releasekit"
    current = state / "journal.jsonl"  # a finished release stays here until the next one starts
    path = current if current.exists() else sorted((state / "history").glob("*.jsonl"))[-1]
    events = [json.loads(line) for line in path.read_text().splitlines()]
    done = [e for e in events if e["step"] == step and e["event"] == "done"]
    facts = done[-1]["facts"]
    assert isinstance(facts, dict)
    return facts


def _pull_and_run(registry: infra.LocalRegistry, digest: str, repository: str) -> str:
    builder = Buildah()
    for tag in ("1.1.0", "latest"):
        builder.remove(f"{registry.host}/{repository}:{tag}")
    by_digest = f"{registry.host}/{repository}@{digest}"
    builder.pull(by_digest, tls_verify=False)
    done = builder.run(by_digest, ["--version"])
    assert done.returncode == 0, done.output
    return done.stdout.strip()


def test_release_with_image(tmp_path: Path, base_image: str, registry: infra.LocalRegistry) -> None:
    """``releasekit release`` builds, pushes and verifies the image. A registry written with a
    namespace (``host:port/team``, like ``ghcr.io/OWNER``) is pushed to and verified as
    ``team/simple-pkg`` on that host. (A project's own Dockerfile, and a registry without a
    namespace, are released in test_image_build.)"""
    sandbox = _with_image(tmp_path, registry, {}, "team")
    done = sandbox.run("release", "minor", "--to", "local", "--yes", check=True)
    assert "Released simple-pkg 1.1.0" in done.stderr
    assert sorted(sandbox.index_files()) == [
        "simple_pkg-1.1.0-py3-none-any.whl",
        "simple_pkg-1.1.0.tar.gz",
    ]
    image = _facts(sandbox, "image")
    assert image["generated"]
    assert image["name"] == "team/simple-pkg"
    assert registry.tags("team/simple-pkg") == ["1.1.0", "latest"]
    assert _pull_and_run(registry, str(image["digest"]), "team/simple-pkg") == "simple-pkg 1.1.0"


def test_docs_two_releases_and_rollback_of_the_second(tmp_path: Path) -> None:
    sandbox = make_sandbox(tmp_path, "simple")
    _add(sandbox, SITE)
    sandbox.run("release", "minor", "--to", "local", "--yes", check=True)
    _add(sandbox, {"changelog.d/2.feature.md": "More.\n"})
    killed = sandbox.run(
        "release", "minor", "--to", "local", "--yes", env={KILL_ENV: "promote:moved-docs-alias"}
    )
    assert killed.returncode < 0  # SIGKILLed after latest moved, before the step finished

    def versions() -> dict[str, list[str]]:
        out = subprocess.run(
            ["git", "show", "gh-pages:versions.json"],
            cwd=sandbox.remote,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return {v["version"]: v["aliases"] for v in json.loads(out)}

    assert versions() == {"1.2.0": ["latest"], "1.1.0": []}
    sandbox.run("release", "--rollback", check=True)
    assert versions() == {"1.1.0": ["latest"]}


def _path_without_builders(tmp_path: Path) -> str:
    """A PATH with git (and this Python's bin dir) but no docker, podman or buildah."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "/usr/bin/git")
    return f"{bin_dir}{os.pathsep}{Path(sys.executable).parent}"


BAD_IMAGE = {
    "syntax-error": ({"Dockerfile": "FROM {base}\nCOPPY x /x\n"}, 'Unknown instruction: "COPPY"'),
    "smoke-fails": (
        {"Dockerfile": 'FROM {base}\nENTRYPOINT ["python3", "-c", "print(\'boom\'); exit(3)"]\n'},
        "image smoke test failed",
    ),
    "no-builder": ({}, "no container builder found (docker buildx: not installed; podman"),
}


@pytest.mark.parametrize("case", sorted(BAD_IMAGE))
def test_bad_image_input_is_one_line_before_anything_is_published(
    tmp_path: Path, base_image: str, registry: infra.LocalRegistry, case: str
) -> None:
    files, needle = BAD_IMAGE[case]
    sandbox = _with_image(
        tmp_path, registry, {k: v.format(base=base_image) for k, v in files.items()}
    )
    env = {"PATH": _path_without_builders(tmp_path)} if case == "no-builder" else None
    done = sandbox.run("release", "minor", "--to", "local", "--yes", env=env)
    assert_one_error_line(done, needle)
    assert sandbox.index_files() == {}
    assert registry.tags("simple-pkg") == []
    assert sandbox.remote_git("tag") == ""


BAD_DOCS = {
    "strict-warning": (
        {**SITE, "docs/index.md": "# simple-pkg\n\nSee [the guide](guide.md).\n"},
        "",
        "mkdocs build --strict failed",
    ),
    "missing-mkdocs-yml": (
        {},
        "\n[tool.releasekit.docs]\nenabled = true\n",
        "'docs.config_file' = 'mkdocs.yml': no such file, but docs.enabled = true",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_DOCS))
def test_bad_docs_input_is_one_line_before_anything_is_published(tmp_path: Path, case: str) -> None:
    files, table, needle = BAD_DOCS[case]
    sandbox = make_sandbox(tmp_path, "simple", edit={"pyproject.toml": SIMPLE + table})
    _add(sandbox, files)
    done = sandbox.run("release", "minor", "--to", "local", "--yes")
    assert_one_error_line(done, needle)
    assert sandbox.index_files() == {}
    assert sandbox.remote_git("branch", "--list", "gh-pages") == ""
    assert sandbox.remote_git("tag") == ""


def test_doctor_knows_what_the_image_and_docs_steps_need(
    tmp_path: Path, registry: infra.LocalRegistry
) -> None:
    """doctor = preflight + every step's prerequisites: a missing builder and a docs remote that
    does not exist are reported before a release starts, not found by the image or docs step."""
    docs = '\n[tool.releasekit.docs]\nremote = "docs-remote"\n'
    sandbox = _with_image(tmp_path, registry, SITE)
    pyproject = sandbox.repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + docs)
    _add(sandbox, {})
    sandbox.git("commit", "-qam", "docs remote")
    sandbox.git("push", "-q", "origin", "main")
    done = sandbox.run("doctor", env={"PATH": _path_without_builders(tmp_path)})
    assert done.returncode == 3
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert any("no container builder found" in line for line in errors), done.stderr
    assert any("no git remote 'docs-remote' to publish the docs to" in line for line in errors)
    assert "Traceback" not in done.stderr


def test_an_image_tag_already_in_the_registry_is_refused_in_preflight(
    tmp_path: Path, registry: infra.LocalRegistry
) -> None:
    sandbox = _with_image(tmp_path, registry, {})
    infra.push_synthetic(registry.host, "simple-pkg", "1.1.0", "someone else's")
    before = sandbox.snapshot()
    done = sandbox.run("release", "minor", "--to", "local", "--yes")
    assert done.returncode == 3  # preflight: nothing was built, committed or uploaded
    assert_one_error_line(done, f"registry {registry.host} already has")
    assert sandbox.snapshot() == before


def test_a_base_image_this_machine_cannot_get_stops_preflight_and_doctor_names_it(
    tmp_path: Path, base_image: str, registry: infra.LocalRegistry
) -> None:
    """bump-my-version's Dockerfile starts FROM ghcr.io, which this machine cannot reach: known
    before anything changes (doctor, preflight), not by the build after the version commit. The
    base image in local storage, in the same Dockerfile, is no problem."""
    dockerfile = f"FROM {base_image} AS local\nFROM registry.invalid/acme/uv:1 AS remote\n"
    sandbox = _with_image(tmp_path, registry, {"Dockerfile": dockerfile})
    before = sandbox.snapshot()

    doctor = sandbox.run("doctor")
    release = sandbox.run("release", "minor", "--to", "local", "--yes")

    needle = (
        "Dockerfile line 2: the base image registry.invalid/acme/uv:1 is not in buildah's local "
        "storage and its registry registry.invalid cannot be reached from here"
    )
    assert doctor.returncode == 3 and needle in doctor.stderr, doctor.stderr
    assert base_image not in doctor.stderr
    assert release.returncode == 3  # preflight
    assert_one_error_line(release, needle)
    assert sandbox.snapshot() == before
    assert registry.tags("simple-pkg") == []
