"""Public Hypothesis strategies: valid and invalid field values at every boundary of the model.

Every limit comes from the rule catalog (``load_catalog()``, parameters resolved for the chosen
readings by :func:`skc.model.parameters.resolve_params`); nothing Land-specific is written here.
Generation aims at the edges the help texts name: exactly the minimum and the maximum length
(and one past them), umlauts and ß, the allowed special characters, the house-number shapes
``0``, ``12``, ``12a``, ``12a-c`` and ``48-50``, Unicode look-alikes of ASCII letters and
digits, and the encodings (:mod:`skc.model.encodings`): each length limit is reached with
characters that count otherwise in UTF-16 units, UTF-8 bytes or after NFC (an emoji, a CJK
extension B ideograph, "ä" as a + combining diaeresis), invisible characters and spaces before
or after a value; :func:`boundary_examples` lists fixed values on each limit in every unit.
Which unit a "Zeichen" is, is the ``text.length_unit`` reading. Each invalid value is built
to break one rule, and each candidate mutation is first tried on the model: a mutation the
chosen readings do not reject (say, a Cyrillic "а" in an organisation e-mail address under the
``umlauts-only`` reading) is not generated. The model itself is only a final ``filter``, which
rarely rejects anything. A value takes few draws (a password: its length, its criteria and
one text whose characters pick everything else) and shrinks to the simplest value on the same
edge: a valid password to the minimum length in "A", "a" and "0", a too long one to the
maximum plus one.

Use them in property tests, e.g. ``@given(invalid_values("berlin", "password",
"password.max_length"))`` draws Berlin passwords of 21 characters and more.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from typing import Final, TypeAlias

from hypothesis import reject
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from skc.model.ambiguity import Readings, default_readings
from skc.model.catalog import ParamValue, load_catalog
from skc.model.checks import ASCII_SPECIAL, LOWER, UMLAUTS, UPPER
from skc.model.encodings import (
    ASTRAL,
    DECOMPOSED_UMLAUT,
    INVISIBLE,
    LOOKALIKE_LETTERS,
    PRECOMPOSED,
    THREE_BYTES,
    WHITESPACE,
)
from skc.model.errors import NotStatedError, UnknownNameError
from skc.model.lands import LandId, parse_land
from skc.model.parameters import resolve_params
from skc.model.validators import is_valid, parse_field, validate

__all__ = [
    "UnbreakableRuleError",
    "boundary_examples",
    "breakable_rules",
    "field_cases",
    "fields_for",
    "invalid_values",
    "valid_values",
]

# Character pools. These are alphabets, not limits: every limit is read from the catalog.
_UPPER: Final = "".join(sorted(UPPER))  # A-Z, Ä, Ö, Ü
_LOWER: Final = "".join(sorted(LOWER))  # a-z, ä, ö, ü, ß
_LETTERS: Final = _UPPER + _LOWER
_DIGITS: Final = string.digits
_SPECIALS: Final = "".join(sorted(ASCII_SPECIAL))  # printable ASCII punctuation and §
_WHITESPACE: Final = WHITESPACE  # space, tab, no-break space, em space
# Look-alikes of ASCII: Cyrillic а е о р с, А В Е О Р; Greek ο Ο Α; fullwidth, superscript,
# Arabic-Indic digits (str.isdigit() holds for the last ones, ASCII they are not).
_LOOKALIKE_LETTERS: Final = LOOKALIKE_LETTERS
_LOOKALIKE_DIGITS: Final = "０１２３４５６７８９²٣"
_LOOKALIKES: Final = _LOOKALIKE_LETTERS + _LOOKALIKE_DIGITS
_NON_ASCII_LETTERS: Final = "ßéç"
_DECOMPOSED_UMLAUT: Final = DECOMPOSED_UMLAUT  # 2 code points, 1 in NFC
# Characters one code point long but longer in UTF-16 units or UTF-8 bytes.
_WIDE: Final = ASTRAL + PRECOMPOSED + THREE_BYTES
_HOUSE_NUMBER_BAD: Final = "/.,+_'#½"
_HOUSE_NUMBER_EXAMPLES: Final = ("0", "2a", "12", "12a", "12a-c", "48-50")
_EMAIL_LOCAL: Final = string.ascii_letters + _DIGITS + "._+-"
_EMAIL_LABEL: Final = string.ascii_lowercase + _DIGITS + "-"
_CRITERIA: Final = (0, 1, 2)  # mixed case, digits, special characters
_SLACK: Final = 8  # how far past a limit "too long" values reach

# An invalid-value variant: a probe value showing what the variant does, and the strategy.
# A variant is used only when the model rejects its probe with the rule in question.
_Variant: TypeAlias = tuple[str, SearchStrategy[str]]
_Lengths: TypeAlias = Callable[[SearchStrategy[int]], SearchStrategy[str]]


class UnbreakableRuleError(NotStatedError):
    """No value can break this rule for the Land under the chosen readings (or it is not stated).

    A :class:`~skc.model.errors.NotStatedError`; the message lists the rules that can be broken.
    """

    def __init__(self, rule_id: str, land: str, reason: str, valid: Sequence[str]) -> None:
        super().__init__(rule_id, land)
        self.valid = tuple(valid)
        options = ", ".join(self.valid) or "none"
        self.args = (f"rule {rule_id!r} {reason}; rules that can be broken: {options}",)


@dataclass(frozen=True, slots=True)
class _Spec:
    """The enforced rules of one field for one Land, with parameters resolved for readings."""

    land: LandId
    field: str
    readings: Readings
    params: Mapping[str, Mapping[str, ParamValue]]

    def int_param(self, rule: str, name: str, default: int) -> int:
        value = self.params.get(rule, {}).get(name)
        return value if isinstance(value, int) and not isinstance(value, bool) else default

    def chars(self, rule: str) -> str:
        value = self.params.get(rule, {}).get("chars")
        return value if isinstance(value, str) else ""

    def violated(self, value: str) -> frozenset[str]:
        verdict = validate(self.land, self.field, value, self.readings)
        return frozenset(v.rule for v in verdict.violations)

    def rejected(self, rule: str, candidates: str, template: str) -> str:
        """The candidate characters the model rejects with ``rule`` when put in ``template``."""
        return "".join(c for c in candidates if rule in self.violated(template.format(c)))

    def accepted(self, candidates: str, template: str) -> str:
        """The candidate characters the model accepts when put in ``template``."""
        return "".join(c for c in candidates if not self.violated(template.format(c)))


def fields_for(land: LandId | str) -> tuple[str, ...]:
    """The fields for which the Land's help text states at least one rule."""
    land_id = parse_land(land)
    catalog = load_catalog()
    return tuple(f for f in catalog.fields if any(r.stated(land_id) for r in catalog.for_field(f)))


