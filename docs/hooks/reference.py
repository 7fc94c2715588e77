"""MkDocs hook: reference sections generated from the code, so they never drift from it.

``on_page_markdown`` replaces these markers in any page:

* ``<!-- releasekit:config-reference -->``: every key of ``[tool.releasekit]`` and its sub-tables,
  from the pydantic models in :mod:`releasekit.config` (type, default, description, environment
  variable from ``ENV_KEYS``);
* ``<!-- releasekit:cli-reference -->``: every command's ``--help``, from
  ``releasekit.cli.build_parser()``;
* ``<!-- releasekit:ci-github -->``: the workflow ``releasekit init --ci github`` writes;
* ``<!-- releasekit:steps -->``: the release steps in order, from
  ``releasekit.pipeline.default_steps()``, with ``--skip`` and whether each reaches outside.

A snippet of a generated file that does not exist yet (``GENERATED``) becomes a note saying how to
generate it, so ``check_paths`` stays on for every other snippet.

``on_page_content`` turns the Sphinx roles of the docstrings rendered by mkdocstrings
(``:class:`Step```) into plain code spans.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import re
import sys
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from pydantic import BaseModel
from pydantic.fields import FieldInfo

CONFIG_MARKER = "<!-- releasekit:config-reference -->"
CLI_MARKER = "<!-- releasekit:cli-reference -->"
STEPS_MARKER = "<!-- releasekit:steps -->"
CI_MARKER = "<!-- releasekit:ci-github -->"
#: argparse wraps --help to $COLUMNS; fix it so builds are reproducible
HELP_COLUMNS = "100"
#: files that pages include with pymdownx.snippets but that a command writes: {path: command}
GENERATED = {"docs/gate/benchmark-results.md": "nox -s bench-gate"}


# ---------------------------------------------------------------------------------- config
def _type(annotation: Any) -> str:
    """A TOML-minded name of a field's type: ``list of strings``, ``"a" | "b"``, ``table``."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        kinds = [_type(a) for a in args if a is not type(None)]
        return " | ".join(kinds) + (" (or unset)" if type(None) in args else "")
    if origin is typing.Literal:
        return " | ".join(json.dumps(a) for a in args)
    if origin is list:
        return f"list of {_type(args[0])}s" if args else "list"
    if origin is dict:
        return f"table of {_type(args[1])}" if args else "table"
    names = {str: "string", bool: "boolean", int: "integer", float: "number"}
    if annotation in names:
        return names[annotation]
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return "table"
    return "value" if annotation is Any else getattr(annotation, "__name__", str(annotation))


