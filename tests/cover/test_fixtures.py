from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from faker import Faker
from hypothesis import Phase, find, given, settings

from skc.fixtures.providers import (
    HOUSE_NUMBER_SHAPES,
    Address,
    Administrator,
    Citizen,
    Organisation,
    ServicekontoProvider,
    age_on,
    classify_house_number,
    clean_org_name,
    german_faker,
    password_bounds,
    servicekonto,
)
from skc.fixtures.strategies import (
    addresses,
    administrators,
    citizens,
    house_numbers,
    organisations,
    passwords,
    postbox_numbers,
)
from skc.model.ambiguity import Readings, default_readings, load_register
from skc.model.catalog import load_catalog
from skc.model.checks import criteria_met
from skc.model.errors import UnknownNameError
from skc.model.lands import LANDS, LandId
from skc.model.sim.accounts import PROFILE_FIELDS
from skc.model.sim.organisations import ORG_FIELDS
from skc.model.sim.organisations import age_on as sim_age_on
from skc.model.validators import is_valid

FAST = settings(max_examples=20, deadline=None)
# A day chosen by the test, not today: generated people must be adults on it.
REFERENCE = date(2031, 6, 15)
HELP_TEXT_HOUSE_NUMBERS = {
    "12": "plain",
    "2a": "letter",
    "12a-c": "letter-range",
    "48-50": "number-range",
    "0": "zero",
}


def _every_alternative_reading() -> list[Readings]:
    base = default_readings()
    return [base, *(alt for aid in load_register() for alt in base.alternatives(aid))]


def _assert_citizen_valid(land: LandId, c: Citizen, readings: Readings | None = None) -> None:
    assert is_valid(land, "email", c.email, readings), c.email
    assert is_valid(land, "password", c.password, readings), c.password
    assert is_valid(land, "house_number", c.house_number, readings), c.house_number
    for value in (c.street, c.postcode, c.city):
        assert is_valid(land, "address", value, readings), value
    assert c.email.isascii()
    assert c.salutation in {"Frau", "Herr", "divers"}
    assert c.first_name
    assert c.last_name


def _assert_organisation_valid(
    land: LandId, org: Organisation, readings: Readings | None = None
) -> None:
    assert 1 <= len(org.name) <= 40
    assert is_valid(land, "org_name", org.name, readings), org.name
    assert is_valid(land, "house_number", org.house_number, readings), org.house_number
    assert is_valid(land, "postbox", org.postbox or "", readings), org.postbox
    for value in (org.street, org.postcode, org.city):
        assert is_valid(land, "address", value, readings), value


def _assert_administrator_valid(
    land: LandId, admin: Administrator, readings: Readings | None = None
) -> None:
    assert is_valid(land, "org_email", admin.email, readings), admin.email
    assert is_valid(land, "email", admin.email, readings), admin.email
    assert is_valid(land, "password", admin.password, readings), admin.password
    assert admin.email.isascii()
    assert admin.phone


# --- every Land: drawn values pass the model's validators ----------------------------------


@pytest.mark.parametrize("land", LANDS)
@FAST
@given(data=citizens(None))  # valid in every Land at once
def test_citizen_for_every_land_is_valid_when_checked_in_each_land(
    land: LandId, data: Citizen
) -> None:
    _assert_citizen_valid(land, data)


@pytest.mark.parametrize("land", LANDS)
def test_citizen_drawn_for_a_land_is_valid_when_checked_in_that_land(land: LandId) -> None:
    @FAST
    @given(citizens(land))
    def check(c: Citizen) -> None:
        _assert_citizen_valid(land, c)

    check()


@pytest.mark.parametrize("land", LANDS)
def test_organisation_drawn_for_a_land_is_valid_when_checked_in_that_land(land: LandId) -> None:
    @FAST
    @given(organisations(land))
    def check(org: Organisation) -> None:
        _assert_organisation_valid(land, org)

    check()


@pytest.mark.parametrize("land", LANDS)
def test_administrator_drawn_for_a_land_is_valid_when_checked_in_that_land(
    land: LandId,
) -> None:
    @FAST
    @given(administrators(land))
    def check(admin: Administrator) -> None:
        _assert_administrator_valid(land, admin)

    check()


@pytest.mark.parametrize("land", LANDS)
def test_password_meets_the_lands_catalog_limits_when_drawn(land: LandId) -> None:
    catalog = load_catalog()
    low = catalog.param(land, "password.min_length", "min")
    high = catalog.param(land, "password.max_length", "max")
    assert isinstance(low, int)
    assert isinstance(high, int)

    @FAST
    @given(passwords(land))
    def check(password: str) -> None:
        assert low <= len(password) <= high
        assert " " not in password
        assert "<" not in password
        assert ">" not in password
        assert criteria_met(password, default_readings()) >= 2
        assert is_valid(land, "password", password)

    check()