def _parse(land: LandId | str, field: str) -> tuple[LandId, str]:
    land_id = parse_land(land)
    parse_field(field)
    stated = fields_for(land_id)
    if field not in stated:
        raise UnknownNameError(f"field with rules stated by {land_id}", field, stated)
    return land_id, field


@lru_cache(maxsize=256)  # keyed by readings, which callers choose: bounded
def _spec(land: LandId, field: str, readings: Readings) -> _Spec:
    catalog = load_catalog()
    enforced = validate(land, field, "", readings).rules_checked
    params = {rid: resolve_params(catalog.rule(rid), land, readings) for rid in enforced}
    return _Spec(land, field, readings, params)


def _ends(lo: int, hi: int) -> SearchStrategy[int]:
    """Integers from ``lo`` to ``hi``; half of the draws are exactly one of the two ends."""
    return st.one_of(st.sampled_from(sorted({lo, hi})), st.integers(lo, hi))


def _near(edge: int, other: int) -> SearchStrategy[int]:
    """Integers between ``edge`` and ``other``; half of the draws are exactly ``edge``."""
    return st.one_of(st.just(edge), st.integers(min(edge, other), max(edge, other)))


@lru_cache(maxsize=1024)  # a few alphabets, lengths up to a limit plus the slack: bounded
def _sized_text(alphabet: str, size: int) -> SearchStrategy[str]:
    """Exactly ``size`` characters of ``alphabet`` in one text draw (built once)."""
    return st.text(alphabet=alphabet, min_size=size, max_size=size)


@st.composite
def _fixed_text(draw: st.DrawFn, alphabet: str, lengths: SearchStrategy[int]) -> str:
    """Text of ``alphabet`` of a drawn length: two draws (``flatmap`` built a new strategy
    for every value)."""
    return draw(_sized_text(alphabet, draw(lengths)))


# One text draw carries the choices of a password, a house number, an insertion, a padding or
# a respelling: each character of the "code" string is an index (its code point above "0")
# scaled onto a list of options, so the value is a function of one draw whose characters
# shrink, one by one, towards each list's first option; the draws keep their shape whatever
# the criteria or the shape, which lets the shrinker lower them without losing its place (a
# password took about 46 draws with one per filler character and a permutation, now 3 or 4).
_CODE_BASE: Final = 0x30
_CODE_SIZE: Final = 256  # Hypothesis draws the characters of such an alphabet uniformly
_CODES: Final = "".join(chr(_CODE_BASE + i) for i in range(_CODE_SIZE))


@lru_cache(maxsize=128)  # one per size: bounded
def _code_text(size: int) -> SearchStrategy[str]:
    """Exactly ``size`` code characters in one text draw (built once per size)."""
    return st.text(alphabet=_CODES, min_size=size, max_size=size)


@lru_cache(maxsize=8)  # three sizes
def _code_bytes(size: int) -> SearchStrategy[bytes]:
    """Exactly ``size`` code bytes in one draw, for what wraps a value drawn with a code text:
    Hypothesis mutates spans that share a label (all texts share one), and a mutation that
    copies one code text over another rarely yields a new value, so it is mostly wasted work."""
    return st.binary(min_size=size, max_size=size)


Code: TypeAlias = str | int  # a code character, or a code byte (0 to 255)


