"""One resolver of rule parameters: validators, strategies and the simulation agree."""

from __future__ import annotations

from itertools import product

import pytest

from skc.conformance.catalog_views import format_params
from skc.model import compiled, strategies, validators
from skc.model.ambiguity import Readings, default_readings, load_register
from skc.model.catalog import load_catalog
from skc.model.compiled import compiled_field
from skc.model.lands import LandId
from skc.model.parameters import resolve_param, resolve_params
from skc.model.sim.rules import LandRules

CASES = [
    (aid, rid, land, rule)
    for aid, entry in load_register().items()
    for rid in entry.reading_ids
    for land in entry.lands
    for rule in entry.rules
]


def _validator_params(land: LandId, rule_id: str, readings: Readings) -> object:
    rule = load_catalog().rule(rule_id)
    assert rule.field is not None
    enforced = compiled_field(land, rule.field, readings).params
    return dict(enforced[rule_id]) if rule_id in enforced else "not enforced"


@pytest.mark.parametrize(("aid", "rid", "land", "rule_id"), CASES)
def test_validators_strategies_and_simulation_agree_when_any_reading_is_chosen(
    aid: str, rid: str, land: LandId, rule_id: str
) -> None:
    readings = Readings({aid: rid})
    rule = load_catalog().rule(rule_id)
    resolved = resolve_params(rule, land, readings)
    reading_params = dict(readings.reading(aid).params)
    for name, value in reading_params.items():  # the chosen reading decides its parameters
        assert resolved[name] == value, (name, resolved)
    sim = LandRules(land, readings)
    assert {name: sim.param(rule_id, name) for name in resolved} == resolved
    if rule.field is None or not rule.stated(land):
        return
    enforced = _validator_params(land, rule_id, readings)
    if enforced == "not enforced":  # e.g. the "advisory" reading of a criteria count
        assert resolved.get("required") == 0
        return
    assert enforced == resolved
    spec = strategies._spec(land, rule.field, readings)
    assert dict(spec.params[rule_id]) == resolved


def test_niedersachsen_locks_the_birth_date_in_every_path_when_the_reading_is_birth_date() -> None:
    readings = Readings({"profile.niedersachsen_birth_field": "birth-date"})
    rule = load_catalog().rule("profile.locked_fields.plus")
    expected = ["title", "first_name", "last_name", "birth_date", "address"]
    assert validators.resolve_params(rule, "niedersachsen", readings)["fields"] == expected
    assert list(LandRules("niedersachsen", readings).list_param(rule.id, "fields")) == expected
    assert resolve_param(rule.id, "niedersachsen", readings, "fields") == expected


@pytest.mark.parametrize(
    ("aid", "land"), [(a, x) for a, e in load_register().items() for x in e.lands]
)
def test_default_reading_changes_no_stated_value_when_the_catalog_states_one(
    aid: str, land: LandId
) -> None:
    entry = load_register()[aid]
    default = entry.reading(entry.default).params
    for rule_id in entry.rules:
        rule = load_catalog().rule(rule_id)
        if not rule.stated(land):
            continue
        for name, value in rule.lands[land].params.items():
            if name in default and value is not None:
                assert default[name] == value, (rule_id, name)


def test_resolver_cache_stays_bounded_when_many_reading_combinations_are_asked() -> None:
    register = load_register()
    ids = [aid for aid in register if len(register[aid].reading_ids) > 1][:6]
    catalog = load_catalog()
    for combination in product(*(register[aid].reading_ids for aid in ids)):
        readings = Readings(dict(zip(ids, combination, strict=True)))
        for rule in catalog:
            resolve_params(rule, "hamburg", readings)
        validators.validate("hamburg", "password", "ABab1234", readings, explain_readings=True)
    for cached in (
        resolve_params.__globals__["_resolved"],
        compiled._for_readings,
        strategies._spec,
        strategies._variants,
    ):
        info = cached.cache_info()
        assert info.maxsize is not None
        assert info.currsize <= info.maxsize
    assert validators.validate("hamburg", "password", "ABab1234", default_readings()).valid


def test_rules_table_marks_a_value_a_reading_supplies_when_the_catalog_names_none() -> None:
    catalog = load_catalog()
    assert format_params(catalog.rule("org_email.no_umlauts"), "hamburg") == (
        "chars=äöüÄÖÜ (default reading)"
    )
    assert format_params(catalog.rule("password.min_length"), "hamburg") == "min=8"
