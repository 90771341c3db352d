"""Drift: which rules a Land's updated help text touches (``skc drift NEW_TEXT --land L``).

Every sentence a rule cites is hashed (SHA-256 of the sentence, whitespace collapsed). Given
the new text of a Land's help page, each cited sentence is looked up in it: found as it was
(unchanged), found with edits (changed: the most similar new sentence, at least
:data:`SIMILAR` alike), or not found (disappeared). Sentences of the new text that the old one
lacks and that no change accounts for have appeared; those with a number or a normative
marker ("muss", "nur", ...) are the ones a reader must check for new rules.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Final

from skc.model.catalog import load_catalog
from skc.model.coverage import markers_in, numbers_in
from skc.model.lands import SEED_FILES, LandId
from skc.model.sources import normalise, sentences

SIMILAR: Final = 0.75
# The same sentence ends as skc.model.sources splits the bundled texts at.
_SENTENCE_END = re.compile(r"(?<=[.!?:])\s+(?=[A-ZÄÖÜ0-9„\"“(])")


def sentence_hash(sentence: str) -> str:
    """The SHA-256 of a sentence with its whitespace collapsed."""
    return hashlib.sha256(normalise(sentence).encode("utf-8")).hexdigest()


def split_sentences(text: str) -> tuple[str, ...]:
    """Split a help text into sentences: each line, then each line at sentence ends."""
    out: list[str] = []
    for raw in text.splitlines():
        if line := normalise(raw):
            out.extend(part for part in _SENTENCE_END.split(line) if part)
    return tuple(out)


def cited_sentences(land: LandId) -> dict[str, tuple[str, ...]]:
    """Per rule stated for the Land, the sentences of its help text that its quotes cite."""
    text = sentences(SEED_FILES[land])
    out: dict[str, tuple[str, ...]] = {}
    for rule in load_catalog():
        if not rule.stated(land):
            continue
        cited: list[str] = []
        for quote in (normalise(q) for q in rule.lands[land].quotes):
            for sentence in text:
                if (quote in sentence or sentence in quote) and sentence not in cited:
                    cited.append(sentence)
        out[rule.id] = tuple(cited)
    return out


@dataclass(frozen=True, slots=True)
class SentenceChange:
    """One cited sentence that is no longer in the text as it was."""

    rule: str
    old: str
    new: str | None  # None: disappeared
    similarity: float = 0.0

    @property
    def kind(self) -> str:
        """``changed`` or ``disappeared``."""
        return "disappeared" if self.new is None else "changed"


@dataclass
class Drift:
    """What an updated help text changes for a Land's rules."""

    land: LandId
    changes: list[SentenceChange] = field(default_factory=list)
    appeared: list[str] = field(default_factory=list)
    unchanged_rules: int = 0

    @property
    def rules(self) -> list[str]:
        """The rules whose cited sentences changed or disappeared, in catalog order."""
        return list(dict.fromkeys(change.rule for change in self.changes))

    def normative_appeared(self) -> list[str]:
        """New sentences with a number or a normative marker: candidates for new rules."""
        return [s for s in self.appeared if numbers_in(s) or markers_in(s)]


def _closest(sentence: str, candidates: tuple[str, ...]) -> tuple[str | None, float]:
    best, score = None, 0.0
    for candidate in candidates:
        matcher = SequenceMatcher(None, sentence, candidate, autojunk=False)
        if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
            continue
        if (ratio := matcher.ratio()) > score:
            best, score = candidate, ratio
    return (best, score) if score >= SIMILAR else (None, score)


def drift(land: LandId, new_text: str) -> Drift:
    """Compare the Land's bundled help text, as the rules cite it, with a new version."""
    new = split_sentences(new_text)
    new_set = set(new)
    old_set = set(sentences(SEED_FILES[land]))
    added = tuple(s for s in dict.fromkeys(new) if s not in old_set)
    found = Drift(land)
    accounted: set[str] = set()
    for rule, cited in cited_sentences(land).items():
        before = len(found.changes)
        for sentence in cited:
            if sentence in new_set:
                continue
            counterpart, score = _closest(sentence, added)
            found.changes.append(SentenceChange(rule, sentence, counterpart, round(score, 3)))
            if counterpart is not None:
                accounted.add(counterpart)
        found.unchanged_rules += len(found.changes) == before
    found.appeared = [s for s in added if s not in accounted]
    return found


__all__ = [
    "SIMILAR",
    "Drift",
    "SentenceChange",
    "cited_sentences",
    "drift",
    "sentence_hash",
    "split_sentences",
]
