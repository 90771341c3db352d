"""Provenance: every quote is verbatim, and no sentence with a number escapes the model."""

from __future__ import annotations

import pytest

from skc.model.ambiguity import load_register
from skc.model.catalog import load_catalog
from skc.model.coverage import (
    cited_quotes,
    load_non_rules,
    numbers_in,
    uncovered_numeric_sentences,
)
from skc.model.lands import LANDS, SEED_FILES, LandId
from skc.model.sources import quote_occurs


def _rule_quotes() -> list[tuple[str, LandId, str]]:
    return [
        (rule.id, land, quote)
        for rule in load_catalog()
        for land, statement in rule.lands.items()
        for quote in statement.quotes
    ]


def test_every_rule_quote_occurs_verbatim_in_its_seed_when_looked_up() -> None:
    quotes = _rule_quotes()
    assert len(quotes) > 300
    missing = [q for q in quotes if not quote_occurs(SEED_FILES[q[1]], q[2])]
    assert missing == []


def test_every_register_and_non_rule_quote_occurs_verbatim_when_looked_up() -> None:
    sources = [(s.land, s.quote) for a in load_register().values() for s in a.sources]
    sources += [(n.land, q) for n in load_non_rules() for q in n.quotes]
    assert sources
    assert [s for s in sources if not quote_occurs(SEED_FILES[s[0]], s[1])] == []


def test_a_quote_that_is_not_in_the_seed_is_found_missing_when_looked_up() -> None:
    assert quote_occurs(SEED_FILES["berlin"], "höchstens 20 Zeichen")
    assert not quote_occurs(SEED_FILES["berlin"], "höchstens 40 Zeichen")
    assert not quote_occurs(SEED_FILES["hamburg"], "höchstens 20 Zeichen")


def test_every_numeric_sentence_is_cited_or_listed_as_non_rule_when_seeds_are_scanned() -> None:
    uncovered = uncovered_numeric_sentences()
    assert [f"{u.land}: {u.uncited} in {u.sentence!r}" for u in uncovered] == []


def test_dropping_a_rule_quote_leaves_its_number_uncited_when_scanned() -> None:
    def without_berlin_timeout(land: LandId) -> list[str]:
        return [q for q in cited_quotes(land) if "25 Minuten" not in q]

    uncovered = uncovered_numeric_sentences(["berlin"], without_berlin_timeout)
    assert [(u.sentence[:17], u.uncited) for u in uncovered] == [("Nach 25 Minuten o", ("25",))]


def test_scan_finds_every_numeric_sentence_when_nothing_is_cited() -> None:
    uncovered = uncovered_numeric_sentences(LANDS, lambda land: [])
    lands = {u.land for u in uncovered}
    assert lands == set(LANDS)
    assert any("120 Minuten" in u.sentence for u in uncovered)


@pytest.mark.parametrize(
    ("sentence", "numbers"),
    [
        ("Der Link ist nur 24h gültig", ["24"]),
        ("Es müssen mindestens zwei der folgenden drei Kriterien erfüllt sein:", ["zwei", "drei"]),
        ("Starten Sie die AusweisApp2 auf Ihrem Computer", []),
        ("unter https://www.ausweisapp.bund.de kostenlos", []),
        ("1. Geben Sie die neue E-Mail-Adresse ein.", []),
        ("Registrieren (Schritt 1 von 3): Zugangsdaten einrichten", []),
        ("Ihre Hausnummer darf maximal 11 Zeichen umfassen.", ["11"]),
    ],
)
def test_numbers_are_found_and_labels_ignored_when_a_sentence_is_read(
    sentence: str, numbers: list[str]
) -> None:
    assert [m.group() for m in numbers_in(sentence)] == numbers


@pytest.mark.parametrize(
    ("rule_id", "name", "berlin", "hamburg"),
    [
        ("password.max_length", "max", 20, 40),
        ("session.idle_timeout", "minutes", 25, 20),
        ("payment.window", "minutes", 120, 20),
        ("org.admins.max", "max", 2, None),
        ("mailbox.answer_retention", "days", 28, 30),
    ],
)
def test_berlin_and_hamburg_state_their_own_values_when_compared(
    rule_id: str, name: str, berlin: int, hamburg: int | None
) -> None:
    catalog = load_catalog()
    assert catalog.param("berlin", rule_id, name) == berlin
    assert catalog.param("hamburg", rule_id, name) == hamburg


@pytest.mark.parametrize(
    ("rule_id", "silent"),
    [
        ("payment.window", "niedersachsen"),
        ("mailbox.trash_retention", "sachsen-anhalt"),
        ("registration.activation_link_lifetime", "berlin"),
        ("org.admins.max", "gemeinsam-online"),
    ],
)
def test_a_silent_land_is_not_stated_rather_than_borrowed_when_asked(
    rule_id: str, silent: LandId
) -> None:
    assert not load_catalog().rule(rule_id).stated(silent)
