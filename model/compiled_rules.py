"""Each field rule as a Python expression over the value ``v``, with its parameters bound.

:func:`expression` turns one rule (its check, resolved parameters and the chosen readings) into
source text that is true when ``v`` passes. Sub-expressions that several rules share (the
length in a unit, "holds a character of this class") are *atoms*, written ``@N@``, so the
compiler in :mod:`skc.model.compiled` can tell equal expressions apart from different ones and
merge the classes a valid value must not hold into one pattern. Character classes
become compiled patterns built from the sets in :mod:`skc.model.checks`, so a set is written
once. A check without a template here is called as it is, with its parameters bound.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import partial
from typing import Final

from skc.model import checks
from skc.model.compiled_catalog import Params

ATOM: Final = re.compile(r"@(\d+)@")
"""How an atom appears in an expression: ``@N@``, N its index in :attr:`Namespace.atoms`."""

_FEW: Final = 10  # up to this many characters, "holds one of them" is a chain of ``in`` tests


def _index(token: str) -> int:
    return int(token.strip("@"))


def char_class(chars: str | frozenset[str], negate: bool = False) -> str:
    """A regular-expression class matching one of ``chars`` (or, negated, any other)."""
    body = "".join(re.escape(ch) for ch in sorted(chars))
    return f"[{'^' if negate else ''}{body}]"


class Namespace:
    """The bindings and atoms of one generated module. Each distinct value gets one name and
    each distinct atom one index, so equal expressions mean the same thing."""

    def __init__(self) -> None:
        self.names: dict[str, object] = {"_normalize": unicodedata.normalize}
        self.atoms: list[str] = []
        self._by_key: dict[tuple[str, object], str] = {}

    def bind(self, kind: str, key: object, make: Callable[[], object]) -> str:
        """The name bound to the value ``make()`` builds for ``(kind, key)``."""
        name = self._by_key.get((kind, key))
        if name is None:
            name = f"_{kind}{len(self._by_key)}"
            self._by_key[(kind, key)] = name
            self.names[name] = make()
        return name

    def atom(self, source: str) -> str:
        """The token of an atom (a sub-expression evaluated once per value)."""
        if source not in self.atoms:
            self.atoms.append(source)
        return f"@{self.atoms.index(source)}@"

    def holds(self, chars: str | frozenset[str]) -> str:
        """The token of "``v`` holds one of ``chars``": a few substring tests when the set is
        small (far cheaper than starting the regular-expression engine), else a pattern."""
        if 0 < len(set(chars)) <= _FEW:
            tests = [f"{self.bind('ch', ch, partial(str, ch))} in v" for ch in sorted(set(chars))]
            return self.atom(" or ".join(tests))
        return self.searches(char_class(chars))

    def holds_other_than(self, chars: frozenset[str]) -> str:
        """The token of "``v`` holds a character not in ``chars``". When every one of ``chars``
        is alphanumeric, a value that is not wholly alphanumeric holds one at once."""
        search = self.searches(char_class(chars, negate=True))
        if all(ch.isalnum() for ch in chars):
            return self.atom(f'(v != "" and not v.isalnum()) or {self.atoms[_index(search)]}')
        return search

    def holds_whitespace(self) -> str:
        """The token of "``v`` holds whitespace". Every whitespace character but the space is
        unprintable, so a printable value needs only the substring test."""
        search = self.searches(checks.WHITESPACE_RE.pattern)
        return self.atom(f'" " in v or (not v.isprintable() and {self.atoms[_index(search)]})')

    def searches(self, pattern: str) -> str:
        """The token of "``pattern`` matches somewhere in ``v``"."""
        search = self.bind("re", pattern, lambda: re.compile(pattern).search)
        return self.atom(f"{search}(v) is not None")

    def inline(self, expression: str) -> str:
        """``expression`` with every atom written out (for short-circuit evaluation)."""
        return ATOM.sub(lambda m: f"({self.atoms[int(m.group(1))]})", expression)


def _int(params: Params, name: str) -> int:
    value = params[name]
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"parameter {name!r} must be an integer, got {value!r}")
    return value


# UTF-16 units: a lone surrogate counts one unit, as in checks.utf16_units.
_UNITS: Final = {
    "nfc-code-points": 'len(_normalize("NFC", v))',
    "utf-16-units": 'len(v.encode("utf-16-le", "surrogatepass")) >> 1',
}


def _length(ns: Namespace, choice: Mapping[str, str]) -> str:
    return ns.atom(_UNITS.get(choice["text.length_unit"], "len(v)"))


def _at_least(required: int, tests: tuple[str, str, str]) -> str:
    """True when at least ``required`` of three tests hold, short-circuiting (the likeliest
    first: a password with a special character and a digit needs no case search)."""
    special, digits, cases = tests
    if required <= 0:
        return "True"
    if required == 1:
        return f"({special} or {digits} or {cases})"
    if required == 2:
        return f"(({special} and ({digits} or {cases})) or ({digits} and {cases}))"
    if required == 3:
        return f"({special} and {digits} and {cases})"
    return "False"


def _criteria(ns: Namespace, choice: Mapping[str, str], required: int) -> str:
    if choice["password.special_characters"] == "ascii-punctuation":
        special = ns.holds(checks.ASCII_SPECIAL)
    else:
        special = ns.holds_other_than(checks.LETTERS | checks.DIGITS)
    upper, lower = ns.holds(checks.UPPER), ns.holds(checks.LOWER)
    digits = ns.holds(checks.DIGITS)
    return _at_least(required, (special, digits, f"({upper} and {lower})"))


def _house_number(ns: Namespace, charset: str) -> str:
    # Whitespace is no_spaces' business: the characters are judged without it.
    if charset == "any-non-space":
        return "True"
    if charset == "examples-shape":
        compact = ns.atom(f'{ns.bind("sub", "ws", lambda: checks.WHITESPACE_RE.sub)}("", v)')
        shape = ns.bind("match", "house", lambda: checks.HOUSE_NUMBER_SHAPE.match)
        return f'({compact} == "" or {shape}({compact}) is not None)'
    if charset == "digits-letters-hyphen":
        allowed = char_class(checks.HOUSE_NUMBER_CHARS)[1:-1]
        full = ns.bind("full", allowed, lambda: re.compile(rf"[\s{allowed}]*").fullmatch)
        return f"{full}(v) is not None"
    return f"{ns.bind('house', charset, lambda: _house_number_check(charset))}(v)"


def _house_number_check(charset: str) -> Callable[[str], bool]:
    rule = checks.check_house_number_characters
    return lambda v: rule(v, {"charset": charset}, {})  # type: ignore[arg-type]


def _length_rule(check: checks.Check, params: Params, length: str) -> str | None:
    if check is checks.check_min_length:
        return f"{length} >= {_int(params, 'min')}"
    if check is checks.check_max_length:
        return f"{length} <= {_int(params, 'max')}"
    if check in (checks.check_length_between, checks.check_optional_length_between):
        between = f"{_int(params, 'min')} <= {length} <= {_int(params, 'max')}"
        return between if check is checks.check_length_between else f'v == "" or {between}'
    return None


def expression(
    check: checks.Check, params: Params, choice: Mapping[str, str], ns: Namespace
) -> str:
    """The expression over ``v`` that is true when ``v`` passes ``check`` with ``params``."""
    if check in (checks.check_no_spaces, checks.check_forbidden_chars):
        chars = params["chars"] if check is checks.check_forbidden_chars else None
        if chars is not None and not isinstance(chars, str):
            raise TypeError(f"parameter 'chars' must be a string, got {chars!r}")
        if chars == "":
            return "True"
        return f"not {ns.holds_whitespace() if chars is None else ns.holds(chars)}"
    if check is checks.check_character_classes:
        return _criteria(ns, choice, _int(params, "required"))
    if check is checks.check_email_address:
        if choice["email.validity"] == "non-empty":
            return 'v != ""'
        shape = ns.bind("match", "email", lambda: checks.EMAIL_SHAPE.match)
        return f"len(v) <= {checks.EMAIL_MAX_LENGTH} and {shape}(v) is not None"
    if check is checks.check_no_umlauts:
        if choice["org_email.umlaut_set"] == "non-ascii":
            return "v.isascii()"
        return f"not {ns.holds(checks.UMLAUTS)}"
    if check is checks.check_required:
        return 'v.strip() != ""'
    if check is checks.check_optional_digits:
        return 'v == "" or (v.isascii() and v.isdigit())'
    if check is checks.check_house_number_characters:
        return _house_number(ns, str(params["charset"]))
    length_rule = _length_rule(check, params, _length(ns, choice))
    if length_rule is not None:
        return length_rule
    # No template: call the check itself with its parameters and readings bound.
    bound = ns.bind("check", id(check), lambda: check)
    bound_params = ns.bind("params", repr(sorted(params.items())), lambda: dict(params))
    bound_choice = ns.bind("choice", repr(sorted(choice.items())), lambda: dict(choice))
    return f"{bound}(v, {bound_params}, {bound_choice})"


__all__ = ["ATOM", "Namespace", "char_class", "expression"]
