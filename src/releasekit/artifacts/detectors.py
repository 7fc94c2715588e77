"""detect-secrets plugins for credential shapes its built-in rule set (1.5) does not cover.

detect-secrets loads this file itself as a custom plugin file (``plugins_used`` entries with a
``path``), so these run through the same scan and filters as its own plugins.
"""

from __future__ import annotations

import re

from detect_secrets.plugins.base import RegexBasedDetector

__all__ = [
    "AWSSecretAccessKeyDetector",
    "EncryptedPrivateKeyDetector",
    "GitHubFineGrainedTokenDetector",
    "PypiMacaroonDetector",
]


class GitHubFineGrainedTokenDetector(RegexBasedDetector):
    """GitHub fine-grained personal access tokens (``github_pat_``)."""

    secret_type = "GitHub Fine-grained Token"  # noqa: S105 -- a kind's name, not a password
    denylist = (re.compile(r"github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}"),)


class PypiMacaroonDetector(RegexBasedDetector):
    """Upload tokens of any warehouse instance (the built-in rule knows pypi.org and TestPyPI)."""

    secret_type = "PyPI Upload Token"  # noqa: S105 -- a kind's name, not a password
    denylist = (re.compile(r"pypi-AgE[A-Za-z0-9_-]{50,}"),)


class EncryptedPrivateKeyDetector(RegexBasedDetector):
    """PKCS#8 encrypted private key blocks (still a private key, only one password away).

    (``[ ]`` keeps this file from matching itself.)
    """

    secret_type = "Encrypted Private Key"  # noqa: S105 -- a kind's name, not a password
    denylist = (re.compile(r"BEGIN ENCRYPTED PRIVATE[ ]KEY"),)


class AWSSecretAccessKeyDetector(RegexBasedDetector):
    """An AWS secret access key assigned by name, quoted or not (credentials files, env files)."""

    secret_type = "AWS Secret Access Key"  # noqa: S105 -- a kind's name, not a password
    denylist = (
        re.compile(
            r"aws_?secret_?(?:access_?)?key(?:_?id)?[\"']?\s*[:=]\s*[\"']?"
            r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])",
            flags=re.IGNORECASE,
        ),
    )
