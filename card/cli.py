"""``skc card``: the virtual eID card on the command line.

    skc card serve --profile fixtures/cards/erika-mustermann.yaml   # insert it into vpcd
    skc card profiles                                               # the bundled profiles

``serve`` connects to vpcd (pcscd with Debian's vsmartcard-vpcd) so that any PC/SC application
(pyscard, AusweisApp2, OpenSC) sees the card in the reader "Virtual PCD", and runs until pcscd
closes the connection or Ctrl-C. The card modules are imported only when a command runs, so
``skc`` starts as fast without the card's system packages. Exit code 2 for a bad profile or a
missing component, with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer

card_app = typer.Typer(
    name="card",
    help="The virtual eID card: serve it to pcscd through vpcd, list card profiles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


@card_app.command("serve")
def serve_command(
    profile: Annotated[
        str, typer.Option(help="Card profile: a YAML file or a bundled name (skc card profiles).")
    ] = "erika-mustermann",
    host: Annotated[str, typer.Option(help="Where vpcd listens.")] = "localhost",
    port: Annotated[int, typer.Option(help="vpcd's port (0x8C7B in reader.conf.d/vpcd).")] = 35963,
    wait: Annotated[float, typer.Option(help="Seconds to wait for vpcd to listen.")] = 10.0,
) -> None:
    """Insert a virtual card into vpcd's reader "Virtual PCD" and answer its APDUs."""
    from skc.card.errors import CardError
    from skc.card.virtual import virtual_card
    from skc.card.vpcd import serve

    try:
        card = virtual_card(Path(profile) if Path(profile).suffix else profile)
        typer.echo(f"serving card {card.profile.reference} to vpcd at {host}:{port} (Ctrl-C stops)")
        serve(card, host, port, timeout=wait)
    except CardError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        raise typer.Exit(0) from None
    typer.echo("vpcd closed the connection")


@card_app.command("profiles")
def profiles_command() -> None:
    """List the card profiles bundled in fixtures/cards/."""
    from skc.card.profile import bundled_profiles, load_profile

    for name in bundled_profiles():
        card = load_profile(name)
        kind = "eAT" if card.is_eat else "Personalausweis"
        typer.echo(
            f"{name:20} {kind:16} {card.given_names} {card.family_names}, valid to {card.expiry}"
        )
