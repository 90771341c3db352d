"""Shrunk examples of :mod:`skc.model.strategies` stay minimal (issue 16, item 3).

A finding is only as readable as its shrunk value: a valid password shrinks to the catalog's
minimum length in the simplest characters meeting exactly the required criteria, a value
breaking a length limit to one past the limit, and a failing property over invalid values to
its shortest counterexample. The limits are read from the catalog here, not from the module.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import Phase, find, settings

from skc.model.catalog import load_catalog
from skc.model.lands import LandId
from skc.model.strategies import invalid_values, valid_values

CATALOG = load_catalog()
# No explain phase: the field suite shrinks without it, and it is the slow part of find().
SHRINK = settings(database=None, max_examples=500, phases=[Phase.generate, Phase.shrink])
# The first upper case letter, lower case letter and digit: what shrinking moves towards.
SIMPLEST = set("Aa0")
LANDS: tuple[LandId, ...] = ("berlin", "hamburg")  # a maximum of 20 and one of 40


def limit(land: LandId, rule: str, name: str) -> int:
    value = CATALOG.param(land, rule, name)
    assert isinstance(value, int)
    return value


def criteria(value: str) -> int:
    mixed = any(c.isupper() for c in value) and any(c.islower() for c in value)
    digits = any(c in string.digits for c in value)
    special = any(not c.isalnum() for c in value)
    return mixed + digits + special


@pytest.mark.parametrize("land", LANDS)
def test_valid_password_shrinks_to_the_minimum_in_the_simplest_characters_when_found(
    land: LandId,
) -> None:
    found = find(valid_values(land, "password"), lambda v: True, settings=SHRINK)
    assert len(found) == limit(land, "password.min_length", "min")
    assert set(found) <= SIMPLEST
    assert criteria(found) == limit(land, "password.character_classes", "required")


@pytest.mark.parametrize("land", LANDS)
def test_too_long_password_shrinks_to_one_past_the_maximum_when_found(land: LandId) -> None:
    hi = limit(land, "password.max_length", "max")
    too_long = invalid_values(land, "password", "password.max_length")
    found = find(too_long, lambda v: True, settings=SHRINK)
    assert len(found) == hi + 1
    assert set(found) <= SIMPLEST


@pytest.mark.parametrize("land", LANDS)
def test_failing_property_shrinks_to_its_shortest_counterexample_when_found(
    land: LandId,
) -> None:
    hi = limit(land, "password.max_length", "max")
    lo = limit(land, "password.min_length", "min")
    # a portal that lets passwords up to two characters too long through
    too_long = invalid_values(land, "password", "password.max_length")
    found = find(too_long, lambda v: len(v) > hi + 2, settings=SHRINK)
    assert len(found) == hi + 3
    assert set(found) <= SIMPLEST
    # a portal that accepts passwords far too short only from four characters down
    too_short = invalid_values(land, "password", "password.min_length")
    assert find(too_short, lambda v: len(v) < lo - 4, settings=SHRINK) == ""
    # a portal that drops a space anywhere in the value
    spaced = invalid_values(land, "password", "password.no_spaces")
    found = find(spaced, lambda v: " " in v, settings=SHRINK)
    assert len(found) == lo
    assert set(found) <= SIMPLEST | {" "}
