"""The forms a field's value reaches a portal through, and the steps that lead to each.

:func:`~skc.conformance.adapters.operations.field_forms` derives from the operation declarations
which operations take which field (``field:`` / ``fields:`` in ``operations.yaml``). For each
(field, operation) pair this module says how the field suite gets there: the set-up steps (a
logged-in citizen, a reset link from the captured mail, an organisation with its administrator,
a member added by the administrator) and the step that submits the value, whose account kind
(``scope``) decides which of the Land's rules bind it (Hamburg's house-number rules speak of
"die Adresse Ihrer Organisation" only). ``available`` says whether the Land's text describes
the form at all: only Berlin mails a link to set a new password after "Passwort vergessen?",
only the Länder that mail organisation users an activation link let them choose a password there.

A pair the suite does not probe is listed in :data:`NOT_PROBED` with the reason; a test checks
that every pair of the table is in one of the two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from skc.conformance.steps import Step
from skc.model.catalog import Scope
from skc.model.sim.rules import LandRules
from skc.model.sim.scenarios import ADULT, PHONE, QUESTION

SERVICE: Final = "svc-fields"
OWNER: Final = "feld@example.org"  # the account whose form it is
MEMBER: Final = "mitglied@example.org"  # an organisation member its administrator adds
CITIZEN: Final = {
    "first_name": "Anna", "last_name": "Muster", "salutation": "Frau",
    "security_question": QUESTION, "security_answer": "$answer",
}  # fmt: skip
# A complete address for the forms that need one (the value under test replaces one key).
ADDRESS: Final = {
    "birth_date": ADULT.isoformat(), "street": "Musterweg", "house_number": "12",
    "postcode": "20095", "city": "Hamburg",
}  # fmt: skip

Steps = list[Step]
# The eID registration runs PACE on a virtual card for every value (about 25 ms a side).
EID_SHARE: Final = 0.1


def citizen_registration(email: object, password: object, **extra: object) -> Step:
    """The citizen registration form with the suite's name, salutation and security answer."""
    return Step(
        do="register_citizen", args={"email": email, "password": password, **CITIZEN, **extra}
    )


def organisation_registration(
    org_name: object, admin_email: object, admin_password: object = "$password", **org_data: object
) -> Step:
    """The organisation registration form (one service subscribed, an adult administrator)."""
    args: dict[str, Any] = {
        "org_name": org_name, "admin_email": admin_email, "admin_password": admin_password,
        "admin_first_name": "Erika", "admin_last_name": "Muster",
        "admin_birth_date": ADULT.isoformat(), "services": [SERVICE], "admin_phone": PHONE,
    }  # fmt: skip
    if org_data:
        args["org_data"] = org_data
    return Step(do="register_organisation", args=args)


def _step(do: str, save: str | None = None, **args: object) -> Step:
    return Step(do=do, args=args, save=save)


def _activated_citizen(rules: LandRules) -> Steps:
    del rules
    return [
        citizen_registration(OWNER, "$password"),
        _step("mail_token", "activation", to=OWNER, kind="activation"),
        _step("activate", token="$activation"),
    ]


def _citizen_session(rules: LandRules) -> Steps:
    login = _step("login", "session", email=OWNER, password="$password")
    return [*_activated_citizen(rules), login]


def _admin_session(rules: LandRules) -> Steps:
    steps = [
        _step("offer_service", service_id=SERVICE),
        organisation_registration("Muster GmbH", OWNER),
    ]
    if rules.stated("org.admin_activation_link_lifetime"):  # Berlin's Master-User needs none
        steps += [
            _step("mail_token", "activation", to=OWNER, kind="activation"),
            _step("activate", token="$activation"),
        ]
    return [*steps, _step("login", "session", email=OWNER, password="$password")]


def _add_member(email: object = MEMBER, password: object = "$other_password") -> Step:
    return _step(
        "add_org_user", "member", session="$session", email=email, first_name="Max",
        last_name="Mitarbeiter", password=password,
    )  # fmt: skip


def _member_link() -> Step:
    return _step("mail_token", "member_activation", to=MEMBER, kind="activation")


