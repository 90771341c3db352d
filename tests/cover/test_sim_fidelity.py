"""Issue 9, second reading: each test quotes the help-text sentence that decides a behaviour.

Every quote is checked to occur verbatim in its Land's seed before the behaviour is asserted,
so a test cannot lean on a sentence the texts do not contain.
"""

from __future__ import annotations

import json
from datetime import date
from importlib import resources

import pytest
from typer.testing import CliRunner

from skc.conformance.cli import app
from skc.model.ambiguity import Readings, load_register
from skc.model.catalog import load_catalog
from skc.model.coverage import load_non_rules
from skc.model.lands import LandId
from skc.model.sim import IdCard, ReferencePortal
from skc.model.sim.scenarios import (
    ADULT,
    ANSWER,
    OTHER_PASSWORD,
    PASSWORD,
    activation_token,
    citizen,
    login,
    member,
    organisation,
)
from skc.model.sources import land_seed, quote_occurs
from skc.model.validators import Verdict, validate

EMAIL = "anna@example.org"
ADMIN = "erika@example.org"

# The house-number sentences of these texts stand under "Welche Organisationsdaten sind
# erforderlich?" and speak of "der Adresse Ihrer Organisation".
ORGANISATION_HOUSE_NUMBER: dict[LandId, str] = {
    "sachsen-anhalt": "Leerzeichen sind nicht möglich. Es muss also 2a, 12a-c oder 48-50 heißen.",
    "hamburg": "Sollte in der Adresse Ihrer Organisation keine Hausnummer vorkommen, so tragen "
    'Sie in das Feld "Nr." bitte eine Null („0“) ein.',
    "niedersachsen": "Sollte in der Adresse Ihrer Organisation keine Hausnummer vorkommen, so "
    'tragen Sie in das Feld "Nr." bitte eine Null („0“) ein.',
}


def quoted(land: LandId, sentence: str) -> str:
    """The sentence, after checking that it occurs verbatim in the Land's help text."""
    assert quote_occurs(land_seed(land), sentence), f"not in the {land} text: {sentence!r}"
    return sentence


def rules(verdict: Verdict) -> list[str]:
    return [v.rule for v in verdict.violations]


def _citizen_session(land: LandId, readings: Readings | None = None) -> ReferencePortal:
    portal = ReferencePortal(land, readings=readings)
    citizen(portal, EMAIL)
    return portal


@pytest.mark.parametrize("land", sorted(ORGANISATION_HOUSE_NUMBER))
def test_citizen_house_number_with_a_space_is_accepted_when_the_rule_speaks_of_organisations(
    land: LandId,
) -> None:
    quoted(land, ORGANISATION_HOUSE_NUMBER[land])
    portal = _citizen_session(land)
    session = login(portal, EMAIL)
    assert portal.edit_profile(session, {"house_number": "12 a"}).accepted
    for rule in ("house_number.no_spaces", "house_number.max_length", "house_number.required"):
        assert load_catalog().rule(rule).lands[land].scope == ("organisation",)


@pytest.mark.parametrize("land", sorted(ORGANISATION_HOUSE_NUMBER))
def test_organisation_house_number_with_a_space_is_refused_when_the_rule_speaks_of_it(
    land: LandId,
) -> None:
    quoted(land, ORGANISATION_HOUSE_NUMBER[land])
    portal = ReferencePortal(land)
    portal.offer_service("svc-a")
    outcome = portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", ADULT,
        services=["svc-a"], admin_phone="+49 30 1", org_data={"house_number": "12 a"},
    )  # fmt: skip
    assert outcome.rules == ("house_number.no_spaces",)


def test_hamburg_upgrade_at_the_office_keeps_a_spaced_house_number_when_the_citizen_gives_one() -> (
    None
):
    quoted("hamburg", ORGANISATION_HOUSE_NUMBER["hamburg"])
    portal = _citizen_session("hamburg")
    session = login(portal, EMAIL)
    data = {"birth_date": "1990-02-03", "street": "Hauptstraße", "house_number": "12 a",
            "postcode": "20095", "city": "Hamburg"}  # fmt: skip
    assert portal.request_office_upgrade(session, data).accepted


