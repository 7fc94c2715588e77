"""The effective value of every key whose default is detected, and where it came from.

``releasekit config`` shows these instead of the raw ``None`` of an unset key: the tag format
learned from the tags, the changelog kind found in the project, the remote and branches git
knows, whether the image and docs steps run, the gate's command; and where each package's version
is read (``version source``), which is no key but decides what a release writes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .alerts import alert_values
from .changelogs import resolve
from .config import Config, read_pyproject
from .docsite import docs_skip_reason
from .errors import ConfigError
from .forge.detect import forge_values
from .image.spec import image_skip_reason
from .supply.attest import decide
from .tags import effective_tag_format
from .testenv import detect
from .workspace import load_workspace

__all__ = ["effective_values"]

Value = tuple[Any, str]  # (effective value, where it came from)


class Described(str):
    """A default that depends on the project, shown as its description: <like this>."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{self}>"


def _described(model: type[BaseModel], key: str) -> Described | None:
    description = model.model_fields[key].description or ""
    _, found, default = description.partition("Default: ")
    return Described(default.rstrip(".")) if found else None


def _flatten(prefix: str, settings: BaseModel, where: str) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for key in type(settings).model_fields:
        value = getattr(settings, key)
        if value is None:
            value = _described(type(settings), key) or value
        values[f"{prefix}.{key}"] = (value, where)
    return values


def _names(root: Path, config: Config) -> list[str]:
    names = []
    for rel in config.packages:
        try:
            project = read_pyproject(root / rel / "pyproject.toml").get("project", {})
        except ConfigError:
            continue
        if isinstance(project, dict) and isinstance(project.get("name"), str):
            names.append(project["name"])
    return names or [root.name]


def _where(config: Config, key: str) -> str:
    return config.sources.get(key) or config.detected.get(key) or "default"


def version_sources(root: Path, config: Config) -> dict[str, Value]:
    """``version source`` (one per package in a workspace): where each version is read."""
    try:
        workspace = load_workspace(root, config, lockstep_check=False)
    except ConfigError as exc:
        return {"version source": (Described("none found"), exc.message)}
    values: dict[str, Value] = {}
    for package in workspace.packages:
        key = f"version source [{package.name}]" if workspace.multi else "version source"
        values[key] = (package.source.describe(), f"detected: {package.name} {package.version}")
    return values


def _switch(enabled: bool | None, skip: str | None, key: str, config: Config) -> Value:
    if enabled is not None:
        return enabled, _where(config, key)
    return skip is None, f"detected: {skip}" if skip else "detected"


def _attestations(config: Config) -> dict[str, Value]:
    if config.supply.attestations is not None:
        return {}
    decision = decide(None)
    return {"supply.attestations": (decision.sign, f"detected: {decision.reason}")}


def effective_values(root: Path, config: Config) -> dict[str, Value]:
    """Key -> (value, source) for every key; detected defaults are resolved."""
    values: dict[str, Value] = {}
    for name in Config.model_fields:
        value = getattr(config, name)
        if name in {"sources", "detected"}:
            continue
        if isinstance(value, BaseModel):
            values.update(_flatten(name, value, _where(config, name)))
        else:
            values[name] = (value, _where(config, name))
    names = _names(root, config)
    fmt, how = effective_tag_format(root, config, names)
    values["tag_format"] = (fmt, how)
    if config.tag_per_package is None:
        values["tag_per_package"] = ("{name}" in fmt, f"from tag_format {fmt!r}")
    if config.changelog is None or config.changelog is True:
        kind = resolve(root, config)
        if kind is not None:
            values["changelog"] = (kind.kind, f"detected: {kind.describe()}")
    if config.gate_command is None:
        spec = detect(root, config)
        values["gate_command"] = (spec.display, f"detected: {spec.source}")
    for name, (value, where) in list(values.items()):
        if value is None and "." not in name:
            values[name] = (_described(Config, name) or value, where)
    values.update(version_sources(root, config))
    if config.image.registry is None:
        values["image.registry"] = (Described("none: build and smoke-test only"), "default")
    if config.docs.remote is None:
        values["docs.remote"] = (config.remote, "the release's remote")
    values["image.enabled"] = _switch(
        config.image.enabled, image_skip_reason(config, root), "image", config
    )
    values.update(_attestations(config))
    values["docs.enabled"] = _switch(
        config.docs.enabled, docs_skip_reason(config, root), "docs", config
    )
    values.update(forge_values(root, config))
    values.update(alert_values(config.alerts, _where(config, "alerts")))
    return values
