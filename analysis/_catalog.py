"""The rule catalog and the ambiguity register as tidy pandas DataFrames.

``rules_frame()`` has one row per rule, Land and parameter (a stated rule without parameters
has one row with ``param`` missing; a Land that does not state the rule has one row with status
``not stated`` and the reason). ``land_matrix()`` is the wide view an analyst compares: one row
per rule, one column per Land, the parameters as short text, and ``differs`` where the Länder
disagree. ``ambiguities_frame()`` lists every reading of every register entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from skc.conformance.catalog_views import format_params
from skc.model.ambiguity import Readings, default_readings, load_register
from skc.model.catalog import Rule, load_catalog
from skc.model.lands import LANDS, SEED_FILES, LandId, parse_land

RULE_COLUMNS = (
    "rule", "family", "title", "field", "land", "status", "param", "value", "seed", "quotes",
    "note",
)  # fmt: skip
NOT_STATED = "not stated"
QUOTE_SEPARATOR = " | "


def _lands(lands: Iterable[str] | None) -> tuple[LandId, ...]:
    return LANDS if lands is None else tuple(parse_land(land) for land in lands)


def _rules(families: Iterable[str] | None) -> list[Rule]:
    wanted = None if families is None else set(families)
    return [rule for rule in load_catalog() if wanted is None or rule.family in wanted]


def _value_text(value: object) -> object:
    """Parameters stay scalars; a list parameter becomes JSON text so the column stays flat."""
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return value


def rules_frame(
    lands: Iterable[str] | None = None, families: Iterable[str] | None = None
) -> pd.DataFrame:
    """Return the catalog as a tidy frame: one row per rule, Land and parameter.

    ``quotes`` joins the verbatim German sentences with " | "; ``seed`` is the help-text file
    they come from. A list parameter's ``value`` is its JSON text. Rows follow catalog order.
    """
    rows: list[dict[str, Any]] = []
    chosen = _lands(lands)
    for rule in _rules(families):
        base = {"rule": rule.id, "family": rule.family, "title": rule.title, "field": rule.field}
        for land in chosen:
            if not rule.stated(land):
                reason = rule.not_stated.get(land, "not stated in this Land's help text")
                rows.append({**base, "land": land, "status": NOT_STATED, "note": reason})
                continue
            statement = rule.lands[land]
            stated = {
                **base,
                "land": land,
                "status": "stated",
                "seed": SEED_FILES[land],
                "quotes": QUOTE_SEPARATOR.join(statement.quotes),
                "note": statement.note,
            }
            if not statement.params:
                rows.append(stated)
            for name, value in statement.params.items():
                rows.append({**stated, "param": name, "value": _value_text(value)})
    frame = pd.DataFrame(rows, columns=list(RULE_COLUMNS))
    for column in ("family", "land", "status"):
        frame[column] = frame[column].astype("category")
    return frame


def land_matrix(
    lands: Iterable[str] | None = None,
    families: Iterable[str] | None = None,
    readings: Readings | None = None,
) -> pd.DataFrame:
    """Return one row per rule and one column per Land with its parameters as short text.

    A cell reads like ``skc rules`` prints it (``minutes=25``, ``stated``, ``not stated``);
    ``differs`` is True where not every Land's cell is the same. ``readings`` fills in the
    parameters an ambiguous passage leaves open (default: the register's defaults).
    """
    chosen = _lands(lands)
    picked = readings if readings is not None else default_readings()
    rows: list[dict[str, object]] = []
    for rule in _rules(families):
        cells: dict[str, str] = {land: format_params(rule, land, picked) for land in chosen}
        row: dict[str, object] = {"rule": rule.id, "family": rule.family, "title": rule.title}
        row.update(cells)
        row["differs"] = len(set(cells.values())) > 1
        rows.append(row)
    return pd.DataFrame(rows, columns=["rule", "family", "title", *chosen, "differs"]).set_index(
        "rule"
    )


def highlight_differences(matrix: pd.DataFrame) -> Any:
    """Return a pandas Styler of :func:`land_matrix` with differing rows and unstated cells
    marked (needs jinja2, which the notebook extra installs)."""
    lands = [column for column in matrix.columns if column in LANDS]

    def _row(row: pd.Series) -> list[str]:
        styles = []
        for column in matrix.columns:
            cell = row[column]
            if column in lands and cell == NOT_STATED:
                styles.append("color: #888; font-style: italic")
            elif column in lands and row["differs"]:
                styles.append("background-color: #fff3bf")
            else:
                styles.append("")
        return styles

    return matrix.style.apply(_row, axis=1)


def ambiguities_frame() -> pd.DataFrame:
    """Return the ambiguity register: one row per entry and candidate reading.

    ``default`` marks the reading the model uses unless a profile or ``--reading`` picks
    another; ``params`` is the JSON text of what the reading sets; ``quotes`` are the German
    sentences the question is about.
    """
    rows = []
    for entry in load_register().values():
        quotes = QUOTE_SEPARATOR.join(f"{s.land}: {s.quote}" for s in entry.sources)
        for reading in entry.readings:
            rows.append(
                {
                    "ambiguity": entry.id,
                    "question": " ".join(entry.question.split()),
                    "lands": ", ".join(entry.lands),
                    "rules": ", ".join(entry.rules),
                    "reading": reading.id,
                    "description": reading.description,
                    "params": json.dumps(reading.params, ensure_ascii=False),
                    "default": reading.id == entry.default,
                    "rationale": " ".join(entry.rationale.split()),
                    "quotes": quotes,
                }
            )
    return pd.DataFrame(rows)


def param_table(rule_id: str, param: str, lands: Sequence[str] | None = None) -> pd.Series:
    """Return one parameter of one rule per Land (missing where the Land does not state it),
    e.g. ``param_table("session.idle_timeout", "minutes")``."""
    rule = load_catalog().rule(rule_id)
    values: dict[str, object] = {}
    for land in _lands(lands):
        values[land] = rule.lands[land].params.get(param) if rule.stated(land) else None
    return pd.Series(values, name=f"{rule_id}.{param}", dtype="object")


__all__ = [
    "NOT_STATED",
    "RULE_COLUMNS",
    "ambiguities_frame",
    "highlight_differences",
    "land_matrix",
    "param_table",
    "rules_frame",
]