def _index(code: Code, size: int) -> int:
    """The index below ``size`` a code stands for; ``"0"`` and the byte 0 stand for 0."""
    value = ord(code) - _CODE_BASE if isinstance(code, str) else code
    return value * size // _CODE_SIZE


def _pick(code: Code, options: Sequence[str]) -> str:
    """The option a code stands for; ``"0"`` and the byte 0 stand for the first."""
    return options[_index(code, len(options))]


def _place(code: Code, value: str, char: str) -> str:
    """``value`` with ``char`` inserted at the place ``code`` stands for (``"0"``: in front)."""
    at = _index(code, len(value) + 1)
    return value[:at] + char + value[at:]


@st.composite
def _inserted(draw: st.DrawFn, base: SearchStrategy[str], chars: str, unit: bool = False) -> str:
    """A value of ``base`` with one of ``chars`` inserted at a drawn place; with ``unit``,
    ``chars`` is one unit (a combining sequence) inserted whole. It shrinks to the first of
    ``chars`` in front."""
    value = draw(base)
    codes = draw(_code_bytes(2))
    return _place(codes[0], value, chars if unit else _pick(codes[1], chars))


_EDGES: Final = ("lead", "trail", "both")


@st.composite
def _padded(draw: st.DrawFn, base: SearchStrategy[str], chars: str) -> str:
    """A value of ``base`` with one of ``chars`` before it, after it, or both."""
    value = draw(base)
    codes = draw(_code_bytes(3))
    where = _pick(codes[0], _EDGES)
    lead = _pick(codes[1], chars) if where != "trail" else ""
    trail = _pick(codes[2], chars) if where != "lead" else ""
    return lead + value + trail


def _insert_variant(base: SearchStrategy[str], chars: str, template: str) -> list[_Variant]:
    """Insert one of ``chars`` (already known to be rejected) into values of ``base``."""
    return [(template.format(chars[0]), _inserted(base, chars))] if chars else []


def _length_variants(
    text: _Lengths,
    *,
    lo: int | None,
    hi: int | None,
    floor: int = 0,
    decomposed: bool = True,
    invisible: str = "",
) -> list[_Variant]:
    """Too short (``lo - 1`` and less) and too long (``hi + 1`` and more); with
    ``decomposed``, also values whose length differs between the units a "Zeichen" may be
    counted in (code points, NFC, UTF-16 units, UTF-8 bytes; ``text.length_unit``): one code
    point short but long enough in UTF-16 units or bytes, one too many but the limit after NFC
    or in UTF-16 units. The model keeps only the variants the chosen reading rejects.
    ``invisible`` characters pad a value one past the limit (a portal that drops them before
    counting accepts it)."""
    out: list[_Variant] = []
    if lo is not None and lo - 1 >= floor:
        out.append(("x" * (lo - 1), text(_near(lo - 1, floor))))
        if decomposed and lo - 2 >= floor:
            # lo code points, lo - 1 after NFC (rejected under nfc-code-points only)
            out.append(("x" * (lo - 2) + _DECOMPOSED_UMLAUT, _with_unit(text(st.just(lo - 2)))))
            # lo - 1 code points, lo UTF-16 units and more bytes (accepted by such a count)
            short = text(st.just(lo - 2))
            out.append(("x" * (lo - 2) + ASTRAL[0], _inserted(short, ASTRAL)))
            out.append(("x" * (lo - 2) + "ä", _inserted(short, PRECOMPOSED + THREE_BYTES)))
    if hi is not None:
        out.append(("x" * (hi + 1), text(_near(hi + 1, hi + _SLACK))))
        if decomposed and hi >= 1:  # hi + 1 code points, hi after NFC
            out.append(("x" * (hi - 1) + _DECOMPOSED_UMLAUT, _with_unit(text(st.just(hi - 1)))))
            # hi code points, hi + 1 UTF-16 units (rejected under utf-16-units only)
            out.append(("x" * (hi - 1) + ASTRAL[0], _inserted(text(st.just(hi - 1)), ASTRAL)))
        if invisible:  # hi + 1 code points, one of them invisible
            out.append(("x" * hi + invisible[0], _inserted(text(st.just(hi)), invisible)))
    return out


def _with_unit(base: SearchStrategy[str]) -> SearchStrategy[str]:
    """Insert a decomposed umlaut as one unit, between two characters of ``base``."""
    return _inserted(base, _DECOMPOSED_UMLAUT, unit=True)


@st.composite
def _respelled(draw: st.DrawFn, base: SearchStrategy[str], chars: str) -> str:
    """A value of ``base`` with one to three of its characters replaced by ``chars`` (same
    length in code points, longer in UTF-16 units or UTF-8 bytes): the count, the places and
    the characters come from one code text (see ``_pick``); it shrinks to one replacement, of
    the first character, by the first of ``chars``."""
    value = draw(base)
    if not value or not chars:
        return value
    codes = draw(_code_bytes(7))
    out = list(value)
    for k in range(1 + _index(codes[0], 3)):
        out[_index(codes[1 + k], len(out))] = _pick(codes[4 + k], chars)
    return "".join(out)