def test_berlin_citizen_house_number_with_a_space_is_refused_when_the_citizen_form_says_so() -> (
    None
):
    quoted(
        "berlin",
        "Leerzeichen sind nicht zulässig! Geben Sie Bereiche daher ohne Leerzeichen getrennt "
        "ein, z.B. 12a-c oder 48-50.",
    )
    portal = _citizen_session("berlin")
    session = login(portal, EMAIL)
    assert portal.edit_profile(session, {"house_number": "12 a"}).rules == (
        "house_number.no_spaces",
    )


@pytest.mark.parametrize("land", ["sachsen-anhalt", "hamburg", "niedersachsen"])
def test_organisation_house_number_with_a_slash_is_accepted_when_the_text_limits_only_spaces(
    land: LandId,
) -> None:
    quoted(land, "12a-c oder 48-50")
    assert validate(land, "house_number", "12/14").valid
    strict = Readings({"house_number.charset_examples": "digits-letters-hyphen"})
    assert rules(validate(land, "house_number", "12/14", strict)) == ["house_number.characters"]


def test_berlin_house_number_with_a_slash_is_refused_when_the_text_names_digits_and_letters() -> (
    None
):
    quoted(
        "berlin",
        "In das Feld Hausnummer können Sie Zahlen und Buchstaben eintragen, falls Ihre Adresse "
        "auch einen Hausbuchstaben enthält.",
    )
    assert rules(validate("berlin", "house_number", "12/14")) == ["house_number.characters"]


@pytest.mark.parametrize("land", ["sachsen-anhalt", "niedersachsen"])
def test_typing_keeps_the_session_alive_when_the_text_counts_data_entry_as_an_action(
    land: LandId,
) -> None:
    quoted(
        land,
        "wird ungültig, falls Sie 20 Minuten lang keine Aktion ausführen (z.B. Dateneingabe, "
        "Mausklick, etc.).",
    )
    entry = load_register()["session.idle_reset_user_action"]
    assert land in entry.lands
    assert entry.default == "any-user-action"
    portal = _citizen_session(land)
    session = login(portal, EMAIL)
    portal.clock.advance(minutes=15)
    assert portal.client_action(session).accepted
    portal.clock.advance(minutes=15)
    assert portal.ping(session).accepted


def test_typing_does_not_keep_the_berlin_session_alive_when_the_text_names_the_server() -> None:
    quoted("berlin", "Nach 25 Minuten ohne Aktualisierung der Serververbindung")
    portal = _citizen_session("berlin")
    session = login(portal, EMAIL)
    portal.clock.advance(minutes=15)
    portal.client_action(session)
    portal.clock.advance(minutes=15)
    assert portal.ping(session).rules == ("session.idle_timeout",)


def test_niedersachsen_registering_admin_needs_no_phone_when_step_two_lists_only_email_and_password() -> (  # noqa: E501
    None
):
    quoted(
        "niedersachsen",
        "Bitte beachten Sie, dass für jede/n Administrator/in eine Telefonnummer angegeben "
        "werden muss.",
    )
    quoted("niedersachsen", "Sie müssen dort ihre persönlichen Zugangsdaten eingeben.")
    portal = ReferencePortal("niedersachsen")
    portal.offer_service("svc-a")
    first = portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", ADULT, services=["svc-a"]
    )
    assert first.accepted
    portal.activate(activation_token(portal, ADMIN))
    admin = login(portal, ADMIN)
    further = portal.add_org_user(
        admin, "zwei@example.org", "Zora", "Weber", admin=True, birth_date=ADULT
    )
    assert further.rules == ("form.org_admin.phone_required",)


def test_niedersachsen_registering_admin_needs_a_phone_when_the_profile_reads_every_admin() -> None:
    readings = Readings({"form.org_admin.niedersachsen_phone_scope": "every-admin"})
    portal = ReferencePortal("niedersachsen", readings=readings)
    portal.offer_service("svc-a")
    first = portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", ADULT, services=["svc-a"]
    )
    assert first.rules == ("form.org_admin.phone_required",)


