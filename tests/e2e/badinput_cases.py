"""The bad-input corpus of issue 12, as data: what a new or careless user types, and what
releasekit must answer (exit status and the words its one ERROR line must contain).

Placeholders in arguments and environment values are filled in by the test: ``{repo}`` the
project, ``{plain}`` a copy of it outside git, ``{unborn}`` a git repository without commits,
``{file}`` a path that is a regular file, ``{missing}`` a path that does not exist,
``{free_url}`` an http URL nobody listens on, ``{busy}`` a port in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

RELEASE = ("release", "minor", "--yes")
PLAN = ("plan", "minor")
NO_GATE_ENV = {"RELEASEKIT_GATE_COMMAND": None}  # let pyproject's gate_command be read
OTHER_OWNER = {"GIT_TEST_ASSUME_DIFFERENT_OWNER": "1"}


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]
    code: int
    needles: tuple[str, ...]
    table: str = ""  # TOML lines added at the top of [tool.releasekit]
    tail: str = ""  # TOML added at the end of pyproject.toml (sub-tables)
    pyproject: bytes | None = None  # the whole file instead
    env: Mapping[str, str | None] = field(default_factory=dict)  # None: unset
    files: Mapping[str, bytes] = field(default_factory=dict)  # written before the run
    git: tuple[tuple[str, ...], ...] = ()  # git commands run before the run
    hold_lock: bool = False  # another process holds .releasekit/lock
    unset: tuple[str, ...] = ()  # keys removed from the fixture's [tool.releasekit]


def _p(case_id: str, case: Case) -> object:
    return pytest.param(case, id=case_id)


def key(case_id: str, line: str, *needles: str, args: tuple[str, ...] = RELEASE) -> object:
    """A bad ``[tool.releasekit]`` line; the ERROR names the file and the key."""
    return _p(case_id, Case(args, 2, ("pyproject.toml", *needles), table=line, env=NO_GATE_ENV))


def sub(case_id: str, toml: str, *needles: str) -> object:
    """A bad sub-table (image, docs, repositories, gate)."""
    return _p(case_id, Case(RELEASE, 2, ("pyproject.toml", *needles), tail=toml))


def env(case_id: str, name: str, value: str, code: int, *needles: str) -> object:
    return _p(case_id, Case(RELEASE, code, needles, env={name: value}))


def cli(case_id: str, args: tuple[str, ...], code: int, *needles: str) -> object:
    return _p(case_id, Case(args, code, needles))


CONFIG = [
    # tag_format
    key("tag-typo", 'tag_format = "v{versoin}"', "'tag_format'", "{versoin}", "{version}"),
    key("tag-positional", 'tag_format = "v{}"', "'tag_format'", "{}"),
    key("tag-index", 'tag_format = "v{0}"', "'tag_format'", "{0}"),
    key("tag-no-version", 'tag_format = "release"', "'tag_format'", "{version}"),
    key("tag-unclosed", 'tag_format = "v{version"', "'tag_format'", "template"),
    key("tag-lone-brace", 'tag_format = "v}{version}"', "'tag_format'", "template"),
    key("tag-spec", 'tag_format = "v{version:d}"', "'tag_format'", "format spec"),
    key("tag-conversion", 'tag_format = "v{version!r}"', "'tag_format'", "conversion"),
    key("tag-attribute", 'tag_format = "v{version.major}"', "'tag_format'", "version.major"),
    key("tag-space", 'tag_format = "v {version}"', "'tag_format'", "git ref name"),
    key("tag-dotdot", 'tag_format = "v..{version}"', "'tag_format'", "git ref name"),
    key("tag-dash", 'tag_format = "-{version}"', "'tag_format'", "git ref name"),
    key("tag-colon", 'tag_format = "v:{version}"', "'tag_format'", "git ref name"),
    key("tag-lock", 'tag_format = "{version}.lock"', "'tag_format'", "git ref name"),
    key("tag-empty", 'tag_format = ""', "'tag_format'", "{version}"),
    key("tag-int", "tag_format = 5", "'tag_format'", "expected a string"),
    key("tag-list", 'tag_format = ["v{version}"]', "'tag_format'", "expected a string"),
    # commit_message
    key("msg-empty", 'commit_message = ""', "'commit_message'", "empty"),
    key("msg-blank", 'commit_message = "   "', "'commit_message'", "empty"),
    key("msg-typo", 'commit_message = "Release {versoin}"', "'commit_message'", "{versoin}"),
    key("msg-name", 'commit_message = "Release {name}"', "'commit_message'", "{name}"),
    key("msg-positional", 'commit_message = "Release {}"', "'commit_message'", "{}"),
    key("msg-unclosed", 'commit_message = "Release {version"', "'commit_message'", "template"),
    key("msg-int", "commit_message = 3", "'commit_message'", "expected a string"),
    # gate_command
    key("gate-empty", 'gate_command = ""', "'gate_command'", "empty"),
    key("gate-blank", 'gate_command = "   "', "'gate_command'", "empty"),
    key("gate-empty-list", "gate_command = []", "'gate_command'", "empty"),
    key("gate-empty-arg", 'gate_command = ["pytest", ""]', "'gate_command'", "empty arguments"),
    key("gate-unclosed", 'gate_command = "pytest \'a"', "'gate_command'", "quotation"),
    key("gate-int", "gate_command = 5", "'gate_command'", "expected a list"),
    key("gate-ints", "gate_command = [1, 2]", "'gate_command[0]'", "expected a string"),
    key("gate-table", "gate_command = {run = 'pytest'}", "'gate_command'", "expected a list"),
    # smoke_command
    key("smoke-empty", 'smoke_command = ""', "'smoke_command'", "empty"),
    key("smoke-empty-list", "smoke_command = []", "'smoke_command'", "empty"),
    key("smoke-unclosed", 'smoke_command = "python -c \'x"', "'smoke_command'", "quotation"),
    key("smoke-bool", "smoke_command = true", "'smoke_command'", "expected a list"),
    # packages
    key("packages-empty", "packages = []", "'packages'", "at least one"),
    key("packages-blank", 'packages = [""]', "'packages[0]'", "empty"),
    key("packages-absolute", 'packages = ["/etc"]', "'packages[0]'", "relative"),
    key("packages-parent", 'packages = ["../elsewhere"]', "'packages[0]'", "relative"),
    key("packages-string", 'packages = "."', "'packages'", "expected a list"),
    key("packages-int", "packages = [1]", "'packages[0]'", "expected a string"),
    key("packages-missing", 'packages = ["nope"]', "nope"),
    # target
    key("target-empty", 'target = ""', "'target'", "empty"),
    key("target-int", "target = 1", "'target'", "expected a string"),
    key("target-no-host", 'target = "https://"', "'target'", "host"),
    key("target-bad-port", 'target = "http://h:99999/"', "'target'", "URL"),
    key("target-unknown", 'target = "prod"', "'prod'", "pypi"),
    key("target-ftp", 'target = "ftp://host/"', "'ftp://host/'"),
    # stage
    key("stage-empty", 'stage = ""', "'stage'", "empty"),
    key("stage-int", "stage = 1", "'stage'", "expected true, false or a target name"),
    key("stage-no-host", 'stage = "https://"', "'stage'", "host"),
    key("stage-unknown", 'stage = "prod"', "'stage'", "'prod'", "unknown release target"),
    key("stage-local", 'stage = "local"', "'stage'", "not a staging index", "stage = true"),
    # branches
    key("branches-empty", "branches = []", "'branches'", "at least one"),
    key("branches-blank", 'branches = [""]', "'branches[0]'", "empty"),
    key("branches-string", 'branches = "main"', "'branches'", "expected a list"),
    key("branches-int", "branches = [1]", "'branches[0]'", "expected a string"),
    # remote
    key("remote-empty", 'remote = ""', "'remote'", "empty"),
    key("remote-space", 'remote = "my remote"', "'remote'", "git ref name"),
    key("remote-dash", 'remote = "-x"', "'remote'", "git ref name"),
    key("remote-dotdot", 'remote = "a..b"', "'remote'", "git ref name"),
    key("remote-int", "remote = 1", "'remote'", "expected a string"),
    # history
    key("history-short-ref", 'history = "git:history"', "'history'", "full git ref name"),
    key("history-blank", 'history = " "', "'history'", "must name a store"),
    key("history-int", "history = 1", "'history'", "expected a string"),
    # booleans
    key("push-word", 'push = "maybe"', "'push'", "boolean", "'maybe'"),
    key("push-int", "push = 2", "'push'", "boolean"),
    key("push-float", "push = 1.5", "'push'", "boolean"),
    key("push-list", "push = []", "'push'", "boolean"),
    key("fragments-word", 'require_fragments = "sometimes"', "'require_fragments'", "boolean"),
    key("fragments-int", "require_fragments = 7", "'require_fragments'", "boolean"),
    key("changelog-word", 'changelog = "x"', "'changelog'", "'x'", "towncrier"),
    key("per-package-word", 'tag_per_package = "x"', "'tag_per_package'", "boolean"),
    # bump_map
    key("bump-map-string", 'bump_map = "x"', "'bump_map'", "expected a table"),
    key("bump-map-value", "bump_map = {feature = 'huge'}", "'bump_map.feature'", "'huge'"),
    key("bump-map-blank", "bump_map = {'' = 'major'}", "'bump_map'", "empty"),
    key("bump-map-list", "bump_map = [1]", "'bump_map'", "expected a table"),
    # artifact globs
    key("forbid-string", 'artifact_forbid = "*.pem"', "'artifact_forbid'", "expected a list"),
    key("forbid-blank", 'artifact_forbid = [""]', "'artifact_forbid[0]'", "empty"),
    key("forbid-int", "artifact_forbid = [1]", "'artifact_forbid[0]'", "expected a string"),
    key("allow-blank", 'artifact_allow = [" "]', "'artifact_allow[0]'", "empty"),
    key("allow-int", "artifact_allow = 5", "'artifact_allow'", "expected a list"),
    # unknown keys and wrong tables
    key("unknown-key", 'tagformat = "v{version}"', "'tagformat'", "unknown key", "spelling"),
    key("unknown-case", 'Target = "pypi"', "'Target'", "unknown key"),
    key("repositories-string", 'repositories = "corp"', "'repositories'", "expected a table"),
    key("image-string", 'image = "docker"', "'image'", "expected a table"),
    key("docs-bool", "docs = true", "'docs'", "expected a table"),
    key("gate-string", 'gate = "strict"', "'gate'", "expected a table"),
    key("sources-key", "sources = {}", "'sources'", "unknown key"),
    key("detected-key", "detected = {remote = 'x'}", "'detected'", "unknown key"),
    # commands that read the config
    key("config-cmd", 'tag_format = "v{versoin}"', "'tag_format'", args=("config",)),
    key("plan-cmd", "push = 'maybe'", "'push'", args=PLAN),
]

SUBTABLES = [
    sub("repo-ftp", "[tool.releasekit.repositories.corp]\nurl = 'ftp://x/'", "'repositories"),
    sub("repo-no-host", "[tool.releasekit.repositories.corp]\nurl = 'https://'", "host"),
    sub("repo-bad-port", "[tool.releasekit.repositories.corp]\nurl = 'http://h:0/'", "URL"),
    sub("repo-no-url", "[tool.releasekit.repositories.corp]\nusername = 'x'", "url", "missing"),
    sub(
        "repo-index-url",
        "[tool.releasekit.repositories.corp]\nurl = 'https://h/'\nindex_url = 'nope'",
        "index_url",
        "'nope'",
    ),
    sub(
        "repo-user-blank",
        "[tool.releasekit.repositories.corp]\nurl = 'https://h/'\nusername = ''",
        "username",
    ),
    sub(
        "repo-unknown",
        "[tool.releasekit.repositories.corp]\nurl = 'https://h/'\ntoken = 'x'",
        "token",
        "unknown key",
    ),
    sub("repo-string", "[tool.releasekit.repositories]\ncorp = 'https://h/'", "corp"),
    sub("image-builder", "[tool.releasekit.image]\nbuilder = 'kaniko'", "image.builder", "kaniko"),
    sub("image-isolation", "[tool.releasekit.image]\nisolation = 'none'", "image.isolation"),
    sub("image-name", "[tool.releasekit.image]\nname = 'Bad Name'", "image.name", "lowercase"),
    sub("image-registry-scheme", "[tool.releasekit.image]\nregistry = 'https://r'", "registry"),
    sub("image-registry-port", "[tool.releasekit.image]\nregistry = 'r:99999'", "registry"),
    sub("image-user", "[tool.releasekit.image]\nuser = 'root user'", "image.user"),
    sub("image-arg-name", "[tool.releasekit.image]\nbuild_args = {1X = 'a'}", "1X"),
    sub("image-args-string", "[tool.releasekit.image]\nbuild_args = 'A=1'", "build_args"),
    sub(
        "image-arg-nested",
        "[tool.releasekit.image.build_args]\nX = {a = 1}",
        "build_args.X",
        "expected a string",
    ),
    sub("image-command-empty", "[tool.releasekit.image]\ncommand = ''", "image.command", "empty"),
    sub("image-command-quote", '[tool.releasekit.image]\ncommand = "a \'b"', "quotation"),
    sub("image-smoke-quote", '[tool.releasekit.image]\nsmoke_command = "a \'b"', "quotation"),
    sub("image-dockerfile-blank", "[tool.releasekit.image]\ndockerfile = ''", "dockerfile"),
    sub("image-dockerfile-abs", "[tool.releasekit.image]\ndockerfile = '/etc/x'", "relative"),
    sub("image-dockerfile-dir", "[tool.releasekit.image]\ndockerfile = 'src'", "not a file"),
    sub("image-context-file", "[tool.releasekit.image]\ncontext = 'README.md'", "not a directory"),
    sub("image-context-parent", "[tool.releasekit.image]\ncontext = '..'", "relative"),
    sub("image-enabled", "[tool.releasekit.image]\nenabled = 'x'", "image.enabled", "boolean"),
    sub("image-tls", "[tool.releasekit.image]\ntls_verify = 'x'", "tls_verify", "boolean"),
    sub("image-latest", "[tool.releasekit.image]\nlatest = 3", "image.latest", "boolean"),
    sub("image-base-blank", "[tool.releasekit.image]\nbase_image = ''", "base_image", "empty"),
    sub("image-unknown", "[tool.releasekit.image]\ntag = 'x'", "image.tag", "unknown key"),
    sub("docs-branch", "[tool.releasekit.docs]\nbranch = 'gh pages'", "docs.branch", "ref name"),
    sub("docs-alias", "[tool.releasekit.docs]\nalias = ''", "docs.alias", "empty"),
    sub("docs-config-blank", "[tool.releasekit.docs]\nconfig_file = ''", "docs.config_file"),
    sub("docs-config-dir", "[tool.releasekit.docs]\nconfig_file = 'src'", "not a file"),
    sub("docs-enabled-missing", "[tool.releasekit.docs]\nenabled = true", "mkdocs.yml"),
    sub("docs-strict", "[tool.releasekit.docs]\nstrict = 'x'", "docs.strict", "boolean"),
    sub("docs-remote", "[tool.releasekit.docs]\nremote = '-x'", "docs.remote", "ref name"),
    sub("docs-set-default", "[tool.releasekit.docs]\nset_default = 5", "set_default"),
    sub("docs-unknown", "[tool.releasekit.docs]\ntheme = 'x'", "docs.theme", "unknown key"),
    sub("forge-kind", "[tool.releasekit.forge]\nkind = 'gitea'", "forge.kind", "github"),
    sub("forge-repo", "[tool.releasekit.forge]\nrepo = 'tool'", "forge.repo", "owner/name"),
    sub("forge-api-url", "[tool.releasekit.forge]\napi_url = 'api.github.com'", "forge.api_url"),
    sub("forge-unknown", "[tool.releasekit.forge]\ntoken = 'x'", "forge.token", "unknown key"),
    sub(
        "audit-ignore-no-reason",
        "[[tool.releasekit.audit.ignore]]\nid = 'PYSEC-2024-60'\nexpires = 2027-01-01",
        "audit.ignore[0].reason",
        "required",
    ),
    sub(
        "audit-ignore-bad-date",
        "[[tool.releasekit.audit.ignore]]\nid = 'X-1'\nreason = 'r'\nexpires = 'soon'",
        "audit.ignore[0].expires",
    ),
    sub("audit-fail-on", "[tool.releasekit.audit]\nfail_on = 'high'", "audit.fail_on", "fixable"),
    sub("supply-sbom", "[tool.releasekit.supply]\nsbom = 'x'", "supply.sbom", "boolean"),
    sub("supply-unknown", "[tool.releasekit.supply]\nsign = true", "supply.sign", "unknown key"),
    _p(
        "supply-attestations-no-identity",
        Case(
            RELEASE,
            3,
            ("attestations = true", "no OIDC identity", "`id-token` permission"),
            tail="[tool.releasekit.supply]\nattestations = true",
            env={"GITHUB_ACTIONS": None},
            git=(("add", "-A"), ("commit", "-qm", "attestations required")),
        ),
    ),
    sub(
        "alerts-not-a-url", "[tool.releasekit.alerts]\nurls = ['hooks.example.com']", "apprise URL"
    ),
    sub("alerts-on-unknown", "[tool.releasekit.alerts]\non = ['release-started']", "alerts.on"),
    sub("alerts-timeout-zero", "[tool.releasekit.alerts]\ntimeout = 0", "alerts.timeout"),
    sub("gate-percent", "[tool.releasekit.gate]\ncoverage_total = 500", "coverage_total", "500"),
    sub("gate-word", "[tool.releasekit.gate]\ncoverage_total = 'x'", "coverage_total"),
    sub("gate-unknown", "[tool.releasekit.gate]\ncoverage = 90", "'coverage'", "did you mean"),
    sub(
        "gate-api-no-reason",
        "[tool.releasekit.gate]\napi_allow = {'pkg.f' = ''}",
        "api_allow",
        "needs one",
    ),
]

_HEAD = b'[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
FILES = [
    _p(
        "pyproject-latin1",
        Case(
            RELEASE, 2, ("pyproject.toml", "not UTF-8", "line 4"), pyproject=_HEAD + b"# caf\xe9\n"
        ),
    ),
    _p(
        "pyproject-bom",
        Case(RELEASE, 2, ("pyproject.toml", "byte-order mark"), pyproject=b"\xef\xbb\xbf" + _HEAD),
    ),
    _p(
        "pyproject-utf16",
        Case(
            RELEASE, 2, ("pyproject.toml", "not UTF-8"), pyproject=_HEAD.decode().encode("utf-16")
        ),
    ),
    _p(
        "pyproject-binary",
        Case(RELEASE, 2, ("pyproject.toml", "not UTF-8"), pyproject=bytes(range(256)) * 4),
    ),
    _p(
        "pyproject-malformed",
        Case(RELEASE, 2, ("pyproject.toml", "malformed TOML", "line"), pyproject=b"[project\nn="),
    ),
    _p(
        "pyproject-empty",
        Case(RELEASE, 2, ("pyproject.toml", "[project]"), pyproject=b""),
    ),
    _p(
        "pyproject-tool-scalar",
        Case(RELEASE, 2, ("pyproject.toml", "'tool'", "table"), pyproject=b"tool = 5\n" + _HEAD),
    ),
    _p(
        "pyproject-releasekit-scalar",
        Case(
            RELEASE,
            2,
            ("pyproject.toml", "[tool.releasekit]", "table"),
            pyproject=_HEAD + b"[tool]\nreleasekit = 5\n",
        ),
    ),
    _p(
        "pyproject-releasekit-list",
        Case(
            RELEASE,
            2,
            ("pyproject.toml", "[tool.releasekit]", "table"),
            pyproject=_HEAD + b"[[tool.releasekit]]\ntarget = 'pypi'\n",
        ),
    ),
]

ENVIRONMENT = [
    env("env-push-word", "RELEASEKIT_PUSH", "maybe", 2, "RELEASEKIT_PUSH", "'push'", "'maybe'"),
    env("env-push-empty", "RELEASEKIT_PUSH", "", 2, "RELEASEKIT_PUSH", "'push'"),
    env("env-fragments", "RELEASEKIT_REQUIRE_FRAGMENTS", "perhaps", 2, "'require_fragments'"),
    env("env-gate-empty", "RELEASEKIT_GATE_COMMAND", "", 2, "RELEASEKIT_GATE_COMMAND", "empty"),
    env("env-gate-blank", "RELEASEKIT_GATE_COMMAND", "  ", 2, "'gate_command'", "empty"),
    env("env-gate-quote", "RELEASEKIT_GATE_COMMAND", "pytest 'x", 2, "quotation"),
    env("env-smoke-empty", "RELEASEKIT_SMOKE_COMMAND", "", 2, "'smoke_command'", "empty"),
    env("env-smoke-quote", "RELEASEKIT_SMOKE_COMMAND", '"x', 2, "'smoke_command'"),
    env("env-target-empty", "RELEASEKIT_TARGET", "", 2, "RELEASEKIT_TARGET", "empty"),
    env("env-target-unknown", "RELEASEKIT_TARGET", "nowhere", 2, "'nowhere'", "RELEASEKIT_TARGET"),
    env("env-target-no-host", "RELEASEKIT_TARGET", "http://", 2, "RELEASEKIT_TARGET", "host"),
    env("env-remote-space", "RELEASEKIT_REMOTE", "up stream", 2, "RELEASEKIT_REMOTE", "ref name"),
    env("env-remote-empty", "RELEASEKIT_REMOTE", "", 2, "RELEASEKIT_REMOTE", "empty"),
    env(
        "env-alert-urls", "RELEASEKIT_ALERT_URLS", "json://h/x nonsense", 2, "RELEASEKIT_ALERT_URLS"
    ),
    env("env-log-format", "RELEASEKIT_LOG_FORMAT", "yaml", 2, "RELEASEKIT_LOG_FORMAT", "'yaml'"),
    env("env-index-dir-file", "RELEASEKIT_INDEX_DIR", "{file}", 2, "RELEASEKIT_INDEX_DIR", "not a"),
    env("env-index-dir-under-file", "RELEASEKIT_INDEX_DIR", "{file}/sub", 2, "not a directory"),
]


def pypirc(case_id: str, text: bytes | None, value: str, *needles: str) -> object:
    """``--to NAME`` looks NAME up in ~/.pypirc (or $PYPIRC); the file is kept inside .git/."""
    files = {".git/pypirc": text} if text is not None else {}
    return _p(
        case_id,
        Case((*RELEASE, "--to", "corp"), 2, needles, env={"PYPIRC": value}, files=files),
    )


PYPIRC = [
    pypirc("pypirc-latin1", b"[corp]\n# caf\xe9\n", "{repo}/.git/pypirc", "pypirc", "not UTF-8"),
    pypirc("pypirc-no-header", b"repository = x\n", "{repo}/.git/pypirc", "pypirc", "malformed"),
    pypirc("pypirc-duplicate", b"[corp]\n[corp]\n", "{repo}/.git/pypirc", "malformed", "corp"),
    pypirc("pypirc-no-url", b"[corp]\nusername = u\n", "{repo}/.git/pypirc", "[corp]", "URL"),
    pypirc("pypirc-unknown-user", None, "~nosuchuser0/.pypirc", "PYPIRC", "~nosuchuser0"),
    pypirc("pypirc-is-dir", None, "{repo}/src", "unknown release target 'corp'"),
]

CLI = [
    cli("metrics-since", ("metrics", "--since", "yesterday"), 2, "'yesterday'", "ISO 8601"),
    cli("metrics-index", ("metrics", "--index-json", "ftp://x/"), 2, "--index-json", "http"),
    cli("history-html-file", ("history", "--html", "{file}"), 2, "--html", "not a directory"),
    cli("cli-unknown-option", ("release", "--bogus"), 2, "unrecognized arguments: --bogus"),
    cli("cli-status-option", ("status", "--all"), 2, "unrecognized arguments: --all"),
    cli("cli-no-command", (), 2, "required", "COMMAND"),
    cli("cli-unknown-command", ("relase",), 2, "invalid choice: 'relase'"),
    cli("cli-index-no-action", ("index",), 2, "required", "ACTION"),
    cli("cli-index-bad-action", ("index", "start"), 2, "invalid choice: 'start'"),
    cli("cli-port-high", ("index", "serve", "--port", "99999"), 2, "--port", "99999", "65535"),
    cli("cli-port-negative", ("index", "serve", "--port", "-1"), 2, "--port", "'-1'"),
    cli("cli-port-zero", ("index", "serve", "--port", "0"), 2, "--port", "'0'"),
    cli("cli-port-word", ("index", "serve", "--port", "http"), 2, "--port", "'http'"),
    cli("cli-port-float", ("index", "serve", "--port", "80.5"), 2, "--port", "'80.5'"),
    cli("cli-port-missing", ("index", "serve", "--port"), 2, "--port", "expected one argument"),
    cli("cli-port-busy", ("index", "serve", "--port", "{busy}"), 6, "cannot start the local index"),
    cli("cli-serve-dir-file", ("index", "serve", "--dir", "{file}"), 2, "--dir", "not a directory"),
    cli("cli-demo-dir-file", ("demo", "--dir", "{file}"), 2, "--dir", "not a directory"),
    cli("cli-root-missing", ("-C", "{missing}", "status"), 2, "-C/--root", "does not exist"),
    cli("cli-root-file", ("-C", "{file}", "plan"), 2, "-C/--root", "not a directory"),
    cli("cli-resume-and-rollback", ("release", "--resume", "--rollback"), 2, "not allowed with"),
    cli("cli-resume-bump", ("release", "minor", "--resume"), 2, "--resume/--rollback take no"),
    cli("cli-bump-word", ("release", "huge", "--yes"), 2, "invalid BUMP 'huge'"),
    cli("cli-bump-lower", ("release", "0.9", "--yes"), 2, "not greater"),
    cli("cli-bump-same", ("release", "1.0.0", "--yes"), 2, "not greater"),
    cli("cli-bump-conflict", ("release", "major,minor", "--yes"), 2, "conflicting BUMP"),
    cli("cli-bump-empty", ("release", ",", "--yes"), 2, "BUMP"),
    cli("cli-bump-unicode", ("release", "\u2167", "--yes"), 2, "BUMP"),
    cli("cli-bump-undecodable", ("release", "\udcff", "--yes"), 2, "invalid BUMP"),
    cli("cli-to-undecodable", ("release", "minor", "--yes", "--to", "\udcff"), 2, "target"),
    cli("cli-root-undecodable", ("-C", "/\udcff", "status"), 2, "-C/--root", "does not exist"),
    cli("cli-skip-unknown", ("release", "minor", "--yes", "--skip", "tests"), 2, "--skip tests"),
    cli("cli-no-terminal", ("release", "minor"), 2, "no terminal to confirm", "--yes"),
    cli("cli-to-unknown", ("release", "minor", "--yes", "--to", "prod"), 2, "'prod'"),
    cli("cli-to-empty", ("release", "minor", "--yes", "--to", ""), 2, "'target'", "empty"),
    cli("cli-to-no-host", ("plan", "minor", "--to", "https://"), 2, "'target'", "host"),
    cli("cli-plan-to-unknown", ("plan", "minor", "--to", "prod"), 2, "'prod'"),
    cli("cli-doctor-extra", ("doctor", "now"), 2, "unrecognized arguments: now"),
    cli("cli-config-option", ("config", "--all"), 2, "unrecognized arguments: --all"),
    cli("cli-init-extra", ("init", "--force"), 2, "unrecognized arguments: --force"),
    cli("cli-init-ci-shards", ("init", "--ci", "github", "--ci-shards", "0"), 2, "shard count"),
    cli("cli-log-file-dir", ("--log-file", "{missing}/x.jsonl", "status"), 2, "--log-file"),
    cli("cli-log-format", ("--log-format", "xml", "status"), 2, "--log-format", "'xml'"),
    cli("cli-verbose-value", ("--verbose=yes", "status"), 2, "ignored explicit argument"),
]

_UNFINISHED = (
    b'{"event": "start", "step": "release", "release_id": "r1", "version": "1.1.0", '
    b'"bump": "minor", "target": "local", "previous_version": "1.0.0", "ts": 1}\n'
)
_NO_HEADER = b'{"event": "start", "step": "release", "release_id": "r1", "ts": 1}\n'
_GARBAGE = bytes(range(256)) * 8
STATE = [
    _p("not-a-repo", Case(("-C", "{plain}", *RELEASE), 3, ("not a git repository",))),
    _p("plan-not-a-repo", Case(("-C", "{plain}", *PLAN), 3, ("not a git repository",))),
    # a checkout owned by another user (a container's mounted volume): git refuses it, and
    # "run `git init`" would be wrong advice. git's own test switch stands in for another owner.
    _p(
        "not-the-owner",
        Case(RELEASE, 3, ("dubious ownership", "safe.directory"), env=OTHER_OWNER),
    ),
    _p(
        "plan-not-the-owner",
        Case(PLAN, 3, ("dubious ownership", "safe.directory"), env=OTHER_OWNER),
    ),
    _p("no-commits", Case(("-C", "{unborn}", *RELEASE), 3, ("{unborn}", "commit"))),
    _p("plan-no-commits", Case(("-C", "{unborn}", *PLAN), 3, ("has no commits yet",))),
    _p(
        "detached-head",
        Case(RELEASE, 3, ("detached HEAD",), git=(("checkout", "-q", "--detach"),)),
    ),
    _p(
        "branch-not-allowed",
        Case(RELEASE, 3, ("branch 'wip'",), git=(("checkout", "-q", "-b", "wip"),)),
    ),
    _p(
        "no-user",
        Case(
            RELEASE,
            3,
            ("user.name",),
            env={"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"},
            git=(("config", "--unset", "user.name"), ("config", "--unset", "user.email")),
        ),
    ),
    _p(
        "dirty-tree",
        Case(RELEASE, 3, ("uncommitted changes", "README.md"), files={"README.md": b"x"}),
    ),
    _p("untracked", Case(RELEASE, 3, ("uncommitted changes", "new.txt"), files={"new.txt": b"x"})),
    _p("tag-exists", Case(RELEASE, 3, ("tag v1.1.0 already exists",), git=(("tag", "v1.1.0"),))),
    _p(
        "tag-on-remote",
        Case(
            RELEASE,
            3,
            ("v1.1.0 already exists on remote",),
            git=(("tag", "v1.1.0"), ("push", "-q", "origin", "v1.1.0"), ("tag", "-d", "v1.1.0")),
        ),
    ),
    _p(  # a forge asked for in the configuration, and no token for it
        "forge-no-token",
        Case(
            RELEASE,
            3,
            ("no GitHub token for acme/simple", "GITHUB_TOKEN"),
            tail="[tool.releasekit.forge]\nkind = 'github'\nrepo = 'acme/simple'",
            env={"GITHUB_TOKEN": None, "GH_TOKEN": None},
            git=(("commit", "-qam", "forge"),),
        ),
    ),
    _p(
        "no-remote",
        Case(RELEASE, 3, ("no git remote 'origin'",), git=(("remote", "remove", "origin"),)),
    ),
    _p(
        "unreachable-remote",
        Case(
            RELEASE,
            3,
            ("origin",),
            git=(("remote", "set-url", "origin", "/nonexistent/remote.git"),),
        ),
    ),
    _p(
        "no-fragments",
        Case(
            RELEASE,
            3,
            ("no changelog fragments",),
            env={"RELEASEKIT_REQUIRE_FRAGMENTS": "true"},
            git=(("rm", "-q", "changelog.d/1.feature.md"), ("commit", "-qm", "drop")),
        ),
    ),
    _p(
        "unreachable-index",
        Case(
            (*RELEASE, "--to", "{free_url}"),
            6,
            ("cannot reach the package index",),
            env={"TWINE_PASSWORD": "tok-unused-1234"},
        ),
    ),
    _p(
        "plan-unreachable-index",
        Case(
            (*PLAN, "--to", "{free_url}"),
            6,
            ("cannot reach the package index",),
            env={"TWINE_PASSWORD": "tok-unused-1234"},
        ),
    ),
    _p(
        "no-credentials", Case((*RELEASE, "--to", "pypi"), 3, ("no credentials for target 'pypi'",))
    ),
    _p(
        "state-dir-is-file",
        Case(RELEASE, 7, (".releasekit", "not a directory"), files={".releasekit": b"x"}),
    ),
    _p(
        "journal-binary",
        Case(
            RELEASE,
            7,
            ("journal.jsonl:1", "corrupt"),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl": _GARBAGE},
        ),
    ),
    _p(
        "journal-binary-lines",
        Case(
            RELEASE,
            7,
            ("journal.jsonl:1", "corrupt"),
            files={
                ".releasekit/.gitignore": b"*\n",
                ".releasekit/journal.jsonl": b"\xff\xfe\n" + _UNFINISHED,
            },
        ),
    ),
    _p(
        "journal-not-records",
        Case(
            RELEASE,
            7,
            ("journal.jsonl:1", "corrupt"),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl": b"[1]\n2\n"},
        ),
    ),
    _p(
        "journal-unfinished",
        Case(
            RELEASE,
            7,
            ("unfinished release of 1.1.0", "--resume"),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl": _UNFINISHED},
        ),
    ),
    _p(
        "journal-is-dir",
        Case(
            RELEASE,
            7,
            ("journal.jsonl", "cannot read"),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl/x": b""},
        ),
    ),
    _p(
        "resume-binary-journal",
        Case(
            ("release", "--resume"),
            7,
            ("journal.jsonl",),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl": _GARBAGE},
        ),
    ),
    _p(
        "resume-no-header",
        Case(
            ("release", "--resume"),
            7,
            ("start record has no",),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl": _NO_HEADER},
        ),
    ),
    _p(
        "rollback-no-header",
        Case(
            ("release", "--rollback"),
            7,
            ("start record has no",),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl": _NO_HEADER},
        ),
    ),
    _p("resume-nothing", Case(("release", "--resume"), 7, ("no release to resume",))),
    _p("rollback-nothing", Case(("release", "--rollback"), 7, ("no unfinished release",))),
    _p(
        "status-binary-journal",
        Case(
            ("status",),
            7,
            ("journal.jsonl",),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/journal.jsonl": _GARBAGE},
        ),
    ),
    _p(
        "status-binary-history",
        Case(
            ("status",),
            7,
            ("history",),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/history/r1.jsonl": _GARBAGE},
        ),
    ),
    _p(
        "lock-held",
        Case(RELEASE, 8, ("another release is running",), hold_lock=True),
    ),
    _p(
        "lock-binary-held",
        Case(
            RELEASE,
            8,
            ("another release is running", "pid ?"),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/lock": _GARBAGE},
            hold_lock=True,
        ),
    ),
    _p(
        "lock-binary-resume",
        Case(
            ("release", "--resume"),
            7,
            ("no release to resume",),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/lock": _GARBAGE},
        ),
    ),
    _p(
        "lock-is-dir",
        Case(
            RELEASE,
            7,
            ("lock", "cannot open the release lock"),
            files={".releasekit/.gitignore": b"*\n", ".releasekit/lock/x": b""},
        ),
    ),
]


def project(case_id: str, files: dict[str, bytes], code: int, *needles: str) -> object:
    """The project's own files (committed), read to find its changelog or test environment."""
    return _p(
        case_id,
        Case(
            RELEASE,
            code,
            needles,
            files=files,
            git=(("add", "-A"), ("commit", "-qm", "project file")),
            env=NO_GATE_ENV,
            unset=("gate_command",),  # so the test environment is detected from the files
        ),
    )


