"""The supply-chain library: SBOM (schema-valid, lists the dependencies), its PEP 770 embedding
(RECORD, metadata check, byte-identical rebuild), SHA256SUMS (checked by the real sha256sum),
the provenance statement, and the attestation decision with a test double of GitHub's OIDC
token endpoint (GitHub Actions cannot exist here; Sigstore signing needs the real Sigstore
network and is NOT tested: only the identity exchange and the twine arguments are)."""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from releasekit.artifacts import check_planned
from releasekit.config import load_config
from releasekit.redact import redact
from releasekit.steps.build import build_package
from releasekit.steps.publish import twine_upload
from releasekit.supply import attest
from releasekit.supply.attest import decide, identity_problems, obtain_identity, upload_args
from releasekit.supply.checksums import add_line, read_sums, sums_text
from releasekit.supply.embed import SBOM_NAME, embed_sbom, read_embedded
from releasekit.supply.provenance import builder_id, clean_url, statement
from releasekit.supply.sbom import runtime_sbom
from releasekit.supply.wheels import embed_runtime_sbom
from releasekit.targets import Target
from releasekit.workspace import load_workspace

from ..conftest import PROJECTS, RemoteIndex

METADATA = (
    b"Metadata-Version: 2.4\nName: Demo_Pkg\nVersion: 2.0.0\n"
    b"Requires-Dist: requests>=2.31\n"
    b'Requires-Dist: tomli; python_version < "3.11"\n'
    b'Requires-Dist: pytest>=8; extra == "test"\n\n'
)


def _wheel(path: Path, metadata: bytes = METADATA) -> Path:
    """A minimal wheel as a backend writes one: members, then RECORD last."""
    members = {
        "demo_pkg/__init__.py": b"VALUE = 1\n",
        "demo_pkg-2.0.0.dist-info/METADATA": metadata,
        "demo_pkg-2.0.0.dist-info/WHEEL": b"Wheel-Version: 1.0\nRoot-Is-Purelib: true\n",
    }
    record = io.StringIO()
    for name, data in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.write(f"{name},sha256={digest},{len(data)}\n")
    record.write("demo_pkg-2.0.0.dist-info/RECORD,,\n")
    members["demo_pkg-2.0.0.dist-info/RECORD"] = record.getvalue().encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 2, 3, 4, 6))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def _sdist(where: Path) -> Path:
    path = where / "demo_pkg-2.0.0.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("demo_pkg-2.0.0/PKG-INFO")
        info.size = len(METADATA)
        archive.addfile(info, io.BytesIO(METADATA))
    return path


def test_sbom_is_schema_valid_and_lists_the_dependencies() -> None:
    text = runtime_sbom(METADATA, epoch=1_700_000_000, where="demo")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert bom["metadata"]["component"]["purl"] == "pkg:pypi/demo-pkg@2.0.0"
    scopes = {c["name"]: c["scope"] for c in bom["components"]}
    assert scopes == {"requests": "required", "tomli": "required", "pytest": "optional"}
    assert {c["purl"] for c in bom["components"]} == {
        "pkg:pypi/requests",
        "pkg:pypi/tomli",
        "pkg:pypi/pytest",
    }
    root = next(d for d in bom["dependencies"] if d["ref"] == "pkg:pypi/demo-pkg@2.0.0")
    assert len(root["dependsOn"]) == 3
    assert "declared" in bom["metadata"]["properties"][0]["value"]  # says it is not resolved
    assert bom["metadata"]["timestamp"].startswith("2023-11-14T22:13:20")
    # deterministic: same input, same bytes (serial number included)
    assert runtime_sbom(METADATA, epoch=1_700_000_000, where="demo") == text


def test_sbom_without_dependencies_is_valid() -> None:
    text = runtime_sbom(b"Metadata-Version: 2.1\nName: x\nVersion: 1\n\n", epoch=0, where="x")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    assert "components" not in json.loads(text) or not json.loads(text)["components"]


