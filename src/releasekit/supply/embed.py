"""PEP 770: put an SBOM into a wheel's ``.dist-info/sboms/`` and list it in ``RECORD``.

The wheel is rewritten with :mod:`zipfile`: every member keeps its order, timestamp, permissions
and compression, the SBOM is added just before ``RECORD`` with ``METADATA``'s timestamp, and
``RECORD`` gains its line (``path,sha256=<urlsafe base64>,size``). Nothing else changes, so the
rewrite is as reproducible as the build that made the wheel. ``METADATA`` is untouched (final
PEP 770 needs no metadata field), so the wheel's name and version checks are unaffected.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import StepFailed

__all__ = ["SBOM_NAME", "Embedded", "dist_info", "embed_sbom", "read_embedded"]

#: The file name releasekit's SBOM has inside ``.dist-info/sboms/``.
SBOM_NAME = "releasekit.cdx.json"


@dataclass(frozen=True)
class Embedded:
    member: str  # e.g. pkg-1.0.dist-info/sboms/releasekit.cdx.json
    text: str


def dist_info(archive: zipfile.ZipFile, wheel: Path) -> str:
    """The wheel's one top-level ``*.dist-info`` directory name."""
    found = sorted(
        {
            n.split("/", 1)[0]
            for n in archive.namelist()
            if n.split("/", 1)[0].endswith(".dist-info")
        }
    )
    if len(found) != 1:
        raise StepFailed(
            f"{wheel.name}: expected one *.dist-info directory, found {len(found)}",
            hint="check the build backend; a wheel has exactly one .dist-info directory",
        )
    return found[0]


def _record_line(member: str, data: bytes) -> list[str]:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [member, f"sha256={digest}", str(len(data))]


def _with_line(record: bytes, line: list[str]) -> bytes:
    rows = [row for row in csv.reader(io.StringIO(record.decode("utf-8"))) if row]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    record_name = rows[-1] if rows and rows[-1][0].endswith("/RECORD") else None
    body = rows[:-1] if record_name else rows
    writer.writerows([*body, line, *([record_name] if record_name else [])])
    return out.getvalue().encode("utf-8")


def embed_sbom(wheel: Path, sbom: str) -> str:
    """Add ``sbom`` to ``wheel`` (in place); return the member's path. Already there: no-op."""
    data = sbom.encode("utf-8")
    with zipfile.ZipFile(wheel) as source:
        info_dir = dist_info(source, wheel)
        member = f"{info_dir}/sboms/{SBOM_NAME}"
        names = source.namelist()
        if member in names:
            if source.read(member) == data:
                return member
            raise StepFailed(
                f"{wheel.name} already has a different {member}",
                hint=f"releasekit writes {SBOM_NAME} itself; remove it from the build's inputs",
            )
        record = f"{info_dir}/RECORD"
        if record not in names:
            raise StepFailed(f"{wheel.name} has no {record}", hint="check the build backend")
        stamp = source.getinfo(f"{info_dir}/METADATA")
        rewritten = wheel.with_name(wheel.name + ".sbom-tmp")
        with zipfile.ZipFile(rewritten, "w") as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename == record:
                    added = zipfile.ZipInfo(member, date_time=stamp.date_time)
                    added.compress_type = zipfile.ZIP_DEFLATED
                    added.external_attr = 0o644 << 16
                    target.writestr(added, data)
                    content = _with_line(content, _record_line(member, data))
                target.writestr(info, content)
    os.replace(rewritten, wheel)
    return member


def read_embedded(wheel: Path) -> Embedded | None:
    """releasekit's SBOM inside ``wheel``, if it has one."""
    with zipfile.ZipFile(wheel) as archive:
        member = f"{dist_info(archive, wheel)}/sboms/{SBOM_NAME}"
        if member not in archive.namelist():
            return None
        return Embedded(member, archive.read(member).decode("utf-8"))