def _encoded(
    base: Callable[[SearchStrategy[int]], SearchStrategy[str]], lo: int, hi: int
) -> SearchStrategy[str]:
    """Values from ``lo`` to ``hi`` code points that other units count otherwise: one to three
    characters wider in UTF-16 or UTF-8 (an emoji, a CJK extension B ideograph, umlauts, €),
    or a decomposed umlaut (two code points, one after NFC)."""
    return st.one_of(
        _respelled(base(_ends(lo, hi)), _WIDE),
        _with_unit(base(_ends(max(lo - 2, 0), max(hi - 2, 0)))),
    )


# --- password -------------------------------------------------------------------------------


def _password_specials(spec: _Spec) -> str:
    forbidden = spec.chars("password.forbidden_chars")
    return "".join(c for c in _SPECIALS if c not in forbidden)


def _required_criteria(spec: _Spec) -> int:
    return min(spec.int_param("password.character_classes", "required", 0), len(_CRITERIA))


def _criteria(lo: int, hi: int) -> SearchStrategy[frozenset[int]]:
    """Sets of criteria with ``lo`` to ``hi`` members in one draw, the smallest sets first
    (they shrink to the first: the fewest criteria, mixed case before digits)."""
    sets = [frozenset(c) for n in range(lo, hi + 1) for c in combinations(_CRITERIA, n)]
    return st.sampled_from(sets)


_ONE_CASE: Final = ("", _LOWER, _UPPER)  # letters of one case meet no criterion
_MANDATORY: Final = 4  # an upper and a lower case letter, a digit, a special character


def _password(
    spec: _Spec, lengths: SearchStrategy[int], criteria: SearchStrategy[frozenset[int]]
) -> SearchStrategy[str]:
    """A password of a drawn length meeting exactly the drawn criteria: one character of
    each class a criterion needs, at drawn places in a filler of the criteria's classes.
    Three draws: the length, the criteria and one code text (see ``_pick``)."""
    return _password_of(_password_specials(spec), lengths, criteria)


@st.composite
def _password_of(
    draw: st.DrawFn,
    allowed: str,
    lengths: SearchStrategy[int],
    criteria: SearchStrategy[frozenset[int]],
) -> str:
    """:func:`_password` with the special characters the Land allows."""
    length = draw(lengths)
    chosen = draw(criteria)
    specials = allowed or _SPECIALS
    codes = draw(_code_text(2 * _MANDATORY + 1 + length))
    classes = (_UPPER, _LOWER, _DIGITS, specials)
    drawn = [_pick(code, chars) for code, chars in zip(codes, classes, strict=False)]
    mandatory: list[str] = []
    pool = ""
    if 0 in chosen:
        mandatory += drawn[:2]
        pool += _LETTERS
    if 1 in chosen:
        mandatory.append(drawn[2])
        pool += _DIGITS
    if 2 in chosen and allowed:
        mandatory.append(drawn[3])
        pool += specials
    if 0 not in chosen:
        pool += _pick(codes[2 * _MANDATORY], _ONE_CASE) or ("" if pool else _LOWER)
    mandatory = mandatory[:length]
    filler = codes[2 * _MANDATORY + 1 :][: length - len(mandatory)]
    value = "".join(_pick(code, pool) for code in filler)
    for code, char in zip(codes[_MANDATORY:], reversed(mandatory), strict=False):
        value = _place(code, value, char)
    return value


_LOOKALIKE_FILLER: Final = string.ascii_lowercase + _LOOKALIKES


@st.composite
def _lookalike_password(draw: st.DrawFn, lengths: SearchStrategy[int]) -> str:
    """ASCII lower case with look-alike capitals or digits: looks like two criteria, meets one
    (special characters) under ``any-other`` and none under ``ascii-punctuation``."""
    length = draw(lengths)
    codes = draw(_code_text(2 + max(length - 1, 0)))
    rest = "".join(_pick(code, _LOOKALIKE_FILLER) for code in codes[2:])
    return _place(codes[1], rest, _pick(codes[0], _LOOKALIKES))


def _password_bounds(spec: _Spec) -> tuple[int, int]:
    lo = spec.int_param("password.min_length", "min", 0)
    return lo, spec.int_param("password.max_length", "max", lo + 4 * _SLACK)


def _valid_password(spec: _Spec, lengths: SearchStrategy[int] | None = None) -> SearchStrategy[str]:
    lo, hi = _password_bounds(spec)
    enough = _criteria(_required_criteria(spec), len(_CRITERIA))
    if lengths is not None:
        return _password(spec, lengths, enough)
    plain = _password(spec, _ends(lo, hi), enough)
    return st.one_of(plain, _encoded(lambda n: _password(spec, n, enough), lo, hi))


