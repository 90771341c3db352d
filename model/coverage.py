"""Which seed sentences state a number, and whether a rule or a listed non-rule cites it.

A sentence "states a number" when it holds a digit or a German number word (zwei ... zwölf,
zwanzig, dreißig, vierzig, hundert). Product names such as "AusweisApp2", web and e-mail
addresses, list markers ("1.") and the names of Berlin's levels and form steps
("Sicherheitsstufe 2", "Schritt 1 von 3") do not count: they label, they do not quantify.

A number is "cited" when a rule quote, an ambiguity-register source or a non-rule quote covers
its position in the seed text; a sentence is covered when every number in it is cited.
Uncovered sentences are missing rules or missing entries in ``model/register/non_rules.yaml``
(things that are deliberately not rules).

``model/register/unchecked.yaml`` lists the stated rules no check cites, each with why
(:func:`load_unchecked`): unobservable from outside a portal, or not checked yet.

The same scan runs over normative markers ("muss", "kann nur", "nicht möglich",
"erforderlich", "ausschließlich", "nur", "nicht", ...), section by section (a section starts at
a whole line that asks, or on Berlin's page after "zuklappen":
:func:`skc.model.sources.sectioned_sentences`): :func:`uncovered_normative_sentences` reports
the sentences no quote covers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skc.model.ambiguity import load_register
from skc.model.catalog import load_catalog
from skc.model.errors import CatalogError
from skc.model.lands import LANDS, SEED_FILES, LandId
from skc.model.sources import normalise, normalised_seed, sectioned_sentences, sentences
from skc.model.yaml_file import load_data_yaml

_IGNORED = re.compile(
    r"https?://\S+"  # web addresses
    r"|\S+@\S+"  # e-mail addresses
    r"|[A-Za-zÄÖÜäöüß]+\d+\w*"  # product names with a digit: AusweisApp2, App2
    r"|Sicherheitsstufe \d|Schritt \d+ von \d+"  # names of levels and form steps
)
_NUMBER = re.compile(
    r"\d+|\b(?:zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|zwanzig|dreißig"
    r"|vierzig|hundert)\b",
    re.IGNORECASE,
)
_LIST_MARKER = re.compile(r"^\d+\.(?:\s|$)")


class NonRule(BaseModel):
    """Sentences with numbers that are deliberately not rules, and why."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    land: LandId
    reason: str = Field(min_length=10)
    quotes: tuple[str, ...] = Field(min_length=1)


class _NonRuleFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    non_rules: tuple[NonRule, ...]


class Unchecked(BaseModel):
    """A stated rule no check cites, and why (``model/register/unchecked.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule: str
    why: Literal["unobservable", "not-checked"]
    reason: str = Field(min_length=20)
    lands: tuple[LandId, ...] = ()  # empty: every Land that states the rule

    def covers(self, land: LandId) -> bool:
        """Tell whether the entry speaks for the Land."""
        return not self.lands or land in self.lands


class _UncheckedFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    unchecked: tuple[Unchecked, ...]


@dataclass(frozen=True, slots=True)
class NumericSentence:
    """A seed sentence that states a number, with the numbers no quote cites."""

    land: LandId
    sentence: str
    uncited: tuple[str, ...]


@cache
def load_non_rules() -> tuple[NonRule, ...]:
    """Load ``model/register/non_rules.yaml`` (cached)."""
    name = "model/register/non_rules.yaml"
    text = resources.files("skc.model").joinpath("register", "non_rules.yaml").read_text("utf-8")
    try:
        return _NonRuleFile.model_validate(load_data_yaml(text)).non_rules
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"{name}: {exc}") from exc


@cache
def load_unchecked() -> tuple[Unchecked, ...]:
    """Load ``model/register/unchecked.yaml`` (cached); an unknown rule id is an error."""
    name = "model/register/unchecked.yaml"
    text = resources.files("skc.model").joinpath("register", "unchecked.yaml").read_text("utf-8")
    try:
        entries = _UncheckedFile.model_validate(load_data_yaml(text)).unchecked
    except (yaml.YAMLError, ValidationError) as exc:
        raise CatalogError(f"{name}: {exc}") from exc
    catalog = load_catalog()
    for entry in entries:
        if entry.rule not in catalog.ids:
            raise CatalogError(f"{name}: unknown rule {entry.rule!r} (`skc rules` lists them)")
    return entries


def unchecked_rules(land: LandId) -> dict[str, Unchecked]:
    """The Land's stated rules listed as unchecked, by rule id."""
    catalog = load_catalog()
    return {e.rule: e for e in load_unchecked() if e.covers(land) and catalog.stated(land, e.rule)}


