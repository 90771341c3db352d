"""Seeded faults: the reference portal with one deliberate deviation from a help text.

Faults are data (``faults.yaml``): each names the Land, the rule it breaks, and how:

* ``set``: the portal uses other parameters for the rule (Berlin times out after 20 minutes);
* ``ignore``: the portal does not enforce the rule at all (the last administrator is deletable);
* ``behaviour``: a named wrong implementation of a field check (umlauts not counted as letters,
  :data:`BEHAVIOURS`), or a named deviation of a flow that the simulation switches on through
  :meth:`~skc.model.sim.rules.LandRules.deviates` (a reset link that works twice,
  :data:`FLOW_BEHAVIOURS`).

They measure the suites: every shipped fault must be found, by a finding on its rule.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skc.model.ambiguity import Readings
from skc.model.catalog import ParamValue, Scope, load_catalog
from skc.model.checks import FIELD_CHECKS, UMLAUTS, utf16_units
from skc.model.errors import InputError, UnknownNameError
from skc.model.lands import LandId
from skc.model.readings_file import compose_yaml_file, line_of, validation_error, yaml_data
from skc.model.sim.rules import LandRules
from skc.model.validators import resolve_params

FAULTS_FILE: Final = Path(__file__).with_name("faults.yaml")

# A wrong check: (value, the rule's parameters, readings) -> passes.
WrongCheck = Callable[[str, Mapping[str, ParamValue], Readings], bool]


def _umlauts_not_letters(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
    """Character classes counted as if umlauts and ß were no letters at all."""
    stripped = "".join(ch for ch in value if ch not in UMLAUTS + "ß")
    return FIELD_CHECKS["password.character_classes"](stripped, dict(params), readings)


def _length_in_bytes(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
    """The maximum length counted in UTF-8 bytes: an umlaut counts twice."""
    maximum = params["max"]
    return isinstance(maximum, int) and len(value.encode()) <= maximum


def _spaces_ignored(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
    """Spaces never count as a violation."""
    del value, params, readings
    return True


def _domain_dot_optional(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
    """An address without a dot in the domain (``anna@localhost``) passes."""
    local, at, domain = value.partition("@")
    return bool(local and at and domain and " " not in value and "@" not in domain)


def _counted(measure: Callable[[str], int], doc: str) -> WrongCheck:
    """A length rule (``min``, ``max`` or both) that counts with ``measure``."""

    def check(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
        size, lo, hi = measure(value), params.get("min"), params.get("max")
        return (not isinstance(lo, int) or size >= lo) and (not isinstance(hi, int) or size <= hi)

    check.__doc__ = doc
    return check


def _ascii_space_only(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
    """Only U+0020 is a space: a tab, a no-break space or an em space passes."""
    return " " not in value


def _trimmed_input(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
    """The input is trimmed before the space check: a space before or after passes."""
    return FIELD_CHECKS["password.no_spaces"](value.strip(), dict(params), readings)


def _unicode_digits(value: str, params: Mapping[str, ParamValue], readings: Readings) -> bool:
    """Digits by ``str.isdigit()``: fullwidth, Arabic-Indic and superscript digits pass."""
    return value == "" or value.isdigit()


BEHAVIOURS: Final[dict[str, WrongCheck]] = {
    "umlauts_not_letters": _umlauts_not_letters,
    "length_in_bytes": _length_in_bytes,
    "spaces_ignored": _spaces_ignored,
    "domain_dot_optional": _domain_dot_optional,
    # encodings (issue 10, item 2): what an implementation counts or cleans otherwise
    "length_in_utf16_units": _counted(
        utf16_units, "The length counted in UTF-16 code units: an emoji counts twice."
    ),
    "trimmed_before_length": _counted(
        lambda v: len(v.strip()), "The length counted after trimming surrounding whitespace."
    ),
    "nfc_before_length": _counted(
        lambda v: len(unicodedata.normalize("NFC", v)),
        "The length counted after NFC: a + combining diaeresis is one.",
    ),
    "ascii_space_only": _ascii_space_only,
    "trimmed_input": _trimmed_input,
    "unicode_digits": _unicode_digits,
}

# Deviations of a flow rather than of a field check. The simulation asks
# ``world.rules.deviates(name)`` where an implementer could plausibly go wrong; the reference
# never deviates. Name -> what the faulty portal does.
FLOW_BEHAVIOURS: Final[dict[str, str]] = {
    "field_rule_only_at_registration": (
        "the field rule is checked on the registration forms only, not where the value is "
        "changed later (password change, reset, profile or organisation edits)"
    ),
    # links and sessions (issue 10, items 3 and 4)
    "reset_link_reusable": "a password-reset link is never spent: it sets a password again",
    "reset_link_survives_password_change": (
        "an unused password-reset link still works after the password was changed or a newer "
        "link was sent"
    ),
    "session_survives_logout": "logging out leaves the session alive on the server",
    "email_duplicate_case_sensitive": (
        "the duplicate check at registration compares addresses case-sensitively"
    ),
    "activation_link_reusable": (
        "an activation link works again, and brings even a deleted account back"
    ),
    "email_change_link_reusable": "an e-mail change link still works after it was confirmed",
    "session_survives_account_deletion": "a deleted account's open sessions stay alive",
    "idle_timeout_from_login": "the idle timeout counts from the login, not the last request",
    "trash_retention_from_creation": (
        "the trash retention counts from the Vorgang's creation, not its move to the trash"
    ),
    # eID (issue 13): the portal's eID request, which the harness's eID client follows
    "pseudonym_optional_in_eid_request": (
        "the eID request of a registration or upgrade marks the pseudonym optional, though the "
        "portal needs it: a holder who deselects it is refused"
    ),
    "idled_out_session_counts_as_active": (
        "an answer that arrives after the session idled out is not mailed: the portal still "
        "counts the session as active"
    ),
    "vertretung_last_day_excluded": (
        "a Vertretung's date range ends the day before its last day (the end read as "
        "exclusive), and starts a day early"
    ),
    "browser_close_logs_out": (
        "closing the browser logs the user out (the portal ends the session when the page unloads)"
    ),
    "elster_link_keeps_session": "linking an ELSTER certificate leaves the person logged in",
    "group_deletion_keeps_mailbox_access": (
        "deleting a group leaves its members the access to Funktionspostfächer it gave them"
    ),
    # organisation rights
    "members_administer": (
        "any member of the organisation may do what only administrators may (add "
        "administrators, edit the organisation's data, manage services and members)"
    ),
    "grant_unsubscribed": (
        "an administrator may grant a member a service the organisation has not subscribed"
    ),
    "org_user_window_from_org_creation": (
        "an organisation user's link window counts from the organisation's registration, "
        "not from the mail to the user"
    ),
}
REGISTRATION_FORMS: Final = frozenset(
    {"register_citizen", "register_citizen_with_eid", "register_organisation"}
)


class Fault(BaseModel):
    """One deliberate deviation of the reference portal."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    land: LandId
    rule: str
    description: str
    set: dict[str, ParamValue] = Field(default_factory=dict)
    ignore: bool = False
    behaviour: str | None = None