def test_embedding_adds_the_member_and_its_record_line(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "demo_pkg-2.0.0-py3-none-any.whl")
    member = embed_runtime_sbom(wheel, epoch=0)
    assert member == f"demo_pkg-2.0.0.dist-info/sboms/{SBOM_NAME}"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        assert names[-2:] == [member, "demo_pkg-2.0.0.dist-info/RECORD"]  # RECORD stays last
        assert archive.getinfo(member).date_time == (2026, 1, 2, 3, 4, 6)  # METADATA's stamp
        data = archive.read(member)
        rows = list(csv.reader(io.StringIO(archive.read(names[-1]).decode())))
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert [member, f"sha256={digest}", str(len(data))] in rows
    assert rows[-1] == ["demo_pkg-2.0.0.dist-info/RECORD", "", ""]
    assert set(names) - {member} == {r[0] for r in rows} - {member}  # every member recorded
    embedded = read_embedded(wheel)
    assert embedded is not None and json.loads(embedded.text)["components"]
    # the metadata check before any upload still passes on the rewritten wheel
    assert check_planned([wheel, _sdist(tmp_path)], {"demo-pkg": "demo-pkg"}, "2.0.0")
    before = hashlib.sha256(wheel.read_bytes()).hexdigest()
    embed_runtime_sbom(wheel, epoch=0)  # a second embedding of the same SBOM changes nothing
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == before


def test_a_different_sbom_already_there_is_refused(tmp_path: Path) -> None:
    wheel = _wheel(tmp_path / "demo_pkg-2.0.0-py3-none-any.whl")
    embed_sbom(wheel, "{}\n")
    with pytest.raises(Exception, match="already has a different"):
        embed_sbom(wheel, '{"other": 1}\n')


def test_rebuild_with_embedded_sbom_is_byte_identical(tmp_path: Path) -> None:
    """Two real builds of one source with one SOURCE_DATE_EPOCH: same sha256, SBOM inside."""
    root = tmp_path / "src"
    shutil.copytree(PROJECTS / "simple", root)
    package = load_workspace(root, load_config(root, environ={})).packages[0]
    digests = []
    for run in ("one", "two"):
        built = build_package(package, root, tmp_path / run, epoch=1_763_640_000, sbom=True)
        wheel = next(p for p in built if p.suffix == ".whl")
        assert read_embedded(wheel) is not None
        check_planned(built, {"simple-pkg": "simple-pkg"}, "1.0.0")  # name/version = plan
        digests.append({p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in built})
    assert digests[0] == digests[1]


def test_sha256sums_verify_with_sha256sum(tmp_path: Path) -> None:
    files = []
    for name, data in {"b.whl": b"wheel", "a.tar.gz": b"sdist", "c d.whl": b"space"}.items():
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    sums = tmp_path / "SHA256SUMS"
    sums.write_text(sums_text(files))
    assert [line.split("  ")[1] for line in sums.read_text().splitlines()] == sorted(
        f.name for f in files
    )
    done = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path, capture_output=True, check=False
    )
    assert done.returncode == 0, done.stderr
    # an image line (no such file): checked files still verify with --ignore-missing, once
    digest = "sha256:" + "ab" * 32
    add_line(sums, digest, "registry.example/demo:2.0.0")
    add_line(sums, digest, "registry.example/demo:2.0.0")
    assert read_sums(sums)["registry.example/demo:2.0.0"] == "ab" * 32
    assert len(sums.read_text().splitlines()) == 4
    cmd = ["sha256sum", "-c", "--ignore-missing", "SHA256SUMS"]
    assert subprocess.run(cmd, cwd=tmp_path, capture_output=True, check=False).returncode == 0
    (tmp_path / "b.whl").write_bytes(b"tampered")
    assert subprocess.run(cmd, cwd=tmp_path, capture_output=True, check=False).returncode == 1


def test_provenance_names_artifact_commit_and_builder(tmp_path: Path) -> None:
    data = statement(
        artifact=tmp_path / "demo-2.0.0.tar.gz",
        sha256="cd" * 32,
        package="demo",
        source="https://user:s3cr3t-t0ken@github.com/acme/demo.git",
        commit="a" * 40,
        command=["uv", "build"],
        build_requires=["hatchling>=1.24", "hatch-vcs; python_version>'3'"],
        invocation="rel-1",
        epoch=1_763_640_000,
        environ={},
    )
    assert data["_type"] == "https://in-toto.io/Statement/v1"
    assert data["predicateType"] == "https://slsa.dev/provenance/v1"
    assert data["subject"] == [{"name": "demo-2.0.0.tar.gz", "digest": {"sha256": "cd" * 32}}]
    build = data["predicate"]["buildDefinition"]
    assert build["externalParameters"]["source"] == {
        "repository": "https://github.com/acme/demo.git",
        "commit": "a" * 40,
    }
    assert "s3cr3t" not in json.dumps(data)
    deps = build["resolvedDependencies"]
    assert deps[0]["digest"] == {"gitCommit": "a" * 40}
    assert [d["uri"] for d in deps[1:]] == ["pkg:pypi/hatchling", "pkg:pypi/hatch-vcs"]
    assert data["predicate"]["runDetails"]["builder"]["id"].endswith("#local")