HAMBURG_RETENTION = (
    "Die Aufbewahrungsfrist von Antworten in Ihrem Hamburg Serviceportal-Postfach beträgt 30 "
    "Tage. Danach werden die Antworten automatisch gelöscht."
)
HAMBURG_RESTORED = "Ein Vorgang, der wiederhergestellt wurde, wird nicht nach 30 Tagen gelöscht."


def _restored_answer(reading: str) -> tuple[ReferencePortal, str, str, str]:
    """A Hamburg Vorgang with a read answer, trashed and restored, and an inbox answer."""
    readings = Readings({"mailbox.hamburg_answer_retention": reading})
    portal = ReferencePortal("hamburg", readings=readings)
    account = citizen(portal, EMAIL)
    session = login(portal, EMAIL)
    restored = portal.start_vorgang(account, "Antrag").expect_str()
    answer = portal.deliver_message(restored, "Bescheid").expect_str()
    assert portal.read_message(session, answer).accepted
    assert portal.trash_vorgang(session, restored).accepted
    assert portal.restore_vorgang(session, restored).accepted
    inbox = portal.start_vorgang(account, "Anfrage").expect_str()
    other = portal.deliver_message(inbox, "Antwort").expect_str()
    return portal, restored, answer, other


@pytest.mark.parametrize(
    ("reading", "restored_kept", "inbox_kept"),
    [("answers-expire", False, False), ("restored-kept", True, False), ("trash-only", True, True)],
)
def test_hamburg_answers_follow_the_reading_when_30_days_pass_in_a_restored_vorgang(
    reading: str, restored_kept: bool, inbox_kept: bool
) -> None:
    quoted("hamburg", HAMBURG_RETENTION)
    quoted("hamburg", HAMBURG_RESTORED)
    assert load_register()["mailbox.hamburg_answer_retention"].default == "answers-expire"
    portal, restored, answer, other = _restored_answer(reading)
    portal.clock.advance(days=31)
    assert portal.vorgang_exists(restored)
    assert portal.message_exists(answer) is restored_kept
    assert portal.message_exists(other) is inbox_kept


def _berlin_reset(readings: Readings) -> ReferencePortal:
    portal = ReferencePortal("berlin", readings=readings)
    citizen(portal, EMAIL)
    assert portal.request_password_reset(EMAIL).accepted
    assert portal.answer_security_question(EMAIL, ANSWER).accepted
    return portal


def test_berlin_reset_mails_a_link_to_enter_a_new_password_when_the_default_reading_applies() -> (
    None
):
    quoted(
        "berlin",
        "Bei richtiger Antwort wird Ihnen eine E-Mail zugesandt, die Ihnen die Eingabe eines "
        "neuen Passworts für Ihre Benutzerkennung ermöglicht.",
    )
    portal = _berlin_reset(Readings())
    token = portal.outbox.token_for(EMAIL, "password_reset_link")
    assert portal.outbox.last_to(EMAIL, "new_password") is None
    assert portal.set_new_password(token, OTHER_PASSWORD).accepted
    assert portal.login(EMAIL, OTHER_PASSWORD).accepted


def test_berlin_reset_mails_a_new_password_when_the_profile_reads_password_mailed() -> None:
    quoted(
        "berlin",
        "Wenn Sie Ihr Passwort vergessen haben, können Sie per E-Mail ein neues Passwort "
        "anfordern.",
    )
    portal = _berlin_reset(Readings({"password_reset.berlin_mail": "password-mailed"}))
    assert portal.outbox.last_to(EMAIL, "password_reset_link") is None
    mailed = portal.outbox.token_for(EMAIL, "new_password")
    assert not portal.login(EMAIL, PASSWORD).accepted
    assert portal.login(EMAIL, mailed).accepted


SUBSCRIBED: dict[LandId, str] = {
    "sachsen-anhalt": "Anschließend erhalten Sie unter dem Reiter „Online-Dienste verwalten“ alle "
    "abonnierten Online-Dienste Ihrer Organisation angezeigt.",
    "hamburg": "Als Administrator können Sie Ihre Mitarbeiter/innen für die abonnierten "
    "Online-Dienste der Organisation berechtigen.",
    "berlin": "Als Master-User können Sie Ihre Mitarbeiter und mitarbeiterinnen für die "
    "abonnierten Online-Dienste der Firma/Behörde berechtigen.",
}


