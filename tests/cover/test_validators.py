from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skc.model.ambiguity import Readings, load_register
from skc.model.errors import UnknownNameError
from skc.model.lands import LANDS, LandId
from skc.model.sources import quote_occurs
from skc.model.validators import field_names, validate

# The help texts' own password examples, each with the verbatim line it comes from.
PASSWORD_EXAMPLES = {
    "ABab1234": "Beispiele 1: ABab1234 Aa12Bb34 (Zeichengruppen 1 und 2)",
    "Aa12Bb34": "Beispiele 1: ABab1234 Aa12Bb34 (Zeichengruppen 1 und 2)",
    "ABab§$%?": "Beispiele 2: ABab§$%? A§B$a%b? (Zeichengruppen 1 und 3)",
    "A§B$a%b?": "Beispiele 2: ABab§$%? A§B$a%b? (Zeichengruppen 1 und 3)",
    "7890?!+-": "Beispiele 3: 7890?!+- 7?8!9+0- (Zeichengruppen 2 und 3)",
    "7?8!9+0-": "Beispiele 3: 7890?!+- 7?8!9+0- (Zeichengruppen 2 und 3)",
}
HOUSE_NUMBER_EXAMPLES = {
    "2a": "Es muss also 2a, 12a-c oder 48-50 heißen.",
    "12a-c": "Es muss also 2a, 12a-c oder 48-50 heißen.",
    "48-50": "Es muss also 2a, 12a-c oder 48-50 heißen.",
    "0": 'tragen Sie in das Feld "Nr." bitte eine Null („0“) ein.',
}
HOUSE_NUMBER_LANDS: tuple[LandId, ...] = ("sachsen-anhalt", "hamburg", "berlin", "niedersachsen")


def test_examples_are_quoted_from_the_seeds_when_cited() -> None:
    assert quote_occurs("002_75781650d62228f6.txt", PASSWORD_EXAMPLES["ABab1234"])
    for line in set(HOUSE_NUMBER_EXAMPLES.values()):
        assert quote_occurs("000_3ad28f7724a5fb2a.txt", line)


@pytest.mark.parametrize("land", LANDS)
@pytest.mark.parametrize("example", sorted(PASSWORD_EXAMPLES))
def test_seed_password_example_is_valid_when_checked_in_any_land(
    land: LandId, example: str
) -> None:
    assert validate(land, "password", example).valid


@pytest.mark.parametrize("land", HOUSE_NUMBER_LANDS)
@pytest.mark.parametrize("example", sorted(HOUSE_NUMBER_EXAMPLES))
def test_seed_house_number_example_is_valid_when_checked(land: LandId, example: str) -> None:
    assert validate(land, "house_number", example).valid


@pytest.mark.parametrize(
    ("land", "length", "valid"),
    [("berlin", 20, True), ("berlin", 21, False), ("hamburg", 40, True), ("hamburg", 41, False),
     ("niedersachsen", 7, False), ("niedersachsen", 8, True)],
)  # fmt: skip
def test_password_length_limit_holds_when_at_boundary(
    land: LandId, length: int, valid: bool
) -> None:
    value = ("Ab1" * 20)[:length]
    assert validate(land, "password", value).valid is valid


def test_only_one_criterion_is_rejected_when_password_is_lower_case() -> None:
    verdict = validate("hamburg", "password", "abcdefgh")
    assert [v.rule for v in verdict.violations] == ["password.character_classes"]


def test_umlauts_count_as_letters_when_mixing_case() -> None:
    assert validate("berlin", "password", "ÄÖÜäöüß1").valid


def test_cyrillic_look_alike_is_no_upper_case_letter_when_reading_is_ascii_punctuation() -> None:
    readings = Readings({"password.special_characters": "ascii-punctuation"})
    assert not validate("berlin", "password", "Аbcdefgh", readings).valid  # Cyrillic А
    assert validate("berlin", "password", "Abcdefgh1").valid


@pytest.mark.parametrize("value", ["ab cd12AB", "abcd\t12AB", "abcd\u00a012AB"])
def test_whitespace_is_rejected_when_in_password(value: str) -> None:
    assert "password.no_spaces" in {
        v.rule for v in validate("hamburg", "password", value).violations
    }