def _invalid_password(spec: _Spec, rule: str) -> list[_Variant]:
    lo, hi = _password_bounds(spec)

    def text(lengths: SearchStrategy[int]) -> SearchStrategy[str]:
        return _valid_password(spec, lengths)

    roomy = _valid_password(spec, _ends(max(lo - 1, 0), max(hi - 1, 0)))
    if rule == "password.min_length":
        return _length_variants(text, lo=lo, hi=None)
    if rule == "password.max_length":
        return _length_variants(text, lo=None, hi=hi, invisible="\u00ad")
    if rule == "password.no_spaces":
        bad = spec.rejected(rule, _WHITESPACE, "Ab1{}cdef")
        # leading or trailing: a portal that trims its input before the check accepts them
        short = _valid_password(spec, _ends(max(lo - 1, 0), max(hi - 2, 0)))
        edges = [("Ab1cdefg" + bad[0], _padded(short, bad))] if bad else []
        return _insert_variant(roomy, bad, "Ab1{}cdef") + edges
    if rule == "password.forbidden_chars":
        return _insert_variant(roomy, spec.chars(rule), "Ab1{}cdef")
    if rule == "password.character_classes":
        required = _required_criteria(spec)
        if required == 0:
            return []
        too_few = _criteria(0, required - 1)
        return [
            ("abcdefgh", _password(spec, _ends(lo, hi), too_few)),
            ("abcdefg１", _lookalike_password(_ends(max(lo, 1), hi))),
        ]
    return []


# --- e-mail addresses -----------------------------------------------------------------------


def _address_parts(extra: str) -> tuple[SearchStrategy[str], SearchStrategy[str]]:
    local = st.text(alphabet=_EMAIL_LOCAL + extra, min_size=1, max_size=16)
    label = st.text(alphabet=_EMAIL_LABEL + extra, min_size=1, max_size=12)
    domain = st.lists(label, min_size=2, max_size=3).map(".".join)
    return local, domain


def _email_extra(spec: _Spec) -> str:
    """Non-ASCII letters the model accepts in this address field under the readings."""
    return spec.accepted(UMLAUTS + _NON_ASCII_LETTERS, "a{}b@example.de")


_LOCAL_MAX: Final = 16  # characters of a generated local part
_LABEL_MAX: Final = 12  # characters of a generated domain label


@st.composite
def _email(draw: st.DrawFn, local_chars: str, label_chars: str) -> str:
    """``local@label.label`` or with three labels, from one code text (see ``_pick``): the
    local part's length, the number of labels, their lengths, then the characters. One text
    span, so Hypothesis' mutator has no two spans of one label to copy over each other (with
    a text per part it mostly replayed values it had seen). Shrinks to ``a@a.a``."""
    codes = draw(_code_text(5 + _LOCAL_MAX + 3 * _LABEL_MAX))
    count = 2 + _index(codes[1], 2)
    sizes = [1 + _index(codes[0], _LOCAL_MAX)]
    sizes += [1 + _index(code, _LABEL_MAX) for code in codes[2 : 2 + count]]
    chars = iter(codes[5:])
    local, *labels = (
        "".join(_pick(next(chars), local_chars if i == 0 else label_chars) for _ in range(n))
        for i, n in enumerate(sizes)
    )
    return f"{local}@{'.'.join(labels)}"


def _valid_email(spec: _Spec) -> SearchStrategy[str]:
    extra = _email_extra(spec)
    return _email(_EMAIL_LOCAL + extra, _EMAIL_LABEL + extra)


def _invalid_email(spec: _Spec, rule: str) -> list[_Variant]:
    kind = rule.split(".", 1)[1]
    valid = _valid_email(spec)
    local, domain = _address_parts("")
    label = st.text(alphabet=_EMAIL_LABEL, min_size=1, max_size=12)
    if kind == "valid_address":
        return [
            ("", st.just("")),
            ("a.example.de", valid.map(lambda v: v.replace("@", ""))),
            ("a@b@example.de", st.builds("{}@{}@{}".format, local, local, domain)),
            ("a@example", st.builds("{}@{}".format, local, label)),
            ("@example.de", domain.map("@{}".format)),
            ("a@", local.map("{}@".format)),
            ("a@example.de.", valid.map("{}.".format)),
            ("a@.example.de", st.builds("{}@.{}".format, local, domain)),
            ("a b@example.de", _inserted(local, " ").map("{}@example.de".format)),
        ]
    if kind == "no_spaces":
        bad = spec.rejected(rule, _WHITESPACE, "a{}b@example.de")
        return _insert_variant(valid, bad, "a{}b@example.de")
    if kind == "forbidden_chars":
        chars = spec.chars(rule)
        wrapped = [("<a@example.de>", valid.map("<{}>".format))] if "<" in chars else []
        return _insert_variant(valid, chars, "a{}b@example.de") + wrapped
    if kind == "no_umlauts":
        candidates = UMLAUTS + _NON_ASCII_LETTERS + _LOOKALIKES
        bad = spec.rejected(rule, candidates, "a{}b@example.de")
        return _insert_variant(valid, bad, "a{}b@example.de")
    return []


# --- house number ---------------------------------------------------------------------------

_SHAPES: Final = ("digits", "letters", "range", "letter_range")
_SHAPE_MIN: Final = {"digits": 1, "letters": 2, "range": 3, "letter_range": 4}


