"""The ``skc`` command line: check values, list and compare the rules, run the demo.

Exit codes: 0 success (for ``check``: the value is valid), 1 the value is invalid,
2 bad usage or bad input (the message names what was expected and the valid choices).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from skc import __version__
from skc.card.cli import card_app
from skc.conformance import catalog_views
from skc.conformance.batch import run_batch
from skc.conformance.certify_cli import certify_app, drift_command
from skc.conformance.certify_cli import verify as verify_package
from skc.conformance.hypothesis_home import use_cache_home
from skc.conformance.map_command import map_app
from skc.conformance.redact import console_text
from skc.model.ambiguity import Readings
from skc.model.catalog import FAMILIES, load_catalog
from skc.model.errors import HarnessError, UnknownNameError
from skc.model.lands import LANDS, LandId, parse_land
from skc.model.readings_file import load_readings_file
from skc.model.validators import parse_field, validate

app = typer.Typer(
    name="skc",
    help="Reference model and conformance harness for German Servicekonto portals.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
_err = Console(stderr=True, soft_wrap=True)

ReadingOption = Annotated[
    list[str] | None,
    typer.Option("--reading", help="Choose a reading of an ambiguity: ID=READING (repeatable)."),
]
ProfileOption = Annotated[
    Path | None,
    typer.Option("--profile", help="YAML file whose 'readings:' section chooses readings."),
]


def _readings(profile: Path | None, pairs: list[str] | None) -> Readings:
    base = load_readings_file(profile) if profile else Readings()
    return Readings({**base, **Readings.parse(pairs or []).overrides()})


def _fail(message: str) -> NoReturn:
    _err.print(f"[bold red]error:[/] {console_text(message)}", highlight=False)
    raise typer.Exit(2)


def _print_version(value: bool) -> None:
    if value:
        print(f"skc {__version__}")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Reference model and conformance harness for German Servicekonto portals."""


def _lands(names: list[str] | None) -> tuple[LandId, ...]:
    return tuple(parse_land(n) for n in names) if names else LANDS


@app.command()
def check(
    value: Annotated[str | None, typer.Argument(help="The value; put it after -- .")] = None,
    land: Annotated[str | None, typer.Option(help=f"Land id: {', '.join(LANDS)}")] = None,
    field: Annotated[str | None, typer.Option(help="Field, e.g. password, house_number")] = None,
    batch: Annotated[bool, typer.Option(help="Read JSON lines from stdin.")] = False,
    reading: ReadingOption = None,
    profile: ProfileOption = None,
) -> None:
    """Validate a value (or JSON lines on stdin with --batch) and print a JSON verdict."""
    try:
        readings = _readings(profile, reading)
        if batch:
            if value is not None or land or field:
                _fail("--batch reads land, field and value from each stdin line; give no others")
            run_batch(sys.stdin.buffer, sys.stdout.buffer, readings)  # bytes: any locale
            return
        if land is None or field is None or value is None:
            _fail("give --land, --field and the value: skc check --land L --field F -- VALUE")
        verdict = validate(
            parse_land(land), parse_field(field), value, readings, explain_readings=True
        )
    except HarnessError as exc:
        _fail(str(exc))
    print(json.dumps(verdict.to_json(), ensure_ascii=False))
    raise typer.Exit(0 if verdict.valid else 1)


