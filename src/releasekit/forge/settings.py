"""``[tool.releasekit.forge]``: where the release's GitHub or GitLab release is made.

Every key defaults to what the git remote's URL says (``github.com`` or ``gitlab.com``, over ssh or
https); set them for GitHub Enterprise, a self-hosted GitLab, or a remote that is a mirror.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator

from ..checks import check_url
from ..config_tables import StrictModel

__all__ = ["ForgeSettings"]

_REPO = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+$")


class ForgeSettings(StrictModel):
    """``[tool.releasekit.forge]``: the forge release (drafted before the upload, published after
    the tag is pushed)."""

    enabled: bool | None = Field(
        None,
        description="Create a forge release. Default: on when the remote is on github.com or "
        "gitlab.com (or kind/repo/api_url are set) and a token is found.",
    )
    kind: Literal["github", "gitlab"] | None = Field(
        None, description="github or gitlab. Default: detected from the remote's host."
    )
    repo: str | None = Field(
        None,
        description="owner/name on GitHub, group[/subgroup]/name on GitLab. Default: the "
        "remote URL's path.",
    )
    api_url: str | None = Field(
        None,
        description="The REST API's base URL (GitHub Enterprise: https://HOST/api/v3; GitLab: "
        "https://HOST/api/v4). Default: https://api.github.com or https://gitlab.com/api/v4 "
        "(for another host, derived from it).",
    )

    @field_validator("repo")
    @classmethod
    def _repo(cls, value: str | None) -> str | None:
        if value is not None and not _REPO.match(value):
            raise ValueError("must be owner/name (GitLab: group/subgroup/name)")
        return value

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value).rstrip("/")

    @property
    def configured(self) -> bool:
        """Whether the user asked for a forge release (then a missing token is an error)."""
        return self.enabled is True or any((self.kind, self.repo, self.api_url))