class _FaultyRules(LandRules):
    """A Land's rules with one fault applied: other parameters, an ignored rule or a wrong check."""

    __slots__ = ("_field_rule", "fault")

    def __init__(self, fault: Fault, readings: Readings | None) -> None:
        super().__init__(fault.land, readings)
        self.fault = fault
        rule = load_catalog().rule(fault.rule)
        self._field_rule = rule.id in FIELD_CHECKS

    def deviates(self, behaviour: str) -> bool:
        return behaviour == self.fault.behaviour and behaviour in FLOW_BEHAVIOURS

    def stated(self, rule_id: str) -> bool:
        if rule_id == self.fault.rule and self.fault.ignore:
            return False
        return super().stated(rule_id)

    def param(self, rule_id: str, name: str) -> ParamValue:
        if rule_id == self.fault.rule and self.fault.ignore:
            return None  # a rule not enforced has no limit either (no list of required fields)
        if rule_id == self.fault.rule and name in self.fault.set:
            return self.fault.set[name]
        return super().param(rule_id, name)

    def violations(
        self, field: str, value: str, scope: Scope | None = None, form: str | None = None
    ) -> tuple[str, ...]:
        return self.scoped(self._faulty_violations(field, value, form), scope)

    def _faulty_violations(self, field: str, value: str, form: str | None) -> tuple[str, ...]:
        broken = super().violations(field, value)
        fault = self.fault
        if not self._field_rule or load_catalog().rule(fault.rule).field != field:
            return broken
        others = tuple(rule for rule in broken if rule != fault.rule)
        if fault.ignore:
            return others
        if fault.behaviour in FLOW_BEHAVIOURS:  # the field check is right; the flow is not
            skipped = self.deviates("field_rule_only_at_registration")
            return others if skipped and form not in REGISTRATION_FORMS else broken
        rule = load_catalog().rule(fault.rule)
        params = {**resolve_params(rule, self.land, self.readings), **fault.set}
        check = BEHAVIOURS[fault.behaviour] if fault.behaviour else FIELD_CHECKS[fault.rule]
        passes = check(value, params, self.readings)
        return others if passes else (*others, fault.rule)