@dataclass(frozen=True, slots=True)
class Form:
    """How the field suite submits a value through one operation: ``steps(value, rules)`` is
    the set-up followed by the submitting step (the last one)."""

    field: str
    operation: str
    scope: Scope
    steps: Callable[[object, LandRules], Steps]
    available: Callable[[LandRules], bool] = lambda rules: True
    share: float = 0.5  # of the profile's examples: the set-up runs before every value
    filled: bool = False  # the form needs the key filled in (an empty value is a missing one)

    def offered(self, rules: LandRules) -> bool:
        """Whether the Land's text describes this form (organisation forms: some ``org.``
        rule is stated at all)."""
        organisations = self.scope != "organisation" or rules.stated_family_prefix("org.")
        return organisations and self.available(rules)

    @property
    def name(self) -> str:
        """The form in a check id: ``password@change_password``."""
        return f"{self.field}@{self.operation}"


def _eid_registration_offered(rules: LandRules) -> bool:
    variants = rules.list_param("registration.variants", "variants")
    return (
        rules.stated("registration.plus_data_from_eid")
        or rules.stated("eid.registration_yields_plus")
        or "level2_eid" in variants
    )


def _eid_registration(email: object, password: object) -> Step:
    return Step(
        do="register_citizen_with_eid",
        args={"email": email, "password": password, "card": "$card", "salutation": "Frau",
              "security_question": QUESTION, "security_answer": "$answer"},
    )  # fmt: skip


def _reset_link_offered(rules: LandRules) -> bool:
    return (
        rules.stated("password_reset.security_question")
        and rules.readings["password_reset.berlin_mail"] == "link-to-set"
    )


def _set_new_password(value: object, rules: LandRules) -> Steps:
    return [
        *_activated_citizen(rules),
        _step("request_password_reset", email=OWNER),
        _step("answer_security_question", email=OWNER, answer="$answer"),
        _step("mail_token", "reset", to=OWNER, kind="password_reset_link"),
        _step("set_new_password", token="$reset", new_password=value),
    ]


def _activate_member(value: object, rules: LandRules) -> Steps:
    return [
        *_admin_session(rules), _add_member(), _member_link(),
        _step("activate_org_user", token="$member_activation", password=value),
    ]  # fmt: skip


def _set_user_password(value: object, rules: LandRules) -> Steps:
    steps = [*_admin_session(rules), _add_member()]
    if rules.stated("org.users.activation_link"):
        steps += [
            _member_link(),
            _step("activate_org_user", token="$member_activation", password="$other_password"),
        ]
    return [*steps, _step("set_user_password", session="$session", user_id="$member",
                          new_password=value)]  # fmt: skip


def _email_change(session: Callable[[LandRules], Steps]) -> Callable[[object, LandRules], Steps]:
    def steps(value: object, rules: LandRules) -> Steps:
        change = _step("request_email_change", session="$session", new_email=value, repeated=value)
        return [*session(rules), change]

    return steps


def _edit(
    operation: str, key: str, session: Callable[[LandRules], Steps]
) -> Callable[[object, LandRules], Steps]:
    def steps(value: object, rules: LandRules) -> Steps:
        return [*session(rules), _step(operation, session="$session", changes={key: value})]

    return steps


def _office_upgrade(key: str) -> Callable[[object, LandRules], Steps]:
    def steps(value: object, rules: LandRules) -> Steps:
        profile = {**ADDRESS, key: value}
        return [*_citizen_session(rules), _step("request_office_upgrade", session="$session",
                                                profile=profile)]  # fmt: skip

    return steps


def _confirm_at_office(key: str) -> Callable[[object, LandRules], Steps]:
    def steps(value: object, rules: LandRules) -> Steps:
        profile = {**ADDRESS, key: value}
        return [
            *_activated_citizen(rules),
            _step("confirm_at_office", email=OWNER, profile=profile),
        ]

    return steps


def _office_offered(rules: LandRules) -> bool:
    return rules.stated("upgrade.via_customer_centre") or rules.stated(
        "upgrade.level2_via_buergeramt"
    )


def _org_registration(key: str) -> Callable[[object, LandRules], Steps]:
    def steps(value: object, rules: LandRules) -> Steps:
        del rules
        return [
            _step("offer_service", service_id=SERVICE),
            organisation_registration("Muster GmbH", OWNER, **{key: value}),
        ]

    return steps


def _editable_org_field(rules: LandRules, key: str) -> bool:
    """Berlin locks the organisation's name once registered (profile.locked_fields.organisation)."""
    return key not in rules.list_param("profile.locked_fields.organisation", "fields")


