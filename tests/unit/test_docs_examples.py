"""releasekit's own README and docs: every python block, and every console block marked
<!-- docs-test: run -->, runs (sybil); blocks that cannot run here carry a skip with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.examples import default_files, failures

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("page", default_files(ROOT), ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert list(failures(ROOT, [page])) == []