def test_password_bounds_match_the_catalog_when_berlin_and_every_land() -> None:
    assert password_bounds("berlin") == (8, 20, 2)
    assert password_bounds("hamburg") == (8, 40, 2)
    assert password_bounds(None) == (8, 20, 2)


@FAST
@given(passwords(None))
def test_password_for_every_land_is_valid_when_checked_in_each_land(password: str) -> None:
    for land in LANDS:
        assert is_valid(land, "password", password), (land, password)


def test_passwords_use_umlauts_sometimes_when_many_are_drawn() -> None:
    provider = servicekonto(german_faker(7))
    drawn = [provider.servicekonto_password("hamburg") for _ in range(200)]
    assert any(ch in "ÄÖÜäöüß" for pw in drawn for ch in pw)
    assert not all(any(ch in "ÄÖÜäöüß" for ch in pw) for pw in drawn)
    lengths = {len(pw) for pw in drawn}
    assert min(lengths) < 20 < max(lengths)  # Hamburg's range up to 40 is used


def test_password_meets_all_three_criteria_when_sachsen_anhalt_reads_all_three() -> None:
    strict = Readings({"password.sachsen_anhalt_criteria_count": "all-three"})
    provider = servicekonto(german_faker(11))
    for _ in range(50):
        password = provider.servicekonto_password("sachsen-anhalt", strict)
        assert criteria_met(password, strict) == 3, password


@pytest.mark.parametrize("land", LANDS)
def test_generated_values_are_valid_when_any_single_reading_is_switched(land: LandId) -> None:
    for readings in _every_alternative_reading():
        provider = servicekonto(german_faker(3))
        for _ in range(3):
            _assert_citizen_valid(land, provider.citizen(land, readings=readings), readings)
            org = provider.organisation(land, readings=readings)
            _assert_organisation_valid(land, org, readings)
            admin = provider.administrator(land, readings=readings)
            _assert_administrator_valid(land, admin, readings)


@FAST
@given(postbox_numbers())
def test_postbox_number_is_four_to_twenty_digits_when_drawn(postbox: str) -> None:
    assert postbox.isascii()
    assert postbox.isdigit()
    assert 4 <= len(postbox) <= 20
    for land in LANDS:
        assert is_valid(land, "postbox", postbox)


@FAST
@given(addresses())
def test_address_fields_are_valid_when_checked_in_every_land(address: Address) -> None:
    assert len(address.postcode) == 5
    assert address.postcode.isdigit()
    for land in LANDS:
        assert is_valid(land, "house_number", address.house_number)
        for value in (address.street, address.postcode, address.city):
            assert is_valid(land, "address", value)


def test_form_dicts_use_only_field_names_when_given_to_the_simulation() -> None:
    provider = servicekonto(german_faker(5))
    citizen = provider.citizen("berlin")
    assert set(citizen.profile()) <= PROFILE_FIELDS
    assert citizen.profile()["birth_date"] == citizen.birth_date.isoformat()
    for _ in range(20):
        org = provider.organisation("hamburg")
        data = org.org_data()
        assert set(data) <= ORG_FIELDS
        assert data["org_name"] == org.name
        assert ("postbox" in data) == (org.postbox is not None)
        assert ("register_number" in data) == (org.register_number is not None)


@pytest.mark.parametrize(
    "raw",
    [
        'Müller, Meier & Söhne {Holding} [Nord] "Alt" GmbH',
        "Verein der Freunde und Förderer des Stadtmuseums Görlitz e.V.",
        "Sehr-lange-Firmenbezeichnung-ohne-Leerzeichen-bis-zum-Ende-GmbH",
        "  <Doppelt>   Leer  ",
    ],
)
def test_clean_org_name_is_valid_under_every_reading_when_given_awkward_names(raw: str) -> None:
    cleaned = clean_org_name(raw)
    assert 1 <= len(cleaned) <= 40
    assert not set(cleaned) & set('<>{}[]",')
    assert "  " not in cleaned
    assert cleaned == cleaned.strip()
    for readings in _every_alternative_reading():
        for land in LANDS:
            assert is_valid(land, "org_name", cleaned, readings), (land, readings, cleaned)


def test_clean_org_name_cuts_at_a_word_when_too_long() -> None:
    raw = "Verein der Freunde und Förderer des Stadtmuseums Görlitz e.V."
    assert clean_org_name(raw) == "Verein der Freunde und Förderer des"
    assert clean_org_name("Müller, Meier & Söhne") == "Müller Meier & Söhne"


def test_org_names_use_the_full_length_range_when_many_are_drawn() -> None:
    provider = servicekonto(german_faker(8))
    names = [provider.org_name() for _ in range(300)]
    assert all(1 <= len(name) <= 40 for name in names)
    assert max(len(name) for name in names) >= 35  # long names are cut, not avoided
    assert any(len(name) <= 10 for name in names)


# --- house numbers ---------------------------------------------------------------------------


