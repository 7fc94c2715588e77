"""The built artifacts, checked before anything leaves this machine.

* :mod:`.metadata`: the built files are exactly the planned packages at the planned version.
* :mod:`.contents`: no sensitive file and no secret inside (on detect-secrets, :mod:`.secrets`),
  every member streamed and nested archives opened (:mod:`.members`).
"""

from __future__ import annotations

from .contents import (
    FORBIDDEN,
    Allowance,
    Finding,
    ScanReport,
    finding_kinds,
    scan,
    top_level_names,
)
from .metadata import Built, check_planned, read_built

__all__ = [
    "FORBIDDEN",
    "Allowance",
    "Built",
    "Finding",
    "ScanReport",
    "check_planned",
    "finding_kinds",
    "read_built",
    "scan",
    "top_level_names",
]
