"""A portal snapshot carries the world and every workflow's state, under the rules it is given,
and never a clear secret."""

from __future__ import annotations

from skc.conformance.faults import faulty_rules, parse_fault
from skc.model.sim import ReferencePortal
from skc.model.sim.rules import LandRules
from skc.service import snapshot

PASSWORD = "Geheim-Xy12345!"
ANSWER = "Bello-der-Hund"


def _portal_with_mail() -> tuple[ReferencePortal, str, str]:
    portal = ReferencePortal("hamburg")
    account = portal.register_citizen(
        "anna@example.org", PASSWORD, "Anna", "Muster",
        salutation="Frau", security_question="Haustier?", security_answer=ANSWER,
    ).expect_str()  # fmt: skip
    portal.activate(portal.outbox.token_for("anna@example.org", "activation"))
    vorgang = portal.start_vorgang(account, "Wohngeld").expect_str()
    message = portal.deliver_message(vorgang, "Bescheid").expect_str()
    return portal, account, message


def test_loaded_portal_has_the_accounts_messages_and_time_of_the_dumped_one() -> None:
    portal, account, message = _portal_with_mail()
    portal.clock.advance(minutes=7)
    loaded = snapshot.load(snapshot.dump(portal), LandRules("hamburg"))
    session = loaded.login("anna@example.org", PASSWORD).expect_str()
    assert loaded.account_status(account) == "active"
    assert loaded.unread_count(session).value == 1
    assert loaded.message_exists(message)
    assert loaded.clock.now() == portal.clock.now()
    assert loaded.outbox.token_for("anna@example.org", "activation")


def test_loaded_portal_applies_the_rules_it_is_given_when_they_carry_a_fault() -> None:
    rules = faulty_rules(parse_fault("berlin-timeout-20-minutes"))
    loaded = snapshot.load(snapshot.dump(ReferencePortal("berlin")), rules)
    assert loaded._w.rules is rules
    assert loaded.land == "berlin"


def test_snapshot_holds_no_password_answer_or_mailed_new_password() -> None:
    portal, _, _ = _portal_with_mail()
    portal.login("anna@example.org", PASSWORD)
    mails_before = len(portal.outbox)
    portal.request_password_reset("anna@example.org")  # Hamburg mails a new password
    mailed = [m.token for m in list(portal.outbox)[mails_before:] if m.kind == "new_password"]
    assert mailed
    assert mailed[0]
    data = snapshot.dump(portal)
    for secret in (PASSWORD, ANSWER, mailed[0]):
        assert secret.encode() not in data
    loaded = snapshot.load(data, LandRules("hamburg"))
    assert loaded.login("anna@example.org", mailed[0]).accepted  # the digest was kept
