"""The rule registry: discovery, contributed keys, and the integrity contract."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from pytest_releasekit.gates import GateRun, Rule, Unmeasurable, all_keys, evaluate, rules
from pytest_releasekit.measure import CoverageSource
from pytest_releasekit.settings import Key, load_settings, percent
from pytest_releasekit.tiers import Tally
from pytest_releasekit.verdict import Outcome, Verdict

LIMIT: Key[float | None] = Key("demo_limit", percent, None)


class DemoRule(Rule):
    name = "demo"
    keys = (LIMIT,)

    def evaluate(self, run: GateRun) -> list[Verdict]:
        limit = run.settings.get(LIMIT)
        if limit is None:
            return []
        if not run.collected.get("demo"):
            raise Unmeasurable("no demo data", "produce some")
        return [Verdict("demo_limit", Outcome.PASS, measured=1.0, threshold=limit)]


def make_run(table: dict[str, Any], collected: dict[str, Any] | None = None) -> GateRun:
    settings = load_settings(table, (), [*all_keys(), LIMIT])
    return GateRun(
        settings, Tally(), CoverageSource("none"), Path.cwd(), Path.cwd(), collected=collected or {}
    )


def test_builtin_rules_in_report_order() -> None:
    names = [rule.name for rule in rules()]
    assert names[:5] == ["tests", "min_tests", "coverage", "diff", "flaky"]
    keys = {key.name for key in all_keys()}
    assert {
        "coverage_total",
        "coverage_branch",
        "coverage_per_file",
        "coverage_per_file_overrides",
        "coverage_per_file_exclude",
        "diff_coverage",
        "diff_base",
        "min_tests",
        "max_flaky",
    } <= keys


def test_unconfigured_rule_gives_no_verdict_and_unmeasurable_becomes_error() -> None:
    assert evaluate(make_run({}), [DemoRule()]).verdicts == ()
    result = evaluate(make_run({"demo_limit": 5}), [DemoRule()])
    (verdict,) = result.verdicts
    assert (verdict.rule, verdict.outcome, verdict.summary, verdict.fix) == (
        "demo_limit",
        Outcome.ERROR,
        "no demo data",
        "produce some",
    )
    assert not result.passed
    assert result.exit_status(0) == 6
    assert result.exit_status(1) == 1
    ok = evaluate(make_run({"demo_limit": 5}, {"demo": [1]}), [DemoRule()])
    assert ok.passed
    assert ok.exit_status(0) == 0


def test_coverage_rules_without_data_are_errors() -> None:
    run = make_run({"coverage_total": 50})
    run.coverage = CoverageSource("none", problem=Unmeasurable("no coverage was measured", "x"))
    result = evaluate(run)
    assert [(v.rule, v.outcome) for v in result.verdicts if v.rule.startswith("coverage")] == [
        ("coverage_total", Outcome.ERROR)
    ]


def test_plugin_stays_light(tmp_path: Path) -> None:
    """Loading the plugin imports neither coverage nor pydantic, and ``--gate`` without coverage
    rules does not import coverage either."""
    (tmp_path / "test_trivial.py").write_text("def test_ok(): pass\n")
    # An ini file here ends pytest's search for configuration: nothing above tmp_path counts.
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    # Who imports a heavy module is recorded, so a failure names the importer.
    code = (
        "import sys, traceback\n"
        "importers = {}\n"
        "class Tracer:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name in ('coverage', 'pydantic') and name not in importers:\n"
        "            importers[name] = ''.join(traceback.format_stack(limit=12))\n"
        "        return None\n"
        "sys.meta_path.insert(0, Tracer())\n"
        "import pytest\n"
        "status = pytest.main(['-q', '-p', 'pytest_releasekit.plugin', *sys.argv[1:]])\n"
        "print(*importers.values(), sep='\\n')\n"
        "print(int(status), 'coverage' in sys.modules, 'pydantic' in sys.modules)\n"
    )
    env = {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PATH": "/usr/bin:/bin"}
    for args in ([], ["--gate", "--gate-set", "min_tests.unit=1"]):
        out = subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            check=True,
        ).stdout
        assert out.strip().splitlines()[-1] == "0 False False", out


def test_every_builtin_key_is_documented() -> None:
    rules_md = Path(__file__).parents[2] / "docs" / "gate" / "rules.md"
    if not rules_md.exists():  # the plugin tested outside the releasekit repository
        import pytest

        pytest.skip("docs/gate/rules.md is not part of this checkout")
    text = rules_md.read_text(encoding="utf-8")
    builtin = [
        k.name
        for r in rules()
        if r.name in {"coverage", "diff", "ratchet", "min_tests", "flaky"}
        for k in r.keys
    ]
    missing = [name for name in builtin if f"| `{name}` |" not in text]
    assert not missing
