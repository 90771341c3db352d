from __future__ import annotations

from datetime import timedelta

import pytest

from skc.model.sim import ReferencePortal, VirtualClock
from skc.model.sim.scenarios import PASSWORD, login, member, organisation

ADMIN, USER = "chef@example.org", "user@example.org"


def _hamburg() -> tuple[ReferencePortal, str, str]:
    portal = ReferencePortal("hamburg", VirtualClock())
    org_id, admin = organisation(portal, ADMIN, services=["svc-a", "svc-b"])
    return portal, org_id, admin


def test_effective_permissions_are_individual_and_group_grants_when_combined() -> None:
    portal, _org_id, admin = _hamburg()
    user = member(portal, admin, USER)
    group = portal.create_group(admin, "Buchhaltung").expect_str()
    portal.grant_service(admin, user, "svc-a")
    portal.add_group_service(admin, group, "svc-a")
    portal.add_group_service(admin, group, "svc-b")
    portal.add_group_member(admin, group, user)
    assert portal.effective_services(user) == {"svc-a", "svc-b"}
    # leaving the group revokes only what came through it
    portal.remove_group_member(admin, group, user)
    assert portal.effective_services(user) == {"svc-a"}


def test_group_deletion_revokes_only_group_grants_when_individual_grants_exist() -> None:
    portal, _org_id, admin = _hamburg()
    user = member(portal, admin, USER)
    group = portal.create_group(admin, "Einkauf").expect_str()
    portal.add_group_service(admin, group, "svc-b")
    portal.add_group_member(admin, group, user)
    portal.grant_service(admin, user, "svc-a")
    assert portal.delete_group(admin, group).accepted
    assert portal.effective_services(user) == {"svc-a"}


def test_removing_a_service_from_a_group_revokes_it_when_members_have_it_only_there() -> None:
    portal, _org_id, admin = _hamburg()
    user = member(portal, admin, USER)
    group = portal.create_group(admin, "Einkauf").expect_str()
    portal.add_group_service(admin, group, "svc-b")
    portal.add_group_member(admin, group, user)
    portal.remove_group_service(admin, group, "svc-b")
    assert portal.effective_services(user) == frozenset()
    session = login(portal, USER)
    assert portal.use_service(session, "svc-b").rules == ("sim.not_authorised",)


def test_admin_gets_nothing_from_groups_when_admins_may_not_use_services() -> None:
    portal, _org_id, admin = _hamburg()
    own = portal.account_id_of(ADMIN)
    assert own is not None
    group = portal.create_group(admin, "Alle").expect_str()
    portal.add_group_service(admin, group, "svc-a")
    portal.add_group_member(admin, group, own)
    assert portal.effective_services(own) == frozenset()
    portal.set_admins_may_use_services(admin, True)
    assert portal.effective_services(own) == {"svc-a"}


def test_group_is_rejected_when_it_has_no_name() -> None:
    portal, _org_id, admin = _hamburg()
    assert portal.create_group(admin, "  ").rules == ("org.groups.name_required",)


def test_group_service_must_be_approved_when_linked() -> None:
    portal = ReferencePortal("hamburg")
    portal.offer_service("svc-auth", approval="authority")
    _org_id, admin = organisation(portal, ADMIN, services=["svc-auth"])
    group = portal.create_group(admin, "G").expect_str()
    outcome = portal.add_group_service(admin, group, "svc-auth")
    assert outcome.rules == ("org.services.assign_after_approval",)


def test_unsubscribed_service_disappears_from_permissions_when_removed() -> None:
    portal, _org_id, admin = _hamburg()
    user = member(portal, admin, USER)
    portal.grant_service(admin, user, "svc-a")
    assert portal.remove_service(admin, "svc-a").accepted
    assert portal.effective_services(user) == frozenset()
    assert portal.add_service(admin, "svc-a").value is True
    assert portal.effective_services(user) == frozenset()


def test_function_mailbox_cannot_be_deleted_when_it_has_unread_messages() -> None:
    portal, _org_id, admin = _hamburg()
    user = member(portal, admin, USER)
    group = portal.create_group(admin, "Poststelle").expect_str()
    portal.add_group_member(admin, group, user)
    box = portal.create_function_mailbox(
        admin, "Zentrale", "Post der Zentrale", groups=[group]
    ).expect_str()
    vorgang = portal.start_vorgang(box, "Anfrage").expect_str()
    message = portal.deliver_message(vorgang, "Bitte prüfen").expect_str()
    outcome = portal.delete_function_mailbox(admin, box)
    assert outcome.rules == ("org.funktionspostfach.no_delete_with_unread",)
    session = login(portal, USER)
    assert portal.unread_count(session, box).value == 1
    assert portal.read_message(session, message).accepted
    assert portal.delete_function_mailbox(admin, box).accepted
    assert not portal.vorgang_exists(vorgang)


def test_function_mailbox_access_ends_when_the_group_is_deleted() -> None:
    portal, _org_id, admin = _hamburg()
    user = member(portal, admin, USER)
    named = member(portal, admin, "einzeln@example.org")
    group = portal.create_group(admin, "Poststelle").expect_str()
    portal.add_group_member(admin, group, user)
    box = portal.create_function_mailbox(
        admin, "Zentrale", "Post der Zentrale", groups=[group], persons=[named]
    ).expect_str()
    assert portal.can_access_mailbox(user, box)
    portal.delete_group(admin, group)
    assert not portal.can_access_mailbox(user, box)
    assert portal.can_access_mailbox(named, box)


