"""The harness as a pytest plugin: ``pytest --skc-target inprocess --skc-land berlin``.

Each check of each chosen Land is one collected test item (pytest counts them at collection),
grouped by Land and suite, so a portal's own CI gets pass / fail per check with pytest's usual
reporting (``--junitxml``, ``-k``, ``-x``). Node ids read ``LAND/SUITE::NAME``
(``berlin/fields::password/valid``) and can be passed back: ``pytest --skc-target inprocess
berlin/fields::password/valid`` (or ``berlin/fields``, or ``berlin``) runs just that. pytest's
JUnit class names are then ``berlin.fields``, the same as ``skc run``'s, so CI history from the
two can be compared.

A ``fail`` or ``error`` fails the item with the finding (rule, help-text quote, expected vs
observed, minimal example, replay command); ``not-applicable`` and ``inconclusive`` skip it with
the reason; a failure listed in ``--skc-expected-failures`` is an expected failure (xfail); a
check named in that file that passes fails as an unexpected pass. The items run through the same
:class:`~skc.conformance.runner.Session` as ``skc run`` (same events, scrubbing, conclusion);
with ``--skc-out DIR`` the same ``results.jsonl``, ``junit.xml`` and ``report.html`` are written
there. The run's conclusion is the last line of the terminal summary; a run that is not
conformant (or incomplete) exits non-zero even when no item failed. Bad options are usage errors
naming the valid values, never tracebacks.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from _pytest.reports import CollectReport

from skc.conformance.events import Broadcast, Handler
from skc.conformance.expected import ExpectedFailure
from skc.conformance.reports import REPORT_FILES, OutputDir
from skc.conformance.results import Result, RunSummary, Status
from skc.conformance.runner import RunConfig, Session, file_handlers, planned_checks
from skc.conformance.suites.base import Check
from skc.conformance.suites.plan import SUITES
from skc.conformance.verdicts import Verdict
from skc.model.errors import HarnessError
from skc.model.lands import LANDS, LandId, parse_land

_CONFIG_KEY = pytest.StashKey[RunConfig]()
_SELECT_KEY = pytest.StashKey[tuple[str, ...]]()
_SESSION_KEY = pytest.StashKey[Session]()
_BUS_KEY = pytest.StashKey[Broadcast]()
_OUT_KEY = pytest.StashKey[OutputDir]()
_SUMMARY_KEY = pytest.StashKey[RunSummary]()
_MERGED_KEY = pytest.StashKey[str]()
_RUN_OPTION = re.compile(
    r"(?<![\w-])--(target|land|suite|seed|fault|profile|expected-failures|scenarios|out|"
    r"hypothesis-profile|allow-remote)\b"
)
_RUN_OPTIONS = (
    "--skc-land", "--skc-suite", "--skc-seed", "--skc-fault", "--skc-profile",
    "--skc-expected-failures", "--skc-scenarios", "--skc-out", "--skc-hypothesis-profile",
    "--skc-allow-remote",
)  # fmt: skip


def pytest_addoption(parser: pytest.Parser) -> None:
    """The ``--skc-*`` options."""
    group = parser.getgroup("skc", "Servicekonto conformance harness")
    group.addoption("--skc-target", help="run the conformance suites against this target")
    group.addoption(
        "--skc-land", action="append", default=[],
        help=f"Land id, repeatable, or 'all' (default: all): {', '.join(LANDS)}",
    )  # fmt: skip
    group.addoption(
        "--skc-suite", action="append", default=[],
        help=f"suite, repeatable (default: all): {', '.join(SUITES)}",
    )  # fmt: skip
    group.addoption("--skc-seed", type=int, default=0, help="seed (default 0)")
    group.addoption("--skc-fault", default=None, help="a shipped seeded fault")
    group.addoption("--skc-profile", default=None, help="portal profile (YAML)")
    group.addoption(
        "--skc-expected-failures", default=None, help="known deviations with reasons (YAML)"
    )
    group.addoption("--skc-scenarios", default=None, help="directory of scenario files")
    group.addoption("--skc-out", default=None, help="write results.jsonl, junit.xml, report.html")
    group.addoption("--skc-hypothesis-profile", default="ci", help="ci, dev or live")
    group.addoption(
        "--skc-allow-remote", action="store_true", default=False,
        help="allow an http(s) target on another host",
    )  # fmt: skip


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
        allow_remote=config.getoption("--skc-allow-remote"),
    )  # fmt: skip


def _is_node_id(arg: str) -> bool:
    """Tell whether a command-line argument names checks (``LAND[/SUITE][::NAME]``)."""
    head = arg.split("::", 1)[0]
    land, _, suite = head.partition("/")
    return land in LANDS and (suite == "" or suite in SUITES) and not Path(head).exists()


def _take_node_ids(config: pytest.Config) -> tuple[str, ...]:
    """Remove the check node ids from pytest's path arguments; they select checks instead."""
    selected = tuple(arg for arg in config.args if _is_node_id(arg))
    config.args[:] = [arg for arg in config.args if not _is_node_id(arg)]
    return selected