def faulty_rules(fault: Fault, readings: Readings | None = None) -> LandRules:
    """The rules a portal with ``fault`` applies."""
    return _FaultyRules(fault, readings)


def _validate(fault: Fault, where: str) -> None:
    catalog = load_catalog()
    if fault.rule not in catalog.ids:
        raise InputError(f"{where}: {UnknownNameError('rule', fault.rule, catalog.ids)}")
    if not catalog.stated(fault.land, fault.rule):
        raise InputError(f"{where}: {fault.land} does not state {fault.rule}; nothing to break")
    known = {**BEHAVIOURS, **FLOW_BEHAVIOURS}
    if fault.behaviour is not None and fault.behaviour not in known:
        problem = UnknownNameError("behaviour", fault.behaviour, known)
        raise InputError(f"{where}: {problem}")
    if [bool(fault.set), fault.ignore, fault.behaviour is not None].count(True) != 1:
        raise InputError(f"{where}: give exactly one of 'set', 'ignore: true' or 'behaviour'")


def load_faults(path: Path = FAULTS_FILE) -> dict[str, Fault]:
    """Load and validate a faults file; errors name the file, the line and the field."""
    root = compose_yaml_file(path)
    data = yaml_data(root)
    if not isinstance(data, list) or root is None:
        raise InputError(f"{path}:1: expected a list of faults")
    faults: dict[str, Fault] = {}
    for index, entry in enumerate(data):
        try:
            fault = Fault.model_validate(entry)
        except ValidationError as exc:
            raise validation_error(path, root, exc, (index,)) from exc
        line = line_of(root, (index,))
        _validate(fault, f"{path}:{line}")
        if fault.name in faults:
            raise InputError(f"{path}:{line}: duplicate fault name {fault.name!r}")
        faults[fault.name] = fault
    return faults


@cache
def shipped_faults() -> dict[str, Fault]:
    """The faults shipped with the harness."""
    return load_faults()


def parse_fault(name: str) -> Fault:
    """The shipped fault of that name, or an error listing the valid names."""
    faults = shipped_faults()
    if name not in faults:
        raise UnknownNameError("fault", name, sorted(faults))
    return faults[name]


__all__ = [
    "BEHAVIOURS", "FLOW_BEHAVIOURS", "REGISTRATION_FORMS", "Fault", "faulty_rules",
    "load_faults", "parse_fault", "shipped_faults",
]  # fmt: skip
