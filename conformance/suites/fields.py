"""The property-based field suite: values around every boundary, through the portal's own forms.

For every field rule the Land states, hypothesis draws values the model accepts and values that
break the rule (:mod:`skc.model.strategies`), submits each through the form that carries the field
(registration, profile, organisation data) on a fresh portal and a fresh model, compares
accept / reject, and shrinks a disagreement to a minimal value. Password values are secrets:
findings describe them (length, character classes), and the replay reproduces them from the seed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from hypothesis import example, given, seed, settings
from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

from skc.conformance.adapters.identities import Identities
from skc.conformance.adapters.operations import operation
from skc.conformance.lockstep import Unobservable
from skc.conformance.steps import Secret, Step, Verbatim
from skc.conformance.suites.base import Check, CheckContext, CheckResult, Pairs, guarded
from skc.conformance.suites.forms import SECONDARY_FORMS, SERVICE, Form
from skc.conformance.suites.forms import citizen_registration as _citizen
from skc.conformance.suites.forms import organisation_registration as _organisation
from skc.conformance.verdicts import Verdict
from skc.model.ambiguity import Readings
from skc.model.catalog import load_catalog
from skc.model.lands import LandId
from skc.model.sim.rules import LandRules
from skc.model.strategies import (
    boundary_examples,
    breakable_rules,
    fields_for,
    invalid_values,
    valid_values,
)
from skc.model.validators import validate

# Edge values every run submits first: the example password with umlauts and ß in the place
# of ASCII letters ("Aa12Bb34" is the help texts' own example).
EDGE_EXAMPLES: Final[dict[str, tuple[str, ...]]] = {
    "password": ("Äa12Öb34", "Aä12Bß34", "Üü12Ää34"),
    "house_number": ("12a", "12 a"),
    "email": ("anna@localhost", "änna@beispiel.de"),
}

# The form that carries each field: (value, a unique e-mail address) -> the submitting step.
FORMS: Final[dict[str, Callable[[str, str], Step]]] = {
    "password": lambda value, email: _citizen(email, Secret(value)),
    "email": lambda value, email: _citizen(Verbatim(value), "$password"),
    "house_number": lambda value, email: _citizen(
        email, "$password", profile={"house_number": Verbatim(value)}
    ),
    "address": lambda value, email: _citizen(
        email, "$password", profile={"street": Verbatim(value)}
    ),
    "org_email": lambda value, email: _organisation("Muster GmbH", Verbatim(value)),
    "org_name": lambda value, email: _organisation(Verbatim(value), email),
    "postbox": lambda value, email: _organisation(
        "Muster GmbH", email, "$password", postbox=Verbatim(value)
    ),
}


# Where a Land states a field's rules only for organisations (Hamburg: "Sollte in der Adresse
# Ihrer Organisation keine Hausnummer vorkommen, ..."), the field is probed on this form instead.
ORGANISATION_FORMS: Final[dict[str, Callable[[str, str], Step]]] = {
    "house_number": lambda value, email: _organisation(
        "Muster GmbH", email, "$password", house_number=Verbatim(value)
    ),
}


def form_for(land: LandId, field: str) -> Callable[[str, str], Step]:
    """The form that carries the field's rules in this Land: a citizen's, unless one of the
    rules the Land states for the field speaks of organisations only."""
    catalog = load_catalog()
    citizen_bound = all(
        rule.applies(land, "citizen") for rule in catalog.for_field(field) if rule.stated(land)
    )
    if citizen_bound or field not in ORGANISATION_FORMS:
        return FORMS[field]
    return ORGANISATION_FORMS[field]


def _edges(land: LandId, field: str, readings: Readings) -> tuple[str, ...]:
    """The values every check of the field submits first: the help texts' examples with
    umlauts, then each length limit measured in code points, UTF-16 units, UTF-8 bytes and
    NFC (:func:`~skc.model.strategies.boundary_examples`)."""
    return (*EDGE_EXAMPLES.get(field, ()), *boundary_examples(land, field, readings))


_OFFER: Final = Step(do="offer_service", args={"service_id": SERVICE})

# Fields whose value under test is itself an account's address.
ADDRESS_FIELDS: Final = frozenset({"email", "org_email"})


def _broken(land: LandId, field: str, value: str, readings: Readings) -> set[str]:
    return {v.rule for v in validate(land, field, value, readings).violations}


def _unique_address(
    land: LandId, field: str, value: str, readings: Readings, identities: Identities
) -> str:
    """The address under test, tagged for this example if the model judges the tagged address
    exactly as the original (so no example reuses another's address on a live portal)."""
    tagged = identities.tagged(value)
    if tagged != value and _broken(land, field, tagged, readings) == _broken(
        land, field, value, readings
    ):
        return tagged
    return value


def _field_check(land: LandId, field: str, rule: str | None) -> Check:
    name = f"{field}/{rule}" if rule else f"{field}/valid"
    covered = (rule,) if rule else ()
    check_id = f"fields/{name}"

    def run(ctx: CheckContext) -> CheckResult:
        readings = ctx.profile.readings
        if rule is not None and rule not in breakable_rules(land, field, readings):
            reason = f"under the profile's readings, {land} does not enforce {rule} on {field}"
            return CheckResult(Verdict.NOT_APPLICABLE, covered, reason=reason)
        values = valid_values(land, field, readings)
        if rule is not None:
            values = st.one_of(values, invalid_values(land, field, rule, readings))
        form = form_for(land, field)

        def body(pairs: Pairs) -> None:
            probe = form("x", "x@example.org")
            needed = operation(probe.do).needs
            if needed is not None and not ctx.profile.has(needed):
                raise Unobservable(
                    Verdict.NOT_APPLICABLE, f"the profile declares {needed.value!r} absent"
                )
            # only a form that subscribes the suite's service needs it offered first
            services = probe.args.get("services")
            offer = [_OFFER] if isinstance(services, list) and SERVICE in services else []

            def submit(value: str) -> None:
                with pairs() as pair:
                    pair.run_all(offer)
                    if field in ADDRESS_FIELDS:
                        value = _unique_address(land, field, value, readings, pair.identities)
                    step = form(value, "feld@example.org")
                    pair.run(step.model_copy(update={"rule": rule}))

            for edge in _edges(land, field, readings):
                submit = example(edge)(submit)
            ctx.settings(seed(ctx.seed)(given(values)(submit)))()

        return guarded(ctx, body, covered, check_id)

    # valid values sit at every boundary of the field, so the valid check probes all its rules
    cited = covered if rule else _field_rules(land, field)
    return Check("fields", name, cited, run)


def _field_rules(land: LandId, field: str) -> tuple[str, ...]:
    catalog = load_catalog()
    return tuple(r.id for r in catalog if r.field == field and r.stated(land))


# A check of a further form runs a share of the profile's examples (``Form.share``): each
# example walks the set-up (registration, activation, login, ...) before the value is
# submitted; one check covers the valid values and every rule of the field there, its
# examples split evenly between them.
_MIN_FURTHER_EXAMPLES: Final = 2  # per part: the valid values, and each rule
# A form with a smaller share (the eID registration: PACE for every value) skips the boundary
# examples; the registration form submits them in every Land.
_EDGES_FROM_SHARE: Final = 0.5


def _wrap(field: str, value: str) -> Secret | Verbatim:
    return Secret(value) if field == "password" else Verbatim(value)


def _rules_in_scope(land: LandId, field: str, form: Form) -> tuple[str, ...]:
    catalog = load_catalog()
    return tuple(r for r in _field_rules(land, field) if catalog.rule(r).applies(land, form.scope))


def _form_check(land: LandId, form: Form) -> Check:
    """Valid values and values breaking each rule that binds the field in this form, submitted
    through the form after its set-up steps; a finding names the form in its check id.

    The form's share of the profile's examples is split evenly between the valid values and
    each rule (a Hypothesis ``one_of`` favours its first branch), each part shrinking on its
    own; the boundary examples go with the valid values."""
    field = form.field
    cited = _rules_in_scope(land, field, form)
    check_id = f"fields/{form.name}"

    def run(ctx: CheckContext) -> CheckResult:
        readings = ctx.profile.readings
        rules = LandRules(land, readings)
        if not form.offered(rules):
            reason = f"the {land} help text describes no {form.operation} taking {field}"
            return CheckResult(Verdict.NOT_APPLICABLE, cited, reason=reason)
        breakable = [r for r in breakable_rules(land, field, readings) if r in cited]
        valid = valid_values(land, field, readings).filter(lambda v: bool(v) or not form.filled)
        parts: list[tuple[str | None, SearchStrategy[str]]] = [(None, valid)]
        parts += [(r, invalid_values(land, field, r, readings)) for r in breakable]
        base = ctx.settings
        share = int(base.max_examples * form.share) // len(parts)
        chosen = settings(base, max_examples=max(_MIN_FURTHER_EXAMPLES, share))

        def body(pairs: Pairs) -> None:
            for rule, values in parts:
                submit = _submitter(pairs, land, form, rules, readings, rule)
                if rule is None and form.share >= _EDGES_FROM_SHARE:
                    for edge in _edges(land, field, readings):
                        submit = example(edge)(submit)
                chosen(seed(ctx.seed)(given(values)(submit)))()

        return guarded(ctx, body, cited, check_id)

    return Check("fields", form.name, cited, run)


def _submitter(
    pairs: Pairs, land: LandId, form: Form, rules: LandRules, readings: Readings, rule: str | None
) -> Callable[[str], None]:
    """One example of a form check: a fresh pair walks to the form and submits the value,
    the step citing ``rule`` (the rule the value was drawn to break, or none)."""
    field = form.field

    def submit(value: str) -> None:
        with pairs() as pair:
            if field in ADDRESS_FIELDS:
                value = _unique_address(land, field, value, readings, pair.identities)
            *set_up, last = form.steps(_wrap(field, value), rules)
            pair.run_all(set_up)
            pair.run(last.model_copy(update={"rule": rule}))

    return submit


def _further_forms(land: LandId, field: str, readings: Readings | None) -> list[Form]:
    """The forms beyond the field's registration form that the Land describes (under the
    readings) and whose account kind some stated rule of the field binds."""
    first = form_for(land, field)("x", "x@example.org").do
    rules = LandRules(land, readings)
    return [
        form
        for form in SECONDARY_FORMS
        if form.field == field
        and form.operation != first
        and form.offered(rules)
        and _rules_in_scope(land, field, form)
    ]


def field_checks(land: LandId, readings: Readings | None = None) -> list[Check]:
    """One check per field (valid values only) and per rule of each field that can be broken
    under ``readings`` (a profile's alternative readings; default: the register's defaults),
    through the field's registration form; then one check per further form that takes the
    field (:mod:`skc.conformance.suites.forms`), valid and breaking values at once."""
    checks: list[Check] = []
    fields = [field for field in fields_for(land) if field in FORMS]
    for field in fields:
        checks.append(_field_check(land, field, None))
        checks.extend(
            _field_check(land, field, rule) for rule in breakable_rules(land, field, readings)
        )
    for field in fields:
        checks.extend(_form_check(land, form) for form in _further_forms(land, field, readings))
    return checks


__all__ = ["ADDRESS_FIELDS", "FORMS", "field_checks"]