def test_clean_url_and_builder_id() -> None:
    assert clean_url("git@github.com:acme/demo.git") == "ssh://github.com/acme/demo.git"
    assert clean_url("https://x:y@host:8443/a/b") == "https://host:8443/a/b"
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_WORKFLOW_REF": "acme/demo/.github/workflows/release.yml@refs/heads/main",
    }
    assert builder_id(env) == (
        "https://github.com/acme/demo/.github/workflows/release.yml@refs/heads/main"
    )


def test_no_identity_means_attestations_are_skipped_and_why() -> None:
    decision = decide(None, environ={})
    assert not decision.sign and "no OIDC identity" in decision.reason
    assert "turned off" in decide(False, environ={"GITHUB_ACTIONS": "true"}).reason


def _jwt(claims: dict[str, object]) -> str:
    def part(obj: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.fixture
def github_oidc(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, object]]:
    """A TEST DOUBLE of GitHub Actions' OIDC token endpoint (GitHub cannot be reached here):
    GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=AUD with `Authorization: bearer $..._TOKEN`
    answers `{"count": .., "value": "<JWT with aud=AUD>"}` as GitHub documents it."""
    state: dict[str, object] = {"status": 200, "requests": []}
    request_token = "ghs-request-token-0123456789"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            query = parse_qs(urlsplit(self.path).query)
            state["requests"].append(query)  # type: ignore[attr-defined]
            ok = self.headers.get("Authorization") == f"bearer {request_token}"
            status = int(state["status"]) if ok else 401  # type: ignore[call-overload]
            audience = query.get("audience", [""])[0]
            body = json.dumps({"count": 1, "value": _jwt({"aud": audience, "sub": "repo:a/b"})})
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body.encode() if status == 200 else b'{"message": "denied"}')

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/_apis/token?api-version=2.0"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", url)
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", request_token)
    yield state
    server.shutdown()
    thread.join()


def test_identity_obtained_from_the_oidc_double(github_oidc: dict[str, object]) -> None:
    assert decide(None).sign
    token = obtain_identity()
    assert json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["aud"] == "sigstore"
    assert github_oidc["requests"] == [{"api-version": ["2.0"], "audience": ["sigstore"]}]
    assert token not in redact(f"token {token}")  # registered as a secret at once
    problems = [what for what, _ in identity_problems(None)]
    assert not [p for p in problems if "cannot be obtained" in p]


def test_refused_identity_is_a_preflight_problem(github_oidc: dict[str, object]) -> None:
    github_oidc["status"] = 403
    problems = list(identity_problems(None))
    assert any(
        "cannot be obtained" in what and "`id-token` permission" in how for what, how in problems
    )


def test_without_the_signer_auto_skips_and_true_refuses(
    github_oidc: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(attest, "signer_installed", lambda: False)
    decision = decide(None)
    assert not decision.sign and "releasekit[attest]" in decision.reason
    assert list(identity_problems(None)) == []  # unset: a release never fails for want of it
    (what, _), *_ = identity_problems(True)
    assert "attestations = true" in what and "not installed" in what


def test_attestations_true_without_identity_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    (what, how), *_ = identity_problems(True)
    assert "attestations = true" in what and "GitHub Actions" in how


def test_twine_uploads_a_signed_file_with_its_attestation(
    tmp_path: Path, remote_index: RemoteIndex
) -> None:
    """The publish step's real twine command against pypiserver. The attestation is a
    placeholder JSON document, NOT a Sigstore bundle (signing needs the Sigstore network):
    this proves the command line (twine fails when --attestations finds no attestation file),
    not a signature."""
    target = Target(
        name="corp",
        upload_url=remote_index.url,
        index_url=remote_index.url + "simple/",
        username=remote_index.username,
        password=remote_index.password,
    )
    wheel = _wheel(tmp_path / "demo_pkg-2.0.0-py3-none-any.whl")
    assert upload_args(wheel) == []
    signed = tmp_path / (wheel.name + ".publish.attestation")
    signed.write_text('{"version": 1, "placeholder": "not a Sigstore bundle"}')
    assert upload_args(wheel) == ["--attestations", str(signed)]
    twine_upload(target, str(wheel))
    assert [p.name for p in remote_index.directory.iterdir()] == [wheel.name]
