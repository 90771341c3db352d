"""The compiled validators agree with a plain reading of the rules on every value.

The oracle below is written from the rules' wording (the catalog's titles and the help texts'
sentences), one small function per rule, and takes its limits from the catalog through the one
resolver of parameters: it shares no code with the checks or the compiler.
"""

from __future__ import annotations

import re
import string
import unicodedata
from array import array
from collections.abc import Mapping

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from skc.model.ambiguity import Readings, load_register
from skc.model.catalog import Rule, load_catalog
from skc.model.compiled import compiled_field
from skc.model.lands import LANDS, LandId
from skc.model.parameters import resolve_params
from skc.model.validators import field_names, is_valid, validate

UPPER = set(string.ascii_uppercase + "ÄÖÜ")
LOWER = set(string.ascii_lowercase + "äöüß")
DIGITS = set("0123456789")
LETTERS = UPPER | LOWER
# Combining marks, astral code points, NUL, whitespace of every kind, invisible and look-alike
# characters, and the characters the rules name.
EDGE = (
    'aAzZäöüÄÖÜß0189§$%?!+-_<>{}[]",.@ \t\n\r\x00\x1c\u00a0\u2003\u3000\u0301\u0308'
    "\U0001f600\U00020000аА€\u200b\ufeff"
)
LIMITS = sorted({
    value
    for rule in load_catalog()
    if rule.field
    for statement in rule.lands.values()
    for name, value in statement.params.items()
    if name in ("min", "max") and isinstance(value, int)
})  # fmt: skip
PIECES = ["Ab1§", "1", "a\u0308", "\U0001f600", "Ä", "x", "x@y.de", "a b"]
FIELD_RULES = {field: load_catalog().for_field(field) for field in field_names()}


def _count(value: str, readings: Readings) -> int:
    unit = readings["text.length_unit"]
    if unit == "nfc-code-points":
        return len(unicodedata.normalize("NFC", value))
    if unit == "utf-16-units":  # a code point above U+FFFF is a surrogate pair
        return sum(2 if ord(ch) > 0xFFFF else 1 for ch in value)
    return len(value)


def _criteria(value: str, readings: Readings) -> int:
    chars = set(value)
    if readings["password.special_characters"] == "ascii-punctuation":
        special = bool(chars & set(string.punctuation + "§"))
    else:
        special = bool(chars - LETTERS - DIGITS)
    return (bool(chars & UPPER) and bool(chars & LOWER)) + bool(chars & DIGITS) + special


def _email(value: str, readings: Readings) -> bool:
    if readings["email.validity"] == "non-empty":
        return value != ""
    if len(value) > 254 or value.count("@") != 1 or any(ch.isspace() for ch in value):
        return False
    local, domain = value.split("@")
    labels = domain.split(".")
    return local != "" and len(labels) >= 2 and all(labels)


def _house_number_shape(value: str) -> bool:
    """2a, 12a-c, 48-50: a number, letters, then optionally a hyphen and a number with
    letters or letters alone."""

    def number_letters(text: str, need_number: bool) -> bool:
        digits = len(text) - len(text.lstrip("0123456789"))
        rest = text[digits:]
        return (digits > 0 or not need_number) and all(ch in LETTERS for ch in rest)

    head, hyphen, tail = value.partition("-")
    if not number_letters(head, need_number=True):
        return False
    return not hyphen or (tail != "" and number_letters(tail, need_number=False))


def _house_number_characters(value: str, charset: object) -> bool:
    compact = "".join(ch for ch in value if not ch.isspace())
    if compact == "" or charset == "any-non-space":
        return True
    if charset == "examples-shape":
        return _house_number_shape(compact)
    return all(ch in LETTERS | DIGITS | {"-"} for ch in compact)


def passes(rule: Rule, value: str, params: Mapping[str, object], readings: Readings) -> bool:
    """Whether ``value`` satisfies ``rule`` as its wording says."""
    kind = rule.id.split(".", 1)[1]
    count = _count(value, readings)
    if kind == "min_length":
        return count >= params["min"]  # type: ignore[operator]
    if kind == "max_length":
        return count <= params["max"]  # type: ignore[operator]
    if kind == "length":
        return (rule.field == "postbox" and value == "") or (
            params["min"] <= count <= params["max"]  # type: ignore[operator]
        )
    if kind == "no_spaces":
        return not any(ch.isspace() for ch in value)
    if kind == "forbidden_chars":
        return not set(value) & set(str(params["chars"]))
    if kind == "character_classes":
        return _criteria(value, readings) >= params["required"]  # type: ignore[operator]
    if kind == "valid_address":
        return _email(value, readings)
    if kind == "no_umlauts":
        if readings["org_email.umlaut_set"] == "non-ascii":
            return all(ord(ch) < 128 for ch in value)
        return not set(value) & set("äöüÄÖÜ")
    if kind == "required":
        return any(not ch.isspace() for ch in value)
    if kind == "characters":
        return _house_number_characters(value, params["charset"])
    if kind == "digits_only":
        return all(ch in DIGITS for ch in value)
    raise AssertionError(f"no oracle for {rule.id}")


