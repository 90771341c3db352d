"""Property tests of :mod:`skc.model.strategies`: every Land x field, every rule, every reading.

The expectations are derived here from the catalog on their own (limits, forbidden characters,
which fields and rules a Land states) and checked with simple restatements of each rule, so a
strategy that only leaned on the model's filter, or missed a boundary, fails.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample
from hypothesis.strategies import SearchStrategy

from skc.model.ambiguity import Readings, load_register
from skc.model.catalog import load_catalog
from skc.model.errors import NotStatedError, UnknownNameError
from skc.model.lands import LANDS, LandId
from skc.model.strategies import (
    UnbreakableRuleError,
    breakable_rules,
    field_cases,
    fields_for,
    invalid_values,
    valid_values,
)
from skc.model.validators import resolve_params, validate

CATALOG = load_catalog()
DEFAULT = Readings()
FAST = settings(max_examples=25)
FASTER = settings(max_examples=10)
SEARCH = settings(max_examples=1000, phases=[Phase.generate], database=None)
T = TypeVar("T")

# Criterion 1 of the help texts names these letter groups; a look-alike belongs to none.
UPPER = set(string.ascii_uppercase + "ÄÖÜ")
LOWER = set(string.ascii_lowercase + "äöüß")
LETTERS = UPPER | LOWER
HOUSE_NUMBER = re.compile(r"[0-9]+[A-Za-zÄÖÜäöüß]*(-([0-9]+[A-Za-zÄÖÜäöüß]*|[A-Za-zÄÖÜäöüß]+))?")
CYRILLIC_A = "\u0430"
GREEK_OMICRON = "\u039f"
FULLWIDTH = set("０１２３４５６７８９")


def stated_fields(land: LandId) -> list[str]:
    return [f for f in CATALOG.fields if any(r.stated(land) for r in CATALOG.for_field(f))]


def stated_rules(land: LandId, field: str) -> list[str]:
    return [r.id for r in CATALOG.for_field(field) if r.stated(land) and (land, r.id) not in LAX]


# Stated, but the default reading enforces nothing more than the other rules do: the examples
# "2a, 12a-c oder 48-50" show ranges without spaces (house_number.charset_examples).
LAX = {(land, "house_number.characters") for land in ("sachsen-anhalt", "hamburg", "niedersachsen")}


LAND_FIELDS = [
    pytest.param(land, f, id=f"{land}-{f}") for land in LANDS for f in stated_fields(land)
]
LAND_RULES = [
    pytest.param(land, f, rule, id=f"{land}-{rule}")
    for land in LANDS
    for f in stated_fields(land)
    for rule in stated_rules(land, f)
]
PASSWORD_LANDS = [land for land in LANDS if "password" in stated_fields(land)]
POSTBOX_LANDS = [land for land in LANDS if "postbox" in stated_fields(land)]
ORG_LANDS = [land for land in LANDS if "org_name" in stated_fields(land)]
HOUSE_LANDS = [land for land in LANDS if "house_number" in stated_fields(land)]
ORG_EMAIL_LANDS = [land for land in LANDS if "org_email" in stated_fields(land)]


def limit(land: LandId, rule: str, name: str) -> int:
    value = CATALOG.param(land, rule, name)
    assert isinstance(value, int)
    return value


def forbidden(land: LandId, rule: str, readings: Readings = DEFAULT) -> str:
    value = resolve_params(CATALOG.rule(rule), land, readings)["chars"]
    assert isinstance(value, str)
    return value


def required_criteria(land: LandId) -> int:
    """The number of password criteria, from the catalog or the default reading."""
    value = resolve_params(CATALOG.rule("password.character_classes"), land, DEFAULT)["required"]
    assert isinstance(value, int)
    return value


def violations(land: LandId, field: str, value: str, readings: Readings = DEFAULT) -> set[str]:
    return {v.rule for v in validate(land, field, value, readings).violations}


def criteria(value: str) -> int:
    chars = set(value)
    mixed = bool(chars & UPPER) and bool(chars & LOWER)
    digits = bool(chars & set(string.digits))
    special = not chars <= LETTERS | set(string.digits)
    return mixed + digits + special


def email_shape_ok(value: str) -> bool:
    local, at, domain = value.partition("@")
    return (
        bool(at and local)
        and "@" not in domain
        and "." in domain
        and "" not in domain.split(".")
        and not any(c.isspace() for c in value)
    )


def within_limits(land: LandId, field: str, value: str) -> bool:
    """The catalog's limits for a valid value, restated without the model's checks."""
    if field == "password":
        return (
            limit(land, "password.min_length", "min")
            <= len(value)
            <= limit(land, "password.max_length", "max")
            and not any(c.isspace() for c in value)
            and not set(value) & set(forbidden(land, "password.forbidden_chars"))
            and criteria(value) >= required_criteria(land)
        )
    if field in ("email", "org_email"):
        umlauts = set("äöüÄÖÜ") if field == "org_email" else set()
        return email_shape_ok(value) and not set(value) & (set("<>") | umlauts)
    if field == "house_number":
        return (
            len(value) <= limit(land, "house_number.max_length", "max")
            and HOUSE_NUMBER.fullmatch(value) is not None
        )
    if field == "postbox":
        lo, hi = limit(land, "postbox.length", "min"), limit(land, "postbox.length", "max")
        return value == "" or re.fullmatch(f"[0-9]{{{lo},{hi}}}", value) is not None
    if field == "org_name":
        lo, hi = limit(land, "org_name.length", "min"), limit(land, "org_name.length", "max")
        chars = set(forbidden(land, "org_name.forbidden_chars"))
        return lo <= len(value) <= hi and not set(value) & chars
    if field == "address":
        return not set(value) & set(forbidden(land, "address.forbidden_chars"))
    raise AssertionError(f"no restatement for field {field!r}")


def breaks(land: LandId, rule: str, value: str) -> bool:
    """Whether ``value`` breaks ``rule`` under the default readings, restated independently."""
    kind = rule.split(".", 1)[1]
    if kind == "no_spaces":
        return any(c.isspace() for c in value)
    if kind == "forbidden_chars":
        return bool(set(value) & set(forbidden(land, rule)))
    if kind == "valid_address":
        return not email_shape_ok(value)
    if rule == "password.min_length":
        return len(value) < limit(land, rule, "min")
    if rule in ("password.max_length", "house_number.max_length"):
        return len(value) > limit(land, rule, "max")
    if rule == "password.character_classes":
        return criteria(value) < required_criteria(land)
    if rule == "org_email.no_umlauts":
        return bool(set(value) & set("äöüÄÖÜ"))
    if rule == "house_number.required":
        return value.strip() == ""
    if rule == "house_number.characters":
        return not set(value) <= LETTERS | set(string.digits + "-" + " \t\u00a0\u2003")
    if rule == "postbox.digits_only":
        return re.fullmatch("[0-9]*", value) is None
    if rule in ("postbox.length", "org_name.length"):
        lo, hi = limit(land, rule, "min"), limit(land, rule, "max")
        return not (lo <= len(value) <= hi) and not (rule == "postbox.length" and value == "")
    raise AssertionError(f"no restatement for rule {rule!r}")


# --- every Land x field, every rule ---------------------------------------------------------


def test_fields_and_breakable_rules_match_the_catalog_when_defaults_apply() -> None:
    for land in LANDS:
        assert list(fields_for(land)) == stated_fields(land)
        for f in stated_fields(land):
            assert list(breakable_rules(land, f)) == stated_rules(land, f)


@pytest.mark.parametrize(("land", "field"), LAND_FIELDS)
@FAST
@given(data=st.data())
def test_valid_values_are_accepted_when_generated(
    land: LandId, field: str, data: st.DataObject
) -> None:
    value = data.draw(valid_values(land, field))
    assert validate(land, field, value).valid
    assert within_limits(land, field, value)


@pytest.mark.parametrize(("land", "field", "rule"), LAND_RULES)
@FAST
@given(data=st.data())
def test_invalid_values_break_the_rule_when_generated(
    land: LandId, field: str, rule: str, data: st.DataObject
) -> None:
    value = data.draw(invalid_values(land, field, rule))
    assert rule in violations(land, field, value)
    assert breaks(land, rule, value)


@pytest.mark.parametrize(("land", "field"), LAND_FIELDS)
@FAST
@given(data=st.data())
def test_invalid_values_break_some_rule_when_no_rule_is_named(
    land: LandId, field: str, data: st.DataObject
) -> None:
    value = data.draw(invalid_values(land, field))
    assert not validate(land, field, value).valid
    assert any(breaks(land, rule, value) for rule in stated_rules(land, field))


@pytest.mark.parametrize(("land", "field"), LAND_FIELDS)
@FAST
@given(data=st.data())
def test_field_cases_carry_the_model_verdict_when_generated(
    land: LandId, field: str, data: st.DataObject
) -> None:
    value, valid = data.draw(field_cases(land, field))
    assert validate(land, field, value).valid is valid


@pytest.mark.parametrize(("land", "field"), LAND_FIELDS)
def test_field_cases_reach_both_verdicts_when_searched(land: LandId, field: str) -> None:
    assert reaches(field_cases(land, field), lambda case: case[1])[1]
    assert not reaches(field_cases(land, field), lambda case: not case[1])[1]


# --- the strategies reach the boundaries ----------------------------------------------------

Finder = Callable[[str], bool]


def contains(char: str) -> Finder:
    return lambda v: char in v


def reaches(strategy: SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    """Find an example meeting ``condition`` without shrinking it (shrinking is slow and the
    boundary is the point, not the smallest example)."""
    return find(strategy, condition, settings=SEARCH)


def test_berlin_password_reaches_twenty_and_twenty_one_when_searched() -> None:
    assert len(reaches(valid_values("berlin", "password"), lambda v: len(v) == 20)) == 20
    too_long = invalid_values("berlin", "password", "password.max_length")
    assert len(reaches(too_long, lambda v: len(v) == 21)) == 21


@pytest.mark.parametrize("land", PASSWORD_LANDS)
def test_password_reaches_every_length_boundary_when_searched(land: LandId) -> None:
    lo = limit(land, "password.min_length", "min")
    hi = limit(land, "password.max_length", "max")
    valid = valid_values(land, "password")
    reaches(valid, lambda v: len(v) == lo)
    reaches(valid, lambda v: len(v) == hi)
    reaches(invalid_values(land, "password", "password.min_length"), lambda v: len(v) == lo - 1)
    too_long = invalid_values(land, "password", "password.max_length")
    reaches(too_long, lambda v: len(v) == hi + 1)
    # "ä" written as a + combining diaeresis: looks like hi characters, is hi + 1 code points
    reaches(too_long, lambda v: len(unicodedata.normalize("NFC", v)) == hi)


@pytest.mark.parametrize(
    ("description", "condition"),
    [
        ("an umlaut", lambda v: bool(set(v) & set("äöüÄÖÜ"))),
        ("ß", lambda v: "ß" in v),
        ("an allowed special character", lambda v: bool(set(v) & set("§$%?!+-"))),
        ("exactly two criteria", lambda v: criteria(v) == 2),
        ("all three criteria", lambda v: criteria(v) == 3),
    ],
)
def test_valid_password_reaches_character_edges_when_searched(
    description: str, condition: Finder
) -> None:
    assert condition(reaches(valid_values("hamburg", "password"), condition)), description


@pytest.mark.parametrize(
    ("description", "condition"),
    [
        ("only lower case", lambda v: v != "" and set(v) <= LOWER),
        ("only digits", lambda v: v != "" and set(v) <= set(string.digits)),
        ("a fullwidth digit", lambda v: bool(set(v) & FULLWIDTH)),
        ("a Cyrillic a", lambda v: CYRILLIC_A in v),
    ],
)
def test_password_with_too_few_criteria_reaches_look_alikes_when_searched(
    description: str, condition: Finder
) -> None:
    weak = invalid_values("niedersachsen", "password", "password.character_classes")
    assert condition(reaches(weak, condition)), description


def test_password_space_and_brackets_are_reached_when_searched() -> None:
    hi = limit("berlin", "password.max_length", "max")
    spaced = invalid_values("berlin", "password", "password.no_spaces")
    reaches(spaced, lambda v: " " in v and len(v) == hi)
    brackets = invalid_values("berlin", "password", "password.forbidden_chars")
    reaches(brackets, lambda v: "<" in v)
    reaches(brackets, lambda v: ">" in v)


@pytest.mark.parametrize("land", HOUSE_LANDS)
@pytest.mark.parametrize(
    ("description", "pattern"),
    [
        ("the zero", r"0"),
        ("a plain number", r"[1-9][0-9]+"),
        ("a house letter", r"[0-9]+[a-zäöüß]"),
        ("a letter range like 12a-c", r"[0-9]+[a-z]-[a-z]"),
        ("a number range like 48-50", r"[0-9]+-[0-9]+"),
    ],
)
def test_house_number_reaches_the_example_shapes_when_searched(
    land: LandId, description: str, pattern: str
) -> None:
    found = reaches(
        valid_values(land, "house_number"), lambda v: re.fullmatch(pattern, v) is not None
    )
    assert re.fullmatch(pattern, found), description


@pytest.mark.parametrize("land", HOUSE_LANDS)
def test_house_number_reaches_its_length_limit_when_searched(land: LandId) -> None:
    hi = limit(land, "house_number.max_length", "max")
    reaches(valid_values(land, "house_number"), lambda v: len(v) == hi)
    reaches(valid_values(land, "house_number"), lambda v: len(v) == hi and "-" in v)
    too_long = invalid_values(land, "house_number", "house_number.max_length")
    reaches(too_long, lambda v: len(v) == hi + 1)
    spaced = invalid_values(land, "house_number", "house_number.no_spaces")
    reaches(spaced, lambda v: " - " in v)
    strict = Readings({"house_number.charset_examples": "digits-letters-hyphen"})
    odd = invalid_values(land, "house_number", "house_number.characters", strict)
    reaches(odd, lambda v: bool(set(v) & FULLWIDTH))


@pytest.mark.parametrize("land", POSTBOX_LANDS)
def test_postbox_reaches_four_and_twenty_digits_when_searched(land: LandId) -> None:
    lo, hi = limit(land, "postbox.length", "min"), limit(land, "postbox.length", "max")
    valid = valid_values(land, "postbox")
    reaches(valid, lambda v: v == "")
    reaches(valid, lambda v: len(v) == lo)
    reaches(valid, lambda v: len(v) == hi)
    wrong_length = invalid_values(land, "postbox", "postbox.length")
    reaches(wrong_length, lambda v: len(v) == lo - 1)
    reaches(wrong_length, lambda v: len(v) == hi + 1)
    not_digits = invalid_values(land, "postbox", "postbox.digits_only")
    reaches(not_digits, lambda v: bool(set(v) & FULLWIDTH))
    reaches(not_digits, lambda v: "\u0663" in v)  # ARABIC-INDIC DIGIT THREE: isdigit(), not ASCII


@pytest.mark.parametrize("land", ORG_LANDS)
def test_org_name_reaches_one_and_forty_characters_when_searched(land: LandId) -> None:
    lo, hi = limit(land, "org_name.length", "min"), limit(land, "org_name.length", "max")
    valid = valid_values(land, "org_name")
    reaches(valid, lambda v: len(v) == lo)
    reaches(valid, lambda v: len(v) == hi)
    reaches(valid, lambda v: bool(set(v) & set("äöüÄÖÜß")))
    wrong_length = invalid_values(land, "org_name", "org_name.length")
    reaches(wrong_length, lambda v: len(v) == lo - 1)
    reaches(wrong_length, lambda v: len(v) == hi + 1)
    excluded = invalid_values(land, "org_name", "org_name.forbidden_chars")
    for char in forbidden(land, "org_name.forbidden_chars"):
        assert char in reaches(excluded, contains(char))


@pytest.mark.parametrize("land", ORG_EMAIL_LANDS)
def test_org_email_umlauts_and_look_alikes_follow_the_reading_when_searched(
    land: LandId,
) -> None:
    umlauts = invalid_values(land, "org_email", "org_email.no_umlauts")
    reaches(umlauts, lambda v: "Ü" in v)
    reaches(valid_values(land, "org_email"), lambda v: "ß" in v)  # no umlaut, so allowed
    strict = Readings({"org_email.umlaut_set": "non-ascii"})
    non_ascii = invalid_values(land, "org_email", "org_email.no_umlauts", strict)
    reaches(non_ascii, lambda v: CYRILLIC_A in v)
    reaches(non_ascii, lambda v: GREEK_OMICRON in v)


@FAST
@given(value=invalid_values("hamburg", "org_email", "org_email.no_umlauts"))
def test_org_email_look_alikes_are_not_generated_when_only_umlauts_are_banned(
    value: str,
) -> None:
    assert set(value) & set("äöüÄÖÜ")


def test_email_reaches_the_shortest_address_when_searched() -> None:
    assert len(reaches(valid_values("berlin", "email"), lambda v: len(v) == 5)) == 5
    broken = invalid_values("berlin", "email", "email.valid_address")
    reaches(broken, lambda v: "@" not in v and v != "")
    reaches(broken, lambda v: v == "")


# --- other readings -------------------------------------------------------------------------

UNBREAKABLE = {
    ("password.sachsen_anhalt_criteria_count", "advisory"): "password.character_classes",
    ("house_number.charset", "any-non-space"): "house_number.characters",
}
READING_CASES = [
    pytest.param(aid, rid, land, rule.field, rule.id, id=f"{aid}={rid}-{land}-{rule.id}")
    for aid, entry in load_register().items()
    for rid in entry.reading_ids
    if rid != entry.default
    for land in entry.lands
    for rule in (CATALOG.rule(r) for r in entry.rules if r in CATALOG.ids)
    if rule.field is not None and rule.stated(land)
]


@pytest.mark.parametrize(("ambiguity", "reading", "land", "field", "rule"), READING_CASES)
@FASTER
@given(data=st.data())
def test_strategies_follow_the_reading_when_another_is_chosen(
    ambiguity: str, reading: str, land: LandId, field: str, rule: str, data: st.DataObject
) -> None:
    chosen = Readings({ambiguity: reading})
    value = data.draw(valid_values(land, field, chosen))
    assert validate(land, field, value, chosen).valid
    if UNBREAKABLE.get((ambiguity, reading)) == rule:
        with pytest.raises(NotStatedError, match="cannot be broken"):
            invalid_values(land, field, rule, chosen)
    else:
        broken = data.draw(invalid_values(land, field, rule, chosen))
        assert rule in violations(land, field, broken, chosen)


def test_reading_specific_boundaries_are_reached_when_searched() -> None:
    nfc = Readings({"text.length_unit": "nfc-code-points"})
    lo = limit("berlin", "password.min_length", "min")
    short = invalid_values("berlin", "password", "password.min_length", nfc)
    reaches(short, lambda v: len(v) == lo and len(unicodedata.normalize("NFC", v)) == lo - 1)
    shape = Readings({"house_number.charset_examples": "examples-shape"})
    odd = invalid_values("hamburg", "house_number", "house_number.characters", shape)
    reaches(odd, lambda v: v.endswith("-") and v[:-1].isdigit())


def test_only_the_empty_address_is_invalid_when_any_non_empty_value_counts() -> None:
    non_empty = Readings({"email.validity": "non-empty"})
    broken = invalid_values("hamburg", "email", "email.valid_address", non_empty)
    assert reaches(broken, lambda v: True) == ""
    with pytest.raises(NoSuchExample):
        reaches(broken, bool)


def test_password_lookalikes_count_as_nothing_when_reading_is_ascii_punctuation() -> None:
    ascii_only = Readings({"password.special_characters": "ascii-punctuation"})
    weak = invalid_values("berlin", "password", "password.character_classes", ascii_only)
    found = reaches(weak, lambda v: bool(set(v) & FULLWIDTH) and bool(set(v) & LOWER))
    assert "password.character_classes" in violations("berlin", "password", found, ascii_only)


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: valid_values("bremen", "password"),
        lambda: invalid_values("bremen", "password"),
        lambda: field_cases("bremen", "password"),
    ],
)
def test_unknown_land_lists_the_lands_when_named(make: Callable[[], object]) -> None:
    with pytest.raises(UnknownNameError, match="sachsen-anhalt, gemeinsam-online") as info:
        make()
    assert set(LANDS) <= set(info.value.valid)


@pytest.mark.parametrize(
    "make",
    [
        lambda: valid_values("berlin", "pw"),
        lambda: invalid_values("berlin", "pw"),
        lambda: field_cases("berlin", "pw"),
    ],
)
def test_unknown_field_lists_the_fields_when_named(make: Callable[[], object]) -> None:
    with pytest.raises(UnknownNameError, match="password, email, org_email") as info:
        make()
    assert "house_number" in info.value.valid


def test_field_the_land_does_not_state_lists_its_fields_when_named() -> None:
    with pytest.raises(UnknownNameError, match="gemeinsam-online") as info:
        valid_values("gemeinsam-online", "postbox")
    assert info.value.valid == ("password", "email")


@pytest.mark.parametrize("rule", ["password.max_length", "session.idle_timeout", "nope"])
def test_rule_of_another_field_lists_the_field_rules_when_named(rule: str) -> None:
    with pytest.raises(UnknownNameError, match=r"email\.valid_address") as info:
        invalid_values("berlin", "email", rule)
    assert set(info.value.valid) == {r.id for r in CATALOG.for_field("email")}


def test_rule_the_land_does_not_state_lists_the_breakable_rules_when_named() -> None:
    with pytest.raises(NotStatedError, match="not stated") as info:
        invalid_values("hamburg", "email", "email.no_spaces")
    assert isinstance(info.value, UnbreakableRuleError)
    assert info.value.valid == ("email.valid_address", "email.forbidden_chars")
