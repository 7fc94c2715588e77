"""releasekit: from "tests pass" to "released" — one atomic, resumable release pipeline.

The public API is what ``__all__`` lists; everything else is private and may change.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .api import ReleaseOutcome, plan, release, resume, rollback, status
from .config import Config, load_config
from .errors import ReleasekitError

try:
    __version__ = version("releasekit")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "Config",
    "ReleaseOutcome",
    "ReleasekitError",
    "__version__",
    "load_config",
    "plan",
    "release",
    "resume",
    "rollback",
    "status",
]
