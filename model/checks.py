"""The field checks: one small pure function per field rule id.

Each check takes the value, the rule's resolved parameters for one Land and the chosen
readings, and returns True when the value satisfies the rule. ``FIELD_CHECKS`` maps rule ids
to checks; ``model.validators`` combines them with the catalog into verdicts.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Final, TypeAlias

if TYPE_CHECKING:  # the checks run without loading pydantic (``skc check`` starts fast)
    from skc.model.ambiguity import Readings
    from skc.model.catalog import ParamValue

Params: TypeAlias = "Mapping[str, ParamValue]"
Check: TypeAlias = "Callable[[str, Params, Readings], bool]"

UPPER: Final = frozenset(string.ascii_uppercase + "ÄÖÜ")
LOWER: Final = frozenset(string.ascii_lowercase + "äöüß")
DIGITS: Final = frozenset(string.digits)
LETTERS: Final = UPPER | LOWER
# Under the "ascii-punctuation" reading only these count as Sonderzeichen.
ASCII_SPECIAL: Final = frozenset(string.punctuation + "§")
UMLAUTS: Final = "äöüÄÖÜ"

WHITESPACE_RE: Final = re.compile(r"\s")
# \Z, not $: "$" also matches before a final newline, and "a@b.de\n" is no address.
EMAIL_SHAPE: Final = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+\Z")
HOUSE_NUMBER_SHAPE: Final = re.compile(
    r"^[0-9]+[A-Za-zÄÖÜäöüß]*(-([0-9]+[A-Za-zÄÖÜäöüß]*|[A-Za-zÄÖÜäöüß]+))?$"
)
HOUSE_NUMBER_CHARS: Final = DIGITS | LETTERS | {"-"}
EMAIL_MAX_LENGTH: Final = 254


def length(value: str, readings: Readings) -> int:
    """Count characters the way the chosen ``text.length_unit`` reading counts them: code
    points (the default), code points after NFC, or UTF-16 code units."""
    unit = readings["text.length_unit"]
    if unit == "nfc-code-points":
        return len(unicodedata.normalize("NFC", value))
    if unit == "utf-16-units":
        return utf16_units(value)
    return len(value)


def utf16_units(value: str) -> int:
    """The length in UTF-16 code units: a code point outside the Basic Multilingual Plane
    counts twice."""
    return len(value) + sum(1 for ch in value if ord(ch) > 0xFFFF)


def _int(params: Params, name: str) -> int:
    value = params[name]
    if not isinstance(value, int):
        raise TypeError(f"parameter {name!r} must be an integer, got {value!r}")
    return value


def _chars(params: Params) -> str:
    value = params["chars"]
    if not isinstance(value, str):
        raise TypeError(f"parameter 'chars' must be a string, got {value!r}")
    return value


def check_min_length(value: str, params: Params, readings: Readings) -> bool:
    """At least ``min`` characters."""
    return length(value, readings) >= _int(params, "min")


def check_max_length(value: str, params: Params, readings: Readings) -> bool:
    """At most ``max`` characters."""
    return length(value, readings) <= _int(params, "max")


def check_length_between(value: str, params: Params, readings: Readings) -> bool:
    """Between ``min`` and ``max`` characters, both included."""
    return _int(params, "min") <= length(value, readings) <= _int(params, "max")


def check_no_spaces(value: str, params: Params, readings: Readings) -> bool:
    """No space or other whitespace character."""
    return WHITESPACE_RE.search(value) is None


def check_forbidden_chars(value: str, params: Params, readings: Readings) -> bool:
    """None of the characters in ``chars``."""
    return not any(ch in value for ch in _chars(params))


def criteria_met(value: str, readings: Readings) -> int:
    """Count the password criteria met: mixed case, digits, special characters."""
    chars = frozenset(value)
    mixed_case = not chars.isdisjoint(UPPER) and not chars.isdisjoint(LOWER)
    digits = not chars.isdisjoint(DIGITS)
    if readings["password.special_characters"] == "ascii-punctuation":
        special = not chars.isdisjoint(ASCII_SPECIAL)
    else:
        special = not chars <= (LETTERS | DIGITS)
    return mixed_case + digits + special


def check_character_classes(value: str, params: Params, readings: Readings) -> bool:
    """At least ``required`` of the three criteria."""
    return criteria_met(value, readings) >= _int(params, "required")


def check_email_address(value: str, params: Params, readings: Readings) -> bool:
    """A valid e-mail address under the chosen ``email.validity`` reading."""
    if readings["email.validity"] == "non-empty":
        return value != ""
    return len(value) <= EMAIL_MAX_LENGTH and EMAIL_SHAPE.match(value) is not None


def check_no_umlauts(value: str, params: Params, readings: Readings) -> bool:
    """No umlaut (or, under the ``non-ascii`` reading, no character outside ASCII)."""
    if readings["org_email.umlaut_set"] == "non-ascii":
        return value.isascii()
    return not any(ch in UMLAUTS for ch in value)


def check_required(value: str, params: Params, readings: Readings) -> bool:
    """Not empty and not only whitespace."""
    return value.strip() != ""


def check_house_number_characters(value: str, params: Params, readings: Readings) -> bool:
    """House-number characters under the Land's ``charset`` (``house_number.charset`` reading
    for Berlin, ``house_number.charset_examples`` for the organisation forms elsewhere)."""
    reading = params["charset"]
    value = WHITESPACE_RE.sub("", value)  # whitespace is no_spaces' business
    if value == "" or reading == "any-non-space":
        return True
    if reading == "examples-shape":
        return HOUSE_NUMBER_SHAPE.match(value) is not None
    return frozenset(value) <= HOUSE_NUMBER_CHARS


def check_optional_digits(value: str, params: Params, readings: Readings) -> bool:
    """Empty (the field is optional) or ASCII digits only."""
    return value == "" or (value.isascii() and value.isdigit())


def check_optional_length_between(value: str, params: Params, readings: Readings) -> bool:
    """Empty (the field is optional) or between ``min`` and ``max`` characters."""
    return value == "" or check_length_between(value, params, readings)


FIELD_CHECKS: Final[dict[str, Check]] = {
    "password.min_length": check_min_length,
    "password.max_length": check_max_length,
    "password.no_spaces": check_no_spaces,
    "password.forbidden_chars": check_forbidden_chars,
    "password.character_classes": check_character_classes,
    "email.valid_address": check_email_address,
    "email.forbidden_chars": check_forbidden_chars,
    "email.no_spaces": check_no_spaces,
    "org_email.valid_address": check_email_address,
    "org_email.no_umlauts": check_no_umlauts,
    "org_email.no_spaces": check_no_spaces,
    "org_email.forbidden_chars": check_forbidden_chars,
    "house_number.required": check_required,
    "house_number.max_length": check_max_length,
    "house_number.no_spaces": check_no_spaces,
    "house_number.characters": check_house_number_characters,
    "postbox.digits_only": check_optional_digits,
    "postbox.length": check_optional_length_between,
    "org_name.length": check_length_between,
    "org_name.forbidden_chars": check_forbidden_chars,
    "address.forbidden_chars": check_forbidden_chars,
}
