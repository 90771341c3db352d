"""The rule catalog: every rule the five help texts state, as typed, frozen data.

Rules live in ``model/rules/*.yaml`` (one file per family). A rule names the Länder that state
it, with per-Land parameters and the verbatim German sentences it comes from. A Land that is
not listed does not state the rule: the model reports it as "not stated", never borrows a
neighbour's value.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any, Literal, TypeAlias

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skc.model.errors import CatalogError, NotStatedError, UnknownNameError
from skc.model.lands import LANDS, SEED_FILES, LandId
from skc.model.yaml_file import load_data_yaml

Family = Literal[
    "fields", "times", "lifecycle", "eid", "mailbox", "organisations", "interop", "payment"
]
FAMILIES: tuple[Family, ...] = (
    "fields", "times", "lifecycle", "eid", "mailbox", "organisations", "interop", "payment",
)  # fmt: skip
ParamValue: TypeAlias = int | float | bool | str | list[str] | None
Scope = Literal["citizen", "organisation"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LandStatement(_Frozen):
    """How one Land's help text states a rule: its parameters and the sentences it cites."""

    params: dict[str, ParamValue] = Field(default_factory=dict)
    quotes: tuple[str, ...] = Field(min_length=1)
    note: str | None = None
    # The accounts the Land's sentences speak of; empty when they speak of every account.
    # Hamburg states its house-number rules for "die Adresse Ihrer Organisation", so a
    # citizen's profile is outside them (issue 9, "scope widened").
    scope: tuple[Scope, ...] = ()

    def applies_to(self, scope: Scope) -> bool:
        """Tell whether the Land's sentences speak of accounts of this kind."""
        return not self.scope or scope in self.scope


class Rule(_Frozen):
    """One rule of the help texts, with a stable self-explaining id."""

    id: str = Field(pattern=r"^[a-z_]+(\.[a-z0-9_]+)+$")
    family: Family
    title: str
    field: str | None = None
    message_de: str | None = None
    message_en: str | None = None
    ambiguities: tuple[str, ...] = ()
    lands: dict[LandId, LandStatement]
    not_stated: dict[LandId, str] = Field(default_factory=dict)

    @field_validator("lands")
    @classmethod
    def _at_least_one_land(cls, value: dict[LandId, LandStatement]) -> dict[LandId, LandStatement]:
        if not value:
            raise ValueError("a rule must be stated by at least one Land")
        return value

    def stated(self, land: LandId) -> bool:
        """Tell whether the Land's help text states this rule."""
        return land in self.lands

    def statement(self, land: LandId) -> LandStatement:
        """Return the Land's statement of the rule, or raise NotStatedError."""
        try:
            return self.lands[land]
        except KeyError:
            raise NotStatedError(self.id, land) from None

    def applies(self, land: LandId, scope: Scope) -> bool:
        """Tell whether the Land states the rule for accounts of this kind (citizen, ...)."""
        return self.stated(land) and self.lands[land].applies_to(scope)

    def provenance(self, land: LandId) -> dict[str, Any]:
        """Return the seed file and verbatim quotes behind the rule for one Land."""
        return {"seed": SEED_FILES[land], "quotes": list(self.statement(land).quotes)}


class _RuleFile(_Frozen):
    family: Family
    rules: tuple[Rule, ...]


class Catalog:
    """All rules, indexed by id; the one place the model reads rule parameters from."""

    def __init__(self, rules: tuple[Rule, ...]) -> None:
        self.rules = rules
        self._by_id: dict[str, Rule] = {}
        for rule in rules:
            if rule.id in self._by_id:
                raise CatalogError(f"rule id {rule.id!r} is defined twice; ids must be unique")
            self._by_id[rule.id] = rule

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    @property
    def ids(self) -> tuple[str, ...]:
        """All rule ids, in catalog order."""
        return tuple(self._by_id)

    def rule(self, rule_id: str) -> Rule:
        """Return a rule by id, or raise an error listing the valid ids."""
        try:
            return self._by_id[rule_id]
        except KeyError:
            raise UnknownNameError("rule", rule_id, self._by_id) from None

    def stated(self, land: LandId, rule_id: str) -> bool:
        """Tell whether the Land states the rule."""
        return self.rule(rule_id).stated(land)

    def params(self, land: LandId, rule_id: str) -> Mapping[str, ParamValue]:
        """Return the Land's parameters of a rule; raise NotStatedError if not stated."""
        return self.rule(rule_id).statement(land).params

    def param(self, land: LandId, rule_id: str, name: str) -> ParamValue:
        """Return one parameter of a rule for a Land; raise NotStatedError if not stated."""
        params = self.params(land, rule_id)
        if name not in params:
            raise UnknownNameError(f"parameter of {rule_id}", name, params)
        return params[name]

    def for_land(self, land: LandId) -> tuple[Rule, ...]:
        """Return the rules the Land states."""
        return tuple(rule for rule in self.rules if rule.stated(land))

    def for_field(self, field: str) -> tuple[Rule, ...]:
        """Return the rules that constrain one form field, in catalog order."""
        return tuple(rule for rule in self.rules if rule.field == field)

    @property
    def fields(self) -> tuple[str, ...]:
        """The form fields any rule constrains, in catalog order."""
        return tuple(dict.fromkeys(rule.field for rule in self.rules if rule.field))


def _load_file(name: str, text: str) -> _RuleFile:
    try:
        data = load_data_yaml(text)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{name}: not valid YAML: {exc}") from exc
    try:
        return _RuleFile.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise CatalogError(f"{name}: {problems}") from exc


@cache
def load_catalog() -> Catalog:
    """Load and check every rule file bundled with the model (cached)."""
    rules: list[Rule] = []
    folder = resources.files("skc.model").joinpath("rules")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        rule_file = _load_file(f"model/rules/{entry.name}", entry.read_text(encoding="utf-8"))
        for rule in rule_file.rules:
            if rule.family != rule_file.family:
                raise CatalogError(
                    f"model/rules/{entry.name}: rule {rule.id!r} has family {rule.family!r} "
                    f"but the file holds {rule_file.family!r}"
                )
        rules.extend(rule_file.rules)
    return Catalog(tuple(rules))


__all__ = ["FAMILIES", "LANDS", "Catalog", "Family", "LandStatement", "Rule", "load_catalog"]
