"""The docs' examples run before the docs are published (sybil, releasekit.examples): a broken
example stops the docs step before mike pushes anything, naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from releasekit.docsite import DocsError
from releasekit.steps.docs import DocsStep

from ..image.stepctx import git, make_project

SITE = Path(__file__).parent / "projects" / "site"
BROKEN = """\
# Usage

```python
import json

greeting = json.loads('"hello"')
```

<!-- skip: next if(True, reason="needs a PyPI account") -->
```console
$ twine upload dist/*
```

<!-- docs-test: run -->
```console
$ python -c "print('still fine')"
```

```python
assert greeting == "goodbye"
```
"""


def test_broken_example_fails_before_publishing(tmp_path: Path) -> None:
    project = make_project(
        tmp_path,
        SITE,
        pyproject_extra="\n[tool.releasekit.docs]\nexamples = true\n",
        files={"docs/usage.md": BROKEN},
    )
    with pytest.raises(DocsError) as caught:
        project.release("1.0.0", (DocsStep(),), wheel=False)
    message = str(caught.value)
    assert "docs example failed: docs/usage.md:19: AssertionError" in message
    assert "\n" not in message
    assert git(project.remote, "branch", "--list", "gh-pages") == ""  # nothing published
