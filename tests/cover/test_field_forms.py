"""Every field through every form that takes it: the table derived from the operation
declarations, the forms the field suite walks to, and what each finds."""

from __future__ import annotations

import pytest
from hypothesis import Phase, find, settings

from skc.conformance.adapters import InProcessAdapter
from skc.conformance.adapters.operations import DECLARED, field_forms
from skc.conformance.faults import Fault
from skc.conformance.lockstep import Lockstep
from skc.conformance.profile import reference_profile
from skc.conformance.steps import Secret, Verbatim
from skc.conformance.suites.base import CheckContext
from skc.conformance.suites.fields import FORMS, field_checks, form_for
from skc.conformance.suites.forms import NOT_PROBED, SECONDARY_FORMS, Form
from skc.conformance.verdicts import Verdict
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId
from skc.model.sim.rules import LandRules
from skc.model.strategies import breakable_rules, invalid_values, valid_values

# What the help texts make a person type, form by form (issue 10): the table must say so.
EXPECTED = {
    "password": {
        "register_citizen", "register_citizen_with_eid", "register_organisation",
        "change_password", "set_new_password", "activate_org_user", "add_org_user",
        "set_user_password",
    },
    "email": {"register_citizen", "register_citizen_with_eid", "request_email_change"},
    "org_email": {
        "register_organisation", "add_org_user", "change_user_email", "request_email_change",
    },
    "house_number": {
        "register_citizen", "edit_profile", "request_office_upgrade", "confirm_at_office",
        "register_organisation", "edit_organisation",
    },
    "org_name": {"register_organisation", "edit_organisation"},
    "postbox": {"register_organisation", "edit_organisation"},
}  # fmt: skip
# Secret parameters that carry a password without setting one: they are checked, not bound.
CHECKED_ONLY = {("login", "password"), ("change_password", "old_password")}
FIRST = settings(max_examples=400, phases=[Phase.generate], database=None)


def test_table_names_every_form_of_a_field_when_derived_from_the_declarations() -> None:
    table = {field: {slot.operation for slot in slots} for field, slots in field_forms().items()}
    for field, operations in EXPECTED.items():
        assert table[field] == operations, field


def test_every_password_parameter_is_bound_or_only_checked_when_declared() -> None:
    bound = {(s.operation, s.param) for s in field_forms()["password"]}
    for op in DECLARED.values():
        for param in op.params:
            if param.secret and "password" in param.name:
                assert (op.name, param.name) in bound | CHECKED_ONLY, (op.name, param.name)


# Addresses an account is created with or changed to that no field rule binds, and why.
UNBOUND_ADDRESSES = {
    ("register_with_other_account", "email"): "the address comes with the other Land's account",
}


def test_every_address_an_account_gets_is_bound_to_a_field_when_declared() -> None:
    bound = {(s.operation, s.param) for f in ("email", "org_email") for s in field_forms()[f]}
    for op in DECLARED.values():
        for param in op.params:
            given = param.name == op.creates_account or param.name == "new_email"
            if param.kind == "email" and given:
                assert (op.name, param.name) in bound | set(UNBOUND_ADDRESSES), op.name


def test_every_slot_of_the_table_is_probed_or_listed_when_planned() -> None:
    probed = {(form.field, form.operation) for form in SECONDARY_FORMS}
    first = {
        (field, form_for(land, field)("x", "x@example.org").do) for land in LANDS for field in FORMS
    }
    for field, slots in field_forms().items():
        for slot in slots:
            pair = (field, slot.operation)
            assert pair in probed | first | set(NOT_PROBED), pair


def test_every_further_form_is_a_slot_of_the_table_when_declared() -> None:
    table = {(field, s.operation) for field, slots in field_forms().items() for s in slots}
    assert {(form.field, form.operation) for form in SECONDARY_FORMS} <= table


def planned_forms() -> list[tuple[LandId, Form]]:
    out = []
    for land in LANDS:
        names = {c.name for c in field_checks(land)}
        out += [(land, f) for f in SECONDARY_FORMS if f.name in names]
    return out


def _wrap(field: str, value: str) -> Secret | Verbatim:
    return Secret(value) if field == "password" else Verbatim(value)


def _submit(land: LandId, form: Form, value: str) -> tuple[bool, tuple[str, ...]]:
    """Walk the form's set-up on the reference portal (every step must be accepted) and
    submit the value; the model's answer."""
    profile = reference_profile(land)
    rules = LandRules(land)
    with Lockstep(
        InProcessAdapter(land).connect(), InProcessAdapter(land).connect(), profile
    ) as pair:
        *set_up, last = form.steps(_wrap(form.field, value), rules)
        for step in set_up:
            _, model = pair.run(step)
            assert model.accepted or step.do == "mail_token", (step.render(), model.rules)
        _, model = pair.run(last)
    return model.accepted, model.rules


@pytest.mark.parametrize(("land", "form"), planned_forms(), ids=lambda x: getattr(x, "name", x))
def test_further_form_takes_a_valid_value_and_refuses_a_breaking_one_when_walked_to(
    land: LandId, form: Form
) -> None:
    valid = find(
        valid_values(land, form.field), lambda v: bool(v) or not form.filled, settings=FIRST
    )
    assert _submit(land, form, valid) == (True, ())
    catalog = load_catalog()
    for rule in breakable_rules(land, form.field):
        if catalog.rule(rule).applies(land, form.scope):
            breaking = invalid_values(land, form.field, rule)
            value = find(breaking, bool, settings=FIRST)  # "" is a missing value
            accepted, rules = _submit(land, form, value)
            assert not accepted, rule
            assert rule in rules, (rule, rules)


def test_form_not_described_by_the_land_is_not_planned_when_the_text_is_silent() -> None:
    names = {c.name for c in field_checks("hamburg")}
    assert "password@activate_org_user" in names  # Hamburg mails members an activation link
    assert "password@add_org_user" not in names  # ... so the administrator sets no password
    assert "password@set_new_password" not in names  # a new password comes by mail
    assert "password@set_new_password" in {c.name for c in field_checks("berlin")}
    assert not any("@" in c.name and "org" in c.name for c in field_checks("gemeinsam-online"))


def test_house_number_stated_for_organisations_is_probed_on_organisation_forms_only() -> None:
    names = {c.name for c in field_checks("hamburg") if c.name.startswith("house_number")}
    assert "house_number@edit_organisation" in names
    assert "house_number@edit_profile" not in names  # "die Adresse Ihrer Organisation"
    berlin = {c.name for c in field_checks("berlin") if c.name.startswith("house_number")}
    assert {"house_number@edit_profile", "house_number@edit_organisation"} <= berlin


def test_finding_names_the_form_when_a_portal_checks_the_rule_at_registration_only() -> None:
    fault = Fault(
        name="t", land="berlin", rule="password.min_length", description="t",
        behaviour="field_rule_only_at_registration",
    )  # fmt: skip
    checks = {c.name: c for c in field_checks("berlin")}
    faulty = InProcessAdapter("berlin", reference_profile("berlin"), fault)
    first = checks["password/password.min_length"].run(CheckContext(faulty, seed=1))
    assert first.verdict is Verdict.PASS  # registration checks the rule
    result = checks["password@change_password"].run(CheckContext(faulty, seed=1))
    assert result.verdict is Verdict.FAIL
    assert result.rule == "password.min_length"
    assert result.observed == "accepted"
    assert any("change_password" in line for line in result.example)
