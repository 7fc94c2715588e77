"""Automation using nox."""

import nox

nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["test"]


@nox.session
def test(session: nox.Session) -> None:
    session.install("-r", "tests/requirements.txt")
    session.install(".")
    session.run("pytest", *session.posargs)
