"""The harness as a pytest plugin: ``pytest --skc-target inprocess --skc-land berlin``.

Each check of each chosen Land becomes one test item, so a portal's own CI gets pass / fail
per rule with pytest's usual reporting (``--junitxml``, ``-k``, ``-x``). A ``fail`` or ``error``
fails the item with the finding (rule, help-text quote, expected vs observed, minimal example,
replay command); ``not-applicable`` and ``inconclusive`` skip it with the reason; a failure
listed in ``--skc-expected-failures`` is an expected failure (xfail).

The items run through the same :class:`~skc.conformance.runner.Session` as ``skc run``: the
same events, scrubbing and conclusion; with ``--skc-out DIR`` the same ``results.jsonl``,
``junit.xml`` and ``report.html`` are written there. Bad options are usage errors, not tracebacks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from skc.conformance.events import Broadcast, Handler
from skc.conformance.reports import REPORT_FILES, OutputDir
from skc.conformance.results import Result
from skc.conformance.runner import RunConfig, Session, file_handlers, planned_checks
from skc.conformance.suites.base import Check
from skc.conformance.verdicts import Verdict
from skc.model.errors import HarnessError

_SESSION_KEY = pytest.StashKey[Session]()
_BUS_KEY = pytest.StashKey[Broadcast]()
_OUT_KEY = pytest.StashKey[OutputDir]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--skc-*`` options."""
    group = parser.getgroup("skc", "Servicekonto conformance harness")
    group.addoption("--skc-target", help="run the conformance suites against this target")
    group.addoption("--skc-land", action="append", default=[], help="Land id (repeatable)")
    group.addoption("--skc-suite", action="append", default=[], help="suite (repeatable)")
    group.addoption("--skc-seed", type=int, default=0, help="seed (default 0)")
    group.addoption("--skc-fault", default=None, help="a shipped seeded fault")
    group.addoption("--skc-profile", default=None, help="portal profile (YAML)")
    group.addoption("--skc-expected-failures", default=None, help="known deviations (YAML)")
    group.addoption("--skc-scenarios", default=None, help="directory of scenario files")
    group.addoption("--skc-out", default=None, help="write results.jsonl, junit.xml, report.html")
    group.addoption("--skc-hypothesis-profile", default="ci", help="ci, dev or live")


def _path(config: pytest.Config, name: str) -> Path | None:
    value = config.getoption(name)
    return Path(value) if value else None


def _run_config(config: pytest.Config) -> RunConfig:
    from skc.conformance.run_command import build_config

    return build_config(
        target=config.getoption("--skc-target"), lands=config.getoption("--skc-land"),
        seed=config.getoption("--skc-seed"), fault=config.getoption("--skc-fault"),
        suites=config.getoption("--skc-suite"), profile=_path(config, "--skc-profile"),
        expected_failures=_path(config, "--skc-expected-failures"),
        hypothesis_profile=config.getoption("--skc-hypothesis-profile"),
        out=_path(config, "--skc-out"), replay=None, scenarios=_path(config, "--skc-scenarios"),
    )  # fmt: skip


def pytest_configure(config: pytest.Config) -> None:
    """With ``--skc-target``, check the options and open the run."""
    if not config.getoption("--skc-target", default=None):
        return
    try:
        run_config = _run_config(config)
    except HarnessError as exc:
        raise pytest.UsageError(f"skc: {exc}") from exc
    handlers: Sequence[Handler] = ()
    if run_config.out is not None:
        try:
            config.stash[_OUT_KEY] = OutputDir(run_config.out, REPORT_FILES).__enter__()
        except HarnessError as exc:
            raise pytest.UsageError(f"skc: {exc}") from exc
        handlers = file_handlers(run_config.out)
    bus = Broadcast(handlers)
    config.stash[_BUS_KEY] = bus
    config.stash[_SESSION_KEY] = Session(run_config, bus)


class ConformanceItem(pytest.Item):
    """One check of one Land."""

    def __init__(self, *, land: str, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.land = land
        self.check = check

    def runtest(self) -> None:
        """Run the check through the run's session; fail, xfail or skip with the finding."""
        session = self.config.stash[_SESSION_KEY]
        finished = session.run_check(self.land, self.check)  # type: ignore[arg-type]
        results = finished.results
        findings = [r for r in results if r.is_finding]
        if findings:
            raise ConformanceFailure(findings)
        expected = [r for r in results if r.expected_failure is not None]
        if expected:
            assert expected[0].expected_failure is not None
            pytest.xfail(f"expected failure: {expected[0].expected_failure.reason}")
        unobserved = {Verdict.NOT_APPLICABLE, Verdict.INCONCLUSIVE}
        if results and all(r.verdict in unobserved for r in results):
            pytest.skip(f"{results[0].verdict}: {results[0].reason}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The finding, readable."""
        if isinstance(excinfo.value, ConformanceFailure):
            return "\n".join(_finding_lines(excinfo.value.results))
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the item comes from."""
        return Path("skc"), 0, f"{self.land}::{self.check.id}"


class ConformanceFailure(Exception):  # noqa: N818 - carries a verdict, not an error
    """A check failed or errored; carries its results."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__(results[0].rule if results else "failed")
        self.results = results


def _finding_lines(results: list[Result]) -> Iterator[str]:
    for r in results:
        yield f"{r.verdict.value.upper()} {r.land} {r.check} rule {r.rule}"
        for quote in r.quotes:
            yield f"  help text ({r.seed_file}): «{quote}»"
        if r.expected or r.observed:
            yield f"  expected {r.expected}, observed {r.observed}"
        if r.reason:
            yield f"  reason: {r.reason}"
        yield from (f"  | {line}" for line in r.example)
        yield f"  replay: {r.replay}"


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    """With ``--skc-target``, add one item per check and Land."""
    if _SESSION_KEY not in config.stash:
        return
    run = config.stash[_SESSION_KEY]
    for land, check in planned_checks(run.config):
        items.append(
            ConformanceItem.from_parent(session, name=f"{land}::{check.id}", land=land, check=check)
        )
    run.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Conclude the run and write its reports (also when interrupted)."""
    config = session.config
    if _SESSION_KEY not in config.stash or config.stash[_SESSION_KEY].header is None:
        return
    try:
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        config.stash[_SESSION_KEY].finish(interrupted=interrupted)
    finally:
        config.stash[_BUS_KEY].close()
        if _OUT_KEY in config.stash:
            config.stash[_OUT_KEY].__exit__(None, None, None)


__all__ = ["ConformanceItem", "pytest_addoption", "pytest_collection_modifyitems"]