def pytest_configure(config: pytest.Config) -> None:
    """With ``--skc-target``, check every option and input file before anything runs."""
    if not config.getoption("--skc-target", default=None):
        _without_target(config)
        return
    selected = _take_node_ids(config)
    try:
        run_config = _run_config(config)
    except HarnessError as exc:
        raise pytest.UsageError(f"skc: {_plugin_options(str(exc))}") from exc
    worker = getattr(config, "workerinput", {}).get("workerid")
    if worker is not None and run_config.out is not None:
        # a pytest-xdist worker: a session (and a browser) of its own, its reports in a shard
        # that the controller merges (skc.conformance.adapters.browser.farm)
        run_config = replace(run_config, out=run_config.out / "shards" / str(worker))
    for arg in selected:
        land = arg.split("::", 1)[0].split("/", 1)[0]
        if land not in run_config.lands:
            raise pytest.UsageError(
                f"skc: {arg} is a check of {land}, but the run is for "
                f"{', '.join(run_config.lands)}; add --skc-land {land}"
            )
    config.stash[_CONFIG_KEY] = run_config
    config.stash[_SELECT_KEY] = selected


def _plugin_options(message: str) -> str:
    """A message of ``skc run`` with its options named as this plugin spells them."""
    return _RUN_OPTION.sub(r"--skc-\1", message)


def _without_target(config: pytest.Config) -> None:
    """A ``--skc-*`` option without ``--skc-target`` is a mistake, not something to ignore."""
    given = [
        name for name in _RUN_OPTIONS
        if config.getoption(name, default=None) not in (None, [], 0, "ci")
    ]  # fmt: skip
    if not given:
        return
    try:
        for land in config.getoption("--skc-land"):
            if land != "all":
                parse_land(land)
    except HarnessError as exc:
        raise pytest.UsageError(f"skc: {exc}") from exc
    raise pytest.UsageError(
        f"skc: {', '.join(given)} need(s) --skc-target (e.g. --skc-target inprocess) to run "
        "the conformance suites"
    )


def node_id(land: str, check: Check) -> str:
    """The pytest node id of a check: ``LAND/SUITE::NAME``."""
    return f"{land}/{check.suite}::{check.id.removeprefix(f'{check.suite}/')}"


def _chosen(nodeid: str, selected: Sequence[str]) -> bool:
    if not selected:
        return True
    return any(nodeid == arg or nodeid.startswith((f"{arg}::", f"{arg}/")) for arg in selected)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, Any]:
    """Add one collector per (Land, suite) to what the session collects, so items are counted."""
    report: CollectReport = yield
    config = collector.config
    if not isinstance(collector, pytest.Session) or _CONFIG_KEY not in config.stash:
        return report
    if report.passed:
        groups: dict[str, list[tuple[LandId, Check]]] = {}
        selected = config.stash[_SELECT_KEY]
        for land, check in planned_checks(config.stash[_CONFIG_KEY]):
            if _chosen(node_id(land, check), selected):
                groups.setdefault(f"{land}/{check.suite}", []).append((land, check))
        report.result.extend(
            SuiteChecks.from_parent(collector, name=name, nodeid=name, checks=checks)
            for name, checks in groups.items()
        )
    return report