@pytest.mark.parametrize("land", sorted(SUBSCRIBED))
def test_grant_of_an_unsubscribed_service_is_refused_on_its_rule_when_the_text_says_subscribed(
    land: LandId,
) -> None:
    quoted(land, SUBSCRIBED[land])
    portal = ReferencePortal(land)
    org, admin = organisation(portal, ADMIN, services=("svc-a",))
    user = member(portal, admin, "max@example.org")
    portal.offer_service("svc-b")
    refused = portal.grant_service(admin, user, "svc-b")
    assert refused.rules == ("org.services.grant_only_subscribed",)
    portal.approve_service(org, "svc-a")
    assert portal.grant_service(admin, user, "svc-a").accepted


def test_sachsen_anhalt_citizen_registers_without_consent_when_only_organisations_are_asked() -> (
    None
):
    quoted(
        "sachsen-anhalt",
        "Um sich zu registrieren, müssen Sie lediglich Ihren Namen, eine gültige E-Mail-Adresse "
        "und ein selbstgewähltes Passwort angeben.",
    )
    quoted(
        "sachsen-anhalt",
        "Dazu stimmen Sie bitte erst der Speicherung und Verarbeitung Ihrer Daten zu",
    )
    portal = ReferencePortal("sachsen-anhalt")
    outcome = portal.register_citizen(
        EMAIL, PASSWORD, "Anna", "Muster", salutation="Frau", consent=False
    )
    assert outcome.accepted
    portal.offer_service("svc-a")
    refused = portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", ADULT,
        services=["svc-a"], consent=False,
    )  # fmt: skip
    assert refused.rules == ("registration.consent_required",)


@pytest.mark.parametrize(("reading", "mailed"), [("same-as-plus", True), ("plus-only", False)])
def test_basic_niedersachsen_citizen_gets_a_new_password_only_when_the_reading_allows(
    reading: str, mailed: bool
) -> None:
    quoted(
        "niedersachsen",
        "Wenn Sie ein Servicekonto Plus haben, erhalten Sie ebenfalls ein neues Passwort per "
        "E-Mail.",
    )
    assert load_register()["password_reset.basic_citizen"].default == "same-as-plus"
    portal = _citizen_session("niedersachsen", Readings({"password_reset.basic_citizen": reading}))
    outcome = portal.request_password_reset(EMAIL)
    assert outcome.accepted is mailed
    assert (portal.outbox.last_to(EMAIL, "new_password") is not None) is mailed
    if not mailed:
        assert outcome.rules == ("password_reset.new_password_by_mail",)


def test_organisation_street_left_empty_is_refused_when_the_town_belongs_there() -> None:
    quoted(
        "hamburg",
        "Sollte in der Adresse Ihrer Organisation kein Straßenname vorkommen, so tragen Sie in "
        'das Feld "Straße" bitte ebenfalls den Ort ein.',
    )
    portal = ReferencePortal("hamburg")
    portal.offer_service("svc-a")

    def register(street: str) -> list[str]:
        outcome = portal.register_organisation(
            "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", ADULT,
            services=["svc-a"], admin_phone="+49 40 1", org_data={"street": street},
        )  # fmt: skip
        return list(outcome.rules)

    assert register(" ") == ["address.street_required"]
    assert register("Hamburg") == []


@pytest.mark.parametrize(("land", "refused"), [("berlin", True), ("hamburg", False)])
def test_citizen_street_left_empty_is_refused_only_when_the_citizen_form_says_so(
    land: LandId, refused: bool
) -> None:
    quoted(
        "berlin",
        "Sollte in Ihrer Adresse kein Straßenname vorkommen, so tragen Sie in das Feld “Straße” "
        "bitte ebenfalls den Ort ein.",
    )
    portal = _citizen_session(land)
    outcome = portal.edit_profile(login(portal, EMAIL), {"street": ""})
    assert outcome.accepted is not refused
    if refused:
        assert outcome.rules == ("address.street_required",)


