"""Characters that reach encodings, and the units a length can be counted in.

The strategies (:mod:`skc.model.strategies`) draw from these alphabets so that a value tells
apart the ways an implementation may count or clean text: a character outside the Basic
Multilingual Plane is one code point, two UTF-16 code units and four UTF-8 bytes; "ä" typed as
a + combining diaeresis is two code points and one after NFC; an umlaut is one code point and
two bytes; a zero-width character is a code point nobody sees; a Cyrillic "а" looks like "a";
a no-break space is a space that ``str.split()`` keeps and ``" " in value`` misses. Which unit
a help text's "Zeichen" is, is the ``text.length_unit`` entry of the ambiguity register.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from skc.model.checks import utf16_units

# Outside the BMP: an emoji, a CJK extension B ideograph, a musical symbol.
ASTRAL: Final = "\U0001f600\U00020000\U0001d11e"
DECOMPOSED_UMLAUT: Final = "a\u0308"  # "ä" as a + combining diaeresis: 2 code points, 1 in NFC
PRECOMPOSED: Final = "äöüÄÖÜß"  # one code point, two UTF-8 bytes each
THREE_BYTES: Final = "€"  # one code point, one UTF-16 unit, three UTF-8 bytes
# Invisible: zero-width space, soft hyphen, byte order mark (zero-width no-break space).
INVISIBLE: Final = "\u200b\u00ad\ufeff"
# Spaces a check for " " alone misses: tab, no-break space, em space.
WHITESPACE: Final = " \t\u00a0\u2003"
# Look-alikes of ASCII letters: Cyrillic а е о р с, А В Е О Р; Greek ο, Ο, Α.
LOOKALIKE_LETTERS: Final = "аеорсАВЕОРοΟΑ"

Measure = Callable[[str], int]


def code_points(value: str) -> int:
    """The length in Unicode code points (``len``)."""
    return len(value)


def utf8_bytes(value: str) -> int:
    """The length in UTF-8 bytes."""
    return len(value.encode("utf-8"))


MEASURES: Final[dict[str, Measure]] = {
    "code points": code_points,
    "UTF-16 units": utf16_units,
    "UTF-8 bytes": utf8_bytes,
}


@st.composite
def with_char(draw: st.DrawFn, base: SearchStrategy[str], chars: str, unit: bool = False) -> str:
    """A value of ``base`` with one of ``chars`` inserted at a drawn place; with ``unit``,
    ``chars`` is one unit (a combining sequence) inserted whole."""
    value = draw(base)
    at = draw(st.integers(0, len(value)))
    inserted = chars if unit else draw(st.sampled_from(chars))
    return value[:at] + inserted + value[at:]


@st.composite
def respelled(draw: st.DrawFn, base: SearchStrategy[str], chars: str) -> str:
    """A value of ``base`` with one to three of its characters replaced by ``chars`` (same
    length in code points, longer in UTF-16 units or UTF-8 bytes)."""
    value = list(draw(base))
    if not value or not chars:
        return "".join(value)
    places = draw(st.lists(st.integers(0, len(value) - 1), min_size=1, max_size=3, unique=True))
    for at in places:
        value[at] = draw(st.sampled_from(chars))
    return "".join(value)


@st.composite
def padded(draw: st.DrawFn, base: SearchStrategy[str], chars: str) -> str:
    """A value of ``base`` with one of ``chars`` before it, after it, or both."""
    value = draw(base)
    where = draw(st.sampled_from(("lead", "trail", "both")))
    lead = draw(st.sampled_from(chars)) if where != "trail" else ""
    trail = draw(st.sampled_from(chars)) if where != "lead" else ""
    return lead + value + trail


__all__ = [
    "ASTRAL", "DECOMPOSED_UMLAUT", "INVISIBLE", "LOOKALIKE_LETTERS", "MEASURES", "PRECOMPOSED",
    "THREE_BYTES", "WHITESPACE", "code_points", "padded", "respelled", "utf8_bytes", "with_char",
]  # fmt: skip
