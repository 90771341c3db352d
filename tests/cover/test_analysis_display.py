from __future__ import annotations

from html import escape

from skc.analysis import DiffCard, FindingCard, RuleCard, VerdictCard
from skc.conformance.catalog_views import diff
from skc.model.catalog import load_catalog
from skc.model.validators import validate


def test_rule_card_shows_each_quote_and_the_reason_when_a_land_does_not_state_the_rule() -> None:
    rule = load_catalog().rule("payment.window")
    html = RuleCard.of("payment.window")._repr_html_()
    for land, statement in rule.lands.items():
        for quote in statement.quotes:
            assert f"„{escape(quote)}“" in html
        assert land in html
    assert escape(rule.not_stated["niedersachsen"]) in html


def test_verdict_card_lists_the_german_message_and_never_the_value_when_invalid() -> None:
    secret = "Geheim<Wort>12345678901"
    verdict = validate("berlin", "password", secret)
    html = VerdictCard(verdict)._repr_html_()
    assert "invalid" in html
    for violation in verdict.violations:
        assert escape(violation.message_de) in html
        assert violation.rule in html
    assert secret not in html
    assert escape(secret) not in html


def test_finding_card_escapes_markup_and_ignores_unknown_keys_when_rendering_a_record() -> None:
    record = {
        "type": "result",
        "land": "berlin",
        "rule": "session.idle_timeout",
        "check": "scenarios/session-timeout",
        "verdict": "fail",
        "expected": "accepted",
        "observed": "<script>alert(1)</script>",
        "example": ["login(...)", "ping(session=$session)"],
        "quotes": ["Nach 25 Minuten ohne Aktualisierung der Serververbindung"],
        "replay": "skc run --replay scenarios/session-timeout",
        "a_key_from_a_newer_harness": {"nested": True},
    }
    html = FindingCard(record)._repr_html_()
    assert "<script>" not in html
    assert escape("<script>alert(1)</script>") in html
    assert "ping(session=$session)" in html
    assert "„Nach 25 Minuten" in html
    assert "skc run --replay scenarios/session-timeout" in html


def test_finding_card_renders_when_the_record_lacks_most_keys() -> None:
    html = FindingCard({"verdict": "pass"})._repr_html_()
    assert "pass" in html


def test_diff_card_lists_every_differing_rule_when_comparing_berlin_with_hamburg() -> None:
    card = DiffCard.of("berlin", "hamburg")
    html = card._repr_html_()
    differences = diff(load_catalog(), "berlin", "hamburg")
    assert len(card) == len(differences) > 0
    for d in differences:
        assert f"<code>{d.rule.id}</code>" in html
    assert "session.idle_timeout" in html