class SuiteChecks(pytest.Collector):
    """The checks of one suite in one Land: ``berlin/fields``."""

    def __init__(self, *, checks: list[tuple[LandId, Check]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.checks = checks

    def collect(self) -> Iterator[ConformanceItem]:
        """One item per check."""
        for land, check in self.checks:
            yield ConformanceItem.from_parent(
                self, name=node_id(land, check).split("::", 1)[1], land=land, check=check
            )


class ConformanceItem(pytest.Item):
    """One check of one Land."""

    def __init__(self, *, land: LandId, check: Check, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.land = land
        self.check = check
        self.index = 0
        run = self.config.stash[_CONFIG_KEY]
        fault = run.fault.name if run.fault is not None else ""
        self.user_properties += [
            ("land", land), ("seed", run.seed), ("target", run.target), ("fault", fault),
            ("rules", " ".join(check.rules)),
        ]  # fmt: skip

    def runtest(self) -> None:
        """Run the check through the run's session; fail, xfail or skip with the finding."""
        session = self.config.stash[_SESSION_KEY]
        total = len(self.session.items)
        results = session.run_check(self.land, self.check, self.index, total).results
        findings = [r for r in results if r.is_finding]
        if findings:
            raise ConformanceFailure(findings)
        expected = [r for r in results if r.expected_failure is not None]
        if expected:
            assert expected[0].expected_failure is not None
            pytest.xfail(f"expected failure: {expected[0].expected_failure.reason}")
        if gone := _entries_for(session.config.expected, self.land, self.check.id):
            raise UnexpectedPassFailure(gone)
        unobserved = {Verdict.NOT_APPLICABLE, Verdict.INCONCLUSIVE}
        if results and all(r.verdict in unobserved for r in results):
            pytest.skip(f"{results[0].verdict}: {results[0].reason}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        """The finding, readable."""
        if isinstance(excinfo.value, ConformanceFailure):
            return "\n".join(_finding_lines(excinfo.value.results))
        if isinstance(excinfo.value, UnexpectedPassFailure):
            return "\n".join(
                f"UNEXPECTED PASS {e.land} {e.check} rule {e.rule}: listed as expected failure "
                f"(entry {e.entry}: {e.reason}) but did not fail; remove the entry"
                for e in excinfo.value.entries
            )
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Where the item comes from: its Land and check id."""
        return self.path, None, f"{self.land} {self.check.id}"


class ConformanceFailure(Exception):  # noqa: N818 - carries a verdict, not an error
    """A check failed or errored; carries its results."""

    def __init__(self, results: list[Result]) -> None:
        super().__init__(results[0].rule if results else "failed")
        self.results = results


class UnexpectedPassFailure(Exception):  # noqa: N818 - carries a verdict, not an error
    """A check named in the expected-failures file passed: the deviation is gone."""

    def __init__(self, entries: list[ExpectedFailure]) -> None:
        super().__init__(entries[0].rule)
        self.entries = entries


def _entries_for(
    entries: Sequence[ExpectedFailure], land: LandId, check: str
) -> list[ExpectedFailure]:
    return [e for e in entries if e.land == land and e.check == check]


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
    """A node id that selects no check is a usage error naming how node ids look."""
    if _CONFIG_KEY not in config.stash:
        return
    ids = [item.nodeid for item in items if isinstance(item, ConformanceItem)]
    for arg in config.stash[_SELECT_KEY]:
        if not any(_chosen(nodeid, (arg,)) for nodeid in ids):
            del config.stash[_CONFIG_KEY]  # no run: the reports of an earlier one stay
            raise pytest.UsageError(
                f"skc: {arg} selects no check; node ids look like "
                f"{ids[0] if ids else 'berlin/fields::password/valid'} "
                "(see pytest --collect-only -q)"
            )


def _relevant(config: RunConfig, chosen: Sequence[ConformanceItem]) -> RunConfig:
    """Keep the expected failures the chosen checks can confirm; the others are not tested."""
    ran = {(item.land, item.check.id) for item in chosen}
    rules = {(item.land, rule) for item in chosen for rule in item.check.rules}
    entries = tuple(
        e for e in config.expected
        if ((e.land, e.check) in ran if e.check else (e.land, e.rule) in rules)
    )  # fmt: skip
    return replace(config, expected=entries)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Open the run (lock the output directory, write the header) unless only collecting."""
    config = session.config
    if _CONFIG_KEY not in config.stash or config.option.collectonly:
        return
    chosen = [item for item in session.items if isinstance(item, ConformanceItem)]
    for index, item in enumerate(chosen):
        item.index = index
    run_config = _relevant(config.stash[_CONFIG_KEY], chosen)
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
    config.stash[_SESSION_KEY].start()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Conclude the run and write its reports (also when interrupted), before other plugins
    finish, so the run's duration is its own."""
    config = session.config
    _merge_shards(session, exitstatus)
    if _SESSION_KEY not in config.stash or config.stash[_SESSION_KEY].header is None:
        return
    try:
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        summary = config.stash[_SESSION_KEY].finish(interrupted=interrupted)
        config.stash[_SUMMARY_KEY] = summary
        if summary.status is not Status.CONFORMANT and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
    finally:
        config.stash[_BUS_KEY].close()
        if _OUT_KEY in config.stash:
            config.stash[_OUT_KEY].__exit__(None, None, None)


def _merge_shards(session: pytest.Session, exitstatus: int) -> None:
    """The pytest-xdist controller merges its workers' shards into one set of reports and
    fails the run when they conclude it is not conformant."""
    config = session.config
    run_config = config.stash.get(_CONFIG_KEY, None)
    if run_config is None or run_config.out is None or hasattr(config, "workerinput"):
        return
    if not config.getoption("numprocesses", default=None):
        return
    from skc.conformance.adapters.browser.farm import SHARDS_DIR, merge_shards

    shards = sorted((run_config.out / SHARDS_DIR).glob("gw*"))
    if shards:
        summary = merge_shards(run_config.out, shards)
        config.stash[_MERGED_KEY] = f"{summary.get('status')}: {summary.get('status_reason')}"
        if summary.get("status") != Status.CONFORMANT.value and exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The run's conclusion and where its reports are, last."""
    if _MERGED_KEY in config.stash:
        out = config.stash[_CONFIG_KEY].out
        terminalreporter.write_line(f"skc: shards merged into {out}", bold=True)
        terminalreporter.write_line(f"skc: {config.stash[_MERGED_KEY]}", bold=True)
    if _SUMMARY_KEY not in config.stash:
        return
    summary = config.stash[_SUMMARY_KEY]
    write = terminalreporter.write_line
    for entry in summary.unexpected_passes:
        write(f"skc: UNEXPECTED PASS {entry.land} {entry.rule}: {entry.reason}", yellow=True)
    out = config.stash[_SESSION_KEY].config.out
    if out is not None:
        write(f"skc: reports in {out} ({', '.join(REPORT_FILES)})")
    colour = {
        "green": summary.ok, "red": summary.status is Status.NOT_CONFORMANT,
        "yellow": summary.status is Status.INCOMPLETE,
    }  # fmt: skip
    write(f"skc: {summary.status.value}: {summary.status_reason}", bold=True, **colour)


__all__ = [
    "ConformanceItem",
    "SuiteChecks",
    "node_id",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_make_collect_report",
    "pytest_sessionfinish",
    "pytest_terminal_summary",
]
