"""tox's configuration as the gate reads it: the environments a project lists (tox.ini,
tox.toml, ``[tool.tox]``, ``[tox:tox]`` in setup.cfg), the one for the running Python, and what
that environment runs (its commands, the programs it takes from outside, a script it names)."""

from __future__ import annotations

import configparser
import itertools
import re
import shlex
import shutil
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from . import process
from .errors import ConfigError
from .textfiles import read_text

__all__ = [
    "env_settings",
    "envs_for_python",
    "externals",
    "missing_script",
    "plain_tox_options",
    "plugin_missing",
    "runs_nothing",
    "tox_envs",
]


_RANGE = re.compile(r"^(\d+)-(\d+)$")


def _choices(group: str) -> list[str]:
    """A brace group's choices: ``11,12`` and tox's numeric ranges, ``0-5`` (structlog's
    ``3.1{0-5}-{tests,mypy}``) or mixed, ``8-10, 12``."""
    out: list[str] = []
    for item in (i.strip() for i in group.split(",")):
        bounds = _RANGE.match(item)
        if bounds and int(bounds[1]) <= int(bounds[2]):
            out += [str(n) for n in range(int(bounds[1]), int(bounds[2]) + 1)]
        else:
            out.append(item)
    return out


def _expand(env: str) -> list[str]:
    """tox's generative names: ``py{311,312}-lint`` -> ``py311-lint``, ``py312-lint``."""
    parts = re.split(r"(\{[^}]*\})", env)
    choices = [_choices(p[1:-1]) if p.startswith("{") else [p] for p in parts]
    return ["".join(c.strip() for c in combo) for combo in itertools.product(*choices)]


def _split_envlist(value: str) -> list[str]:
    items = re.split(r",(?![^{]*\})|\n", value)
    return [e for item in items if item.strip() for e in _expand(item.strip())]


def _ini_envs(text: str, section: str) -> list[str] | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section(section):
        return [] if any(s.startswith("testenv") for s in parser.sections()) else None
    raw = parser.get(section, "env_list", fallback="") or parser.get(
        section, "envlist", fallback=""
    )
    return _split_envlist(raw)


def tox_envs(root: Path, data: Mapping[str, Any]) -> tuple[list[str], str] | None:
    """The tox environments the project lists and the file that lists them (None: no tox)."""
    ini = root / "tox.ini"
    if ini.is_file():
        envs = _ini_envs(read_text(ini), "tox")
        if envs is not None:
            return envs, "tox.ini"
    toml_file = root / "tox.toml"
    if toml_file.is_file():
        try:
            table = tomllib.loads(read_text(toml_file))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{toml_file}: malformed TOML: {exc}", hint="fix it") from None
        return [e for v in table.get("env_list", []) for e in _expand(str(v))], "tox.toml"
    tox = data.get("tool", {}).get("tox")
    if isinstance(tox, dict):
        legacy = tox.get("legacy_tox_ini")
        if isinstance(legacy, str):
            return _ini_envs(legacy, "tox") or [], "[tool.tox] in pyproject.toml"
        return [e for v in tox.get("env_list", []) for e in _expand(str(v))], (
            "[tool.tox] in pyproject.toml"
        )
    cfg = root / "setup.cfg"
    if cfg.is_file():
        envs = _ini_envs(read_text(cfg), "tox:tox")
        if envs is not None and "[tox:tox]" in read_text(cfg):
            return envs, "[tox:tox] in setup.cfg"
    return None


#: Factors of environments that run the tests, and of ones that check something else.
_TEST_FACTORS = {"test", "tests", "unit", "unittests", "pytest"}
_OTHER_FACTORS = {
    "mypy", "typing", "types", "pyright", "lint", "flake8", "pylint", "ruff", "style",
    "docs", "doc", "pre-commit", "precommit", "coverage", "build", "pkg", "packaging",
}  # fmt: skip


#: A factor naming a Python (``py311``, ``py3.11``, ``3.11``, ``pypy3``, ``py``).
_PYTHON = re.compile(r"^(?:py|pypy|cpython)?\d*(?:\.\d+)?t?$")