@pytest.mark.parametrize(("land", "offered"), [("niedersachsen", True), ("hamburg", False)])
def test_administrator_sets_a_users_password_only_when_the_text_says_so(
    land: LandId, offered: bool
) -> None:
    quoted(
        "niedersachsen",
        "Tragen Sie die geänderte E-Mail-Adresse und/oder ein neues Passwort ein und klicken "
        "danach auf „Speichern“.",
    )
    portal = ReferencePortal(land)
    _org, admin = organisation(portal, ADMIN)
    user = member(portal, admin, "max@example.org")
    outcome = portal.set_user_password(admin, user, OTHER_PASSWORD)
    assert outcome.accepted is offered
    assert portal.login("max@example.org", OTHER_PASSWORD).accepted is offered


def test_rules_json_names_the_scope_of_each_land_when_a_rule_speaks_of_organisations() -> None:
    quoted("hamburg", ORGANISATION_HOUSE_NUMBER["hamburg"])
    result = CliRunner().invoke(app, ["rules", "--json", "--family", "fields"])
    assert result.exit_code == 0
    rules = {rule["id"]: rule for rule in json.loads(result.stdout)}
    lands = rules["house_number.required"]["lands"]
    assert lands["hamburg"]["scope"] == ["organisation"]
    assert lands["berlin"]["scope"] == []


@pytest.mark.parametrize("land", ["sachsen-anhalt", "gemeinsam-online", "hamburg", "niedersachsen"])
def test_previous_credentials_log_in_when_the_account_was_upgraded_with_the_eid(
    land: LandId,
) -> None:
    sentence = load_catalog().rule("upgrade.credentials_unchanged").lands[land].quotes[0]
    assert "bisherigen Zugangsdaten" in quoted(land, sentence)
    portal = _citizen_session(land)
    account = portal.account_id_of(EMAIL)
    assert account is not None
    card = IdCard("Anna", "Muster", date(1990, 2, 3))
    assert portal.upgrade_with_eid(login(portal, EMAIL), card).accepted
    assert portal.account_level(account) == "servicekonto_plus"
    assert portal.login(EMAIL, PASSWORD).accepted


# A value that breaks each house-number rule and no other rule of the field.
HOUSE_NUMBER_BREAKERS: dict[str, str] = {
    "house_number.required": "",
    "house_number.max_length": "123456789012",
    "house_number.no_spaces": "12 a",
    "house_number.characters": "12/14",
}
SCOPED_HOUSE_NUMBER_RULES = [
    pytest.param(land, rule.id, statement.scope, id=f"{land}-{rule.id}")
    for rule in load_catalog().for_field("house_number")
    for land, statement in rule.lands.items()
    if statement.scope
]


def _submit_house_number(portal: ReferencePortal, scope: str, value: str) -> tuple[str, ...]:
    if scope == "citizen":
        citizen(portal, EMAIL)
        return portal.edit_profile(login(portal, EMAIL), {"house_number": value}).rules
    portal.offer_service("svc-a")
    return portal.register_organisation(
        "Muster GmbH", ADMIN, PASSWORD, "Erika", "Muster", ADULT,
        services=["svc-a"], admin_phone="+49 30 1", org_data={"house_number": value},
    ).rules  # fmt: skip


@pytest.mark.parametrize(("land", "rule", "scope"), SCOPED_HOUSE_NUMBER_RULES)
def test_house_number_rule_is_enforced_only_in_its_scope_when_a_value_breaks_it(
    land: LandId, rule: str, scope: tuple[str, ...]
) -> None:
    for quote in load_catalog().rule(rule).lands[land].quotes:
        quoted(land, quote)
    strict = Readings({"house_number.charset_examples": "digits-letters-hyphen"})
    value = HOUSE_NUMBER_BREAKERS[rule]
    assert rules(validate(land, "house_number", value, strict)) == [rule]
    for form in ("citizen", "organisation"):
        broken = _submit_house_number(ReferencePortal(land, readings=strict), form, value)
        assert broken == ((rule,) if form in scope else ()), form


