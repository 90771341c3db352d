"""The seed help texts as data: loading, whitespace normalisation, quote lookup, sentences.

A quote "occurs verbatim" when it is a substring of the seed text after every run of
whitespace (spaces, tabs, line breaks) on both sides is collapsed to one space: the flattened
pages break list items and table cells over lines, and that layout is not part of the wording.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from skc.model.lands import SEED_FILES, LandId

_WHITESPACE = re.compile(r"\s+")
# A sentence ends at . ! ? or : followed by a space and an upper-case letter, digit or quote mark.
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÄÖÜ0-9„\"“(])")


def normalise(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WHITESPACE.sub(" ", text).strip()


@cache
def seed_text(seed_file: str) -> str:
    """Return the raw text of a bundled seed file."""
    path = resources.files("skc.model").joinpath("seeds", seed_file)
    return path.read_text(encoding="utf-8")


@cache
def normalised_seed(seed_file: str) -> str:
    """Return the seed text with whitespace normalised (see the module docstring)."""
    return normalise(seed_text(seed_file))


def land_seed(land: LandId) -> str:
    """Return the seed file name of a Land."""
    return SEED_FILES[land]


def quote_occurs(seed_file: str, quote: str) -> bool:
    """Tell whether ``quote`` occurs verbatim (modulo whitespace) in the seed file."""
    return normalise(quote) in normalised_seed(seed_file)


# Berlin's page closes every section with the label of its fold button.
_SECTION_CLOSE = "zuklappen"


@cache
def sectioned_sentences(seed_file: str) -> tuple[tuple[str, str], ...]:
    """(heading, sentence) for every sentence of a seed that is not itself a heading.

    A heading is a whole line that asks ("Wie kann ich ...?"), not an item of a table of
    contents ("- Wie ...?") and not a question inside a line (the password examples end in
    "?"). On a page that closes its sections with "zuklappen" (Berlin), the first sentence
    after it heads the next section and still counts as a sentence of it.
    """
    out: list[tuple[str, str]] = []
    heading, opened = "", False
    for raw in seed_text(seed_file).splitlines():
        line = normalise(raw)
        if not line:
            continue
        if line == _SECTION_CLOSE:
            opened = True
            continue
        if line.endswith("?") and not line.startswith("- "):
            heading, opened = line, False
            continue
        parts = [part for part in _SENTENCE_END.split(line) if part]
        if opened:
            heading, opened = parts[0], False
        out.extend((heading, part) for part in parts)
    return tuple(out)


@cache
def sentences(seed_file: str) -> tuple[str, ...]:
    """Split a seed into sentences: each line, then each line at sentence ends."""
    out: list[str] = []
    for line in seed_text(seed_file).splitlines():
        line = normalise(line)
        if not line:
            continue
        out.extend(part for part in _SENTENCE_END.split(line) if part)
    return tuple(out)
