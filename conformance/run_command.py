"""``skc run``: the conformance run behind the command line (options, progress, summary).

Kept apart from :mod:`skc.conformance.cli` so the CLI module stays a thin list of commands.
Exit codes: 0 conformant, 1 not conformant or incomplete (a failure, an error, an unexpected
pass, an interrupted run, nothing observed), 2 bad usage or a bad input file (profile,
scenarios, expected failures, output directory). Every option is checked before the run
starts, so bad usage never leaves half a report behind.
"""

from __future__ import annotations

import secrets as _random
from dataclasses import replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from skc.conformance.events import CheckFinished, CheckStarted, Event, RunFinished, StepRan
from skc.conformance.expected import check_ids, load_expected_failures
from skc.conformance.faults import parse_fault
from skc.conformance.mismatch import KIND_TEXT, Kind
from skc.conformance.profile import Capability, load_profile, reference_profile
from skc.conformance.redact import console_text
from skc.conformance.reports import HTML_FILE, JUNIT_FILE, RESULTS_FILE, check_output_dir
from skc.conformance.results import Result, RunSummary, Status
from skc.conformance.runner import SUITES, RunConfig, RunReport, adapter_for, planned_checks, run
from skc.conformance.suites.base import PROFILES
from skc.conformance.suites.scenarios import load_scenarios
from skc.conformance.wallclock import PlannedWait, announce, planned_waits
from skc.model.errors import InputError, UnknownNameError
from skc.model.lands import LANDS, LandId, parse_land

_MAX_WARNINGS = 10
_COLUMNS = ("pass", "fail", "inconcl.", "error", "n/a", "uncovered")
_STATUS_STYLE = {
    Status.CONFORMANT: "green", Status.NOT_CONFORMANT: "red", Status.INCOMPLETE: "yellow",
}  # fmt: skip


def _lands(names: list[str]) -> tuple[LandId, ...]:
    if not names or names == ["all"]:
        return LANDS
    if "all" in names:
        raise InputError("--land all cannot be combined with other Länder")
    chosen = tuple(parse_land(name) for name in names)
    duplicates = sorted({land for land in chosen if chosen.count(land) > 1})
    if duplicates:
        raise InputError(f"--land {', '.join(duplicates)} is given twice; name each Land once")
    return chosen


def build_config(
    *,
    target: str,
    lands: list[str],
    seed: int | None,
    fault: str | None,
    suites: list[str],
    profile: Path | None,
    expected_failures: Path | None,
    hypothesis_profile: str,
    out: Path | None,
    replay: str | None,
    scenarios: Path | None,
    allow_remote: bool = False,
    wall_clock: bool = False,
) -> RunConfig:
    """Validate every option and input file; raise a HarnessError naming what is wrong."""
    if target.startswith(("http://", "https://")) and not allow_remote:
        from skc.conformance.adapters.http import is_loopback

        if not is_loopback(target):
            raise InputError(
                f"--target {target} is not on this machine; a run creates and deletes accounts "
                "there: add --allow-remote if that portal is meant for it"
            )
    chosen = _lands(lands)
    for suite in suites:
        if suite not in SUITES:
            raise UnknownNameError("suite", suite, SUITES)
    if len(set(suites)) != len(suites):
        raise InputError("a --suite is given twice; name each suite once")
    if hypothesis_profile not in PROFILES:
        raise UnknownNameError("hypothesis profile", hypothesis_profile, PROFILES)
    chosen_fault = parse_fault(fault) if fault else None
    if chosen_fault is not None:
        if not lands:
            chosen = (chosen_fault.land,)
        elif chosen != (chosen_fault.land,):
            raise InputError(
                f"--fault {chosen_fault.name} is a fault of {chosen_fault.land}; "
                f"run it with --land {chosen_fault.land} (or without --land)"
            )
    loaded_profile = load_profile(profile) if profile is not None else None
    if loaded_profile is not None and profile is not None:
        if not lands and chosen_fault is None:
            chosen = (loaded_profile.land,)
        elif chosen != (loaded_profile.land,):
            raise InputError(
                f"{loaded_profile.where('land')}: the profile describes a portal of "
                f"{loaded_profile.land}, but the run is for {', '.join(chosen)}; "
                "one profile covers one Land"
            )
    if scenarios is not None:
        if not scenarios.is_dir():
            raise InputError(f"{scenarios}: no such directory of scenario files (--scenarios)")
        if not any(scenarios.glob("*.yaml")):
            raise InputError(f"{scenarios}: holds no *.yaml scenario files (--scenarios)")
        load_scenarios(scenarios)  # validate before the run starts
    if out is not None:
        check_output_dir(out)
    config = RunConfig(
        lands=chosen,
        seed=seed if seed is not None else _random.randbelow(2**32),
        target=target,
        suites=tuple(suites) if suites else SUITES,
        fault=chosen_fault,
        profile=loaded_profile,
        hypothesis_profile=hypothesis_profile,
        out=out,
        only_check=replay,
        scenario_dir=scenarios,
        profile_path=profile,
        expected_path=expected_failures,
        allow_remote=allow_remote,
    )
    for land in config.lands:
        adapter_for(config, land)  # an unknown target or factory fails here, before any output
    if expected_failures is not None:
        entries = load_expected_failures(expected_failures)
        check_ids(entries, {check.id for _, check in planned_checks(config)})
        config = replace(config, expected=entries)
    else:
        planned_checks(config)  # an unknown --replay check fails here, before any output
    return with_wall_clock(config) if wall_clock else config


