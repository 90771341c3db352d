"""The second reading (issue 9): normative sentences, not only numeric ones, are accounted for.

The scan over normative markers ("muss", "nur", "nicht möglich", ...) is enforced for the
sections the second reading has gone through; elsewhere it is a report
(:func:`skc.model.coverage.uncovered_normative_sentences`), not an allow-list.
"""

from __future__ import annotations

from skc.model.coverage import cited_quotes, markers_in, uncovered_normative_sentences
from skc.model.lands import LandId
from skc.model.sources import land_seed, quote_occurs

# Help texts read a second time from their first line to their last: the scan covers every
# sentence, whatever section the parser puts it in (Berlin's page has no question headings, its
# sections end with the "zuklappen" button label; Sachsen-Anhalt's page lists its questions in a
# table of contents and then runs the bodies together without headings).
READ_WHOLE: frozenset[LandId] = frozenset(
    ["berlin", "sachsen-anhalt", "gemeinsam-online", "hamburg"]
)

# (Land, section heading) read sentence by sentence in the second reading.
READ: frozenset[tuple[LandId, str]] = frozenset(
    [
        *(
            (land, heading)
            for land in ("hamburg", "niedersachsen")
            for heading in (
                "Welche Organisationsdaten sind erforderlich?",
                "Wie richte ich den Zugang für den Administrator ein?",
            )
        ),
        ("gemeinsam-online", "Wie kann ich mich im Serviceportal anmelden und abmelden?"),
        ("hamburg", "Wie kann ich mich im Hamburg Serviceportal anmelden und abmelden?"),
        ("niedersachsen", "Wie kann ich mich im Servicekonto anmelden und abmelden?"),
        *(
            (land, heading)
            for land in ("gemeinsam-online", "hamburg", "niedersachsen")
            for heading in (
                "Wie kann ich mein Benutzerprofil bearbeiten?",
                "Was sind Sperrfelder im Benutzerprofil?",
            )
        ),
        ("hamburg", "Wie richte ich weitere Benutzer ein?"),
        ("hamburg", "Wie viele Administratoren kann meine Organisation haben?"),
        ("hamburg", "Was ist ein/e Administrator/in und welche Funktionen kann er/sie nutzen?"),
        ("hamburg", "Wie können weitere Online-Dienste hinzugefügt werden?"),
        ("hamburg", "Wie können nicht mehr benötigte Online-Dienste gelöscht werden?"),
        ("niedersachsen", "Wie schließe ich die Registrierung ab?"),
        (
            "niedersachsen",
            "Wie kann ich mich im Servicekonto meiner Organisation anmelden und abmelden?",
        ),
        (
            "niedersachsen",
            "Wie kann der Administrator/die Administratorin die Zugangsdaten eines/r Benutzer/in "
            "ändern (E-Mail-Adresse)?",
        ),
    ]
)


def _read(land: LandId, heading: str) -> bool:
    return land in READ_WHOLE or (land, heading) in READ


def _nothing(land: LandId) -> list[str]:
    return []


def test_every_normative_sentence_is_cited_listed_or_registered_when_its_section_was_read() -> None:
    for land, heading in READ:
        assert quote_occurs(land_seed(land), heading)
    uncovered = uncovered_normative_sentences(sections=_read)
    assert [f"{u.land}: {u.markers} in {u.sentence!r}" for u in uncovered] == []


def test_read_sections_hold_normative_sentences_when_nothing_is_cited() -> None:
    lands = sorted({land for land, _ in READ} | READ_WHOLE)
    found = uncovered_normative_sentences(lands, _nothing, _read)
    sections = {(u.land, u.section) for u in found if u.land not in READ_WHOLE}
    assert sections == {(land, heading) for land, heading in READ if land not in READ_WHOLE}
    for land in READ_WHOLE:
        assert sum(u.land == land for u in found) >= 50, land
    assert len(found) >= 20


def test_dropping_a_rule_quote_leaves_its_sentence_uncovered_when_scanned() -> None:
    dropped = "Leerzeichen in der Hausnummer sind nicht zulässig!"

    def without_spaces_rule(land: LandId) -> list[str]:
        return [q for q in cited_quotes(land) if dropped not in q]

    uncovered = uncovered_normative_sentences(["hamburg"], without_spaces_rule, _read)
    assert [(u.sentence, u.markers) for u in uncovered] == [(dropped, ("nicht", "zulässig"))]


def test_markers_are_found_when_a_sentence_says_what_must_or_cannot_happen() -> None:
    sentence = "Das Verschieben in den Papierkorb ist nicht möglich, wenn eine Nachricht fehlt."
    assert [m.group() for m in markers_in(sentence)] == ["nicht möglich"]
    assert [m.group() for m in markers_in("Es kann nur einen geben, das muss so sein.")] == [
        "kann nur",
        "muss",
    ]
    assert markers_in("Sie erhalten ein neues Passwort per E-Mail.") == []
