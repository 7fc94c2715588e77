"""Random values for every configuration key, environment variable and command-line option:
releasekit answers with a ReleasekitError (one ERROR line) or accepts the value; any other
exception would be a traceback, and fails (issue 12)."""

from __future__ import annotations

import argparse
import contextlib
import types
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from releasekit import changelogs, cli
from releasekit.config import ENV_KEYS, Config, load_config
from releasekit.context import Context
from releasekit.errors import ConfigError, ReleasekitError, UsageError
from releasekit.git import branch_allowed
from releasekit.pipeline import Pipeline, default_steps
from releasekit.targets import resolve_target
from releasekit.versioning import next_version

INTERNAL = {"sources", "detected"}
# remote and branches are given, so loading never asks git to detect them
BASE = '[project]\nname = "x"\nversion = "1.0"\n[tool.releasekit]\nremote = "origin"\n'
BASE += 'branches = ["main"]\n'
EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

TRICKY = [  # what people get wrong: templates, quoting, paths, URLs
    *("", " ", "{", "}", "{}", "{0}", "{version}", "{version:d}", "{version!r}", "v{versoin}"),
    *("{name}", "a 'b", "-x", "..", "/etc", "http://", "http://h:99999/", "ftp://h/"),
    *("n" * 256, "d/" * 2048, "a\0b"),  # names no file system holds: ENAMETOOLONG, NUL
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers()  # unbounded: huge numbers too
    | st.floats()  # nan and infinities too
    | st.text()  # any unicode, control characters, surrogates excluded by hypothesis
    | st.sampled_from(TRICKY)
)
values = scalars | st.recursive(  # half plain values, half lists and tables of them
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def _paths(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every key, nested tables' keys as dotted paths."""
    found = []
    for name, field in model.model_fields.items():
        if name in INTERNAL:
            continue
        found.append(prefix + name)
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found += _paths(annotation, f"{prefix}{name}.")
    return found


KEYS = _paths(Config)
REPOSITORY_KEYS = ["url", "index_url", "username"]


def _overrides(key: str, value: Any) -> dict[str, Any]:
    head, _, rest = key.partition(".")
    return {head: {rest: value}} if rest else {head: value}


def _use(root: Path, config: Config) -> None:
    """What the release does with the values first: templates, branch globs, the target, the
    changelog."""
    config.commit_message.format(version="1.2.3")
    if config.tag_format:
        config.tag_format.format(name="pkg", version="1.2.3")
    branch_allowed("main", config.branches)
    resolve_target(config.target, config)
    changelogs.resolve(root, config)


def _load(root: Path, overrides: dict[str, Any], environ: dict[str, str] | None = None) -> None:
    try:
        config = load_config(root, overrides=overrides, environ=environ or {})
    except ReleasekitError:
        return
    with contextlib.suppress(ReleasekitError):
        _use(root, config)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(BASE)
    return tmp_path


def test_every_key_is_covered() -> None:
    assert {"tag_format", "gate_command", "image.builder", "docs.branch", "repositories"} <= set(
        KEYS
    )
    assert len(KEYS) >= 40


@pytest.mark.parametrize("key", KEYS)
@EXAMPLES
@given(value=values)
@example(value="n" * 256)  # a name no file system holds: File name too long
@example(value="d/" * 2048)  # a path longer than PATH_MAX
def test_any_value_of_any_key(root: Path, key: str, value: Any) -> None:
    _load(root, _overrides(key, value))


@pytest.mark.parametrize("key", REPOSITORY_KEYS)
@EXAMPLES
@given(value=values)
def test_any_value_in_a_repository_table(root: Path, key: str, value: Any) -> None:
    table = {"url": "https://upload.example/legacy/", key: value}
    _load(root, {"repositories": {"corp": table}})


@EXAMPLES
@given(table=st.dictionaries(st.sampled_from(KEYS), values, max_size=4))
def test_any_combination(root: Path, table: dict[str, Any]) -> None:
    overrides: dict[str, Any] = {}
    for key, value in table.items():
        head, _, rest = key.partition(".")
        if rest and isinstance(overrides.get(head, {}), dict):
            overrides.setdefault(head, {})[rest] = value
        elif not rest:
            overrides[head] = value
    _load(root, overrides)


@pytest.mark.parametrize("name", [*ENV_KEYS, "RELEASEKIT_INDEX_DIR"])
@EXAMPLES
@given(text=st.text())
@example(text="q" * 256)  # a name too long for the file system
def test_any_environment_value(root: Path, name: str, text: str) -> None:
    _load(root, {}, {name: text.replace("\0", "")})  # no NUL: an environment cannot hold one


# ----------------------------------------------------------------------------- the CLI
OPTIONS = [  # (argv before the value, argv after it): every option that takes a value
    (["-C"], ["status"]),
    (["--root"], ["status"]),
    (["release"], ["--yes"]),  # BUMP
    (["release", "minor", "--to"], []),
    (["release", "minor", "--skip"], []),
    (["plan"], []),
    (["plan", "minor", "--to"], []),
    (["plan", "minor", "--skip"], []),
    (["doctor", "--to"], []),
    (["demo", "--dir"], []),
    (["index", "serve", "--port"], []),
    (["index", "serve", "--dir"], []),
    ([], []),  # a subcommand name
    (["index"], []),  # an index action
]
words = st.text().filter(lambda s: not s.startswith("-") and "\0" not in s)


def _parse(argv: list[str]) -> argparse.Namespace | None:
    try:
        return cli.build_parser().parse_args(argv)
    except UsageError:
        return None


@pytest.mark.parametrize(("before", "after"), OPTIONS)
@EXAMPLES
@given(value=words)
def test_any_option_value(before: list[str], after: list[str], value: str) -> None:
    """argparse answers with a UsageError; what it accepts, the library takes or refuses."""
    args = _parse([*before, value, *after])
    if args is None:
        return
    try:
        if before[:1] in (["-C"], ["--root"]):
            cli._root(args.root)
        elif before[-1:] in (["release"], ["plan"]):
            next_version("1.0.0", value)
        elif before[-1:] == ["--skip"]:
            Pipeline(cast(Context, types.SimpleNamespace()), default_steps(), [value])
    except ReleasekitError:
        pass


@EXAMPLES
@given(value=words)
def test_any_target(root: Path, value: str) -> None:
    """``--to VALUE`` is the ``target`` override: a ConfigError or a target."""
    try:
        config = load_config(root, overrides={"target": value}, environ={})
        resolve_target(config.target, config)
    except ConfigError:
        pass


def test_several_problems_are_one_line(root: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(root, overrides={"push": "maybe", "tag_format": "{x}", "branches": []})
    text = str(info.value)
    assert "\n" not in text
    assert "key 'tag_format' = '{x}'" in text
    assert "(and 2 more problems)" in text


def test_internal_keys_are_not_settable(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(BASE + "sources = {push = 'x'}\n")
    with pytest.raises(ConfigError, match="unknown key 'sources'"):
        load_config(tmp_path, environ={})


@pytest.mark.parametrize("option", [["demo", "--dir"], ["index", "serve", "--dir"]])
def test_a_directory_name_too_long_for_the_file_system_is_a_usage_error(option: list[str]) -> None:
    """Found by test_any_option_value: Path.exists() raised ENAMETOOLONG from argparse."""
    with pytest.raises(UsageError, match="File name too long"):
        cli.build_parser().parse_args([*option, "0" * 300])


def test_a_root_name_too_long_for_the_file_system_is_a_usage_error() -> None:
    """Hypothesis found it: ``-C <300 characters>`` was an OSError traceback (ENAMETOOLONG)."""
    with pytest.raises(UsageError, match=r"^-C/--root '0{300}': File name too long -- "):
        cli._root(Path("0" * 300))