def _toml(value: Any) -> str:
    """A default value as it would be written in pyproject.toml."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return json.dumps(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _default(field: FieldInfo) -> str:
    if field.is_required():
        return "**required**"
    value = field.get_default(call_default_factory=True)
    return "unset" if value is None else f"`{_toml(value)}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _accepts_string(model: type[BaseModel]) -> set[str]:
    """Fields that also accept a string, split like a shell command line (``_split_command``)."""
    found: set[str] = set()
    for decorator in model.__pydantic_decorators__.field_validators.values():
        if decorator.func.__name__ == "_split_command":
            found.update(decorator.info.fields)
    return found


def _nested(field: FieldInfo) -> type[BaseModel] | None:
    """The model of a sub-table: ``image: ImageSettings`` or ``repositories: dict[str, ...]``."""
    annotation = field.annotation
    if typing.get_origin(annotation) is dict:
        annotation = typing.get_args(annotation)[1]
    if inspect.isclass(annotation) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _key_table(model: type[BaseModel], prefix: str, env: dict[str, str]) -> str:
    rows = ["| key | type | default | description |", "|---|---|---|---|"]
    commands = _accepts_string(model)
    for name, field in model.model_fields.items():
        if field.exclude or _nested(field) is not None:
            continue
        kind = _type(field.annotation)
        if name in commands:
            kind += ", or a string split like a shell command line"
        text = field.description or ""
        if prefix + name in env:
            text += f" Environment: `{env[prefix + name]}`."
        key = f"`{name}`{{#{prefix}{name}}}"
        rows.append(f"| {key} | {_cell(kind)} | {_default(field)} | {_cell(text)} |")
    return "\n".join(rows)


def config_reference() -> str:
    from releasekit.config import ENV_KEYS, Config

    env = {key: name for name, key in ENV_KEYS.items()}
    parts = ["### `[tool.releasekit]` {#tool-releasekit}", "", _key_table(Config, "", env)]
    for name, field in Config.model_fields.items():
        model = _nested(field)
        if model is None:
            continue
        many = typing.get_origin(field.annotation) is dict
        table = f"tool.releasekit.{name}" + (".NAME" if many else "")
        doc = inspect.cleandoc(model.__doc__ or "").split("\n\n")[0]
        doc = re.sub(r"^``\[[^\]]+\]``:\s*", "", doc)  # the docstring starts with the table name
        parts += [
            "",
            f"### `[{table}]` {{#{name}}}",
            "",
            _cell(doc[:1].upper() + doc[1:]),
            "",
            _key_table(model, f"{name}.", env),
        ]
    env_rows = ["| variable | key |", "|---|---|"]
    env_rows += [f"| `{var}` | [`{key}`](#{key}) |" for var, key in ENV_KEYS.items()]
    parts += ["", "### Environment variables {#environment}", "", *env_rows]
    return "\n".join(parts)


# ---------------------------------------------------------------------------------- CLI
def _commands(parser: argparse.ArgumentParser) -> Iterator[tuple[argparse.ArgumentParser, str]]:
    """Every parser below ``parser`` (depth first) with its one-line help."""
    for action in parser._actions:  # argparse has no public API to walk subcommands
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield sub, helps.get(name, "")
                yield from _commands(sub)


def cli_reference() -> str:
    from releasekit.cli import build_parser

    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = HELP_COLUMNS
    try:
        parser = build_parser()
        sections = [("releasekit", "", parser.format_help())]
        sections += [(sub.prog, text, sub.format_help()) for sub, text in _commands(parser)]
    finally:
        if saved is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = saved
    out = []
    for prog, text, usage in sections:
        out += [f"### `{prog}`", ""]
        if text:
            out += [text[:1].upper() + text[1:] + ".", ""]
        out += ["```text", usage.rstrip(), "```", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------- steps
def _summary(step: object) -> str:
    """The first paragraph of the step module's docstring, without the leading ``name:``."""
    doc = inspect.cleandoc(sys.modules[type(step).__module__].__doc__ or "")
    first = " ".join(doc.split("\n\n")[0].split())
    first = first.split(": ", 1)[1] if ": " in first[:30] else first
    first = first.replace("``", "`")
    return first[:1].upper() + first[1:]


def ci_reference() -> str:
    from releasekit.ci import workflow

    return f"```yaml\n{workflow('github')}```"


def steps_reference() -> str:
    from releasekit.pipeline import SKIPPABLE, default_steps

    rows = [
        "| # | step | what it does | `--skip` | reaches outside this machine |",
        "|---|---|---|---|---|",
    ]
    for number, step in enumerate(default_steps(), start=1):
        outside = "no"
        if step.external:
            outside = "yes, irreversible on some targets" if step.irreversible else "yes"
        skip = "yes" if step.name in SKIPPABLE else "no"
        rows.append(f"| {number} | `{step.name}` | {_cell(_summary(step))} | {skip} | {outside} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------- hooks
MARKERS: dict[str, Callable[[], str]] = {
    CONFIG_MARKER: config_reference,
    CLI_MARKER: cli_reference,
    STEPS_MARKER: steps_reference,
    CI_MARKER: ci_reference,
}
#: ``:class:`~pkg.mod.Name``` -> ``Name``; ``:meth:`Step.plan``` -> ``Step.plan``
_ROLE = re.compile(r":(?:class|meth|func|attr|mod|data|exc|obj):<code>(?:~[\w.]*\.)?")


def on_page_markdown(markdown: str, *, config: MkDocsConfig, **_: Any) -> str:
    for marker, render in MARKERS.items():
        if marker in markdown:
            markdown = markdown.replace(marker, render())
    root = Path(config.config_file_path).parent
    for path, command in GENERATED.items():
        include = f'--8<-- "{path}"'
        if include in markdown and not (root / path).is_file():
            note = f'!!! note "Not generated yet"\n    `{command}` writes this section to `{path}`.'
            markdown = markdown.replace(include, note)
    return markdown


def on_page_content(html: str, **_: Any) -> str:
    return _ROLE.sub("<code>", html)