def cited_quotes(land: LandId) -> Iterator[str]:
    """Every quote the model cites from the Land's seed: rules, register sources, non-rules."""
    for rule in load_catalog():
        if rule.stated(land):
            yield from rule.statement(land).quotes
    for entry in load_register().values():
        yield from (source.quote for source in entry.sources if source.land == land)
    for non_rule in load_non_rules():
        if non_rule.land == land:
            yield from non_rule.quotes


def _occurrences(text: str, part: str) -> Iterator[int]:
    start = text.find(part)
    while start != -1:
        yield start
        start = text.find(part, start + 1)


def _covered(text: str, quotes: Iterable[str]) -> bytearray:
    mask = bytearray(len(text))
    for quote in quotes:
        quote = normalise(quote)
        for start in _occurrences(text, quote):
            mask[start : start + len(quote)] = b"\x01" * len(quote)
    return mask


def numbers_in(sentence: str) -> list[re.Match[str]]:
    """The number tokens of a sentence, ignoring list markers, addresses and product names."""
    blanked = _IGNORED.sub(lambda m: " " * len(m.group()), sentence)
    marker = _LIST_MARKER.match(blanked)
    if marker:
        blanked = " " * marker.end() + blanked[marker.end() :]
    return list(_NUMBER.finditer(blanked))


def uncovered_numeric_sentences(
    lands: Iterable[LandId] = LANDS,
    quotes_for: Callable[[LandId], Iterable[str]] = cited_quotes,
) -> list[NumericSentence]:
    """Sentences stating a number that none of ``quotes_for(land)`` cites (default: the model)."""
    out: list[NumericSentence] = []
    for land in lands:
        text = normalised_seed(SEED_FILES[land])
        mask = _covered(text, quotes_for(land))
        for sentence in dict.fromkeys(sentences(SEED_FILES[land])):
            numbers = numbers_in(sentence)
            if not numbers:
                continue
            uncited = {
                n.group()
                for start in _occurrences(text, sentence)
                for n in numbers
                if not all(mask[start + n.start() : start + n.end()])
            }
            if uncited:
                out.append(NumericSentence(land, sentence, tuple(sorted(uncited))))
    return out


# Words that make a sentence normative: it says what must, may only or cannot happen.
_NORMATIVE = re.compile(
    r"\b(?:muss|müssen|kann nur|können nur|nicht möglich|erforderlich|erfordert"
    r"|ausschließlich|nur|nicht|darf|dürfen|zwingend|zulässig|erlaubt)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class NormativeSentence:
    """A seed sentence with a normative marker that no quote covers, and its markers."""

    land: LandId
    section: str
    sentence: str
    markers: tuple[str, ...]


def markers_in(sentence: str) -> list[re.Match[str]]:
    """The normative markers of a sentence ("muss", "nur", "nicht möglich", ...)."""
    return list(_NORMATIVE.finditer(sentence))


def _sections(land: LandId) -> Iterator[tuple[str, str]]:
    """(heading, sentence) for every sentence of the seed (see ``sectioned_sentences``)."""
    return iter(sectioned_sentences(SEED_FILES[land]))


def uncovered_normative_sentences(
    lands: Iterable[LandId] = LANDS,
    quotes_for: Callable[[LandId], Iterable[str]] = cited_quotes,
    sections: Callable[[LandId, str], bool] = lambda land, heading: True,
) -> list[NormativeSentence]:
    """Sentences with a normative marker in the chosen sections that no quote covers.

    A sentence is covered when a rule quote, an ambiguity-register source or a non-rule quote
    covers every one of its markers, wherever the sentence occurs in the seed.
    """
    out: list[NormativeSentence] = []
    for land in lands:
        text = normalised_seed(SEED_FILES[land])
        mask = _covered(text, quotes_for(land))
        seen: set[str] = set()
        for heading, sentence in _sections(land):
            if sentence in seen or sentence.endswith("?") or not sections(land, heading):
                continue  # a question heads a section; it states nothing
            seen.add(sentence)
            markers = markers_in(sentence)
            uncited = {
                m.group()
                for start in _occurrences(text, sentence)
                for m in markers
                if not all(mask[start + m.start() : start + m.end()])
            }
            if uncited:
                out.append(NormativeSentence(land, heading, sentence, tuple(sorted(uncited))))
    return out


__all__ = [
    "NonRule",
    "NormativeSentence",
    "NumericSentence",
    "Unchecked",
    "cited_quotes",
    "load_non_rules",
    "load_unchecked",
    "markers_in",
    "numbers_in",
    "unchecked_rules",
    "uncovered_normative_sentences",
    "uncovered_numeric_sentences",
]
