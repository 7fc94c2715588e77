"""Tier rules: test outcomes (``tests``) and a minimum of passed tests per tier (``min_tests``)."""

from __future__ import annotations

from typing import Any

from ..settings import Invalid, Key, count, table_of
from ..tiers import ALL_TIERS, OUTCOMES
from ..verdict import Outcome, Verdict
from . import GateRun, Rule

__all__ = ["MIN_TESTS", "MinTestsRule", "TestsRule", "pytest_status_verdict"]


def _tier(value: Any) -> str:
    if value not in ALL_TIERS:
        raise Invalid(f"has unknown tier {value!r}; tiers are {', '.join(ALL_TIERS)}")
    return str(value)


MIN_TESTS: Key[dict[str, int]] = Key(
    "min_tests",
    table_of(count, keys=_tier),
    {},
    help="Minimum number of passed tests per tier; a required tier with no test run is an error.",
    example="min_tests = {unit = 100, e2e = 1}",
    table=True,
)


class TestsRule(Rule):
    """Always reported: the run's outcomes; fails when a test failed or errored."""

    __test__ = False  # not a test class, despite the name
    name = "tests"

    def evaluate(self, run: GateRun) -> list[Verdict]:
        tally = run.tally
        totals = {outcome: tally.total(outcome) for outcome in OUTCOMES}
        shown = ", ".join(f"{n} {o}" for o, n in totals.items() if n) or "no tests ran"
        bad = totals["failed"] + totals["error"]
        per_tier = tuple(
            f"{tier}: " + ", ".join(f"{n} {o}" for o, n in sorted(tally.counts[tier].items()) if n)
            for tier in ALL_TIERS
            if tier in tally.counts
        ) + tuple(f"crashed: {nodeid} (its xdist worker died)" for nodeid in tally.crashed)
        if not any(totals.values()):
            return [
                Verdict(
                    "tests",
                    Outcome.ERROR,
                    measured=0,
                    summary="no tests ran",
                    fix="check the test paths and the selection (--tier, -m, -k)",
                )
            ]
        return [
            Verdict(
                "tests",
                Outcome.FAIL if bad else Outcome.PASS,
                measured=shown,
                threshold="no failures",
                summary=f"{bad} failed or errored" if bad else "",
                details=per_tier,
                data={"counts": tally.counts}
                | ({"crashed": sorted(tally.crashed)} if tally.crashed else {}),
            )
        ]


class MinTestsRule(Rule):
    name = "min_tests"
    keys = (MIN_TESTS,)

    def evaluate(self, run: GateRun) -> list[Verdict]:
        verdicts = []
        tally = run.tally
        for tier, required in sorted(
            run.settings.get(MIN_TESTS).items(), key=lambda item: ALL_TIERS.index(item[0])
        ):
            rule = f"min_tests.{tier}"
            passed = tally.get(tier, "passed")
            if required and not tally.ran(tier):
                deselected = tally.selection is not None and tier not in tally.selection
                verdicts.append(
                    Verdict(
                        rule,
                        Outcome.ERROR,
                        measured=0,
                        threshold=required,
                        op=">=",
                        summary=f"no {tier} test ran"
                        + (
                            f" (--tier={','.join(sorted(tally.selection or ()))} excludes it)"
                            if deselected
                            else ""
                        ),
                        fix=f"run the {tier} tests (--tier, -m, -k), mark them ({_how(tier)}), or "
                        f"lower the requirement (--gate-set min_tests.{tier}=0)",
                    )
                )
                continue
            verdicts.append(
                Verdict(
                    rule,
                    Outcome.PASS if passed >= required else Outcome.FAIL,
                    measured=passed,
                    threshold=required,
                    op=">=",
                    summary=f"{passed} {tier} tests passed",
                    data={"counts": tally.counts.get(tier, {})},
                )
            )
        return verdicts


def _how(tier: str) -> str:
    if tier == "unit":
        return "a unit test is one without tier marker"
    return f"@pytest.mark.{tier} or releasekit_auto_mark"


RULES = (TestsRule(), MinTestsRule())


def _fail_under(config: Any) -> float | None:
    """coverage's ``fail_under`` as pytest-cov applies it (its option, else coverage's config)."""
    option = config.getoption("cov_fail_under", None)
    if option:
        return float(option)
    if not getattr(config.option, "cov_source", None):
        return None
    import coverage

    config_file = config.getoption("cov_config", ".coveragerc")
    value = coverage.Coverage(config_file=config_file).get_option("report:fail_under")
    return float(value) if isinstance(value, int | float) and value else None


def pytest_status_verdict(status: int, failed_rules: bool, config: Any) -> Verdict | None:
    """A verdict for a non-zero pytest exit status that no rule explains.

    pytest-cov's ``fail_under`` (and any plugin or conftest) can fail a session in which every
    test passed; the gate must not print PASSED over an exit status of 1."""
    if status == 0 or failed_rules:
        return None
    fail_under = _fail_under(config) if config is not None else None
    if fail_under is not None:
        cause = f"coverage's fail_under = {fail_under:g} is not met (pytest-cov)"
        fix = (
            "raise coverage or lower fail_under ([tool.coverage.report] or --cov-fail-under); "
            "or judge coverage with the gate's own coverage_total rule"
        )
    else:
        cause = "a plugin or conftest.py set it although every test passed"
        fix = "see pytest's output above for the plugin's message"
    return Verdict(
        "pytest",
        Outcome.FAIL,
        measured=f"exit status {status}",
        threshold="exit status 0",
        summary=f"pytest exited {status}: {cause}",
        fix=fix,
    )