def test_function_mailbox_is_not_offered_when_land_is_niedersachsen() -> None:
    portal = ReferencePortal("niedersachsen")
    _org_id, admin = organisation(portal, ADMIN)
    assert portal.create_function_mailbox(admin, "Zentrale").rules == ("sim.not_offered",)


def test_first_elster_certificate_needs_an_admin_when_organisation_has_none() -> None:
    portal, _org_id, admin = _hamburg()
    member(portal, admin, USER)
    session = login(portal, USER)
    early = portal.link_elster(session, "cert-user", "elster-1")
    assert early.rules == ("org.elster.first_certificate_by_admin",)
    assert portal.link_elster(admin, "cert-admin", "elster-1").accepted
    assert not portal.ping(admin).accepted  # depositing logs the admin out
    assert portal.link_elster(session, "cert-user", "elster-1").accepted


def test_elster_binding_is_irreversible_when_certificate_is_deleted() -> None:
    portal, _org_id, admin = _hamburg()
    portal.link_elster(admin, "cert-admin", "elster-1")
    admin = portal.login_with_elster("cert-admin").expect_str()
    assert portal.unlink_elster(admin).accepted
    other = portal.link_elster(admin, "cert-other", "elster-2")
    assert other.rules == ("org.elster.same_organisation_only",)
    locked = portal.edit_organisation(admin, {"org_name": "Neu GmbH"})
    assert locked.rules == ("org.elster.locks_org_data",)
    assert portal.edit_organisation(admin, {"postbox": "123456"}).accepted


def test_elster_certificate_belongs_to_one_person_when_deposited_twice() -> None:
    portal, _org_id, admin = _hamburg()
    member(portal, admin, USER)
    portal.link_elster(admin, "cert-1", "elster-1")
    session = login(portal, USER)
    assert portal.link_elster(session, "cert-1", "elster-1").rules == (
        "org.elster.certificate_single_user",
    )


def test_elster_is_refused_when_account_is_a_citizen() -> None:
    portal = ReferencePortal("hamburg")
    from skc.model.sim.scenarios import citizen

    citizen(portal, "anna@example.org")
    session = login(portal, "anna@example.org")
    assert portal.link_elster(session, "c", "e").rules == ("org.elster.not_for_citizens",)


def _berlin_pair() -> tuple[ReferencePortal, str, str, str]:
    portal = ReferencePortal("berlin", VirtualClock())
    org_id, admin = organisation(portal, ADMIN, services=["svc-a", "svc-b"])
    portal.approve_service(org_id, "svc-a")
    portal.approve_service(org_id, "svc-b")
    principal = member(portal, admin, "prinzipal@example.org")
    deputy = member(portal, admin, "vertreter@example.org")
    portal.grant_service(admin, principal, "svc-a")
    portal.grant_service(admin, deputy, "svc-b")  # a deputy holds a permission of their own
    return portal, admin, principal, deputy


def test_deputy_acts_with_principals_rights_and_mailbox_when_vertretung_has_no_range() -> None:
    portal, _admin, principal, deputy = _berlin_pair()
    own = login(portal, "prinzipal@example.org")
    assert portal.add_vertretung(own, deputy).accepted
    vorgang = portal.start_vorgang(principal, "Antrag").expect_str()
    message = portal.deliver_message(vorgang, "Bescheid").expect_str()
    session = login(portal, "vertreter@example.org")
    assert portal.use_service(session, "svc-a").rules == ("service.enabled_accounts_only",)
    assert portal.act_as(session, principal).accepted
    assert portal.use_service(session, "svc-a").accepted
    assert portal.read_message(session, message).accepted
    assert portal.stop_acting(session).accepted
    assert portal.read_message(session, message).rules == ("sim.not_authorised",)


def test_vertretung_holds_only_within_its_dates_when_a_range_is_given() -> None:
    portal, admin, principal, deputy = _berlin_pair()
    today = portal.clock.today()
    start, end = today + timedelta(days=1), today + timedelta(days=2)
    outcome = portal.add_vertretung(admin, deputy, principal_id=principal, start=start, end=end)
    assert outcome.accepted
    session = login(portal, "vertreter@example.org")
    assert portal.act_as(session, principal).rules == ("org.vertretung.date_range_optional",)
    portal.clock.advance(days=1)
    session = login(portal, "vertreter@example.org")
    assert portal.act_as(session, principal).accepted
    assert portal.use_service(session, "svc-a").accepted
    portal.clock.advance(days=2)
    session2 = login(portal, "vertreter@example.org")
    assert portal.act_as(session2, principal).rules == ("org.vertretung.date_range_optional",)


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen"])
def test_vertretung_is_not_offered_when_land_is_not_berlin(land: str) -> None:
    portal = ReferencePortal(land)
    _org_id, admin = organisation(portal, ADMIN)
    user = member(portal, admin, USER)
    session = login(portal, USER, PASSWORD)
    assert portal.add_vertretung(session, user).rules == ("sim.not_offered",)