_LATIN1 = b"# caf\xe9\n"
PROJECT = [
    project(
        "changelog-latin1",
        {"CHANGELOG.md": b"# Changelog\n\ncaf\xe9\n<!-- towncrier release notes start -->\n"},
        3,
        "CHANGELOG.md",
        "not UTF-8",
        "line 3",
    ),
    project("tox-ini-latin1", {"tox.ini": b"[tox]\nenv_list = py\n" + _LATIN1}, 2, "tox.ini"),
    project("tox-toml-malformed", {"tox.toml": b"env_list = [\n"}, 2, "tox.toml", "malformed"),
    project("tox-toml-latin1", {"tox.toml": _LATIN1}, 2, "tox.toml", "not UTF-8"),
    project("hatch-toml-latin1", {"hatch.toml": _LATIN1}, 2, "hatch.toml", "not UTF-8"),
    project("hatch-toml-malformed", {"hatch.toml": b"[envs\n"}, 2, "hatch.toml", "malformed"),
    project("setup-cfg-latin1", {"setup.cfg": b"[tox:tox]\n" + _LATIN1}, 2, "setup.cfg"),
    project("noxfile-syntax", {"noxfile.py": b"def tests(:\n"}, 2, "noxfile.py", "syntax"),
    project("noxfile-latin1", {"noxfile.py": b"import nox\n" + _LATIN1}, 2, "noxfile.py"),
    _p(
        "per-version-index-latin1",  # the toctree a release's notes file is listed in
        Case(
            RELEASE,
            2,
            ("docs/releases/index.rst", "not UTF-8"),
            table='changelog = "per-version"',
            files={
                "docs/releases/0.9.0.rst": b"0.9.0\n=====\n\n- First.\n",
                "docs/releases/1.0.0.rst": b"1.0.0\n=====\n\n- Stable.\n",
                "docs/releases/index.rst": b".. toctree::\n\n   1.0.0\n   0.9.0\n" + _LATIN1,
            },
            git=(("add", "-A"), ("commit", "-qm", "project file")),
            env=NO_GATE_ENV,
        ),
    ),
]

