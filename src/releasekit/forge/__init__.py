"""Forge releases: a GitHub or GitLab release made as a draft before the upload to the index and
published after the tag is pushed.

:mod:`.base` is what the steps use, :mod:`.github` and :mod:`.gitlab` the two APIs,
:mod:`.detect` finds the forge, repository and token, :mod:`.settings` is the config table.
"""

from __future__ import annotations

from .base import Asset, Forge, ForgeError, Release, ReleaseSpec
from .detect import ForgeTarget, Resolution, find_token, parse_remote, resolve_forge, token_hint

__all__ = [
    "Asset",
    "Forge",
    "ForgeError",
    "ForgeTarget",
    "Release",
    "ReleaseSpec",
    "Resolution",
    "find_token",
    "parse_remote",
    "resolve_forge",
    "token_hint",
]
