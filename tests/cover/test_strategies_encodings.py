"""Property tests of the strategies at the encodings: astral characters, combining sequences,
invisible characters, look-alikes, surrounding whitespace, and every length limit measured in
code points, UTF-16 units, UTF-8 bytes and NFC.

Lengths are restated here from the Python string on their own (``len``, the UTF-16 and UTF-8
encodings, ``unicodedata``), and limits come from the catalog, so a strategy that missed a
boundary in a unit fails.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from skc.model.ambiguity import Readings
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId
from skc.model.strategies import boundary_examples, invalid_values, valid_values
from skc.model.validators import validate

CATALOG = load_catalog()
SEARCH = settings(max_examples=1000, phases=[Phase.generate], database=None)
FAST = settings(max_examples=10)
T = TypeVar("T")
EMOJI, CJK_B = "\U0001f600", "\U00020000"
SOFT_HYPHEN, ZERO_WIDTH_SPACE, BOM, NBSP = "\u00ad", "\u200b", "\ufeff", "\u00a0"
GREEK_OMICRON = "\u03bf"

PASSWORD_LANDS = [land for land in LANDS if CATALOG.stated(land, "password.max_length")]
ORG_LANDS = [land for land in LANDS if CATALOG.stated(land, "org_name.length")]
UNITS = ("code-points", "nfc-code-points", "utf-16-units")
# Searches run for two Länder with different limits (Berlin 8-20, Hamburg 8-40): the strategies
# read every limit from the catalog, and the property tests above cover all five.
SEARCHED = ["berlin", "hamburg"]


def units16(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2


def nfc(value: str) -> int:
    return len(unicodedata.normalize("NFC", value))


def utf8(value: str) -> int:
    return len(value.encode("utf-8"))


MEASURED = {"code-points": len, "nfc-code-points": nfc, "utf-16-units": units16}


def limit(land: LandId, rule: str, name: str) -> int:
    value = CATALOG.param(land, rule, name)
    assert isinstance(value, int)
    return value


def reaches(strategy: SearchStrategy[T], condition: Callable[[T], bool]) -> T:
    return find(strategy, condition, settings=SEARCH)


# --- the reading decides what a "Zeichen" is -------------------------------------------------


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("land", PASSWORD_LANDS)
@FAST
@given(data=st.data())
def test_valid_passwords_are_within_the_limits_in_the_unit_of_the_reading(
    land: LandId, unit: str, data: st.DataObject
) -> None:
    chosen = Readings({"text.length_unit": unit})
    value = data.draw(valid_values(land, "password", chosen))
    lo, hi = limit(land, "password.min_length", "min"), limit(land, "password.max_length", "max")
    assert lo <= MEASURED[unit](value) <= hi


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("land", ORG_LANDS)
@FAST
@given(data=st.data())
def test_too_long_organisation_names_are_too_long_in_the_unit_of_the_reading(
    land: LandId, unit: str, data: st.DataObject
) -> None:
    chosen = Readings({"text.length_unit": unit})
    value = data.draw(invalid_values(land, "org_name", "org_name.length", chosen))
    lo, hi = limit(land, "org_name.length", "min"), limit(land, "org_name.length", "max")
    assert not lo <= MEASURED[unit](value) <= hi


def test_validator_counts_in_the_unit_of_the_reading_when_one_is_chosen() -> None:
    at_max = "Aa1" + "b" * 16 + EMOJI  # Berlin: 20 code points, 21 UTF-16 units
    decomposed = "Aa1" + "b" * 16 + "a\u0308"  # 21 code points, 20 after NFC
    readings = {unit: Readings({"text.length_unit": unit}) for unit in UNITS}
    assert validate("berlin", "password", at_max, readings["code-points"]).valid
    assert validate("berlin", "password", at_max, readings["nfc-code-points"]).valid
    assert not validate("berlin", "password", at_max, readings["utf-16-units"]).valid
    assert not validate("berlin", "password", decomposed, readings["code-points"]).valid
    assert validate("berlin", "password", decomposed, readings["nfc-code-points"]).valid


# --- the default reading (code points): each boundary in every unit --------------------------


@pytest.mark.parametrize("land", SEARCHED)
def test_valid_password_reaches_the_maximum_wider_in_other_units_when_searched(
    land: LandId,
) -> None:
    hi = limit(land, "password.max_length", "max")
    valid = valid_values(land, "password")
    reaches(valid, lambda v: len(v) == hi and units16(v) > hi)  # an astral character
    reaches(valid, lambda v: len(v) == hi and utf8(v) > hi and units16(v) == hi)  # umlauts, €
    reaches(valid, lambda v: CJK_B in v)


@pytest.mark.parametrize("land", SEARCHED)
def test_valid_password_reaches_the_minimum_with_a_decomposed_umlaut_when_searched(
    land: LandId,
) -> None:
    lo = limit(land, "password.min_length", "min")
    found = reaches(valid_values(land, "password"), lambda v: len(v) == lo and nfc(v) == lo - 1)
    assert "\u0308" in found


@pytest.mark.parametrize("land", SEARCHED)
def test_too_short_password_reaches_the_minimum_in_wider_units_when_searched(
    land: LandId,
) -> None:
    lo = limit(land, "password.min_length", "min")
    short = invalid_values(land, "password", "password.min_length")
    reaches(short, lambda v: len(v) == lo - 1 and units16(v) == lo)
    reaches(short, lambda v: len(v) == lo - 1 and utf8(v) >= lo and units16(v) == lo - 1)


@pytest.mark.parametrize("land", SEARCHED)
def test_too_long_password_reaches_one_past_with_invisible_or_combining_when_searched(
    land: LandId,
) -> None:
    hi = limit(land, "password.max_length", "max")
    long = invalid_values(land, "password", "password.max_length")
    reaches(long, lambda v: len(v) == hi + 1 and nfc(v) == hi)
    reaches(long, lambda v: len(v) == hi + 1 and SOFT_HYPHEN in v)


def test_password_reaches_astral_units_at_the_limit_when_the_reading_is_utf16() -> None:
    utf16 = Readings({"text.length_unit": "utf-16-units"})
    hi = limit("hamburg", "password.max_length", "max")
    long = invalid_values("hamburg", "password", "password.max_length", utf16)
    reaches(long, lambda v: len(v) == hi and units16(v) == hi + 1)


@pytest.mark.parametrize("land", SEARCHED)
def test_spaces_before_and_after_a_password_are_reached_when_searched(land: LandId) -> None:
    spaced = invalid_values(land, "password", "password.no_spaces")
    reaches(spaced, lambda v: v.endswith(NBSP) and not any(c.isspace() for c in v[:-1]))
    reaches(spaced, lambda v: v[0].isspace() and not any(c.isspace() for c in v[1:]))


def test_look_alike_greek_omicron_is_reached_when_criteria_are_too_few() -> None:
    weak = invalid_values("hamburg", "password", "password.character_classes")
    reaches(weak, lambda v: GREEK_OMICRON in v)


@pytest.mark.parametrize("land", SEARCHED)
def test_organisation_name_reaches_whitespace_and_invisibles_at_the_limits_when_searched(
    land: LandId,
) -> None:
    hi = limit(land, "org_name.length", "max")
    valid = valid_values(land, "org_name")
    reaches(valid, lambda v: v == " ")  # one Zeichen, nothing left when trimmed
    reaches(valid, lambda v: len(v) == hi and v.endswith(" "))
    reaches(valid, lambda v: len(v) == hi and units16(v) > hi)
    for invisible in (ZERO_WIDTH_SPACE, SOFT_HYPHEN, BOM):
        reaches(valid, lambda v, c=invisible: c in v)  # type: ignore[misc]
    long = invalid_values(land, "org_name", "org_name.length")
    reaches(long, lambda v: len(v) == hi + 1 and len(v.strip()) == hi)
    reaches(long, lambda v: len(v) == hi + 1 and ZERO_WIDTH_SPACE in v)


# --- the examples every check submits first --------------------------------------------------


def _on_a_boundary(value: str, lo: int | None, hi: int | None) -> bool:
    edges = {e for e in (lo, hi) if e is not None}
    edges |= {e - 1 for e in edges} | {e + 1 for e in edges}
    return any(m(value) in edges for m in (len, units16, utf8, nfc))


@pytest.mark.parametrize("land", SEARCHED)
def test_boundary_examples_sit_on_a_length_limit_in_some_unit_when_listed(land: LandId) -> None:
    lo, hi = limit(land, "password.min_length", "min"), limit(land, "password.max_length", "max")
    examples = boundary_examples(land, "password")
    assert all(_on_a_boundary(v, lo, hi) for v in examples)
    assert any(len(v) == hi and units16(v) == hi + 1 for v in examples)
    assert any(len(v) == hi and utf8(v) > hi and units16(v) == hi for v in examples)
    assert any(len(v) == hi + 1 and nfc(v) == hi for v in examples)
    assert any(len(v) == lo and nfc(v) == lo - 1 for v in examples)
    assert any(len(v) == lo - 1 and units16(v) == lo for v in examples)
    # within the limits in code points and without spaces: valid under the default reading
    inside = [v for v in examples if v.strip() == v and lo <= len(v) <= hi]
    assert inside
    assert all(validate(land, "password", v).valid for v in inside)


def test_boundary_examples_are_empty_when_the_field_has_no_length_limit() -> None:
    assert boundary_examples("berlin", "email") == ()