BERLIN_VERTRETUNG = (
    "Diese Funktion können Sie nutzen, wenn Sie eine Vertretung zur Nutzung von Online-Diensten "
    "einrichten wollen, für die Sie und die Vertretung eine Nutzungsberechtigung durch den "
    "Master-User der Firma erhalten haben."
)


def _berlin_company(readings: Readings | None = None) -> tuple[ReferencePortal, str, str, str]:
    """A Berlin firm with two approved services; the principal may use svc-a, the deputy none."""
    portal = ReferencePortal("berlin", readings=readings)
    org, admin = organisation(portal, ADMIN, services=("svc-a", "svc-b"))
    portal.approve_service(org, "svc-a")
    portal.approve_service(org, "svc-b")
    principal = member(portal, admin, "prinzipal@example.org")
    deputy = member(portal, admin, "vertreter@example.org")
    assert portal.grant_service(admin, principal, "svc-a").accepted
    return portal, admin, principal, deputy


def test_berlin_vertretung_is_refused_when_the_deputy_holds_no_permission_of_their_own() -> None:
    quoted("berlin", BERLIN_VERTRETUNG)
    assert load_register()["org.vertretung.deputy_permission"].default == "any-permission"
    portal, admin, principal, deputy = _berlin_company()
    refused = portal.add_vertretung(admin, deputy, principal_id=principal)
    assert refused.rules == ("org.vertretung.deputy_needs_permission",)
    assert portal.grant_service(admin, deputy, "svc-b").accepted
    assert portal.add_vertretung(admin, deputy, principal_id=principal).accepted


@pytest.mark.parametrize(
    ("reading", "accepted"),
    [("any-permission", True), ("shared-service", False), ("any-company-user", True)],
)
def test_berlin_vertretung_follows_the_reading_when_the_deputy_holds_another_service(
    reading: str, accepted: bool
) -> None:
    quoted("berlin", BERLIN_VERTRETUNG)
    readings = Readings({"org.vertretung.deputy_permission": reading})
    portal, admin, principal, deputy = _berlin_company(readings)
    assert portal.grant_service(admin, deputy, "svc-b").accepted
    assert portal.add_vertretung(admin, deputy, principal_id=principal).accepted is accepted


def test_berlin_vertretung_of_a_deputy_without_permission_is_accepted_when_read_as_any_user() -> (
    None
):
    readings = Readings({"org.vertretung.deputy_permission": "any-company-user"})
    portal, admin, principal, deputy = _berlin_company(readings)
    assert portal.add_vertretung(admin, deputy, principal_id=principal).accepted


def test_hamburg_funktionspostfach_is_refused_when_description_or_access_is_missing() -> None:
    quoted(
        "hamburg",
        "Hier muss ein Name und eine Beschreibung für das Funktionspostfach sowie die "
        "entsprechende Gruppe ausgewählt werden.",
    )
    portal = ReferencePortal("hamburg")
    _org, admin = organisation(portal, ADMIN)
    user = member(portal, admin, "max@example.org")
    group = portal.create_group(admin, "Poststelle").expect_str()
    rule = ("org.funktionspostfach.name_description_and_access",)
    assert portal.create_function_mailbox(admin, "Eingang", groups=[group]).rules == rule
    assert portal.create_function_mailbox(admin, "Eingang", "Post").rules == rule
    assert portal.create_function_mailbox(admin, "Eingang", "Post", groups=[group]).accepted
    assert portal.create_function_mailbox(admin, "Ohne Dienst", "Post", persons=[user]).accepted


BERLIN_PSEUDONYM = (
    "Das auf Ihrem Ausweis gespeicherte Pseudonym wird ebenfalls ausgelesen und übermittelt, "
    "sodass Sie sich auch via Online-Ausweisfunktion an Ihrem Benutzerkonto anmelden können."
)
WITHHELD = IdCard("Anna", "Muster", date(1990, 2, 3))  # the pseudonym deselected