def with_wall_clock(config: RunConfig) -> RunConfig:
    """``--wall-clock``: the profile's ``wall_clock`` enabled for the timing rules planned."""
    timing = tuple(
        dict.fromkeys(check.name for _, check in planned_checks(config) if check.suite == "timing")
    )
    base = config.profile or reference_profile(config.lands[0])
    wall = base.wall_clock.model_copy(update={"enabled": True, "only": timing})
    return replace(config, profile=base.model_copy(update={"wall_clock": wall}), wall_clock=True)


def announce_wall_clock(config: RunConfig, console: Console) -> None:
    """Before a ``--wall-clock`` run: each planned wait and the estimated duration."""
    plans: list[PlannedWait] = []
    for land in config.lands:
        profile = adapter_for(config, land).profile
        if not profile.wall_clock.enabled:
            continue
        if profile.has(Capability.CLOCK_CONTROL):
            console.print(
                f"wall clock: {land}: the portal declares clock_control; its timing checks "
                "move its clock instead of waiting",
                highlight=False,
            )
            continue
        rules = tuple(
            c.name for at, c in planned_checks(config) if at == land and c.suite == "timing"
        )
        plans += planned_waits(land, rules, profile)
    if plans:
        for line in announce(plans):
            console.print(console_text(line), highlight=False)