_LONG = b"n" * 300  # a name no file system holds: every look-up fails, File name too long
_DYNAMIC = _HEAD + b'[project]\nname = "simple-pkg"\ndynamic = ["version"]\n'
TOO_LONG = [  # paths the project's own tables name
    project(
        "towncrier-directory-too-long",
        {"towncrier.toml": b'[tool.towncrier]\ndirectory = "' + _LONG + b'"\n'},
        2,
        "towncrier.toml: [tool.towncrier] directory = 'nnn",
        "300 bytes",
    ),
    _p(
        "hatch-path-too-long",
        Case(
            RELEASE,
            2,
            ("pyproject.toml: [tool.hatch.version] path = 'nnn", "300 bytes"),
            pyproject=_DYNAMIC + b'[tool.hatch.version]\npath = "' + _LONG + b'"\n',
        ),
    ),
    _p(
        "setuptools-attr-too-long",
        Case(
            RELEASE,
            2,
            ("setuptools dynamic attr: attr = 'nnn", "300 bytes"),
            pyproject=_DYNAMIC
            + b'[tool.setuptools.dynamic]\nversion = {attr = "'
            + _LONG
            + b'.__version__"}\n',
        ),
    ),
    _p(
        "setuptools-file-too-long",
        Case(
            RELEASE,
            2,
            ("[tool.setuptools.dynamic] version file = 'nnn", "300 bytes"),
            pyproject=_DYNAMIC
            + b'[tool.setuptools.dynamic]\nversion = {file = "'
            + _LONG
            + b'"}\n',
        ),
    ),
    _p(
        "pdm-path-too-long",
        Case(
            RELEASE,
            2,
            ("[tool.pdm.version] path = 'nnn", "300 bytes"),
            pyproject=_DYNAMIC + b'[tool.pdm.version]\nsource = "file"\npath = "' + _LONG + b'"\n',
        ),
    ),
    _p(
        "changelog-too-long",
        Case(RELEASE, 2, ("key 'changelog'", "300 bytes"), table='changelog = "' + "n" * 300 + '"'),
    ),
]

