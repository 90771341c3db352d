"""The one resolver of a rule's parameters for a Land under a choice of readings.

Validators, strategies and the simulation all ask :func:`resolve_params`, so they cannot
disagree (they used to: the validators only filled parameters the catalog leaves ``null``,
the simulation let every reading override, so under ``profile.niedersachsen_birth_field =
birth-date`` the two locked different birth fields).

The rule: start from the Land's statement in the catalog (nothing when the Land does not
state the rule); then, for each register entry the rule links that concerns this Land, the
chosen reading's parameters replace the ones of the same name. Under the default readings this
changes no stated value (a test checks that the catalog and every default reading agree).
"""

from __future__ import annotations

from functools import lru_cache

from skc.model.ambiguity import Readings, load_register
from skc.model.catalog import ParamValue, Rule, load_catalog
from skc.model.lands import LandId

_Items = tuple[tuple[str, ParamValue], ...]


@lru_cache(maxsize=2048)
def _resolved(rule_id: str, land: LandId, readings: Readings) -> _Items:
    # Bounded: readings can come from user input (a batch line, a profile), one per combination.
    rule = load_catalog().rule(rule_id)
    params: dict[str, ParamValue] = dict(rule.lands[land].params) if rule.stated(land) else {}
    register = load_register()
    for aid in rule.ambiguities:
        if land in register[aid].lands:
            params.update(readings.reading(aid).params)
    return tuple(params.items())


def resolve_params(rule: Rule, land: LandId, readings: Readings) -> dict[str, ParamValue]:
    """A rule's parameters for a Land under ``readings`` (a fresh dict; empty if not stated
    and no reading supplies any)."""
    return dict(_resolved(rule.id, land, readings))


def resolve_param(rule_id: str, land: LandId, readings: Readings, name: str) -> ParamValue:
    """One parameter of a rule for a Land under ``readings``; None when nothing gives it."""
    return dict(_resolved(rule_id, land, readings)).get(name)


__all__ = ["resolve_param", "resolve_params"]
