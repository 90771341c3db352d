"""``skc demo``: a short tour of the reference model, until the conformance harness exists."""

from __future__ import annotations

from datetime import timedelta

from rich.console import Console
from rich.table import Table

from skc.conformance import catalog_views
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, SEED_FILES
from skc.model.validators import validate

SEED_EXAMPLES = ("ABab1234", "Aa12Bb34", "ABab§$%?", "A§B$a%b?", "7890?!+-", "7?8!9+0-")


def run_demo(console: Console) -> None:
    """Print the catalog per Land, the Berlin/Hamburg differences, verdicts and a timeout."""
    catalog = load_catalog()
    console.rule("[bold]The rule catalog")
    table = Table("Land", "seed", "rules stated")
    for land in LANDS:
        table.add_row(land, SEED_FILES[land], str(len(catalog.for_land(land))))
    console.print(table)

    console.rule("[bold]Berlin vs Hamburg (skc diff berlin hamburg)")
    for d in catalog_views.diff(catalog, "berlin", "hamburg"):
        console.print(f"{d.rule.id:48} berlin: {d.left:28} hamburg: {d.right}", highlight=False)

    console.rule("[bold]The help texts' own password examples")
    table = Table("value", *LANDS)
    for example in (*SEED_EXAMPLES, "abcdefgh", "ABab1234ABab1234ABab1"):
        row = []
        for land in LANDS:
            verdict = validate(land, "password", example, explain_readings=True)
            mark = "valid" if verdict.valid else ", ".join(v.rule for v in verdict.violations)
            row.append(mark + (" *" if verdict.depends_on else ""))
        table.add_row(example, *row)
    console.print(table)
    console.print("* the verdict depends on a reading in the ambiguity register")
    _idle_demo(console)


def _idle_demo(console: Console) -> None:
    """Show the session idle timeout on the virtual clock, Berlin against Hamburg."""
    from skc.model.sim import ReferencePortal, VirtualClock
    from skc.model.sim.scenarios import citizen, login

    console.rule("[bold]Session idle timeout on the virtual clock (no sleeping)")
    table = Table("Land", "idle for", "session", "deciding rule")
    for land, probes in (
        ("berlin", (24 * 60 + 59, 25 * 60 + 1)),
        ("hamburg", (19 * 60 + 59, 20 * 60 + 1)),
    ):
        for seconds in probes:
            portal = ReferencePortal(land, VirtualClock())
            citizen(portal, f"demo.{land}@example.org")
            session = login(portal, f"demo.{land}@example.org")
            portal.clock.advance(timedelta(seconds=seconds))
            outcome = portal.ping(session)
            table.add_row(
                land,
                f"{seconds // 60}:{seconds % 60:02d} min",
                "alive" if outcome.accepted else "gone",
                ", ".join(outcome.rules),
            )
    console.print(table)