def envs_for_python(envs: list[str]) -> list[str]:
    """The listed environments for the running Python (``py311``, ``py3.11``, ``3.11`` as a
    factor), ones with a test factor first (structlog's ``3.11-tests`` before ``3.11-mypy``),
    ones that check something else (types, lint, docs) left out; then one with a test factor
    and no Python's (loguru's ``tests``), and ``py``: tox's environments for the Python it
    runs with, never another Python's."""
    major, minor = sys.version_info[:2]
    here = {f"py{major}{minor}", f"py{major}.{minor}", f"{major}.{minor}"}
    mine = [e for e in envs if here & set(e.split("-"))]
    tests = [e for e in mine if _TEST_FACTORS & set(e.split("-"))]
    others = [e for e in mine if e not in tests and not _OTHER_FACTORS & set(e.split("-"))]
    anywhere = [  # loguru's ``tests``: no Python factor, so tox's own Python
        e
        for e in envs
        if _TEST_FACTORS & set(e.split("-")) and not any(map(_PYTHON.match, e.split("-")))
    ]
    return [*tests, *others, *anywhere, "py"]


def runs_nothing(settings: Mapping[str, list[str]]) -> bool:
    """Whether an environment's INI settings (:func:`env_settings`) give it no commands: tox
    then installs the project and reports OK having run no test. Not known (False) for a
    configuration :func:`env_settings` does not read."""
    return "commands" in settings and not settings["commands"]


_TOX_FILES = ("tox.ini", "tox.toml", "pyproject.toml", "setup.cfg")


def _names_uv_runners(root: Path, *, or_plugin: bool = False) -> bool:
    """Whether the tox configuration names tox-uv's runners (or, ``or_plugin``, tox-uv)."""
    texts = (read_text(root / f) for f in _TOX_FILES if (root / f).is_file())
    words = ("uv-venv-", "tox-uv") if or_plugin else ("uv-venv-",)
    return any(word in text for text in texts for word in words)


def plugin_missing(root: Path, runner: tuple[str, ...]) -> str | None:
    """``tox-uv`` when the tox configuration uses its runners and tox has not got it."""
    if not _names_uv_runners(root):
        return None
    done = process.run([*runner, "--version"], check=False, what="listing tox's plugins")
    return None if "tox-uv" in done.output else "tox-uv"


_PIP = re.compile(r"(?:^|[\s/])pip3?(?:\s|$)")


def _before_tox_4(requires: list[str]) -> bool:
    """Whether ``[tox] requires`` holds tox below 4 (python-dateutil's ``tox<4``): tox then
    provisions tox 3, which refuses ``-x`` and whose environments are virtualenv's anyway."""
    for line in requires:
        try:
            requirement = Requirement(line)
        except InvalidRequirement:
            continue
        later = ("4.0", "4.999", "99.0")  # tox 4 or later, as far as a bound can tell
        if canonicalize_name(requirement.name) == "tox" and not any(
            requirement.specifier.contains(v, prereleases=True) for v in later
        ):
            return True
    return False


def plain_tox_options(root: Path, settings: Mapping[str, list[str]]) -> tuple[str, ...]:
    """tox's options that give a configuration written for plain tox the environments it was
    written for, where tox-uv (installed next to releasekit) makes every environment uv's:

    - an environment whose ``install_command`` runs pip stays on virtualenv's runner: uv's
      has no pip (``No module named pip``) and passes uv's options to the command
      (pytest-asyncio's and nodeenv's ``python -m pip install ... {opts} {packages}`` got ``no
      such option: --reinstall``);
    - any other is seeded with pip and setuptools as virtualenv seeds it (``uv_seed``): rich's
      ``poetry install`` inside tox failed in an unseeded one.

    Nothing for a configuration that names tox-uv or its runners (it knows its environments
    are uv's), or that requires tox below 4; plain tox 4 ignores both overrides. ``settings``:
    :func:`env_settings` (empty for a TOML configuration, whose base section is
    ``env_run_base``)."""
    if _names_uv_runners(root, or_plugin=True) or _before_tox_4(settings.get("requires", [])):
        return ()
    if _PIP.search(" ".join(settings.get("install_command", []))):
        return ("-x", "testenv.runner=virtualenv")
    return ("-x", f"{'testenv' if settings else 'env_run_base'}.uv_seed=true")


_FACTORS = re.compile(r"^[\w.,!-]+:\s+(?=\S)")  # ``py311: pdm sync``: a factor condition


