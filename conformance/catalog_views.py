"""Views of the rule catalog for people and tools: rows, JSON, CSV and the Land diff."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

from skc.model.ambiguity import Readings, default_readings
from skc.model.catalog import Catalog, ParamValue, Rule
from skc.model.lands import LANDS, SEED_FILES, LandId
from skc.model.validators import resolve_params


def rule_to_json(rule: Rule, lands: tuple[LandId, ...] = LANDS) -> dict[str, Any]:
    """Return a rule with its provenance for every Land that states it."""
    return {
        "id": rule.id,
        "family": rule.family,
        "title": rule.title,
        "field": rule.field,
        "ambiguities": list(rule.ambiguities),
        "lands": {
            land: {
                "params": dict(rule.lands[land].params),
                "seed": SEED_FILES[land],
                "quotes": list(rule.lands[land].quotes),
                # the accounts the quotes speak of; empty when they speak of every account
                "scope": list(rule.lands[land].scope),
                **({"note": rule.lands[land].note} if rule.lands[land].note else {}),
            }
            for land in lands
            if rule.stated(land)
        },
        "not_stated": {
            land: rule.not_stated.get(land, "not stated in this Land's help text")
            for land in lands
            if not rule.stated(land)
        },
    }


def rules_json(rules: list[Rule], lands: tuple[LandId, ...]) -> str:
    """Return the catalog as a JSON document."""
    return json.dumps([rule_to_json(r, lands) for r in rules], ensure_ascii=False, indent=2)


def rules_csv(rules: list[Rule], lands: tuple[LandId, ...]) -> str:
    """Return the catalog as CSV, one row per rule and Land."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "family", "title", "land", "status", "params", "seed", "quotes"])
    for rule in rules:
        for land in lands:
            if rule.stated(land):
                statement = rule.lands[land]
                writer.writerow([
                    rule.id, rule.family, rule.title, land, "stated",
                    json.dumps(statement.params, ensure_ascii=False), SEED_FILES[land],
                    " | ".join(statement.quotes),
                ])  # fmt: skip
            else:
                writer.writerow([rule.id, rule.family, rule.title, land, "not stated", "", "", ""])
    return buffer.getvalue()


def format_params(rule: Rule, land: LandId, readings: Readings | None = None) -> str:
    """Return a Land's parameters of a rule as short text; "not stated" when absent."""
    if not rule.stated(land):
        return "not stated"
    raw = rule.lands[land].params
    resolved = resolve_params(rule, land, readings or default_readings())
    parts = []
    for name, value in resolved.items():
        parts.append(f"{name}={_show(name, value, from_reading=raw.get(name) is None)}")
    return ", ".join(parts) if parts else "stated"


def _show(name: str, value: ParamValue, *, from_reading: bool) -> str:
    if value is None:
        return "unlimited" if name.startswith("max") else "open"
    text = ",".join(value) if isinstance(value, list) else str(value)
    return f"{text} (default reading)" if from_reading else text


def format_statement(rule: Rule, land: LandId, readings: Readings | None = None) -> str:
    """A Land's parameters of a rule, with the accounts its sentences speak of when it names
    them ("min=8; scope: organisation"): two Länder differ also when only the scope does."""
    text = format_params(rule, land, readings)
    if rule.stated(land) and rule.lands[land].scope:
        text += f"; scope: {','.join(rule.lands[land].scope)}"
    return text


@dataclass(frozen=True)
class RuleDifference:
    """One rule whose presence or parameters differ between two Länder."""

    rule: Rule
    left: str
    right: str
    left_quotes: tuple[str, ...]
    right_quotes: tuple[str, ...]


def diff(catalog: Catalog, left: LandId, right: LandId) -> list[RuleDifference]:
    """Return every rule whose presence, parameters or scope differ between two Länder."""
    out = []
    for rule in catalog:
        left_text, right_text = format_statement(rule, left), format_statement(rule, right)
        if left_text != right_text:
            out.append(
                RuleDifference(
                    rule,
                    left_text,
                    right_text,
                    rule.lands[left].quotes if rule.stated(left) else (),
                    rule.lands[right].quotes if rule.stated(right) else (),
                )
            )
    return out


def _side(rule: Rule, land: LandId, value: str, quotes: tuple[str, ...]) -> dict[str, Any]:
    scope = list(rule.lands[land].scope) if rule.stated(land) else []
    return {"value": value, "seed": SEED_FILES[land], "quotes": list(quotes), "scope": scope}


def diff_json(differences: list[RuleDifference], left: LandId, right: LandId) -> str:
    """Return a diff as JSON."""
    return json.dumps(
        [
            {
                "id": d.rule.id,
                "title": d.rule.title,
                left: _side(d.rule, left, d.left, d.left_quotes),
                right: _side(d.rule, right, d.right, d.right_quotes),
            }
            for d in differences
        ],
        ensure_ascii=False,
        indent=2,
    )