@pytest.mark.parametrize(("land", "refused"), [("berlin", True), ("hamburg", False)])
def test_eid_upgrade_without_the_pseudonym_is_refused_only_where_the_text_always_reads_it(
    land: LandId, refused: bool
) -> None:
    quoted("berlin", BERLIN_PSEUDONYM)
    quoted(
        "hamburg",
        'Wenn Sie während der Registrierung in der AusweisApp2 das Auswahlfeld "Pseudonym" '
        "aktivieren, können Sie sich zukünftig mit der Online-Ausweisfunktion anmelden.",
    )
    portal = _citizen_session(land)
    outcome = portal.upgrade_with_eid(login(portal, EMAIL), WITHHELD)
    assert outcome.accepted is not refused
    if refused:
        assert outcome.rules == ("eid.pseudonym_always_transmitted",)


def test_berlin_eid_registration_is_refused_when_the_card_withholds_its_pseudonym() -> None:
    quoted("berlin", BERLIN_PSEUDONYM)
    portal = ReferencePortal("berlin")
    outcome = portal.register_citizen_with_eid(
        EMAIL, PASSWORD, WITHHELD, salutation="Frau",
        security_question="Haustier?", security_answer=ANSWER,
    )  # fmt: skip
    assert outcome.rules == ("eid.pseudonym_always_transmitted",)


def test_berlin_office_refuses_level_2_when_the_address_and_birth_date_are_missing() -> None:
    quoted(
        "berlin",
        "Bei der Registrierung eines Benutzerkontos in Sicherheitsstufe 2 sind zudem weitere "
        "personenbezogene Daten erforderlich, wie Ihre aktuelle Meldeadresse und Ihr Geburtsdatum.",
    )
    portal = _citizen_session("berlin")
    assert portal.confirm_at_office(EMAIL).rules == ("upgrade.level2_via_buergeramt",)
    data = {"birth_date": "1990-02-03", "street": "Hauptstraße", "house_number": "12",
            "postcode": "10115", "city": "Berlin"}  # fmt: skip
    assert portal.confirm_at_office(EMAIL, data).accepted


@pytest.mark.parametrize(
    ("land", "rule"),
    [("berlin", "service.enabled_accounts_only"), ("hamburg", "sim.not_authorised")],
)
def test_company_user_without_a_grant_is_refused_on_the_rule_when_the_text_states_it(
    land: LandId, rule: str
) -> None:
    quoted(
        "berlin",
        "Sollten Sie für den gewählten Online-Dienst nicht freigeschaltet sein, erhalten Sie einen "
        "entsprechenden Hinweis.",
    )
    portal = ReferencePortal(land)
    org, admin = organisation(portal, ADMIN, services=("svc-a",))
    portal.approve_service(org, "svc-a")
    member(portal, admin, "max@example.org")
    session = login(portal, "max@example.org")
    assert portal.use_service(session, "svc-a").rules == (rule,)


def test_berlin_citizen_below_the_services_level_is_refused_on_the_enablement_rule() -> None:
    quoted(
        "berlin",
        "Das Service-Konto in Sicherheitsstufe 2 berechtigt Sie für die Benutzung aller "
        "Online-Dienste für Bürgerinnen und Bürger.",
    )
    portal = _citizen_session("berlin")
    portal.offer_service("level-2", requires_plus=True)
    outcome = portal.use_service(login(portal, EMAIL), "level-2")
    assert outcome.rules == ("service.enabled_accounts_only",)


def test_diff_shows_a_rule_whose_lands_differ_only_in_scope() -> None:
    quoted("hamburg", "Leerzeichen in der Hausnummer sind nicht zulässig!")
    result = CliRunner().invoke(app, ["diff", "berlin", "hamburg", "--json"])
    assert result.exit_code == 0
    rows = {row["id"]: row for row in json.loads(result.stdout)}
    spaces = rows["house_number.no_spaces"]
    assert spaces["hamburg"]["scope"] == ["organisation"]
    assert spaces["berlin"]["scope"] == []
    assert spaces["hamburg"]["value"].endswith("scope: organisation")


