import zipfile
from pathlib import Path

from releasekit.artifacts import scan, top_level_names

from .archives import sdist as make_sdist


def _wheel(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def test_clean_wheel_and_top_level_names(tmp_path: Path) -> None:
    wheel = _wheel(
        tmp_path / "pkg-1.0-py3-none-any.whl",
        {
            "pkg/__init__.py": b"",
            "pkg/sub/__init__.py": b"",
            "single.py": b"",
            "pkg-1.0.dist-info/METADATA": b"",
            "_native.cpython-311-x86_64-linux-gnu.so": b"",
        },
    )
    assert scan([wheel]).findings == []
    assert top_level_names(wheel) == ["_native", "pkg", "single"]


def test_forbidden_names_and_secret_content(tmp_path: Path) -> None:
    body = b"b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW"
    key = b"-----BEGIN OPENSSH " + b"PRIVATE KEY-----\n" + body + b"\n"  # split: we ship tests
    sdist = make_sdist(
        tmp_path / "pkg-1.0.tar.gz",
        {
            ".env": b"A=1",
            "src/.git/config": b"",
            "deploy/id_rsa": b"x",
            "notes/.pypirc": b"",
            "src/pkg/data.txt": key,
            "src/pkg/ok.py": b"print('fine')",
            "src/pkg/tok.py": b"T = 'ghp_" + b"aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5" + b"'",
        },
    )
    findings = scan([sdist]).findings
    assert sorted(str(f) for f in findings) == [
        "pkg-1.0.tar.gz!.env: Sensitive file name ('.env*')",
        "pkg-1.0.tar.gz!deploy/id_rsa: Sensitive file name ('id_rsa*')",
        "pkg-1.0.tar.gz!notes/.pypirc: Sensitive file name ('.pypirc')",
        "pkg-1.0.tar.gz!src/.git/config: Sensitive file name ('.git')",
        "pkg-1.0.tar.gz!src/pkg/data.txt line 1: Private Key",
        "pkg-1.0.tar.gz!src/pkg/tok.py line 1: GitHub Token",
    ]


def test_allow_and_extra_forbid(tmp_path: Path) -> None:
    sdist = make_sdist(tmp_path / "pkg-1.0.tar.gz", {"tests/fixtures/.env": b"", "secret.cfg": b""})
    findings = scan([sdist], forbid=["secret.cfg"], allow=["tests/fixtures/*"]).findings
    assert [f.member for f in findings] == ["secret.cfg"]


def test_a_token_file_by_name_but_not_a_word_that_starts_with_token(tmp_path: Path) -> None:
    """pylint's sdist ships tests/functional/t/tokenize_error.txt: the tokenizer's, no token."""
    names = [
        "token.txt",
        "creds/github_token.txt",
        "api-token.txt",
        "ci.token.txt",
        "tests/functional/t/tokenize_error.txt",
        "data/tokenizer_vocab.txt",
        "docs/tokens_and_parsing.txt",
    ]
    sdist = make_sdist(tmp_path / "pkg-1.0.tar.gz", dict.fromkeys(names, b"x"))
    flagged = sorted(f.member.removeprefix("pkg-1.0.tar.gz!") for f in scan([sdist]).findings)
    assert flagged == sorted(names[:4])
