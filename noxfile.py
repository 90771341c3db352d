"""Developer sessions: tests, lint, typing (default); quality, browser and bench (opt-in).

The sessions run in the environment that launched nox (``./dev`` puts ``.venv`` first on PATH),
so a fresh machine installs the project once, not once per session.
"""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typing"]
nox.options.default_venv_backend = "none"


@nox.session
def tests(session: nox.Session) -> None:
    """Run the fast and slow tests of the harness (tests/cover, tests/nocover) on two workers."""
    session.run("pytest", "-n", "2", *session.posargs)


@nox.session
def quality(session: nox.Session) -> None:
    """Does the harness find real bugs? Per-fault detection, and every analyst notebook executed,
    in parallel workers (opt-in; CI runs it after the tests)."""
    session.run("pytest", "-n", "2", "-m", "not browser_farm", "tests/quality", *session.posargs)


@nox.session
def browser(session: nox.Session) -> None:
    """Every Land's field and scenario suites and every field fault through the web pages in
    Debian's chromium, sharded over two workers (opt-in: hours on two cores; a CI matrix runs
    one Land per job with ``-k LAND``)."""
    session.run(
        "pytest", "-n", "2", "-m", "browser_farm", "tests/quality/test_browser_runs.py",
        *session.posargs,
    )  # fmt: skip


@nox.session
def notebooks(session: nox.Session) -> None:
    """Execute every analyst notebook with nbclient (any error, or over 60 s, fails) and check
    that none is committed with outputs."""
    session.run("pytest", "tests/quality/test_notebooks.py", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and lint rules with ruff."""
    session.run("ruff", "format", "--check", ".")
    session.run("ruff", "check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check packages, tests and this file with mypy in strict mode."""
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Print throughput figures and their ratio to the targets (opt-in, not a test); then the
    HTTP adapter's overhead per operation against raw httpx (``python -m benchmarks.http runs``
    times the full run per Land over HTTP, which takes minutes)."""
    session.run("python", "-m", "benchmarks", *session.posargs)
    session.run("python", "-m", "benchmarks.http", "overhead")