def _org_member(value: object, rules: LandRules) -> Steps:
    return [*_admin_session(rules), _add_member(email=value)]


def _member_email(value: object, rules: LandRules) -> Steps:
    change = _step("change_user_email", session="$session", user_id="$member", new_email=value)
    return [*_admin_session(rules), _add_member(), change]


# Every (field, operation) pair the suite probes beyond the field's registration form.
SECONDARY_FORMS: Final = (
    Form(
        "password",
        "change_password",
        "citizen",
        lambda v, r: [
            *_citizen_session(r),
            _step("change_password", session="$session", old_password="$password", new_password=v),
        ],
    ),
    Form("password", "set_new_password", "citizen", _set_new_password, _reset_link_offered),
    Form(
        "password",
        "register_organisation",
        "organisation",
        lambda v, r: [
            _step("offer_service", service_id=SERVICE),
            organisation_registration("Muster GmbH", OWNER, admin_password=v),
        ],
    ),
    Form(
        "password",
        "add_org_user",
        "organisation",
        lambda v, r: [*_admin_session(r), _add_member(password=v)],
        lambda r: not r.stated("org.users.activation_link"),
    ),
    Form(
        "password",
        "activate_org_user",
        "organisation",
        _activate_member,
        lambda r: r.stated("org.users.activation_link"),
    ),
    Form(
        "password",
        "set_user_password",
        "organisation",
        _set_user_password,
        lambda r: r.stated("org.users.admin_sets_password"),
    ),
    Form(
        "password",
        "register_citizen_with_eid",
        "citizen",
        lambda v, r: [_eid_registration(OWNER, v)],
        _eid_registration_offered,
        EID_SHARE,
    ),
    Form(
        "email",
        "register_citizen_with_eid",
        "citizen",
        lambda v, r: [_eid_registration(v, "$password")],
        _eid_registration_offered,
        EID_SHARE,
    ),
    Form("email", "request_email_change", "citizen", _email_change(_citizen_session)),
    Form("org_email", "request_email_change", "organisation", _email_change(_admin_session)),
    Form("org_email", "add_org_user", "organisation", _org_member),
    Form("org_email", "change_user_email", "organisation", _member_email),
    Form(
        "house_number",
        "register_citizen",
        "citizen",
        lambda v, r: [citizen_registration(OWNER, "$password", profile={"house_number": v})],
    ),
    Form(
        "house_number",
        "edit_profile",
        "citizen",
        _edit("edit_profile", "house_number", _citizen_session),
    ),
    Form(
        "house_number",
        "request_office_upgrade",
        "citizen",
        _office_upgrade("house_number"),
        lambda r: r.stated("upgrade.via_customer_centre"),
    ),
    Form(
        "house_number",
        "confirm_at_office",
        "citizen",
        _confirm_at_office("house_number"),
        _office_offered,
    ),
    Form(
        "house_number", "register_organisation", "organisation", _org_registration("house_number")
    ),
    Form(
        "house_number",
        "edit_organisation",
        "organisation",
        _edit("edit_organisation", "house_number", _admin_session),
    ),
    Form("address", "edit_profile", "citizen", _edit("edit_profile", "city", _citizen_session)),
    Form(
        "address",
        "request_office_upgrade",
        "citizen",
        _office_upgrade("city"),
        lambda r: r.stated("upgrade.via_customer_centre"),
        filled=True,
    ),
    Form(
        "address",
        "confirm_at_office",
        "citizen",
        _confirm_at_office("city"),
        _office_offered,
        filled=True,
    ),
    Form(
        "org_name",
        "edit_organisation",
        "organisation",
        _edit("edit_organisation", "org_name", _admin_session),
        lambda r: _editable_org_field(r, "org_name"),
    ),
    Form(
        "postbox",
        "edit_organisation",
        "organisation",
        _edit("edit_organisation", "postbox", _admin_session),
    ),
)

# Pairs of the table the suite does not probe, with the reason.
NOT_PROBED: Final[dict[tuple[str, str], str]] = {}


__all__ = [
    "ADDRESS", "CITIZEN", "MEMBER", "NOT_PROBED", "OWNER", "SECONDARY_FORMS", "SERVICE", "Form",
    "citizen_registration", "organisation_registration",
]  # fmt: skip
