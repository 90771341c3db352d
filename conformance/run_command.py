"""``skc run``: the conformance run behind the command line (options, progress, summary).

Kept apart from :mod:`skc.conformance.cli` so the CLI module stays a thin list of commands.
Exit codes: 0 every result passed (or failed as expected), 1 a failure, error or unexpected
pass, 2 bad usage or a bad input file (profile, scenarios, expected failures).
"""

from __future__ import annotations

import secrets as _random
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from skc.conformance.expected import load_expected_failures
from skc.conformance.faults import parse_fault
from skc.conformance.profile import load_profile
from skc.conformance.reports import HTML_FILE, JUNIT_FILE, RESULTS_FILE
from skc.conformance.runner import SUITES, TARGETS, RunConfig, RunSummary, run
from skc.conformance.suites.base import PROFILES
from skc.conformance.suites.scenarios import load_scenarios
from skc.model.errors import UnknownNameError
from skc.model.lands import LANDS, LandId, parse_land

_COLUMNS = ("pass", "fail", "inconcl.", "error", "n/a", "uncovered")


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
    out: Path,
    replay: str | None,
    scenarios: Path | None,
) -> RunConfig:
    """Validate every option and input file; raise a HarnessError naming what is wrong."""
    chosen: tuple[LandId, ...] = (
        LANDS if not lands or lands == ["all"] else tuple(parse_land(n) for n in lands)
    )
    if target not in TARGETS:
        raise UnknownNameError("target", target, TARGETS)
    chosen_fault = parse_fault(fault) if fault else None
    if chosen_fault is not None and not lands:
        chosen = (chosen_fault.land,)
    for suite in suites:
        if suite not in SUITES:
            raise UnknownNameError("suite", suite, SUITES)
    if hypothesis_profile not in PROFILES:
        raise UnknownNameError("hypothesis profile", hypothesis_profile, PROFILES)
    if scenarios is not None:
        load_scenarios(scenarios)  # validate before the run starts
    return RunConfig(
        lands=chosen,
        seed=seed if seed is not None else _random.randbelow(2**32),
        target=target,
        suites=tuple(suites) if suites else SUITES,
        fault=chosen_fault,
        profile=load_profile(profile) if profile is not None else None,
        expected=load_expected_failures(expected_failures) if expected_failures else (),
        hypothesis_profile=hypothesis_profile,
        out=out,
        only_check=replay,
        scenario_dir=scenarios,
        profile_path=profile,
    )


def execute(config: RunConfig, console: Console, *, progress: bool) -> RunSummary:
    """Run with a progress bar on stderr, then print the summary and where the reports are."""
    fault = f", fault {config.fault.name}" if config.fault else ""
    console.print(
        f"skc run: target {config.target}, {', '.join(config.lands)}, seed {config.seed}{fault}",
        highlight=False,
    )
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, disable=not progress, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("checks", total=None)

        def advance(name: str, index: int, total: int) -> None:
            bar.update(task, description=name, completed=index, total=total)

        summary = run(config, on_check=advance)
    _print_summary(summary, config, console)
    return summary


def _print_summary(summary: RunSummary, config: RunConfig, console: Console) -> None:
    table = Table("Land", *_COLUMNS, title="Rules per Land by verdict (n/a: not applicable)")
    for land in config.lands:
        cert = summary.certification.get(land, {})
        cells = [
            str(len(cert.get(key, [])))
            for key in ("passed", "failed", "inconclusive", "error", "not_applicable")
        ]
        table.add_row(land, *cells, str(len(cert.get("not_covered", []))))
    console.print(table)
    for record in summary.results:
        if record["verdict"] in ("fail", "error") and record["expected_failure"] is None:
            console.print(
                f"[red]{record['verdict'].upper()}[/] {record['land']} {record['check']} "
                f"[bold]{record['rule']}[/]: expected {record['expected'] or '-'}, "
                f"observed {record['observed'] or record['reason']}",
                highlight=False,
            )
            if record["quotes"]:
                console.print(
                    f"    «{record['quotes'][0]}» ({record['seed_file']})", highlight=False
                )
            console.print(f"    replay: {record['replay']}", highlight=False)
    for entry in summary.unexpected_passes:
        console.print(
            f"[yellow]UNEXPECTED PASS[/] {entry.land} {entry.rule}: listed as expected failure "
            f"({entry.reason}) but did not fail",
            highlight=False,
        )
    if config.out is not None:
        for name in (RESULTS_FILE, JUNIT_FILE, HTML_FILE):
            console.print(f"report: {config.out / name}", highlight=False)
    console.print("[green]conformant[/]" if summary.ok else "[red]not conformant[/]")


__all__ = ["build_config", "execute"]
