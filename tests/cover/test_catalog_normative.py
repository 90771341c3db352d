"""The second reading (issue 9): normative sentences, not only numeric ones, are accounted for.

Each of the five help texts has been read a second time from its first line to its last. The
scan over normative markers ("muss", "nur", "nicht möglich", ...) is enforced for every
sentence of every text: each is cited by a rule, listed as a non-rule with a reason, or
registered as an ambiguity (:func:`skc.model.coverage.uncovered_normative_sentences`).
"""

from __future__ import annotations

from collections import Counter

from skc.model.coverage import (
    cited_quotes,
    load_non_rules,
    markers_in,
    uncovered_normative_sentences,
)
from skc.model.lands import LANDS, LandId
from skc.model.sources import land_seed, sectioned_sentences


def _nothing(land: LandId) -> list[str]:
    return []


def test_every_normative_sentence_is_cited_listed_or_registered_in_every_text() -> None:
    uncovered = uncovered_normative_sentences()
    assert [f"{u.land}: {u.markers} in {u.sentence!r}" for u in uncovered] == []


def test_every_text_holds_normative_sentences_when_nothing_is_cited() -> None:
    found = Counter(u.land for u in uncovered_normative_sentences(LANDS, _nothing))
    assert set(found) == set(LANDS)
    assert min(found.values()) >= 50, found


def test_dropping_a_rule_quote_leaves_its_sentence_uncovered_when_scanned() -> None:
    dropped = "Leerzeichen in der Hausnummer sind nicht zulässig!"

    def without_spaces_rule(land: LandId) -> list[str]:
        return [q for q in cited_quotes(land) if dropped not in q]

    uncovered = uncovered_normative_sentences(["hamburg"], without_spaces_rule)
    assert [(u.sentence, u.markers) for u in uncovered] == [(dropped, ("nicht", "zulässig"))]


def test_dropping_a_non_rule_leaves_its_sentences_uncovered_when_scanned() -> None:
    fax = next(n for n in load_non_rules() if n.land == "berlin" and "Fax" in n.reason)

    def without_fax(land: LandId) -> list[str]:
        return [q for q in cited_quotes(land) if q not in fax.quotes]

    uncovered = uncovered_normative_sentences(["berlin"], without_fax)
    assert [u.sentence for u in uncovered] == list(fax.quotes)


def test_sections_narrow_the_scan_when_a_heading_is_chosen() -> None:
    heading = "Wie kann ich ein neues Funktionspostfach einrichten?"
    found = uncovered_normative_sentences(
        ["hamburg"], _nothing, lambda land, section: section == heading
    )
    assert {u.section for u in found} == {heading}
    assert any("Beschreibung für das Funktionspostfach" in u.sentence for u in found)


def test_markers_are_found_when_a_sentence_says_what_must_or_cannot_happen() -> None:
    sentence = "Das Verschieben in den Papierkorb ist nicht möglich, wenn eine Nachricht fehlt."
    assert [m.group() for m in markers_in(sentence)] == ["nicht möglich"]
    assert [m.group() for m in markers_in("Es kann nur einen geben, das muss so sein.")] == [
        "kann nur",
        "muss",
    ]
    assert markers_in("Sie erhalten ein neues Passwort per E-Mail.") == []


def test_sections_start_at_whole_question_lines_and_after_zuklappen_when_split() -> None:
    headings = {
        land: {heading for heading, _ in sectioned_sentences(land_seed(land))} for land in LANDS
    }
    assert all("A§B$a%b?" not in found for found in headings.values())  # a password example
    assert (
        "Wie kann ich den elektronischen Personalausweis bzw. Aufenthaltstitel im Hamburg "
        "Serviceportal nutzen?" in headings["hamburg"]
    )
    assert "Aufenthaltstitel im Hamburg Serviceportal nutzen?" not in headings["hamburg"]
    assert "Ein selbstgewähltes Passwort muss:" in headings["berlin"]  # after "zuklappen"
    assert len(headings["berlin"]) > 30
