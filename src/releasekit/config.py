"""The typed, frozen model of ``[tool.releasekit]``.

Precedence, lowest to highest: defaults < pyproject.toml < environment (``RELEASEKIT_*``) < CLI.
:attr:`Config.sources` records where each top-level value came from, so ``releasekit doctor`` and
error messages can say "set in pyproject.toml" or "from RELEASEKIT_TARGET".

A project already set up for towncrier (``[tool.towncrier]``) and bump-my-version
(``[tool.bumpversion]``) needs no ``[tool.releasekit]`` table at all.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    Field,
    ValidationError,
    field_validator,
)

from .alert_settings import AlertSettings
from .audit_settings import AuditSettings
from .checks import (
    check_command,
    check_format,
    check_ref_name,
    check_url,
    non_empty,
    path_name,
)
from .config_errors import format_validation, show
from .config_tables import (
    DocsSettings,
    HistorySpec,
    ImageSettings,
    RefName,
    RelPath,
    RepositorySettings,
    SecretAllow,
    StrictModel,
    SupplySettings,
    Text,
)
from .errors import ConfigError
from .forge.settings import ForgeSettings
from .git import branch_allowed, detect_remote, remote_default_branch
from .tags import FIELDS as TAG_FIELDS
from .tags import VERSION_FIELDS as TAG_VERSION_FIELDS
from .tags import format_tag
from .textfiles import decode, read_bytes

__all__ = [
    "Config",
    "DocsSettings",
    "ImageSettings",
    "SecretAllow",
    "is_legacy_project",
    "load_config",
    "project_file",
    "read_pyproject",
]

BumpKind = Literal["major", "minor", "patch"]
DEFAULT_BUMP_MAP: dict[str, BumpKind] = {
    "breaking": "major",
    "removal": "major",
    "feature": "minor",
}


class Config(StrictModel):
    """Everything ``[tool.releasekit]`` can say. Every key has a sensible default."""

    packages: list[RelPath] = Field(
        default_factory=lambda: ["."],
        description="Paths (relative to the repository root) of the packages released together.",
    )
    target: Text = Field(
        "local",
        description="Where releases go: local (the embedded index), pypi, testpypi, a URL, a "
        "[tool.releasekit.repositories] name or a ~/.pypirc section.",
    )
    tag_format: str | None = Field(
        None,
        description="Tag name template: {version} (or {version_underscored}, 1_2_3) and {name}. "
        "Default: the existing tags' style, else v{version}, or {name}-v{version} per package "
        "when packages are tagged separately.",
    )
    tag_per_package: bool | None = Field(
        None, description="One tag per package. Default: true when there are several packages."
    )
    branches: list[Text] = Field(
        default_factory=lambda: ["main", "master", "release/*"],
        description="Branches (glob patterns) a release may be cut from. Default: main, "
        "master, release/* and the remote's default branch.",
    )
    remote: RefName = Field(
        "origin",
        description="Git remote the release commit and tags go to. Default: the current "
        "branch's upstream remote, else origin, else the only remote.",
    )
    push: bool = Field(True, description="Push the release commit and tags to the remote.")
    history: HistorySpec = Field(
        "git",
        description="Where each release (and `pytest --gate-history` run) is recorded: `git` "
        "(the ref refs/releasekit/history, pushed to the remote after a pushed release), "
        "`git:REF`, a directory (relative to the root, e.g. one CI caches), or `off`.",
    )
    commit_message: str = Field(
        "Release {version}", description="Message of the release commit ({version} is replaced)."
    )
    require_fragments: bool | None = Field(
        None,
        description="Whether a towncrier project needs changelog fragments to release: true "
        "refuses a release without any; false never does; with an explicit BUMP and no "
        "fragments, towncrier writes its empty release ('No significant changes.'). "
        "Default: only when BUMP is omitted (the fragments choose the bump).",
    )
    changelog: bool | str | None = Field(
        None,
        description="The changelog kind: towncrier, keepachangelog, sphinx-changelog (the Sphinx "
        "changelog extension's `.. changelog::` blocks in the docs), file (CHANGES/HISTORY/NEWS/"
        "CHANGELOG in Markdown or reStructuredText), readme (a Changelog/History section of the "
        "README), per-version (a directory of one file per release: CHANGELOG/2.7.1.md), none "
        "(notes from the commits since the last tag, nothing written), or a file's path; false "
        "turns the step off. Default: detected.",
    )
    bump_map: dict[str, BumpKind] = Field(
        default_factory=lambda: dict(DEFAULT_BUMP_MAP),
        description="Fragment type -> bump, used when BUMP is omitted; other types bump patch.",
    )
    gate_command: list[str] | None = Field(
        None,
        description="The quality gate run before anything changes; a non-zero exit stops. "
        "Default: detected, in this order: a noxfile.py session named tests/test/pytest "
        "(`nox -s tests`), tox (`tox -e py<XY>`), hatch (`hatch test` or `hatch run test:...`), "
        "else `python -m pytest` in a venv releasekit makes under .releasekit/work/ with the "
        "project and its test dependencies installed (`--gate` added when the project uses "
        "pytest-releasekit). `python` as the first word means releasekit's own interpreter.",
    )
    gate_reruns: int = Field(
        1,
        ge=0,
        le=5,
        description="How many times the gate runs the tests that failed once more (only those, "
        "when at most 50 failed and nothing stopped the run): a test that then passes is "
        "reported as flaky (a WARNING naming it) and does not stop the release. 0: a failure "
        "stops at once. Not with a configured gate_command or pytest-releasekit's --gate, "
        "whose verdict is its own.",
    )
    verify_tests: Literal["auto"] | bool | list[str] = Field(
        "auto",
        description="Run the project's tests against the installed wheel in verify's fresh venv, "
        'from a copy of the tests outside the source tree. "auto" (or true): each package\'s '
        "tests/ (or test/) directory, skipped when there is none; false: off; a list: pytest "
        "arguments, paths relative to the repository root.",
    )
    verify_previous: bool = Field(
        True,
        description="Compare each wheel with the last release's wheel of the same tags on the "
        "target index: a file it had that this one lacks, and that git did not delete since the "
        "last release's tag (a translation or other file a script made before the build), stops "
        "the release before anything is uploaded. false: off.",
    )
    smoke_command: list[str] | None = Field(
        None,
        description="Run in a fresh venv with the built wheels installed. Default: import every "
        "top-level package of every wheel; one that imports what only the project's extras "
        "provide (black's blackd needs black[d]) is imported with those extras installed.",
    )
    stage: bool | str = Field(
        False,
        description="Staged publish (canary): upload to a staging index first, install the "
        "release from it into fresh venvs on every supported Python found here, run the smoke "
        "command and verify_tests there and an upgrade from the previous release, then publish "
        "the same bytes. true: a second embedded local index (under .releasekit/work/); a name: "
        "a target as for `target` (testpypi, a repositories name, a URL); false: off. "
        "`releasekit release --stage` turns it on for one release.",
    )
    artifact_forbid: list[Text] = Field(
        default_factory=list,
        description="Extra glob patterns that must not appear inside an sdist or wheel.",
    )
    artifact_allow: list[Text] = Field(
        default_factory=list,
        description="Glob patterns exempted from the built-in forbidden-file checks.",
    )
    secret_allow: list[SecretAllow] = Field(
        default_factory=list,
        description="Known findings of the artifact secret scan, each with a reason "
        "(`[[tool.releasekit.secret_allow]]` entries with path, kind, line, reason).",
    )
    repositories: dict[str, RepositorySettings] = Field(
        default_factory=dict, description="Named upload targets."
    )
    image: ImageSettings = Field(default_factory=ImageSettings)  # type: ignore[arg-type]
    docs: DocsSettings = Field(default_factory=DocsSettings)  # type: ignore[arg-type]
    supply: SupplySettings = Field(default_factory=SupplySettings)  # type: ignore[arg-type]
    forge: ForgeSettings = Field(default_factory=ForgeSettings)  # type: ignore[arg-type]
    audit: AuditSettings = Field(default_factory=AuditSettings)  # type: ignore[arg-type]
    alerts: AlertSettings = Field(default_factory=AlertSettings)  # type: ignore[arg-type]
    gate: dict[str, Any] = Field(
        default_factory=dict,
        description="Quality-gate rules for `pytest --gate`; validated by pytest-releasekit.",
    )
    sources: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)
    #: Keys whose value was detected from the repository rather than set: key -> how.
    detected: dict[str, str] = Field(default_factory=dict, exclude=True, repr=False)

    _split = field_validator("gate_command", "smoke_command", mode="before")(check_command)

    @field_validator("verify_tests", mode="before")
    @classmethod
    def _verify_arguments(cls, value: Any) -> Any:
        """A string other than "auto" is pytest arguments, split like a command line."""
        return value if value == "auto" or not isinstance(value, str) else check_command(value)

    @field_validator("packages")
    @classmethod
    def _non_empty(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError('must name at least one package path, e.g. ["."]')
        return value

    @field_validator("branches")
    @classmethod
    def _some_branch(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError('must name at least one branch or glob, e.g. ["main"]')
        return value

    @field_validator("tag_format")
    @classmethod
    def _tag_format(cls, value: str | None) -> str | None:
        if value is not None:
            check_format(value, TAG_FIELDS, required=TAG_VERSION_FIELDS)
            check_ref_name(format_tag(value, "pkg", "1.2.3"), "the tag it makes")
        return value

    @field_validator("commit_message")
    @classmethod
    def _commit_message(cls, value: str) -> str:
        return check_format(non_empty(value), ["version"])

    @field_validator("bump_map", "repositories")
    @classmethod
    def _named(cls, value: dict[str, Any]) -> dict[str, Any]:
        for key in value:
            non_empty(key)
        return value

    @field_validator("gate")
    @classmethod
    def _gate(cls, value: dict[str, Any]) -> dict[str, Any]:
        from pytest_releasekit.gates import all_keys
        from pytest_releasekit.settings import SettingsError, load_settings

        try:
            load_settings(value, [], all_keys(), table_source="")
        except SettingsError as exc:  # the plugin's one-line message
            raise ValueError(str(exc).removeprefix("releasekit:").strip()) from None
        return value

    @field_validator("changelog")
    @classmethod
    def _changelog(cls, value: bool | str | None) -> bool | str | None:
        return path_name(value) if isinstance(value, str) else value

    @field_validator("target")
    @classmethod
    def _target_url(cls, value: str) -> str:
        return check_url(value) if value.startswith(("http://", "https://")) else value

    @field_validator("stage", mode="before")
    @classmethod
    def _stage(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return value
        if not isinstance(value, str):
            raise ValueError("expected true, false or a target name")  # noqa: TRY004 - pydantic
            # reports only a ValueError as a validation error
        return check_url(value) if value.startswith(("http://", "https://")) else non_empty(value)


# Environment overrides for scalar and command keys. Lists are written like a shell command line.
ENV_KEYS: dict[str, str] = {
    "RELEASEKIT_TARGET": "target",
    "RELEASEKIT_REMOTE": "remote",
    "RELEASEKIT_PUSH": "push",
    "RELEASEKIT_REQUIRE_FRAGMENTS": "require_fragments",
    "RELEASEKIT_GATE_COMMAND": "gate_command",
    "RELEASEKIT_GATE_RERUNS": "gate_reruns",
    "RELEASEKIT_VERIFY_TESTS": "verify_tests",
    "RELEASEKIT_SMOKE_COMMAND": "smoke_command",
}


#: What makes a directory without pyproject.toml a (setuptools) project all the same.
LEGACY_FILES = ("setup.cfg", "setup.py")


def is_legacy_project(directory: Path) -> bool:
    """A setuptools project configured by setup.cfg/setup.py alone, without pyproject.toml."""
    return not (directory / "pyproject.toml").exists() and any(
        (directory / name).is_file() for name in LEGACY_FILES
    )


def project_file(directory: Path) -> Path:
    """The file that configures the project: pyproject.toml, else setup.cfg, else setup.py."""
    if is_legacy_project(directory):
        return next(directory / n for n in LEGACY_FILES if (directory / n).is_file())
    return directory / "pyproject.toml"


def read_pyproject(path: Path) -> dict[str, Any]:
    """Parse a pyproject.toml, turning unreadable bytes and syntax errors into one line.

    A setuptools project without one (setup.cfg/setup.py only) reads as an empty table: it has
    no ``[tool.releasekit]`` and releasekit's defaults apply.
    """
    try:
        raw = read_bytes(path)
    except FileNotFoundError:
        if is_legacy_project(path.parent):
            return {}
        raise ConfigError(
            f"{path}: no pyproject.toml here",
            hint="run releasekit from the project's root or pass --root",
        ) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ConfigError(
            f"{path}: starts with a byte-order mark (BOM)", hint="save it as UTF-8 without BOM"
        )
    text = decode(raw, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path}: malformed TOML: {exc}", hint="fix the syntax at that line and try again"
        ) from None


def _coerce_env(key: str, raw: str) -> Any:
    field = Config.model_fields[key]
    if key == "verify_tests":  # auto, a boolean word, or pytest arguments (split on validation)
        word = raw.strip().lower()
        if word in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
            return word in {"1", "true", "yes", "on"}
        return raw
    if field.annotation is bool:
        lowered = raw.strip().lower()
        if lowered in {"1", "true", "yes", "on"}:
            return True
        if lowered in {"0", "false", "no", "off"}:
            return False
        return raw  # let validation name the bad value
    return raw


def _table(data: dict[str, Any], pyproject: Path) -> dict[str, Any]:
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(
            f"{pyproject}: 'tool' must be a table, got {show(tool)}",
            hint="write the tool settings as [tool.NAME] sections",
        )
    table = tool.get("releasekit", {})
    if not isinstance(table, dict):
        raise ConfigError(
            f"{pyproject}: [tool.releasekit] must be a table, got {show(table)}",
            hint="write it as a [tool.releasekit] section",
        )
    internal = sorted(_INTERNAL & set(table))  # computed by releasekit, never configured
    if internal:
        raise ConfigError(
            f"{pyproject}: [tool.releasekit] unknown key '{internal[0]}'",
            hint="remove it (see `releasekit config --keys`)",
        )
    return table


_INTERNAL = {"sources", "detected"}


def _check_files(config: Config, root: Path, pyproject: Path) -> None:
    """Paths the configuration names that exist but are the wrong kind of thing."""
    checks = [
        ("image.context", config.image.context, Path.is_dir, "a directory"),
        ("docs.config_file", config.docs.config_file, Path.is_file, "a file"),
    ]
    if config.image.dockerfile:
        checks.append(("image.dockerfile", config.image.dockerfile, Path.is_file, "a file"))
    for key, value, kind, noun in checks:
        path = root / value
        if path.exists() and not kind(path):
            raise ConfigError(
                f"{pyproject}: [tool.releasekit] key '{key}' = {value!r}: {path} is not {noun}",
                hint=f"point {key} at {noun}",
            )
    if config.docs.enabled and not (root / config.docs.config_file).is_file():
        raise ConfigError(
            f"{pyproject}: [tool.releasekit] key 'docs.config_file' = "
            f"{config.docs.config_file!r}: no such file, but docs.enabled = true",
            hint="create the MkDocs configuration or set docs.enabled = false",
        )


def load_config(
    root: Path,
    *,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Read, layer and validate the configuration of the project at ``root``."""
    from .index import check_index_dir

    pyproject = root / "pyproject.toml"
    table = _table(read_pyproject(pyproject), pyproject)
    values: dict[str, Any] = dict(table)
    sources = {key: str(pyproject) for key in table}
    env = os.environ if environ is None else environ
    for name, key in ENV_KEYS.items():
        if name in env:
            values[key] = _coerce_env(key, env[name])
            sources[key] = f"environment variable {name}"
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = value
            sources[key] = "command line"
    try:
        config = Config.model_validate(values)
    except ValidationError as exc:
        origins = {sources.get(str(e["loc"][0]), str(pyproject)) for e in exc.errors() if e["loc"]}
        hint = "correct the value" + (
            " (`releasekit config --keys` lists every key)"
            if origins <= {str(pyproject)}
            else f" ({', '.join(sorted(origins))})"
        )
        raise ConfigError(format_validation(exc, sources, pyproject), hint=hint) from None
    _check_files(config, root, pyproject)
    if isinstance(config.changelog, str):
        from .changelogs import resolve  # the changelog kinds read this module's Config

        resolve(root, config.model_copy(update={"sources": sources}))
    check_index_dir(env)
    update: dict[str, Any] = {"sources": sources, "detected": {}}
    if "remote" not in sources:
        remote, how = detect_remote(root)
        update["remote"] = remote
        update["detected"]["remote"] = how
    if "branches" not in sources:
        branch = remote_default_branch(root, update.get("remote", config.remote))
        if branch and not branch_allowed(branch, config.branches):
            update["branches"] = [*config.branches, branch]
            update["detected"]["branches"] = f"default, with the remote's default branch {branch}"
    return config.model_copy(update=update)
