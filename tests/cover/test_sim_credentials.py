from __future__ import annotations

import pytest

from skc.model.ambiguity import Readings
from skc.model.lands import LandId
from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import (
    ANSWER,
    OTHER_PASSWORD,
    PASSWORD,
    citizen,
    login,
    member,
    organisation,
)

BY_MAIL: tuple[LandId, ...] = ("sachsen-anhalt", "gemeinsam-online", "hamburg", "niedersachsen")
TEN_STEPS = BY_MAIL
OLD, NEW = "alt@example.org", "neu@example.org"


@pytest.mark.parametrize("land", BY_MAIL)
def test_new_password_arrives_by_mail_when_password_is_forgotten(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, OLD)
    assert portal.request_password_reset(OLD).accepted
    mail = portal.outbox.last_to(OLD, "new_password")
    assert mail is not None
    assert mail.token is not None
    assert portal.login(OLD, mail.token).accepted
    assert portal.login(OLD, PASSWORD).rules == ("sim.wrong_credentials",)


def test_mailed_password_is_not_shown_when_mail_is_printed() -> None:
    portal = ReferencePortal("hamburg")
    citizen(portal, OLD)
    portal.request_password_reset(OLD)
    mail = portal.outbox.last_to(OLD, "new_password")
    assert mail is not None
    assert mail.token is not None
    assert mail.token not in repr(mail)


def test_berlin_reset_link_is_mailed_when_security_answer_is_right() -> None:
    portal = ReferencePortal("berlin")
    citizen(portal, OLD)
    question = portal.request_password_reset(OLD)
    assert question.value == "Name des ersten Haustiers?"
    assert portal.answer_security_question(OLD, ANSWER).accepted
    token = portal.outbox.token_for(OLD, "password_reset_link")
    assert portal.set_new_password(token, OTHER_PASSWORD).accepted
    assert portal.login(OLD, OTHER_PASSWORD).accepted
    assert portal.set_new_password(token, PASSWORD).rules == ("sim.unknown_token",)


@pytest.mark.parametrize("attempts", ["2", "3", "5"])
def test_berlin_account_locks_after_the_configured_attempts_when_answers_are_wrong(
    attempts: str,
) -> None:
    readings = Readings({"password_reset.lockout_attempts": attempts})
    portal = ReferencePortal("berlin", VirtualClock(), readings)
    citizen(portal, OLD)
    session = login(portal, OLD)
    for _ in range(int(attempts) - 1):
        wrong = portal.answer_security_question(OLD, "falsch")
        assert wrong.rules == ("password_reset.security_question",)
    locked = portal.answer_security_question(OLD, "falsch")
    assert locked.rules == ("password_reset.security_question_lockout",)
    assert portal.answer_security_question(OLD, ANSWER).rules == locked.rules
    assert portal.request_password_reset(OLD).rules == locked.rules
    assert portal.login(OLD, PASSWORD).rules == locked.rules
    assert not portal.ping(session).accepted


def test_berlin_locked_address_is_never_reusable_when_time_passes() -> None:
    portal = ReferencePortal("berlin")
    citizen(portal, OLD)
    for _ in range(3):
        portal.answer_security_question(OLD, "falsch")
    portal.clock.advance(days=3650)
    blocked = portal.email_available(OLD)
    assert blocked.rules == ("password_reset.locked_email_not_reusable",)
    citizen(portal, NEW)  # a new account needs a new address


def test_berlin_master_user_gets_a_letter_when_password_is_forgotten() -> None:
    portal = ReferencePortal("berlin")
    organisation(portal, "chef@example.org")
    assert portal.request_password_reset("chef@example.org").value == "post"


def test_berlin_company_user_is_sent_to_the_master_user_when_password_is_forgotten() -> None:
    portal = ReferencePortal("berlin")
    _org, admin = organisation(portal, "chef@example.org")
    member(portal, admin, "user@example.org")
    outcome = portal.request_password_reset("user@example.org")
    assert outcome.rules == ("password_reset.company_user_by_master",)
    user = portal.account_id_of("user@example.org")
    assert user is not None
    assert portal.set_user_password(admin, user, OTHER_PASSWORD).accepted
    assert portal.login("user@example.org", OTHER_PASSWORD).accepted


@pytest.mark.parametrize("land", TEN_STEPS)
def test_email_change_follows_the_ten_steps_when_confirmed(land: LandId) -> None:
    portal = ReferencePortal(land)
    account = citizen(portal, OLD)
    session = login(portal, OLD)
    # steps 1-3: enter, repeat, send
    assert portal.request_email_change(session, NEW, "tippfehler@example.org").rules == (
        "sim.invalid_input",
    )
    assert portal.request_email_change(session, NEW, NEW).accepted
    # steps 4-5: confirmation to the new address, information to the old one
    assert portal.outbox.last_to(NEW, "email_change_confirm") is not None
    assert portal.outbox.last_to(OLD, "email_change_info") is not None
    assert portal.login(NEW, PASSWORD).rules == ("email_change.confirm_at_new_address",)
    # steps 6-7: the confirmation link
    assert portal.confirm_email_change(portal.outbox.token_for(NEW, "email_change_confirm"))
    # step 8: log in with the OLD address; the new one does not work yet
    assert portal.login(NEW, PASSWORD).rules == ("email_change.login_with_old_address",)
    assert portal.login(OLD, PASSWORD).accepted
    # step 9: the new address is active
    assert portal.account_id_of(NEW) == account
    # step 10: from the next login on, only the new address works
    assert portal.login(OLD, PASSWORD).rules == ("email_change.new_address_from_next_login",)
    assert portal.login(NEW, PASSWORD).accepted


@pytest.mark.parametrize("land", TEN_STEPS)
def test_email_change_is_rejected_when_new_address_is_taken(land: LandId) -> None:
    portal = ReferencePortal(land)
    citizen(portal, OLD)
    citizen(portal, NEW)
    session = login(portal, OLD)
    assert portal.request_email_change(session, NEW, NEW).rules == ("sim.email_in_use",)


def test_berlin_email_changes_at_once_when_no_confirmation_is_described() -> None:
    portal = ReferencePortal("berlin")
    account = citizen(portal, OLD)
    session = login(portal, OLD)
    assert portal.request_email_change(session, NEW, NEW).accepted
    assert portal.account_id_of(NEW) == account
    assert portal.outbox.last_to(NEW, "email_change_confirm") is None


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen"])
def test_member_address_set_by_admin_counts_only_when_member_confirms(land: LandId) -> None:
    portal = ReferencePortal(land)
    _org, admin = organisation(portal, "chef@example.org")
    user = member(portal, admin, "user@example.org")
    assert portal.change_user_email(admin, user, NEW).accepted
    assert portal.account_id_of(NEW) is None
    assert portal.confirm_email_change(portal.outbox.token_for(NEW, "email_change_confirm"))
    assert portal.account_id_of(NEW) == user
