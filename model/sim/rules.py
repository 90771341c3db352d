"""What one Land's help text states, as the simulation needs it: flags, limits and field checks.

Every limit comes from the rule catalog; where the texts are ambiguous, the chosen reading of
the ambiguity register fills in or overrides the parameter (the register entry must name both
the Land and the rule): :func:`skc.model.parameters.resolve_param`, the resolver the validators
and strategies use too. A rule a Land does not state yields ``None``: no invented value.
"""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from skc.model.ambiguity import Readings, default_readings
from skc.model.catalog import ParamValue, Scope, load_catalog
from skc.model.lands import LandId
from skc.model.parameters import resolve_param
from skc.model.validators import validate

_UNITS = ("minutes", "hours", "days")
_SHARED_LIMIT = 64  # (Land, readings) pairs whose resolved parameters are kept

ParamCache = dict[tuple[str, str], ParamValue]
_SHARED: dict[tuple[LandId, Readings], tuple[ParamCache, dict[str, timedelta | None]]] = {}


def _shared_caches(
    land: LandId, readings: Readings
) -> tuple[ParamCache, dict[str, timedelta | None]]:
    """The resolved parameters and limits of one Land under one set of readings, shared by
    every :class:`LandRules` of that pair (the simulation builds one per portal instance)."""
    key = (land, readings)
    caches = _SHARED.get(key)
    if caches is None:
        if len(_SHARED) >= _SHARED_LIMIT:
            _SHARED.clear()
        caches = _SHARED[key] = ({}, {})
    return caches


@functools.cache
def _stated_prefix(land: LandId, prefix: str) -> bool:
    return any(rule.id.startswith(prefix) and rule.stated(land) for rule in load_catalog())


class LandRules:
    """The catalog and the chosen readings, seen from one Land."""

    __slots__ = ("_cache", "_limits", "catalog", "land", "readings")

    def __init__(self, land: LandId, readings: Readings | None = None) -> None:
        self.land = land
        self.readings = readings if readings is not None else default_readings()
        self.catalog = load_catalog()
        # The plain resolver's answers depend on the Land and the readings alone, so they are
        # shared; a subclass that changes parameters (a seeded fault, a sweep) keeps its
        # limits to itself, since they are read through its own ``param``.
        self._cache, shared_limits = _shared_caches(land, self.readings)
        self._limits = shared_limits if type(self) is LandRules else {}

    def stated(self, rule_id: str) -> bool:
        """Tell whether the Land states the rule (an unknown id raises UnknownNameError)."""
        return self.catalog.stated(self.land, rule_id)

    def applies(self, rule_id: str, scope: Scope) -> bool:
        """Tell whether the Land states the rule for accounts of kind ``scope``."""
        return self.stated(rule_id) and self.catalog.rule(rule_id).applies(self.land, scope)

    def stated_family_prefix(self, prefix: str) -> bool:
        """Tell whether the Land states any rule whose id starts with ``prefix``."""
        return _stated_prefix(self.land, prefix)

    def param(self, rule_id: str, name: str) -> ParamValue:
        """The rule's parameter for this Land under the readings (the shared resolver)."""
        key = (rule_id, name)
        if key not in self._cache:
            self.catalog.rule(rule_id)  # an unknown id raises UnknownNameError, listing the ids
            self._cache[key] = resolve_param(rule_id, self.land, self.readings, name)
        return self._cache[key]

    def int_param(self, rule_id: str, name: str) -> int | None:
        """An integer parameter, or None where the Land states no value."""
        value = self.param(rule_id, name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{rule_id}.{name} for {self.land} must be an integer, got {value!r}")
        return value

    def list_param(self, rule_id: str, name: str) -> tuple[str, ...]:
        """A list parameter, empty where the Land states none."""
        value = self.param(rule_id, name)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise TypeError(f"{rule_id}.{name} for {self.land} must be a list, got {value!r}")
        return tuple(value)

    def duration(self, rule_id: str) -> timedelta | None:
        """The rule's time limit (from a ``minutes``, ``hours`` or ``days`` parameter), or None."""
        if rule_id in self._limits:
            return self._limits[rule_id]
        limit = None
        for unit in _UNITS:
            amount = self.int_param(rule_id, unit)
            if amount is not None:
                limit = timedelta(**{unit: amount})
                break
        self._limits[rule_id] = limit
        return limit

    def expired(self, since: datetime, limit: timedelta | None, now: datetime) -> bool:
        """Tell whether ``limit`` has run out at ``now``; None never runs out.

        Under ``time.limit_boundary=expired-at-limit`` the limit is gone at exactly the limit;
        under ``alive-at-limit`` it is gone just after it.
        """
        if limit is None:
            return False
        elapsed = now - since
        if self.readings["time.limit_boundary"] == "alive-at-limit":
            return elapsed > limit
        return elapsed >= limit

    def deviates(self, behaviour: str) -> bool:
        """Tell whether the portal deviates from its text in the named way: never, for the
        reference; a seeded fault's rules switch one named deviation of a flow on (the names
        are listed in :data:`skc.conformance.faults.FLOW_BEHAVIOURS`)."""
        del behaviour
        return False

    def violations(
        self, field: str, value: str, scope: Scope | None = None, form: str | None = None
    ) -> tuple[str, ...]:
        """The field rules the value breaks in this Land (empty when valid or not stated).

        With ``scope``, only the rules the Land states for that kind of account count: a
        rule stated for an organisation's address does not bind a citizen's profile.
        ``form`` names the operation that submits the value: the reference checks a field
        the same way in every form, a seeded fault may not.
        """
        del form
        verdict = validate(self.land, field, value, self.readings)
        return self.scoped(tuple(v.rule for v in verdict.violations), scope)

    def scoped(self, rules: tuple[str, ...], scope: Scope | None) -> tuple[str, ...]:
        """The rules the Land states for accounts of kind ``scope`` (all of them for None)."""
        if scope is None:
            return rules
        return tuple(r for r in rules if self.catalog.rule(r).applies(self.land, scope))


__all__ = ["LandRules"]