def test_classify_house_number_names_the_shape_when_given_help_text_examples() -> None:
    for value, shape in HELP_TEXT_HOUSE_NUMBERS.items():
        assert classify_house_number(value) == shape, value
    for odd in ("", "12 a", "a12", "12-", "012", "12/3"):
        assert classify_house_number(odd) is None, odd


def test_every_house_number_shape_appears_when_200_are_generated() -> None:
    provider = servicekonto(german_faker(2024))
    counts = Counter(classify_house_number(provider.house_number()) for _ in range(200))
    assert set(counts) == set(HOUSE_NUMBER_SHAPES)
    assert counts["plain"] == max(counts.values())  # plain numbers are the common case


@pytest.mark.parametrize("shape", HOUSE_NUMBER_SHAPES)
def test_each_house_number_shape_is_found_when_searched_with_hypothesis(shape: str) -> None:
    found = find(
        house_numbers(),
        lambda value: classify_house_number(value) == shape,
        settings=settings(max_examples=200, database=None, phases=[Phase.generate]),
    )
    assert classify_house_number(found) == shape


@pytest.mark.parametrize("shape", HOUSE_NUMBER_SHAPES)
def test_house_number_shape_gives_that_shape_when_asked(shape: str) -> None:
    provider = servicekonto(german_faker(9))
    for _ in range(30):
        value = provider.house_number_shape(shape)
        assert classify_house_number(value) == shape, value
        assert len(value) <= 11
        for land in LANDS:
            assert is_valid(land, "house_number", value), (land, value)


@pytest.mark.parametrize("shape", HOUSE_NUMBER_SHAPES)
def test_house_numbers_strategy_keeps_to_the_shapes_when_restricted(shape: str) -> None:
    @FAST
    @given(house_numbers([shape]))
    def check(value: str) -> None:
        assert classify_house_number(value) == shape

    check()


def test_unknown_shape_raises_listing_the_valid_shapes_when_asked() -> None:
    provider = servicekonto(german_faker(1))
    with pytest.raises(ValueError, match="bogus") as info:
        provider.house_number_shape("bogus")
    for shape in HOUSE_NUMBER_SHAPES:
        assert shape in str(info.value)
    with pytest.raises(UnknownNameError, match="letter-range"):
        house_numbers(["plain", "bogus"])


def test_unknown_land_raises_listing_the_lands_when_a_strategy_is_built() -> None:
    with pytest.raises(UnknownNameError, match="niedersachsen"):
        citizens("bayern")
    with pytest.raises(UnknownNameError, match="berlin"):
        servicekonto(german_faker(1)).servicekonto_password("bayern")


# --- birth dates -----------------------------------------------------------------------------


@pytest.mark.parametrize("land", LANDS)
def test_people_are_adults_when_checked_on_the_given_reference_date(land: LandId) -> None:
    @FAST
    @given(citizens(land, reference_date=REFERENCE), administrators(land, reference_date=REFERENCE))
    def check(c: Citizen, admin: Administrator) -> None:
        for born in (c.birth_date, admin.birth_date):
            assert 18 <= sim_age_on(born, REFERENCE) <= 90
            assert age_on(born, REFERENCE) == sim_age_on(born, REFERENCE)

    check()


@pytest.mark.parametrize("reference", [date(2028, 2, 29), date(2024, 3, 1), date(2025, 12, 31)])
def test_birth_dates_are_adult_when_the_reference_date_is_an_edge(reference: date) -> None:
    provider = servicekonto(german_faker(42))
    born = [provider.adult_birth_date(reference) for _ in range(500)]
    ages = [sim_age_on(b, reference) for b in born]
    assert min(ages) >= 18
    assert max(ages) <= 90
    assert min(ages) <= 20  # the whole adult range is used, young adults included
    assert max(ages) >= 85


# --- determinism -----------------------------------------------------------------------------


def test_same_seed_gives_the_same_data_when_generated_twice() -> None:
    first, second = servicekonto(german_faker(123)), servicekonto(german_faker(123))
    assert first.citizen("berlin") == second.citizen("berlin")
    assert first.organisation("hamburg") == second.organisation("hamburg")
    assert first.administrator("niedersachsen") == second.administrator("niedersachsen")
    assert first.house_number() == second.house_number()


def test_different_seeds_give_different_citizens_when_generated() -> None:
    drawn = [servicekonto(german_faker(seed)).citizen("hamburg") for seed in range(20)]
    assert len(set(drawn)) == 20
    assert len({c.email for c in drawn}) == 20


def test_provider_methods_are_faker_attributes_when_german_faker_is_used() -> None:
    fake = german_faker(77)
    untyped: Citizen = fake.citizen("berlin")
    assert untyped == servicekonto(german_faker(77)).citizen("berlin")
    assert isinstance(servicekonto(fake), ServicekontoProvider)
    with pytest.raises(LookupError, match="german_faker"):
        servicekonto(Faker("de_DE"))