@st.composite
def _house_number(
    draw: st.DrawFn, lengths: SearchStrategy[int], shapes: Sequence[str] = _SHAPES
) -> str:
    """A house number of a drawn length: ``12``, ``12a``, ``48-50`` or ``12a-c`` shaped. Two
    draws: the length and one code text (see ``_pick``) for the shape, where it splits, and
    each character; it shrinks to the first shape that fits, ``1`` and then ``0``s."""
    length = draw(lengths)
    codes = draw(_code_text(length + 2))
    fitting = [s for s in shapes if _SHAPE_MIN[s] <= length]
    if not fitting:
        return _pick(codes[0], _DIGITS) * length
    shape = _pick(codes[0], fitting)
    chars = iter(codes[2:])

    def number(size: int) -> str:
        head = _pick(next(chars), _DIGITS if size == 1 else _DIGITS[1:])
        return head + "".join(_pick(next(chars), _DIGITS) for _ in range(size - 1))

    def letters(size: int) -> str:
        return "".join(_pick(next(chars), _LETTERS) for _ in range(size))

    if shape == "digits":
        return number(length)
    if shape == "letters":
        size = 1 + _index(codes[1], min(2, length - 1))
        return number(length - size) + letters(size)
    if shape == "range":
        first = 1 + _index(codes[1], length - 2)
        return f"{number(first)}-{number(length - 1 - first)}"
    return f"{number(length - 3)}{letters(1)}-{letters(1)}"


def _house_number_max(spec: _Spec) -> int:
    return spec.int_param("house_number.max_length", "max", 2 * _SLACK)


def _valid_house_number(spec: _Spec) -> SearchStrategy[str]:
    hi = _house_number_max(spec)
    examples = [e for e in _HOUSE_NUMBER_EXAMPLES if len(e) <= hi]
    built = _house_number(_ends(1, hi))
    return st.one_of(st.sampled_from(examples), built) if examples else built


def _invalid_house_number(spec: _Spec, rule: str) -> list[_Variant]:
    hi = _house_number_max(spec)
    roomy = _house_number(_ends(1, max(hi - 1, 1)))
    if rule == "house_number.required":
        return [("", st.sampled_from(["", *_WHITESPACE]))]
    if rule == "house_number.max_length":
        return _length_variants(_house_number, lo=None, hi=hi, decomposed=False)
    if rule == "house_number.no_spaces":
        bad = spec.rejected(rule, _WHITESPACE, "12{}a")
        out = _insert_variant(roomy, bad, "12{}a")
        if hi >= 5:  # "48 - 50", "12a - c": a range written with spaces
            spaced = _house_number(_ends(3, hi - 2), ("range", "letter_range"))
            out.append(("48 - 50", spaced.map(lambda v: v.replace("-", " - "))))
        return out
    if rule == "house_number.characters":
        bad = spec.rejected(rule, _HOUSE_NUMBER_BAD + _LOOKALIKES, "1{}2")
        out = _insert_variant(roomy, bad, "1{}2")
        short = _fixed_text(_DIGITS, _ends(1, max(hi - 1, 1)))
        shorter = _fixed_text(_DIGITS, _ends(1, max(hi - 3, 1)))
        shaped: list[_Variant] = [  # shapes the examples do not show; only some readings care
            ("a1", st.builds("{}{}".format, st.sampled_from(_LETTERS), short)),
            ("-1", short.map("-{}".format)),
            ("1-", short.map("{}-".format)),
            ("1--2", st.builds("{}--{}".format, st.sampled_from(_DIGITS), shorter)),
        ]
        return out + shaped
    return []


# --- postbox --------------------------------------------------------------------------------


def _postbox_bounds(spec: _Spec) -> tuple[int, int]:
    lo = spec.int_param("postbox.length", "min", 1)
    return lo, spec.int_param("postbox.length", "max", lo + 2 * _SLACK)


def _valid_postbox(spec: _Spec) -> SearchStrategy[str]:
    lo, hi = _postbox_bounds(spec)
    return st.one_of(st.just(""), _fixed_text(_DIGITS, _ends(lo, hi)))  # the field is optional


def _invalid_postbox(spec: _Spec, rule: str) -> list[_Variant]:
    lo, hi = _postbox_bounds(spec)

    def digits(lengths: SearchStrategy[int]) -> SearchStrategy[str]:
        return _fixed_text(_DIGITS, lengths)

    if rule == "postbox.digits_only":
        candidates = _LOOKALIKES + "aOlZ -/." + "\t"
        bad = spec.rejected(rule, candidates, "123{}")
        return _insert_variant(digits(_ends(max(lo - 1, 0), max(hi - 1, 0))), bad, "123{}")
    if rule == "postbox.length":
        return _length_variants(digits, lo=lo, hi=hi, floor=1, decomposed=False)
    return []


# --- organisation name and address fields ---------------------------------------------------


def _name_alphabet(spec: _Spec, rule: str) -> str:
    forbidden = spec.chars(rule)
    return "".join(c for c in _LETTERS + _DIGITS + " " + _SPECIALS if c not in forbidden)


def _org_name_bounds(spec: _Spec) -> tuple[int, int]:
    lo = spec.int_param("org_name.length", "min", 0)
    return lo, spec.int_param("org_name.length", "max", lo + 8 * _SLACK)


