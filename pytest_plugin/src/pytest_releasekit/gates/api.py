"""The public-API compatibility gate: the working tree's public API against the last release.

A break (a removed function, a parameter made required, a name dropped from ``__all__``, ...)
fails the gate unless the next version is a major bump (on 0.x a minor bump may break too, unless
``api_zero_minor_may_break = false``) or the break is on the allow-list with a reason. Additions
are reported. The next version comes from ``--gate-next-version`` or ``RELEASEKIT_NEXT_VERSION``
(``releasekit release`` sets it when it runs the gate); without one, any break fails.

The work is done by :mod:`pytest_releasekit.apirelease` and :mod:`pytest_releasekit.apidiff`
(griffe, imported only when the rule is on).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from ..settings import GateSettings, Invalid, Key, globs, text
from ..verdict import Outcome, Verdict
from . import GateRun, Rule, Unmeasurable

if TYPE_CHECKING:
    import pytest

    from ..apirelease import ApiReport

__all__ = ["API_KEYS", "NEXT_VERSION_ENV", "ApiRule", "enabled"]

#: how ``releasekit release`` tells the gate the version it is about to release
NEXT_VERSION_ENV = "RELEASEKIT_NEXT_VERSION"
_SHOWN = 20  # breaks listed in the report; the JSON report has them all


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise Invalid("must be true or false")


def _names(value: Any) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not items:
        raise Invalid("must be a list of importable names")
    for item in items:
        if not isinstance(item, str) or not all(p.isidentifier() for p in item.split(".")):
            raise Invalid(f"{item!r} is not an importable name")
    return tuple(items)


def _reasons(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Invalid('must be a table of {"object.path" = "reason"}')
    for path, reason in value.items():
        if not isinstance(reason, str) or not reason.strip():
            raise Invalid(
                f"[{path!r}] has no reason: every allowed break needs one, "
                f'e.g. "{path}" = "deprecated in 1.4, removal announced"'
            )
    return {str(k): v.strip() for k, v in value.items()}


API: Key[bool] = Key(
    "api",
    _flag,
    False,
    help="Compare the public API with the last release; a break fails unless the next version "
    "is a major bump.",
    example="api = true",
)
API_BASE: Key[str | None] = Key(
    "api_base",
    text,
    None,
    help="Git ref the API is compared with. Default: the last release tag reachable from HEAD.",
    example='api_base = "v1.4.0"',
)
API_PACKAGES: Key[tuple[str, ...] | None] = Key(
    "api_packages",
    _names,
    None,
    help="Top-level packages whose API is public. Default: the packages under src/, else the "
    "[project] name.",
    example='api_packages = ["mypkg"]',
)
API_PUBLIC_MODULES: Key[tuple[str, ...]] = Key(
    "api_public_modules",
    globs,
    (),
    help="Only these modules (dotted names, globs) are public. Default: every module whose name "
    "has no leading underscore; names by __all__, else by the underscore convention.",
    example='api_public_modules = ["mypkg", "mypkg.api.*"]',
)
API_ALLOW: Key[dict[str, str]] = Key(
    "api_allow",
    _reasons,
    {},
    help="Known breaks that do not fail the gate: {reported path = reason}.",
    example='api_allow = {"mypkg.old_func" = "deprecated since 1.2; removal announced"}',
    table=True,
)
API_ZERO_MINOR: Key[bool] = Key(
    "api_zero_minor_may_break",
    _flag,
    True,
    help="On 0.x, a minor bump may break the API (semver's initial development).",
    example="api_zero_minor_may_break = false",
)
API_KEYS = (API, API_BASE, API_PACKAGES, API_PUBLIC_MODULES, API_ALLOW, API_ZERO_MINOR)


def enabled(settings: GateSettings) -> bool:
    """``api = true``, or any other api key set without ``api = false``."""
    if settings.is_set(API):
        return settings.get(API)
    return any(settings.is_set(key) for key in API_KEYS)


def _next_version(run: GateRun) -> tuple[str | None, str]:
    if run.config is not None:
        given = run.config.getoption("gate_next_version", None)
        if given:
            return str(given), "--gate-next-version"
    env = os.environ.get(NEXT_VERSION_ENV, "").strip()
    return (env, NEXT_VERSION_ENV) if env else (None, "")


def allow_hint(path: str) -> str:
    return f'api_allow = {{"{path}" = "<why this is not a break>"}} in [tool.releasekit.gate]'


class ApiRule(Rule):
    name = "api"
    keys = API_KEYS
    implies_gate = ("gate_next_version",)

    def configured(self, settings: GateSettings) -> bool:
        return enabled(settings)

    def add_options(self, group: pytest.OptionGroup) -> None:
        group.addoption(
            "--gate-next-version",
            metavar="VERSION",
            default=None,
            help="the version (or bump: major, minor, patch) about to be released, for the api "
            f"rule (env: {NEXT_VERSION_ENV})",
        )

    def evaluate(self, run: GateRun) -> list[Verdict]:
        settings = run.settings
        if not enabled(settings):
            return []
        try:
            from .. import apirelease
        except ImportError as exc:
            raise Unmeasurable(
                f"the api rule needs griffe, which is not installed ({exc})",
                "install it: pip install 'pytest-releasekit[api]'",
            ) from None
        try:
            base = apirelease.resolve_base(run.rootdir, settings.get(API_BASE))
            if base is None:
                return [
                    Verdict(
                        API.name,
                        Outcome.WARN,
                        summary="no release tag yet: no released API to compare with",
                        fix="after the first release the api rule compares with its tag; "
                        "or set api_base",
                    )
                ]
            packages = apirelease.packages(run.rootdir, settings.get(API_PACKAGES))
            public: tuple[str, ...] = settings.get(API_PUBLIC_MODULES)
            report = apirelease.check(
                run.rootdir, base, packages, public_modules=public, allow=settings.get(API_ALLOW)
            )
            next_version, source = _next_version(run)
            bump = apirelease.bump_between(base.version, next_version) if next_version else None
        except apirelease.ApiError as exc:
            raise Unmeasurable(exc.reason, exc.fix) from None
        return [self._verdict(report, bump, next_version, source, settings)]

    def _verdict(
        self,
        report: ApiReport,
        bump: str | None,
        next_version: str | None,
        source: str,
        settings: GateSettings,
    ) -> Verdict:
        from ..apirelease import passes, required_bump

        zero_minor = settings.get(API_ZERO_MINOR)
        base = report.base
        needed = required_bump(report, zero_minor=zero_minor)
        ok = passes(report, bump, zero_minor=zero_minor)
        release = (
            f"the next release ({next_version} from {source}) is a {bump} bump"
            if bump
            else "the next version is unknown"
        )
        summary = (
            f"{len(report.breaks)} breaking change(s) since {base.ref}; {release}; "
            f"they need a {needed} bump"
            if report.breaks
            else f"no breaking change since {base.ref}"
        ) + f" ({len(report.diff.additions)} addition(s), {len(report.allowed)} allowed)"
        details = [f"BREAK {change.line()}" for change in report.breaks[:_SHOWN]]
        if len(report.breaks) > _SHOWN:
            details.append(f"... and {len(report.breaks) - _SHOWN} more (see the JSON report)")
        details += [f"allowed {c.kind} {c.path}: {reason}" for c, reason in report.allowed]
        details += [f"added {c.kind} {c.path}" for c in report.diff.additions[:_SHOWN]]
        details += [f"api_allow entry {k!r} matched no break: remove it" for k in report.unused]
        fix = None
        if not ok:
            first = report.breaks[0].path
            fix = (
                f"if the release is a {needed} bump, say so (--gate-next-version={needed}, or "
                f"{NEXT_VERSION_ENV}); if a break is intended or a false alarm, allow it with a "
                f"reason: {allow_hint(first)}"
            )
        return Verdict(
            API.name,
            Outcome.PASS if ok else Outcome.FAIL,
            measured=len(report.breaks),
            threshold=None if report.breaks and ok else 0,
            op="<=",
            summary=summary,
            details=tuple(details),
            fix=fix,
            data={
                "base": base.ref,
                "base_version": str(base.version) if base.version else None,
                "next_version": next_version,
                "bump": bump,
                "required_bump": needed,
                "breaks": [vars(c) for c in report.breaks],
                "allowed": [{**vars(c), "reason": r} for c, r in report.allowed],
                "additions": [vars(c) for c in report.diff.additions],
            },
        )


RULES = (ApiRule(),)
