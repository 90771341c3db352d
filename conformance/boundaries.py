"""Boundary probes: which side of a stated limit a step tried.

A rule "has a boundary" in a Land when its statement there has a numeric limit (a length, a
count of criteria or administrators, an age, a time limit). A step *probes* it on the ``at``
side when it sits on the limit and is still allowed, on the ``past`` side when it is one unit
beyond; a rule is probed at both sides when a run saw both. How a step's side is told:

* time limits: a clock jump ``advance(limit_of=RULE, offset_seconds=N)`` lands one second
  before the limit (``N < 0``: at) or after it (``N > 0``: past);
* field lengths and the number of password criteria: the value a form submits (where
  ``operations.yaml`` declares the field of a parameter) measures exactly the limit (at) or one
  beyond (past), counted as the model counts (``text.length_unit``), on the forms whose
  accounts the Land's statement speaks of;
* the number of services an organisation registers with: the list has ``min`` (at) or
  ``min - 1`` (past) entries;
* other counts (administrators), where the count lives in the portal's state: the model
  refused a step naming the rule (past) or accepted a step citing it (at).

An age limit (adults only) is never probed: the suites register fixed birth dates far from
the eighteenth birthday, and the step cannot tell the portal's date, so it is counted as a
limit not probed at both sides, which is what it is.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

from skc.conformance.adapters.operations import OPERATIONS, operation
from skc.model.ambiguity import Readings
from skc.model.catalog import ParamValue, Scope, load_catalog
from skc.model.checks import criteria_met, length
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.rules import LandRules

Side = Literal["at", "past"]
Probe = tuple[str, Side]
SIDES: Final[tuple[Side, ...]] = ("at", "past")

_ORGANISATION_FORMS: Final = frozenset(
    {"register_organisation", "edit_organisation", "add_org_user", "activate_org_user",
     "set_user_password"}
)  # fmt: skip


def _numeric(value: ParamValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


@cache
def limit_rules(land: LandId) -> tuple[str, ...]:
    """The rules the Land states with a numeric limit (lengths, counts, ages, time limits)."""
    return tuple(
        rule.id
        for rule in load_catalog().for_land(land)
        if any(_numeric(v) for v in rule.statement(land).params.values())
    )


@dataclass(frozen=True, slots=True)
class _FieldLimit:
    rule: str
    measure: Literal["length", "criteria"]
    limit: int
    beyond: int  # +1: one more than a maximum; -1: one less than a minimum
    optional: bool  # an empty value is no probe of its minimum
    scopes: frozenset[Scope]


_SERVICES: Final = "org.registration.min_services"
_SCOPES: Final[tuple[Scope, ...]] = ("citizen", "organisation")


class Bounds:
    """A Land's limits under the readings, prepared once per lock-step pair's Land: the
    :func:`probes` of a step cost a few dictionary look-ups."""

    def __init__(self, rules: LandRules) -> None:
        catalog = rules.catalog
        self.readings = rules.readings
        self.limits = frozenset(limit_rules(rules.land))
        self.fields: dict[str, list[_FieldLimit]] = {}
        counted: set[str] = set()
        for rule_id in sorted(self.limits):
            rule = catalog.rule(rule_id)
            params = catalog.params(rules.land, rule_id)
            scopes = frozenset(s for s in _SCOPES if rules.applies(rule_id, s))
            if rule.field is None:
                if {"min", "max"} & set(params) and rule_id != _SERVICES:
                    counted.add(rule_id)  # counts, not ages or times
                continue
            if "required" in params:
                required = rules.int_param(rule_id, "required")
                if required is not None:
                    limit = _FieldLimit(rule_id, "criteria", required, -1, False, scopes)
                    self.fields.setdefault(rule.field, []).append(limit)
                continue
            for name, beyond in (("min", -1), ("max", 1)):
                value = rules.int_param(rule_id, name) if name in params else None
                if value is not None:
                    optional = name == "min" and "max" in params
                    limit = _FieldLimit(rule_id, "length", value, beyond, optional, scopes)
                    self.fields.setdefault(rule.field, []).append(limit)
        self.counted = frozenset(counted)
        self.min_services = rules.int_param(_SERVICES, "min") if _SERVICES in self.limits else None


@cache
def _bounds(land: LandId, readings: tuple[tuple[str, str], ...]) -> Bounds:
    return Bounds(LandRules(land, Readings(dict(readings))))


def bounds(rules: LandRules) -> Bounds:
    """The prepared limits of the Land under the rules' readings (cached)."""
    return _bounds(rules.land, tuple(sorted(rules.readings.items())))


def _values(op: str, args: Mapping[str, object]) -> Iterator[tuple[str, str]]:
    """(field, value) for every field value the arguments submit, as the operation declares
    them (``field:`` on a parameter, ``fields:`` on a mapping's keys; a login's password is a
    credential presented, declared with no field)."""
    if op not in OPERATIONS:
        return
    for param in operation(op).params:
        value = args.get(param.name)
        if isinstance(value, str):
            yield from ((field, value) for field in param.fields)
        elif isinstance(value, Mapping):
            for key, field in param.keys:
                item = value.get(key)
                if isinstance(item, str):
                    yield field, item


def _side(measure: int, limit: int, beyond: int) -> Side | None:
    if measure == limit:
        return "at"
    if measure == limit + beyond:
        return "past"
    return None


def _field_probes(prepared: Bounds, op: str, args: Mapping[str, object]) -> Iterator[Probe]:
    scope: Scope = "organisation" if op in _ORGANISATION_FORMS else "citizen"
    for field, value in _values(op, args):
        size: int | None = None
        for limit in prepared.fields.get(field, ()):
            if scope not in limit.scopes or (limit.optional and value == ""):
                continue
            if limit.measure == "criteria":
                measured = criteria_met(value, prepared.readings)
            else:
                size = length(value, prepared.readings) if size is None else size
                measured = size
            side = _side(measured, limit.limit, limit.beyond)
            if side is not None:
                yield limit.rule, side


def probes(
    prepared: Bounds, op: str, args: Mapping[str, object], cited: str | None, model: Outcome
) -> set[Probe]:
    """The boundary probes of one step, from its (model-side) arguments and the model's
    outcome; ``prepared`` is the Land's :func:`bounds`."""
    found: set[Probe] = set()
    if op == "advance":
        rule, offset = args.get("limit_of"), args.get("offset_seconds", 0)
        if isinstance(rule, str) and rule in prepared.limits and isinstance(offset, int) and offset:
            found.add((rule, "at" if offset < 0 else "past"))
        return found
    found.update(_field_probes(prepared, op, args))
    services = args.get("services")
    if op == "register_organisation" and isinstance(services, list):
        minimum = prepared.min_services
        side = _side(len(services), minimum, -1) if minimum is not None else None
        if side is not None:
            found.add((_SERVICES, side))
    if not model.accepted:
        found.update((named, "past") for named in model.rules if named in prepared.counted)
    elif cited is not None and cited in prepared.counted:
        found.add((cited, "at"))
    return found


__all__ = ["SIDES", "Bounds", "Probe", "Side", "bounds", "limit_rules", "probes"]