def oracle(land: LandId, field: str, value: str, readings: Readings) -> tuple[list[str], list[str]]:
    """The rules checked and the rules broken, in catalog order."""
    checked, broken = [], []
    for rule in FIELD_RULES[field]:
        if not rule.stated(land):
            continue
        params = resolve_params(rule, land, readings)
        if params.get("required") == 0:  # the "advisory" reading enforces nothing
            continue
        checked.append(rule.id)
        if not passes(rule, value, params, readings):
            broken.append(rule.id)
    return checked, broken


def depends(land: LandId, field: str, value: str, readings: Readings) -> list[str]:
    """The register entries one of whose other readings changes the broken rules (only an
    entry that concerns the Land and touches one of the field's rules can)."""
    broken = oracle(land, field, value, readings)[1]
    touched = {rule.id for rule in FIELD_RULES[field]}
    out = []
    for aid, entry in load_register().items():
        if (
            land in entry.lands
            and touched & set(entry.rules)
            and any(
                oracle(land, field, value, other)[1] != broken
                for other in readings.alternatives(aid)
            )
        ):
            out.append(aid)
    return out


@st.composite
def near_limits(draw: st.DrawFn) -> str:
    size = max(0, draw(st.sampled_from(LIMITS)) + draw(st.integers(-1, 1)))
    piece = draw(st.sampled_from(PIECES))
    return (piece * size)[:size]


readings_choices = st.fixed_dictionaries(
    {aid: st.sampled_from(entry.reading_ids) for aid, entry in load_register().items()}
).map(Readings)


@settings(max_examples=100)
@given(
    land=st.sampled_from(LANDS),
    field=st.sampled_from(field_names()),
    value=st.one_of(st.text(alphabet=EDGE, max_size=45), near_limits()),
    readings=st.one_of(st.none(), readings_choices),
)
@example(land="hamburg", field="email", value="a@b.de\n", readings=None)
@example(land="berlin", field="password", value="Aa1\U0001f600" * 5, readings=None)
def test_compiled_verdict_equals_the_rules_when_any_value_and_reading_is_given(
    land: LandId, field: str, value: str, readings: Readings | None
) -> None:
    chosen = readings or Readings()
    checked, broken = oracle(land, field, value, chosen)
    verdict = validate(land, field, value, readings, explain_readings=True)
    assert list(verdict.rules_checked) == checked
    assert [v.rule for v in verdict.violations] == broken
    assert verdict.valid is (not broken) is is_valid(land, field, value, readings)
    assert validate(land, field, value, readings).violations == verdict.violations
    assert sorted(verdict.depends_on) == sorted(depends(land, field, value, chosen))


@pytest.mark.parametrize("value", ["ABab1234", "geheim 123", "x" * 50, ""])
def test_verdict_holds_no_trace_of_the_value_when_memoised(value: str) -> None:
    compiled = compiled_field("berlin", "password")
    verdict = validate("berlin", "password", value, explain_readings=True)
    assert all(isinstance(key, int) for key in compiled.verdicts)
    assert verdict in compiled.verdicts.values()
    if value:
        assert value not in repr(verdict) + repr(verdict.to_json())


def test_messages_carry_the_lands_parameters_when_rules_are_broken() -> None:
    messages = {v.rule: v for v in validate("berlin", "password", "<A1" + "b" * 20).violations}
    assert set(messages) == {"password.max_length", "password.forbidden_chars"}
    assert messages["password.max_length"].message_de == (
        "Das Passwort darf höchstens 20 Zeichen lang sein."
    )
    assert messages["password.forbidden_chars"].message_en == (
        'The characters "<", ">" are not allowed in the password.'
    )


def test_every_whitespace_but_the_space_is_unprintable_when_the_compiler_relies_on_it() -> None:
    everything = array("I", range(0x110000)).tobytes().decode("utf-32-le", "surrogatepass")
    others = set(re.findall(r"\s", everything)) - {" "}
    assert {"\t", "\x1c", "\u00a0", "\u3000"} <= others
    assert not any(ch.isprintable() for ch in others)