class ConsoleHandler:
    """Progress on the console while the run goes, then the summary and every finding."""

    def __init__(self, console: Console, *, progress: bool, live: bool = True) -> None:
        self.console = console
        self.live = live  # a portal that outlives the run: left-over accounts matter
        self.wants_steps = live  # a live portal is slow: show the step being run
        self.check = ""
        self.bar = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=console, disable=not progress, transient=True,
        )  # fmt: skip
        self.task = self.bar.add_task("checks", total=None)
        self.bar.start()
        self.findings: list[Result] = []

    def handle(self, event: Event) -> None:
        """Move the bar; keep findings; print the summary at the end."""
        if isinstance(event, StepRan):
            line = console_text(f"{event.land} {event.check}: {event.step}")[:100]
            self.bar.update(self.task, description=line)
        elif isinstance(event, CheckStarted):
            self.bar.update(
                self.task, description=console_text(f"{event.land} {event.check}"),
                completed=event.index, total=event.total,
            )  # fmt: skip
        elif isinstance(event, CheckFinished):
            self.findings.extend(r for r in event.results if r.is_finding)
        elif isinstance(event, RunFinished):
            self.bar.stop()
            self._summary(event.summary)

    def close(self) -> None:
        """Stop the bar (also after a crash)."""
        self.bar.stop()

    def _summary(self, summary: RunSummary) -> None:
        print_ = self.console.print
        table = Table("Land", *_COLUMNS, title="Rules per Land by verdict (n/a: not applicable)")
        for land, cert in summary.certification.items():
            cells = [
                str(len(cert.get(key, ())))
                for key in ("passed", "failed", "inconclusive", "error", "not_applicable")
            ]
            table.add_row(land, *cells, str(len(cert.get("not_covered", ()))))
        print_(table)
        for result in self.findings:
            observed = result.observed or result.reason
            print_(
                f"[red]{result.verdict.value.upper()}[/] {result.land} "
                f"{console_text(result.check)} [bold]{result.rule}[/]{_kind(result)}: expected "
                f"{console_text(result.expected or '-')}, observed {console_text(observed)}",
                highlight=False,
            )
            if result.quotes:
                print_(
                    f"    «{console_text(result.quotes[0])}» ({result.seed_file})",
                    highlight=False,
                )
            print_(f"    replay: {console_text(result.replay)}", highlight=False)
        for entry in summary.unexpected_passes:
            print_(
                f"[yellow]UNEXPECTED PASS[/] {entry.land} {entry.rule}: listed as expected "
                f"failure ({console_text(entry.reason)}) but did not fail",
                highlight=False,
            )
        for warning in summary.warnings[:_MAX_WARNINGS]:
            print_(f"[yellow]warning[/] {console_text(warning)}", highlight=False)
        if len(summary.warnings) > _MAX_WARNINGS:
            more = len(summary.warnings) - _MAX_WARNINGS
            print_(f"[yellow]... and {more} more warnings[/] (in results.jsonl)", highlight=False)
        if summary.accounts_left and self.live:
            print_(
                f"[yellow]{len(summary.accounts_left)} test account(s) could not be deleted[/] "
                "(the 'account' lines of results.jsonl list them)",
                highlight=False,
            )
        _print_coverage(self.console, summary)
        style = _STATUS_STYLE[summary.status]
        print_(
            f"[{style}]{summary.status.value}[/]: {console_text(summary.status_reason)}",
            highlight=False,
        )


def _print_coverage(console: Console, summary: RunSummary) -> None:
    """Per Land: the share of stated rules exercised, and of limits probed at both sides."""
    if not summary.coverage:
        return
    table = Table(
        "Land", "rules exercised", "limits probed at both sides", "unobservable",
        title="Coverage (skc coverage lists what is not covered and why)",
    )  # fmt: skip
    for land, cov in summary.coverage.items():
        table.add_row(
            land,
            f"{cov['exercised']}/{cov['stated']} ({100 * cov['share']:.0f} %)",
            f"{cov['both_sides']}/{cov['limits']} ({100 * cov['boundary_share']:.0f} %)",
            str(len(cov["unobservable"])),
        )
    console.print(table)


def _kind(result: Result) -> str:
    """What sort of disagreement a finding is, in a few words (empty for an error)."""
    try:
        return f" ({KIND_TEXT[Kind(result.kind)]})" if result.kind else ""
    except ValueError:
        return ""


def execute(config: RunConfig, console: Console, *, progress: bool) -> RunReport:
    """Run with a progress bar on the console, then print the summary and the reports' paths."""
    fault = f", fault {config.fault.name}" if config.fault else ""
    console.print(
        console_text(
            f"skc run: target {config.target}, {', '.join(config.lands)}, seed {config.seed}{fault}"
        ),
        highlight=False,
    )
    announce_wall_clock(config, console)
    live = config.target != "inprocess"
    report = run(config, [ConsoleHandler(console, progress=progress, live=live)])
    if config.out is not None:
        for name in (RESULTS_FILE, JUNIT_FILE, HTML_FILE):
            console.print(console_text(f"report: {config.out / name}"), highlight=False)
    return report


__all__ = [
    "ConsoleHandler", "announce_wall_clock", "build_config", "execute", "with_wall_clock",
]  # fmt: skip