def _org_name(spec: _Spec, lengths: SearchStrategy[int]) -> SearchStrategy[str]:
    return _fixed_text(_name_alphabet(spec, "org_name.forbidden_chars"), lengths)


def _valid_org_name(spec: _Spec) -> SearchStrategy[str]:
    lo, hi = _org_name_bounds(spec)
    spaces = spec.accepted(" \u00a0", "a{}b")
    edged = _padded(_org_name(spec, _ends(max(lo - 1, 0), max(hi - 2, 0))), spaces)
    invisible = spec.accepted(INVISIBLE, "a{}b")
    return st.one_of(
        _org_name(spec, _ends(lo, hi)),
        _encoded(lambda n: _org_name(spec, n), lo, hi),
        edged,  # " " alone, or a name with a space before or after it: trimmed, shorter
        _respelled(_org_name(spec, _ends(lo, hi)), invisible),
    )


def _invalid_org_name(spec: _Spec, rule: str) -> list[_Variant]:
    lo, hi = _org_name_bounds(spec)
    if rule == "org_name.length":

        def text(lengths: SearchStrategy[int]) -> SearchStrategy[str]:
            return _org_name(spec, lengths)

        spaces = spec.accepted(" \u00a0", "a{}b")
        edged = [("x" * hi + " ", _padded(text(_near(hi, hi - 1)), spaces))] if spaces else []
        invisible = spec.accepted(INVISIBLE, "a{}b")
        return _length_variants(text, lo=lo, hi=hi, invisible=invisible) + edged
    if rule == "org_name.forbidden_chars":
        roomy = _org_name(spec, _ends(max(lo - 1, 0), max(hi - 1, 0)))
        return _insert_variant(roomy, spec.chars(rule), "a{}b")
    return []


def _valid_address(spec: _Spec) -> SearchStrategy[str]:
    forbidden = spec.chars("address.forbidden_chars")
    anything = st.characters(codec="utf-8", exclude_characters=forbidden)
    return st.one_of(
        st.text(alphabet=_name_alphabet(spec, "address.forbidden_chars"), max_size=40),
        st.text(alphabet=anything, max_size=40),
    )


def _invalid_address(spec: _Spec, rule: str) -> list[_Variant]:
    if rule == "address.forbidden_chars":
        return _insert_variant(_valid_address(spec), spec.chars(rule), "a{}b")
    return []


_VALID: Final[dict[str, Callable[[_Spec], SearchStrategy[str]]]] = {
    "password": _valid_password,
    "email": _valid_email,
    "org_email": _valid_email,
    "house_number": _valid_house_number,
    "postbox": _valid_postbox,
    "org_name": _valid_org_name,
    "address": _valid_address,
}
_INVALID: Final[dict[str, Callable[[_Spec, str], list[_Variant]]]] = {
    "password": _invalid_password,
    "email": _invalid_email,
    "org_email": _invalid_email,
    "house_number": _invalid_house_number,
    "postbox": _invalid_postbox,
    "org_name": _invalid_org_name,
    "address": _invalid_address,
}


# --- public API -----------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _variants(
    land: LandId, field: str, readings: Readings, rule: str
) -> tuple[SearchStrategy[str], ...]:
    """The variants for ``rule`` whose probe the model rejects with that rule."""
    spec = _spec(land, field, readings)
    build = _INVALID.get(field)
    if build is None:  # a field this module does not know yet: search blindly
        return (st.text(),)
    return tuple(s for probe, s in build(spec, rule) if rule in spec.violated(probe))


def breakable_rules(
    land: LandId | str, field: str, readings: Readings | None = None
) -> tuple[str, ...]:
    """The rule ids :func:`invalid_values` can break for the Land and field under ``readings``."""
    land_id, field = _parse(land, field)
    chosen = readings if readings is not None else default_readings()
    spec = _spec(land_id, field, chosen)
    return tuple(rule for rule in spec.params if _variants(land_id, field, chosen, rule))


def valid_values(
    land: LandId | str, field: str, readings: Readings | None = None
) -> SearchStrategy[str]:
    """Values the model accepts for ``field`` in ``land``, concentrated on the boundaries.

    Raises :class:`~skc.model.errors.UnknownNameError` (listing the valid names) for an unknown Land
    or field, or a field for which the Land states no rule.
    """
    land_id, field = _parse(land, field)
    chosen = readings if readings is not None else default_readings()
    spec = _spec(land_id, field, chosen)
    build = _VALID.get(field)
    values = build(spec) if build is not None else st.text()
    return _kept(values, lambda v: is_valid(land_id, field, v, chosen))