def _applies(condition: str, env: str) -> bool:
    """Whether tox's factor ``condition`` (``py311,py312``: either; ``py311-django``: both;
    ``!py311``: not) holds for ``env``."""
    factors = set(env.split("-"))
    return any(
        all((f[1:] not in factors) if f.startswith("!") else (f in factors) for f in alt.split("-"))
        for alt in condition.split(",")
    )


#: The settings of a tox environment the gate reads.
_SETTINGS = (
    "allowlist_externals",
    "changedir",
    "install_command",
    "commands_pre",
    "commands",
    "commands_post",
)


def env_settings(root: Path, data: Mapping[str, Any], env: str) -> dict[str, list[str]]:
    """The lines of tox environment ``env``'s settings that apply to it (its own section, else
    ``[testenv]``; factor conditions such as ``py311: pdm sync`` resolved), read from
    ``tox.ini``, ``legacy_tox_ini`` or setup.cfg (INI settings), and ``requires``, the
    ``[tox]`` section's; empty for tox.toml or a file tox will report itself."""
    ini, cfg = root / "tox.ini", root / "setup.cfg"
    legacy = data.get("tool", {}).get("tox", {}).get("legacy_tox_ini")
    text = read_text(ini) if ini.is_file() else legacy if isinstance(legacy, str) else None
    if text is None and cfg.is_file() and "[tox:tox]" in (cfg_text := read_text(cfg)):
        text = cfg_text
    parser = configparser.ConfigParser(interpolation=None)
    try:
        if text is None:
            return {}
        parser.read_string(text)
    except configparser.Error:
        return {}
    own = [
        s for s in parser.sections() if s.startswith("testenv:") and env in _expand(s[8:].strip())
    ]  # ``[testenv:py311]``, or a generative name: ``[testenv:3.1{0,3}-tests{,-rich}]``
    core = next((s for s in ("tox", "tox:tox") if parser.has_option(s, "requires")), None)
    requires = parser.get(core, "requires").splitlines() if core else []
    settings = {"requires": [line.strip() for line in requires if line.strip()]}
    for key in _SETTINGS:
        section = next((s for s in (*own, "testenv") if parser.has_option(s, key)), None)
        raw = parser.get(section, key) if section else ""
        found = settings.setdefault(key, [])
        for line in (part.strip() for part in raw.splitlines() if part.strip()):
            condition = _FACTORS.match(line)
            if condition is None:
                found.append(line)
            elif _applies(condition.group(0).rstrip().rstrip(":"), env):
                found.append(line[condition.end() :])
    return settings


def _command_lines(settings: Mapping[str, list[str]]) -> list[str]:
    keys = ("commands_pre", "commands", "commands_post")
    return [line.lstrip("- ") for key in keys for line in settings.get(key, []) if line]


def externals(settings: Mapping[str, list[str]]) -> tuple[str, ...]:
    """The programs a tox environment runs from outside it (its ``allowlist_externals``, first
    word of a ``commands_pre``/``commands``/``commands_post`` line) that are not on PATH:
    cattrs' ``pdm sync``, where tox stops with "No such file or directory" after the gate
    began. A pattern is passed."""
    allowed = {word for line in settings.get("allowlist_externals", []) for word in line.split()}
    run = {line.split()[0] for line in _command_lines(settings)}
    used = sorted(name for name in allowed & run if not any(c in name for c in "*?[/{"))
    return tuple(name for name in used if shutil.which(name) is None)


_PYTHONS = {"python", "python3", "{envpython}"}


def missing_script(root: Path, settings: Mapping[str, list[str]]) -> str | None:
    """A script a tox environment's command runs with Python that is not in the project: sh's
    tox.ini still runs ``python sh_test.py`` after the tests moved to ``tests/`` (its CI runs
    pytest through poetry). Such an environment cannot run the tests; None when every script
    is there (or the environment changes directory, where releasekit does not follow it)."""
    if settings.get("changedir"):
        return None
    for line in _command_lines(settings):
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        if len(words) < 2 or words[0] not in _PYTHONS or words[1].startswith("-"):
            continue
        script = words[1]
        if script.endswith(".py") and "{" not in script and not (root / script).exists():
            return script
    return None
