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
from functools import cache
from typing import Final, Literal

from skc.conformance.adapters.operations import OPERATIONS, operation
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


def _field_probes(rules: LandRules, op: str, args: Mapping[str, object]) -> Iterator[Probe]:
    catalog = rules.catalog
    scope: Scope = "organisation" if op in _ORGANISATION_FORMS else "citizen"
    for field, value in _values(op, args):
        for rule in catalog.for_field(field):
            if not rules.applies(rule.id, scope):
                continue
            if rule.id.endswith("character_classes"):
                required = rules.int_param(rule.id, "required")
                if required is not None:
                    side = _side(criteria_met(value, rules.readings), required, -1)
                    if side is not None:
                        yield rule.id, side
                continue
            size = length(value, rules.readings)
            params = catalog.params(rules.land, rule.id)
            for name, beyond in (("min", -1), ("max", 1)):
                if name not in params or (name == "min" and value == "" and "max" in params):
                    continue  # an empty optional field is no probe of its minimum
                limit = rules.int_param(rule.id, name)
                side = _side(size, limit, beyond) if limit is not None else None
                if side is not None:
                    yield rule.id, side


def probes(
    rules: LandRules,
    op: str,
    args: Mapping[str, object],
    cited: str | None,
    model: Outcome,
    limits: frozenset[str],
) -> set[Probe]:
    """The boundary probes of one step, from its (model-side) arguments and the model's outcome.

    ``limits`` are the Land's rules with a boundary (:func:`limit_rules`).
    """
    found: set[Probe] = set()
    if op == "advance":
        rule, offset = args.get("limit_of"), args.get("offset_seconds", 0)
        if isinstance(rule, str) and rule in limits and isinstance(offset, int) and offset:
            found.add((rule, "at" if offset < 0 else "past"))
        return found
    found.update(p for p in _field_probes(rules, op, args) if p[0] in limits)
    services = args.get("services")
    rule = "org.registration.min_services"
    if op == "register_organisation" and isinstance(services, list) and rule in limits:
        minimum = rules.int_param(rule, "min")
        side = _side(len(services), minimum, -1) if minimum is not None else None
        if side is not None:
            found.add((rule, side))
    counted = limits - {r for r, _ in found} - {rule}
    catalog = rules.catalog
    counted = frozenset(
        r
        for r in counted
        if catalog.rule(r).field is None
        and {"min", "max"} & set(catalog.params(rules.land, r))  # counts, not ages or times
    )
    found.update((named, "past") for named in model.rules if named in counted)
    if model.accepted and cited is not None and cited in counted:
        found.add((cited, "at"))
    return found


__all__ = ["SIDES", "Probe", "Side", "limit_rules", "probes"]