@pytest.mark.parametrize("value", ["<Abcd1234", "Abcd>1234", "Abcd1234<"])
def test_angle_brackets_are_rejected_when_in_password(value: str) -> None:
    rules = {v.rule for v in validate("berlin", "password", value).violations}
    assert rules == {"password.forbidden_chars"}


def test_sachsen_anhalt_verdict_names_the_reading_when_count_is_not_stated() -> None:
    verdict = validate("sachsen-anhalt", "password", "ABab1234", explain_readings=True)
    assert verdict.valid
    assert "password.sachsen_anhalt_criteria_count" in verdict.depends_on
    strict = Readings({"password.sachsen_anhalt_criteria_count": "all-three"})
    assert not validate("sachsen-anhalt", "password", "ABab1234", strict).valid


def test_hamburg_verdict_names_no_reading_when_count_is_stated() -> None:
    verdict = validate("hamburg", "password", "ABab1234", explain_readings=True)
    assert verdict.depends_on == ()


@pytest.mark.parametrize(
    ("value", "valid"),
    [("", True), ("1234", True), ("1" * 20, True), ("123", False), ("1" * 21, False),
     ("12a4", False), ("１２３４", False)],
)  # fmt: skip
def test_postbox_holds_four_to_twenty_digits_when_filled_in(value: str, valid: bool) -> None:
    assert validate("niedersachsen", "postbox", value).valid is valid


@pytest.mark.parametrize(
    ("value", "valid"),
    [("0", True), ("", False), ("12345678901", True), ("123456789012", False), ("12 a", False)],
)
def test_house_number_rules_hold_when_value_is_at_edge(value: str, valid: bool) -> None:
    assert validate("berlin", "house_number", value).valid is valid


def test_org_email_umlaut_is_rejected_when_citizen_email_accepts_it() -> None:
    assert not validate("hamburg", "org_email", "müller@example.de").valid
    assert validate("hamburg", "email", "müller@example.de").valid


@pytest.mark.parametrize(("land", "valid"), [("berlin", True), ("hamburg", False)])
def test_org_name_braces_depend_on_land_when_checked(land: LandId, valid: bool) -> None:
    assert validate(land, "org_name", "Firma {Nord}").valid is valid


def test_org_name_comma_depends_on_reading_when_sachsen_anhalt() -> None:
    verdict = validate("sachsen-anhalt", "org_name", "Müller, Meier", explain_readings=True)
    assert verdict.valid
    assert verdict.depends_on == ("org_name.excluded_characters",)


def test_org_name_length_is_one_to_forty_when_checked() -> None:
    assert not validate("hamburg", "org_name", "").valid
    assert validate("hamburg", "org_name", "x" * 40).valid
    assert not validate("hamburg", "org_name", "x" * 41).valid


def test_field_without_stated_rules_is_valid_with_note_when_land_is_silent() -> None:
    verdict = validate("gemeinsam-online", "org_name", "<>")
    assert verdict.valid
    assert verdict.rules_checked == ()
    assert "note" in verdict.to_json()


def test_unknown_land_lists_valid_ids_when_named() -> None:
    with pytest.raises(UnknownNameError, match="berlin"):
        validate("bremen", "password", "x")


def test_unknown_field_lists_valid_fields_when_named() -> None:
    with pytest.raises(UnknownNameError, match="house_number"):
        validate("berlin", "pw", "x")


def test_unknown_reading_lists_valid_readings_when_chosen() -> None:
    with pytest.raises(UnknownNameError, match="two-of-three"):
        Readings({"password.sachsen_anhalt_criteria_count": "four"})


@given(
    land=st.sampled_from(LANDS),
    field=st.sampled_from(field_names()),
    value=st.text(alphabet="aZÄß1§ <{,@.-\u0301А", max_size=45),
)
def test_depends_on_names_exactly_the_readings_that_change_the_outcome_when_explained(
    land: LandId, field: str, value: str
) -> None:
    chosen = Readings()
    outcome = {v.rule for v in validate(land, field, value, chosen).violations}
    expected = []
    for aid, entry in load_register().items():
        if land not in entry.lands:
            continue
        for other in chosen.alternatives(aid):
            if {v.rule for v in validate(land, field, value, other).violations} != outcome:
                expected.append(aid)
                break
    explained = validate(land, field, value, chosen, explain_readings=True).depends_on
    assert sorted(explained) == sorted(expected)
