"""A CycloneDX SBOM of a wheel's runtime dependencies, made with cyclonedx-python-lib.

The dependencies are the wheel's *declared* requirements (``Requires-Dist`` in its ``METADATA``),
not versions resolved in an environment: the SBOM is embedded while the wheel is built, before
any environment it could be installed into exists. Each requirement becomes a component with a
``pkg:pypi/<name>`` package URL and its specifier, extras and marker as properties; one behind an
extra is scoped ``optional``. The document is deterministic: its serial number is derived from
the wheel's name and version and its timestamp is ``SOURCE_DATE_EPOCH``'s, so a rebuild of the
same commit gives the same bytes.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from importlib.metadata import version as installed_version
from typing import TYPE_CHECKING

from packaging.metadata import parse_email
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..errors import StepFailed

if TYPE_CHECKING:
    from cyclonedx.model import Property
    from cyclonedx.model.component import Component

__all__ = ["RESOLUTION", "SCHEMA", "runtime_sbom"]

#: The CycloneDX specification version written.
SCHEMA = "1.6"
#: How the dependencies were determined (recorded in the SBOM as a property).
RESOLUTION = "declared: Requires-Dist of the wheel's METADATA, not resolved"
_EXTRA = re.compile(r"\bextra\b")
_NAMESPACE = uuid.UUID("5d2f5a0e-8f1c-4a54-9d59-6a1f0e3c7b21")  # releasekit's SBOM serials


def _property(name: str, value: str) -> Property:
    from cyclonedx.model import Property  # cyclonedx is imported when an SBOM is written

    return Property(name=f"releasekit:{name}", value=value)


def _component(requirement: Requirement) -> Component:
    from cyclonedx.model.component import Component, ComponentScope, ComponentType
    from packageurl import PackageURL

    name = canonicalize_name(requirement.name)
    properties = [_property("requirement", str(requirement))]
    if requirement.specifier:
        properties.append(_property("specifier", str(requirement.specifier)))
    if requirement.marker:
        properties.append(_property("marker", str(requirement.marker)))
    optional = bool(requirement.marker and _EXTRA.search(str(requirement.marker)))
    return Component(
        name=name,
        type=ComponentType.LIBRARY,
        bom_ref=f"pkg:pypi/{name}#{requirement}",
        purl=PackageURL(type="pypi", name=name),
        scope=ComponentScope.OPTIONAL if optional else ComponentScope.REQUIRED,
        properties=properties,
    )


def _requirements(metadata: bytes, where: str) -> list[Requirement]:
    raw, _ = parse_email(metadata)
    found = []
    for text in raw.get("requires_dist", []):
        try:
            found.append(Requirement(text))
        except InvalidRequirement as exc:
            raise StepFailed(
                f"{where}: Requires-Dist {text!r} is not a valid requirement ({exc})",
                hint="fix the dependency in the project's metadata and release again",
            ) from None
    return found


def runtime_sbom(metadata: bytes, *, epoch: int, where: str) -> str:
    """The SBOM (CycloneDX 1.6 JSON) of the wheel whose ``METADATA`` is ``metadata``."""
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6
    from packageurl import PackageURL

    raw, _ = parse_email(metadata)
    name, version = canonicalize_name(raw.get("name", "")), raw.get("version", "")
    root = Component(
        name=name,
        version=version,
        type=ComponentType.LIBRARY,
        bom_ref=f"pkg:pypi/{name}@{version}",
        purl=PackageURL(type="pypi", name=name, version=version),
    )
    tool = Component(
        name="releasekit",
        version=installed_version("releasekit"),
        type=ComponentType.APPLICATION,
        bom_ref="releasekit",
    )
    bom = Bom(
        serial_number=uuid.uuid5(_NAMESPACE, f"{name}=={version}"),
        metadata=BomMetaData(
            component=root,
            timestamp=datetime.fromtimestamp(epoch, UTC),
            tools=[],
            properties=[_property("dependencies", RESOLUTION)],
        ),
    )
    bom.metadata.tools.components.add(tool)
    requirements = _requirements(metadata, where)
    components = [_component(r) for r in requirements]
    for component in components:
        bom.components.add(component)
    bom.register_dependency(root, components)
    return JsonV1Dot6(bom).output_as_string(indent=2) + "\n"
