"""Field validation: combine the catalog's field rules for a Land with the checks.

``validate(land, field, value)`` returns a :class:`Verdict` listing every violated rule with a
German and an English message. With ``explain_readings=True`` the verdict also names the
ambiguity-register entries whose other readings would change the outcome for this value.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import cast

from skc.model.ambiguity import Readings, default_readings, load_register
from skc.model.catalog import ParamValue, Rule, load_catalog
from skc.model.checks import FIELD_CHECKS, Check, Params
from skc.model.errors import UnknownNameError
from skc.model.lands import LANDS, LandId, parse_land
from skc.model.parameters import resolve_params as resolve_params  # re-exported


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule a value breaks, with the message a portal would show."""

    rule: str
    message_de: str
    message_en: str


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of validating one value of one field for one Land."""

    land: LandId
    field: str
    valid: bool
    violations: tuple[Violation, ...]
    rules_checked: tuple[str, ...]
    depends_on: tuple[str, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Return the verdict as the JSON object ``skc check`` prints (never the value)."""
        out: dict[str, object] = {
            "land": self.land,
            "field": self.field,
            "valid": self.valid,
            "violations": [
                {"rule": v.rule, "message": v.message_en, "message_de": v.message_de}
                for v in self.violations
            ],
            "rules_checked": list(self.rules_checked),
        }
        if self.depends_on:
            out["depends_on_reading"] = list(self.depends_on)
        if not self.rules_checked:
            out["note"] = f"no rule for field {self.field!r} is stated in the {self.land} help text"
        return out


_LAND_SET: frozenset[str] = frozenset(LANDS)


@cache
def _field_set() -> frozenset[str]:
    return frozenset(field_names())


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    rule: str
    check: Check
    params: Params
    violation: Violation


@cache
def field_names() -> tuple[str, ...]:
    """The fields that have validators."""
    return load_catalog().fields


def parse_field(name: str) -> str:
    """Return ``name`` if it is a known field, or raise an error listing the valid fields."""
    if name not in field_names():
        raise UnknownNameError("field", name, field_names())
    return name


def _chars_list(chars: ParamValue) -> str:
    return ", ".join(f'"{ch}"' for ch in str(chars)) if chars else ""


def _compile_rule(rule: Rule, land: LandId, readings: Readings) -> _CompiledRule | None:
    params = resolve_params(rule, land, readings)
    if params.get("required") == 0:  # the "advisory" reading: nothing is enforced
        return None
    fmt = {**params, "chars_list": _chars_list(params.get("chars"))}
    violation = Violation(
        rule=rule.id,
        message_de=(rule.message_de or rule.title).format(**fmt),
        message_en=(rule.message_en or rule.title).format(**fmt),
    )
    return _CompiledRule(rule.id, FIELD_CHECKS[rule.id], params, violation)


@lru_cache(maxsize=512)  # keyed by readings, which user input chooses: bounded
def _compiled(land: LandId, field: str, readings: Readings) -> tuple[_CompiledRule, ...]:
    out = []
    for rule in load_catalog().for_field(field):
        if rule.stated(land):
            compiled = _compile_rule(rule, land, readings)
            if compiled is not None:
                out.append(compiled)
    return tuple(out)


@cache
def _relevant_ambiguities(land: LandId, field: str) -> tuple[str, ...]:
    register = load_register()
    ids: dict[str, None] = {}
    for rule in load_catalog().for_field(field):
        if rule.stated(land):
            for aid in rule.ambiguities:
                if land in register[aid].lands:
                    ids[aid] = None
    return tuple(ids)


_Pair = tuple[_CompiledRule | None, Readings, _CompiledRule | None, Readings]


@lru_cache(maxsize=512)
def _reading_sensitive_rules(
    land: LandId, field: str, readings: Readings
) -> tuple[tuple[str, tuple[_Pair, ...]], ...]:
    """For each relevant ambiguity: the linked rules compiled under the chosen and each other
    reading, so explaining a verdict re-checks only the rules a reading can change."""
    current = {c.rule: c for c in _compiled(land, field, readings)}
    out = []
    for aid in _relevant_ambiguities(land, field):
        pairs: list[_Pair] = []
        for other in readings.alternatives(aid):
            alternative = {c.rule: c for c in _compiled(land, field, other)}
            for rule in load_catalog().for_field(field):
                if rule.stated(land) and aid in rule.ambiguities:
                    pairs.append((current.get(rule.id), readings, alternative.get(rule.id), other))
        out.append((aid, tuple(pairs)))
    return tuple(out)


def _changes_outcome(pair: _Pair, value: str) -> bool:
    mine, mine_readings, theirs, their_readings = pair
    passes_mine = mine is None or mine.check(value, mine.params, mine_readings)
    passes_theirs = theirs is None or theirs.check(value, theirs.params, their_readings)
    return passes_mine != passes_theirs


def _violations(
    compiled: tuple[_CompiledRule, ...], value: str, readings: Readings
) -> tuple[Violation, ...]:
    return tuple(c.violation for c in compiled if not c.check(value, c.params, readings))


def validate(
    land: LandId | str,
    field: str,
    value: str,
    readings: Readings | None = None,
    *,
    explain_readings: bool = False,
) -> Verdict:
    """Validate ``value`` for ``field`` under the rules ``land`` states.

    Unknown Land or field names raise :class:`~skc.model.errors.UnknownNameError`.
    """
    land_id = cast("LandId", land) if land in _LAND_SET else parse_land(land)
    if field not in _field_set():
        parse_field(field)
    chosen = readings if readings is not None else default_readings()
    compiled = _compiled(land_id, field, chosen)
    violations = _violations(compiled, value, chosen)
    depends_on: tuple[str, ...] = ()
    if explain_readings:
        depends_on = tuple(
            aid
            for aid, pairs in _reading_sensitive_rules(land_id, field, chosen)
            if any(_changes_outcome(pair, value) for pair in pairs)
        )
    return Verdict(
        land=land_id,
        field=field,
        valid=not violations,
        violations=violations,
        rules_checked=tuple(c.rule for c in compiled),
        depends_on=depends_on,
    )


def is_valid(land: LandId, field: str, value: str, readings: Readings | None = None) -> bool:
    """Tell whether ``value`` is valid; the fast path for generators and benchmarks."""
    chosen = readings if readings is not None else default_readings()
    return all(c.check(value, c.params, chosen) for c in _compiled(land, field, chosen))