REPLY_SENTENCE: dict[LandId, str] = {
    "gemeinsam-online": "Die Absender können eine Antwortmöglichkeit vorsehen.",
    "hamburg": "Die Absender können eine Antwortmöglichkeit vorsehen.",
    "niedersachsen": "Die Absender bei den Behörden können entsprechend der beantragten "
    "Verwaltungsleistung eine Antwortmöglichkeit vorsehen.",
}


@pytest.mark.parametrize("land", sorted(REPLY_SENTENCE))
def test_reply_to_a_vorgang_is_a_listed_non_rule_while_no_operation_replies(land: LandId) -> None:
    sentence = quoted(land, REPLY_SENTENCE[land])
    listed = [n for n in load_non_rules() if n.land == land and sentence in n.quotes]
    assert len(listed) == 1
    assert "operation" in listed[0].reason
    operations = (
        resources.files("skc.conformance").joinpath("adapters", "operations.yaml").read_text()
    )
    assert "- name: reply" not in operations  # an operation that replies makes this a rule


def test_sachsen_anhalt_plus_service_refuses_a_basic_citizen_on_the_rule_and_a_user_on_sim() -> (
    None
):
    quoted(
        "sachsen-anhalt",
        "Zur Nutzung bestimmter Online-Dienste benötigen Sie ein Servicekonto Plus.",
    )
    assert load_catalog().rule("service.enabled_accounts_only").lands["sachsen-anhalt"].scope == (
        "citizen",
    )
    portal = _citizen_session("sachsen-anhalt")
    portal.offer_service("plus-only", requires_plus=True)
    refused = portal.use_service(login(portal, EMAIL), "plus-only")
    assert refused.rules == ("service.enabled_accounts_only",)
    org, admin = organisation(portal, ADMIN, services=("svc-a",))
    portal.approve_service(org, "svc-a")
    member(portal, admin, "max@example.org")
    user = login(portal, "max@example.org")
    assert portal.use_service(user, "svc-a").rules == ("sim.not_authorised",)


def test_hamburg_elster_login_is_refused_on_the_rule_when_the_certificate_was_deleted() -> None:
    quoted("hamburg", "Sonst muss zunächst ein ELSTER-Zertifikat hinterlegt werden.")
    portal = ReferencePortal("hamburg")
    _org, admin = organisation(portal, ADMIN)
    rule = ("org.elster.login_needs_linked_certificate",)
    assert portal.login_with_elster("cert-erika").rules == rule
    assert portal.link_elster(admin, "cert-erika", "elster-muster").accepted
    session = portal.login_with_elster("cert-erika").expect_str()
    assert portal.unlink_elster(session).accepted
    assert portal.login_with_elster("cert-erika").rules == rule


def test_vertretung_for_another_user_is_refused_on_the_master_user_rule_when_a_user_sets_it() -> (
    None
):
    quoted(
        "berlin",
        "Als Master-User einer Firma können Sie für die Firmennutzer und -nutzerinnen eine "
        "Vertretung einrichten oder löschen.",
    )
    portal, admin, principal, deputy = _berlin_company()
    assert portal.grant_service(admin, deputy, "svc-b").accepted
    member(portal, admin, "dritte@example.org")
    session = login(portal, "dritte@example.org")
    refused = portal.add_vertretung(session, deputy, principal_id=principal)
    assert refused.rules == ("org.vertretung.master_user_manages",)
    vertretung = portal.add_vertretung(admin, deputy, principal_id=principal).expect_str()
    assert portal.delete_vertretung(session, vertretung).rules == (
        "org.vertretung.master_user_manages",
    )


@pytest.mark.parametrize("land", ["hamburg", "berlin"])
def test_eid_data_sync_of_a_basic_account_is_refused_on_its_rule_when_the_text_says_plus(
    land: LandId,
) -> None:
    quoted(
        "hamburg",
        "Als Inhaber/in eines Servicekonto Plus aktualisieren Sie die Daten in Ihrem "
        "Benutzerprofil",
    )
    portal = _citizen_session(land)
    card = IdCard("Anna", "Muster", date(1990, 2, 3))
    assert portal.sync_eid(login(portal, EMAIL), card).rules == ("eid.data_sync",)