@app.command()
def rules(
    land: Annotated[list[str] | None, typer.Option(help="Only these Länder (repeatable).")] = None,
    family: Annotated[
        list[str] | None, typer.Option(help=f"Only these families: {', '.join(FAMILIES)}")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """List the rule catalog with provenance, as a table, JSON or CSV."""
    try:
        lands = _lands(land)
        for name in family or []:
            if name not in FAMILIES:
                raise UnknownNameError("family", name, FAMILIES)
    except HarnessError as exc:
        _fail(str(exc))
    selected = [
        r
        for r in load_catalog()
        if (not family or r.family in family) and any(r.stated(x) for x in lands)
    ]
    if as_json:
        print(catalog_views.rules_json(selected, lands))
    elif as_csv:
        sys.stdout.write(catalog_views.rules_csv(selected, lands))
    else:
        table = Table(title=f"{len(selected)} rules", show_lines=False)
        table.add_column("rule")
        for x in lands:
            table.add_column(x)
        for rule in selected:
            table.add_row(rule.id, *(catalog_views.format_params(rule, x) for x in lands))
        Console().print(table)


@app.command()
def diff(
    left: Annotated[str, typer.Argument(help="First Land id.")],
    right: Annotated[str, typer.Argument(help="Second Land id.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show every rule whose parameters or presence differ between two Länder, with quotes."""
    try:
        a, b = parse_land(left), parse_land(right)
    except HarnessError as exc:
        _fail(str(exc))
    differences = catalog_views.diff(load_catalog(), a, b)
    if as_json:
        print(catalog_views.diff_json(differences, a, b))
        return
    table = Table(title=f"{a} vs {b}: {len(differences)} rules differ", show_lines=True)
    for column in ("rule", a, b):
        table.add_column(column, overflow="fold")
    for d in differences:
        table.add_row(
            f"{d.rule.id}\n[dim]{d.rule.title}[/]",
            f"[bold]{d.left}[/]\n" + "\n".join(f"„{q}“" for q in d.left_quotes),
            f"[bold]{d.right}[/]\n" + "\n".join(f"„{q}“" for q in d.right_quotes),
        )
    Console().print(table)


@app.command("run")
def run_suites(
    target: Annotated[
        str, typer.Option(help="Where the portal is: inprocess, http://HOST:PORT, MODULE:FACTORY.")
    ] = "inprocess",
    land: Annotated[
        list[str] | None, typer.Option(help="Land id, repeatable, or 'all' (default: all).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed (default: random, printed).")] = None,
    fault: Annotated[str | None, typer.Option(help="Run a shipped seeded fault.")] = None,
    suite: Annotated[
        list[str] | None,
        typer.Option(help="fields, scenarios, lifecycle, mailbox, organisations (repeatable)."),
    ] = None,
    profile: Annotated[Path | None, typer.Option(help="Portal profile (YAML).")] = None,
    expected_failures: Annotated[
        Path | None, typer.Option(help="Known deviations with reasons (YAML).")
    ] = None,
    hypothesis_profile: Annotated[str, typer.Option(help="ci, dev or live.")] = "ci",
    out: Annotated[Path, typer.Option(help="Directory for the reports.")] = Path("reports/out"),
    replay: Annotated[
        str | None, typer.Option(help="Run one check again (the id a finding shows).")
    ] = None,
    scenarios: Annotated[
        Path | None, typer.Option(help="Directory of scenario files (default: scenarios/).")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    list_checks: Annotated[
        bool, typer.Option("--list-checks", help="Print the planned check ids and stop.")
    ] = False,
    allow_remote: Annotated[
        bool, typer.Option("--allow-remote", help="Allow an http(s) target on another host.")
    ] = False,
    wall_clock: Annotated[
        bool,
        typer.Option(
            "--wall-clock",
            help="Without clock_control, probe time limits by waiting in real time (the "
            "profile's wall_clock: margin_s, max_wait_s).",
        ),
    ] = False,
    certify: Annotated[
        Path | None, typer.Option(help="Also write a certification package per Land here.")
    ] = None,
    sign_key: Annotated[
        Path | None, typer.Option(help="Sign the packages with this Ed25519 key (PEM).")
    ] = None,
) -> None:
    """Run the conformance suites against a portal and write JSONL, JUnit and HTML reports."""
    from skc.conformance.certify_cli import prepare_certification, write_certification
    from skc.conformance.run_command import build_config, execute
    from skc.conformance.runner import planned_checks

    try:
        config = build_config(
            target=target, lands=land or [], seed=seed, fault=fault, suites=suite or [],
            profile=profile, expected_failures=expected_failures,
            hypothesis_profile=hypothesis_profile, out=None if list_checks else out,
            replay=replay, scenarios=scenarios, allow_remote=allow_remote, wall_clock=wall_clock,
        )  # fmt: skip
        if list_checks:
            for land_id, check in planned_checks(config):
                print(f"{land_id} {check.id}")
            return
        key = prepare_certification(config, certify, sign_key)
        report = execute(config, Console(soft_wrap=True), progress=progress)
        if certify is not None:
            write_certification(config, report, certify, key)
    except HarnessError as exc:
        _fail(str(exc))
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def simulate(
    land: Annotated[
        list[str] | None, typer.Option(help="Land id, repeatable, or 'all' (default: all).")
    ] = None,
    citizens: Annotated[int, typer.Option(help="Citizens per Land.")] = 1000,
    organisations: Annotated[int, typer.Option(help="Organisations per Land.")] = 0,
    seed: Annotated[int, typer.Option(help="Seed: the same seed gives the same tables.")] = 0,
    out: Annotated[Path | None, typer.Option(help="Write journeys, events, kpis here.")] = None,
    table_format: Annotated[str, typer.Option("--format", help="parquet or csv.")] = "parquet",
    workers: Annotated[
        int, typer.Option(help="Local Dask worker processes (0: run in this process).")
    ] = 0,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler.")
    ] = None,
    reading: ReadingOption = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Simulate citizens walking a Land's reference portal; print KPIs, write the tables."""
    from skc.analysis._command import run_simulate_command

    try:
        readings = Readings.parse(reading or []).overrides()
        run_simulate_command(
            lands=land or [], citizens=citizens, organisations=organisations, seed=seed,
            out=out, fmt=table_format,
            workers=workers, scheduler=scheduler, readings=readings,
            console=Console(soft_wrap=True), progress=progress,
        )  # fmt: skip
    except HarnessError as exc:
        _fail(str(exc))


@app.command()
def coverage(
    land: Annotated[
        list[str] | None, typer.Option(help="Land id, repeatable (default: all).")
    ] = None,
    measure: Annotated[
        bool,
        typer.Option("--measure", help="Also run every suite on the reference portal and count."),
    ] = False,
    seed: Annotated[int, typer.Option(help="Seed of the measuring run.")] = 1,
    write: Annotated[
        Path | None, typer.Option(help="Rewrite the coverage blocks of this Markdown file.")
    ] = None,
) -> None:
    """Per Land: the stated rules the checks cite, those no check can observe, the rest and why.

    Exit 1 when a stated rule is neither cited by a check nor listed with a reason in
    model/register/unchecked.yaml."""
    from skc.conformance import coverage as cov

    try:
        lands = _lands(land)
    except HarnessError as exc:
        _fail(str(exc))
    planned = [cov.planned(land_id) for land_id in lands]
    console = Console(soft_wrap=True)
    console.print(cov.plan_markdown(lands), markup=False, highlight=False)
    needed = {rule for entry in planned for rule in (*entry.unobservable, *entry.not_checked)}
    for rule in sorted({rule for entry in planned for rule in entry.stale} - needed):
        console.print(f"stale: {rule} is cited in every Land that states it; unlist it")
    try:
        if measure:
            measured = cov.measure_reference(lands, seed)
            console.print()
            console.print(cov.measured_markdown(measured, seed), markup=False, highlight=False)
        if write is not None:
            cov.write_block(write, cov.PLAN_BLOCK, cov.plan_markdown(lands))
            if measure:
                cov.write_block(write, cov.MEASURED_BLOCK, cov.measured_markdown(measured, seed))
    except HarnessError as exc:
        _fail(str(exc))
    unlisted = [f"{entry.land} {rule}" for entry in planned for rule in entry.unlisted]
    if unlisted:
        _err.print(
            "[bold red]not covered and not listed:[/] " + console_text(", ".join(unlisted))
            + " (cite the rule in a check, or list it with a reason in "
            "model/register/unchecked.yaml)",
            highlight=False,
        )  # fmt: skip
        raise typer.Exit(1)


@app.command()
def serve(
    land: Annotated[str | None, typer.Option(help="The Land of the served portal.")] = None,
    fault: Annotated[str | None, typer.Option(help="Serve a portal with a seeded fault.")] = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8080,
    db: Annotated[Path, typer.Option(help="SQLite file holding the portals' state (WAL).")] = Path(
        "skc-portal.sqlite3"
    ),
    test_hooks: Annotated[
        bool, typer.Option("--test-hooks", help="Serve the test hooks (clock, mail, instances).")
    ] = False,
    test_token: Annotated[
        str | None, typer.Option(help="Bearer token of the test hooks (or $SKC_TEST_TOKEN).")
    ] = None,
    smtp: Annotated[str | None, typer.Option(help="Send mails to this HOST:PORT.")] = None,
    openapi: Annotated[
        bool, typer.Option("--openapi", help="Print the Portal Test API's OpenAPI document.")
    ] = False,
) -> None:
    """Serve the reference portal of a Land as the Portal Test API (HTTP, OpenAPI 3.1)."""
    from skc.service.command import ServeOptions, build_app
    from skc.service.command import serve as run_server
    from skc.service.openapi import render

    if openapi:
        sys.stdout.write(render())
        return
    if land is None:
        _fail(f"skc serve needs --land (valid: {', '.join(LANDS)})")
    options = ServeOptions(
        land=land, fault=fault, host=host, port=port, db=db, test_hooks=test_hooks,
        test_token=test_token, smtp=smtp,
    )  # fmt: skip
    try:
        served = build_app(options)  # every option checked before the port is taken
    except HarnessError as exc:
        _fail(str(exc))
    run_server(options, served)


@app.command()
def demo() -> None:
    """Tour the reference model: catalog, a Länder diff, the seeds' examples, a timeout."""
    from skc.conformance.demo import run_demo

    run_demo(Console())


app.add_typer(card_app)  # skc card serve / profiles (skc.card; imports the card lazily)
app.add_typer(certify_app)  # skc certify verify / keygen
app.add_typer(map_app)  # skc map suggest / traces (portal maps of the browser adapter)
app.command("verify")(verify_package)  # skc verify PACKAGE
app.command("drift")(drift_command)  # skc drift NEW_TEXT --land L


def main() -> None:
    """Console-script entry point: bad input a command did not catch itself still ends in
    one error line and exit 2, never a traceback."""
    use_cache_home()  # Hypothesis' caches go to ~/.cache/skc, not the working directory
    try:
        app()
    except HarnessError as exc:
        _err.print(f"[bold red]error:[/] {console_text(str(exc))}", highlight=False)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