_NAMED = _HEAD + b'[project]\nname = "simple-pkg"\nversion = "1.0.0"\n'
_COMMITTED = (("commit", "-qam", "metadata"),)
METADATA = [  # [project] as the build and the index see it: the release would fail at them
    _p(
        "project-script-not-a-reference",
        Case(
            RELEASE,
            2,
            ("pyproject.toml", "[project.scripts] x = 'simple_pkg:main:x y'", "'module:function'"),
            pyproject=_NAMED + b'[project.scripts]\nx = "simple_pkg:main:x y"\n',
        ),
    ),
    _p(
        "project-name-space",
        Case(
            RELEASE,
            2,
            ("pyproject.toml", "the project name 'simple pkg' is not a valid name (PEP 508)"),
            pyproject=_HEAD + b'[project]\nname = "simple pkg"\nversion = "1.0.0"\n',
        ),
    ),
    _p(
        "readme-missing",
        Case(
            RELEASE,
            3,
            ("pyproject.toml: [project] readme = 'README.md' is missing", "commit README.md"),
            git=(("rm", "-q", "README.md"), *_COMMITTED),
        ),
    ),
    _p(
        "readme-directory",
        Case(
            RELEASE,
            3,
            ("pyproject.toml: [project] readme = 'src' is a directory",),
            pyproject=_NAMED + b'readme = "src"\n',
            git=_COMMITTED,
        ),
    ),
    _p(
        "readme-file-missing",
        Case(
            RELEASE,
            3,
            ("pyproject.toml: [project] readme.file = 'READ.md' is missing",),
            pyproject=_NAMED + b'readme = {file = "READ.md", content-type = "text/markdown"}\n',
            git=_COMMITTED,
        ),
    ),
    _p(
        "license-file-missing",
        Case(
            RELEASE,
            3,
            ("pyproject.toml: [project] license.file = 'LICENSE' is missing",),
            pyproject=_NAMED + b'license = {file = "LICENSE"}\n',
            git=_COMMITTED,
        ),
    ),
]
ALL = [
    *CONFIG,
    *SUBTABLES,
    *FILES,
    *ENVIRONMENT,
    *PYPIRC,
    *CLI,
    *STATE,
    *PROJECT,
    *TOO_LONG,
    *METADATA,
]
