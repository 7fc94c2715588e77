"""The public-API check of a release: the planned bump must be at least what the API changes need.

When the project turns the gate's ``api`` rule on (``[tool.releasekit.gate] api = true``, see
``pytest_releasekit.gates.api``), ``releasekit plan`` shows the API verdict since the last release
tag and the bump it needs, and preflight refuses a release whose bump is lower than its breaks
need (a patch or minor release that removes a public function) before anything changes. The
comparison itself is pytest-releasekit's (:mod:`pytest_releasekit.apirelease`, griffe).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .tags import last_release_tag

if TYPE_CHECKING:
    from pytest_releasekit.apirelease import ApiReport
    from pytest_releasekit.settings import GateSettings

    from .context import Context
    from .steps.base import Problem

__all__ = ["ApiVerdict", "api_verdict", "gate_env", "plan_lines", "problems"]

_INSTALL = "install griffe: pip install 'pytest-releasekit[api]'"


@dataclass(frozen=True)
class ApiVerdict:
    """The API changes since the last release against the planned bump."""

    report: ApiReport
    planned: str
    required: str
    ok: bool


def _settings(ctx: Context) -> GateSettings | None:
    """The gate's settings when its api rule is on, else None (``[tool.releasekit.gate]`` was
    validated with the plugin's keys when the config was loaded)."""
    gate = ctx.config.gate
    if not any(key == "api" or key.startswith("api_") for key in gate):
        return None  # the rule is off: the plugin's rules are not even imported
    from pytest_releasekit.gates import all_keys
    from pytest_releasekit.gates.api import enabled
    from pytest_releasekit.settings import load_settings

    settings = load_settings(gate, (), all_keys())
    return settings if enabled(settings) else None


@functools.lru_cache(maxsize=8)
def _compare(
    root: Path,
    tag: str,
    packages: tuple[str, ...] | None,
    public: tuple[str, ...],
    allow: tuple[tuple[str, str], ...],
) -> ApiReport:
    from pytest_releasekit import apirelease

    base = apirelease.Base(tag, apirelease.tag_version(tag))
    found = apirelease.packages(root, packages)
    return apirelease.check(root, base, found, public_modules=public, allow=dict(allow))


def api_verdict(ctx: Context) -> ApiVerdict | None:
    """The verdict, or None when the api rule is off or there is no release to compare with.
    Raises ``pytest_releasekit.apirelease.ApiError`` or ImportError when it cannot compare."""
    settings = _settings(ctx)
    if settings is None:
        return None
    from pytest_releasekit import apirelease
    from pytest_releasekit.gates import api

    names = [p.name for p in ctx.workspace.packages]
    tag = last_release_tag(ctx.root, ctx.config, names)
    if tag is None:
        return None
    public: tuple[str, ...] = settings.get(api.API_PUBLIC_MODULES)
    report = _compare(
        ctx.root,
        tag,
        settings.get(api.API_PACKAGES),
        public,
        tuple(sorted(settings.get(api.API_ALLOW).items())),
    )
    zero_minor = settings.get(api.API_ZERO_MINOR)
    planned = apirelease.bump_between(report.base.version, ctx.version)
    return ApiVerdict(
        report,
        planned,
        apirelease.required_bump(report, zero_minor=zero_minor),
        apirelease.passes(report, planned, zero_minor=zero_minor),
    )


def _safe(ctx: Context) -> tuple[ApiVerdict | None, Problem | None]:
    if _settings(ctx) is None:
        return None, None
    try:
        from pytest_releasekit.apirelease import ApiError
    except ImportError as exc:
        return None, (f"the api rule of [tool.releasekit.gate] needs griffe ({exc})", _INSTALL)
    try:
        return api_verdict(ctx), None
    except ApiError as exc:
        return None, (f"cannot compare the public API with the last release: {exc.reason}", exc.fix)


def plan_lines(ctx: Context) -> list[str]:
    """What ``plan`` shows: the API verdict and the bump it needs (nothing when the rule is off)."""
    verdict, problem = _safe(ctx)
    if problem is not None:
        return [f"public API: {problem[0]}"]
    if verdict is None:
        return []
    report = verdict.report
    changes = (
        f"{len(report.breaks)} breaking change(s) (first: {report.breaks[0].line()})"
        if report.breaks
        else "no breaking change"
    )
    outcome = "ok" if verdict.ok else "REFUSED"
    return [
        f"public API since {report.base.ref}: {changes}, {len(report.diff.additions)} "
        f"addition(s), {len(report.allowed)} allowed; needs a {verdict.required} bump, "
        f"planned {verdict.planned}: {outcome}"
    ]


def problems(ctx: Context) -> Iterator[Problem]:
    """Preflight: a release whose bump is lower than its API breaks need."""
    verdict, problem = _safe(ctx)
    if problem is not None:
        yield problem
        return
    if verdict is None or verdict.ok:
        return
    report, first = verdict.report, verdict.report.breaks[0]
    yield (
        f"the release {ctx.previous_version} -> {ctx.version} is a {verdict.planned} bump, but "
        f"the public API has {len(report.breaks)} breaking change(s) since {report.base.ref} "
        f"that need a {verdict.required} bump (first: {first.line()})",
        f"release a {verdict.required} version (e.g. `releasekit release {verdict.required}`), "
        f"or, if a break is intended or a false alarm, allow it with a reason: "
        f'api_allow = {{"{first.path}" = "<why>"}} in [tool.releasekit.gate]',
    )


def gate_env(ctx: Context) -> dict[str, str]:
    """The environment the gate's tests run with: the version about to be released (the gate's
    api rule reads it) and the last release's tag as the diff_coverage base (the default base,
    the default branch, is the release's own commit)."""
    from pytest_releasekit.gates.api import NEXT_VERSION_ENV
    from pytest_releasekit.gitdiff import BASE_ENV

    env = {NEXT_VERSION_ENV: ctx.version}
    tag = last_release_tag(ctx.root, ctx.config, [p.name for p in ctx.workspace.packages])
    if tag is not None:
        env[BASE_ENV] = tag
    return env