def invalid_values(
    land: LandId | str, field: str, rule: str | None = None, readings: Readings | None = None
) -> SearchStrategy[str]:
    """Values the model rejects for ``field`` in ``land``, each breaking ``rule``.

    With ``rule=None`` each value breaks one of the field's rules (any of them). Raises
    :class:`~skc.model.errors.UnknownNameError` for an unknown Land, field or rule of the field, and
    :class:`UnbreakableRuleError` (a :class:`~skc.model.errors.NotStatedError`) when the Land does
    not state the rule or no value can break it under the readings; both list the valid rules.
    """
    land_id, field = _parse(land, field)
    chosen = readings if readings is not None else default_readings()
    spec = _spec(land_id, field, chosen)
    breakable = breakable_rules(land_id, field, chosen)
    if rule is None:
        if not breakable:
            reason = f"matches no rule that can be broken in {land_id} under {chosen!r}"
            raise UnbreakableRuleError(f"{field}.*", land_id, reason, ())
        return st.one_of([_breaking(spec, r) for r in breakable])
    field_rules = [r.id for r in load_catalog().for_field(field)]
    if rule not in field_rules:
        raise UnknownNameError(f"rule of field {field}", rule, field_rules)
    if not load_catalog().stated(land_id, rule):
        raise UnbreakableRuleError(
            rule, land_id, f"is not stated in the help text of {land_id}", breakable
        )
    if rule not in breakable:
        raise UnbreakableRuleError(
            rule, land_id, f"cannot be broken in {land_id} under {chosen!r}", breakable
        )
    return _breaking(spec, rule)


def _breaking(spec: _Spec, rule: str) -> SearchStrategy[str]:
    variants = _variants(spec.land, spec.field, spec.readings, rule)
    return _kept(st.one_of(variants), lambda v: rule in spec.violated(v))


_TRIES: Final = 3  # as many as Hypothesis' own filter tries


@st.composite
def _kept(draw: st.DrawFn, values: SearchStrategy[str], keep: Callable[[str], bool]) -> str:
    """A value of ``values`` that ``keep`` accepts, else the example is rejected: what
    ``values.filter(keep)`` does, without the filter that Hypothesis pushes into each branch
    of a ``one_of`` (their spans then share labels, and its mutator wastes replays on them)."""
    for _ in range(_TRIES):
        value = draw(values)
        if keep(value):
            return value
    reject()


# What fills a value of a field up to a length: n code points the field's rules accept.
_STEMS: Final[dict[str, Callable[[int], str]]] = {
    "password": lambda n: ("Aa1" + "b" * max(n - 3, 0))[:n],
    "org_name": lambda n: ("Muster" + "x" * max(n - 6, 0))[:n],
    "house_number": lambda n: "1" * n,
}
_LENGTH_LIMITS: Final = {"min_length": "min", "max_length": "max", "length": "min max"}


def _limits(spec: _Spec) -> tuple[int | None, int | None]:
    lo: int | None = None
    hi: int | None = None
    for rule, params in spec.params.items():
        kind = rule.split(".", 1)[1]
        if kind not in _LENGTH_LIMITS:
            continue
        lo = params["min"] if isinstance(params.get("min"), int) else lo  # type: ignore[assignment]
        hi = params["max"] if isinstance(params.get("max"), int) else hi  # type: ignore[assignment]
    return lo, hi


def boundary_examples(
    land: LandId | str, field: str, readings: Readings | None = None
) -> tuple[str, ...]:
    """Values on each length limit of the field whose length differs by the unit it is
    counted in: exactly the maximum in code points with an emoji (one more in UTF-16 units)
    or an umlaut (more in UTF-8 bytes); one past it with a decomposed umlaut (the maximum after
    NFC) or a soft hyphen (invisible); the minimum with a decomposed umlaut; one short with an
    emoji; a space before or after. The model judges each; the field suite submits them first.
    Empty for a field without a length limit."""
    land_id, field = _parse(land, field)
    chosen = readings if readings is not None else default_readings()
    stem = _STEMS.get(field)
    if stem is None:
        return ()
    lo, hi = _limits(_spec(land_id, field, chosen))
    out: list[str] = []
    if hi is not None:
        out += [
            stem(hi - 1) + ASTRAL[0],
            stem(hi - 1) + "ä",
            stem(hi - 2) + THREE_BYTES + ASTRAL[1],
            stem(hi - 1) + _DECOMPOSED_UMLAUT,
            stem(hi) + "\u00ad",
            stem(hi) + " ",
            " " + stem(hi - 1),
        ]
    if lo is not None and lo >= 2:
        out += [stem(lo - 2) + _DECOMPOSED_UMLAUT, stem(lo - 2) + ASTRAL[0], stem(lo - 1) + "ä"]
    if lo == 1:
        out += [" ", "\u00a0", ASTRAL[0]]
    return tuple(dict.fromkeys(v for v in out if v))


def field_cases(
    land: LandId | str, field: str, readings: Readings | None = None
) -> SearchStrategy[tuple[str, bool]]:
    """Values mixing :func:`valid_values` and :func:`invalid_values`, each with the model's
    verdict (``True`` when valid)."""
    land_id, field = _parse(land, field)
    chosen = readings if readings is not None else default_readings()
    values = valid_values(land_id, field, chosen)
    if breakable_rules(land_id, field, chosen):
        values = st.one_of(values, invalid_values(land_id, field, None, chosen))
    return values.map(lambda v: (v, is_valid(land_id, field, v, chosen)))
