"""What a disagreement between the portal and the model is: its kind, its rule, its effects.

A :class:`Mismatch` is classified by :class:`Kind` (the portal accepted what the model
refuses, refused what the model accepts, refused for another rule, answered another value,
sent a mail the model did not or none where it did, or agreed with the model but not with the
scenario). Shrinking keeps the kind of the first disagreement a check sees
(:class:`~skc.conformance.suites.base.Pairs`): an acceptance stays an acceptance, however
short the example gets.

The rule a finding names is the rule the example breaks, chosen by kind (:func:`attribute`):
for a wrong acceptance the model's violated rule, for a wrong rejection the portal's extra
rule, for different refusals a time limit either side named (limits are checked before the
action), then the model's rule; a query answering another value names the rule its step cites,
else the rule of the nearest earlier step that cites one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from skc.model.catalog import load_catalog
from skc.model.sim.outcome import SIM_REASONS, Outcome


class Kind(StrEnum):
    """The kind of a disagreement; a check's findings shrink within one kind."""

    WRONG_ACCEPTANCE = "wrong-acceptance"
    WRONG_REJECTION = "wrong-rejection"
    OTHER_RULE = "other-rule"
    OTHER_VALUE = "other-value"
    MISSING_MAIL = "missing-mail"
    EXTRA_MAIL = "extra-mail"
    UNEXPECTED = "unexpected-outcome"


KIND_TEXT: Final[dict[Kind, str]] = {
    Kind.WRONG_ACCEPTANCE: "the portal accepted what the model refuses",
    Kind.WRONG_REJECTION: "the portal refused what the model accepts",
    Kind.OTHER_RULE: "both refused, for different rules",
    Kind.OTHER_VALUE: "the portal answered a different value",
    Kind.MISSING_MAIL: "the portal sent no mail where the model sends one",
    Kind.EXTRA_MAIL: "the portal sent a mail the model does not send",
    Kind.UNEXPECTED: "portal and model agree, but not as the scenario expects",
}


@dataclass(frozen=True, slots=True)
class Mismatch:
    """Where portal and model disagreed: the rule, both sides, the kind and the effects.

    ``effects`` are lines ``what: expected X, observed Y`` for the state the step left behind
    where the two sides differ (an account still active, a session still alive).
    """

    rule: str
    expected: str
    observed: str
    kind: Kind = Kind.UNEXPECTED
    effects: tuple[str, ...] = ()

    def with_effects(self, effects: Sequence[str]) -> Mismatch:
        """The same mismatch with the effects found after it."""
        return Mismatch(self.rule, self.expected, self.observed, self.kind, tuple(effects))

    def sides(self) -> tuple[str, str]:
        """Expected and observed, each followed by the effects seen on that side."""
        if not self.effects:
            return self.expected, self.observed
        expected = [self.expected]
        observed = [self.observed]
        for effect in self.effects:
            what, _, rest = effect.partition(": expected ")
            want, _, seen = rest.partition(", observed ")
            expected.append(f"{what}: {want}")
            observed.append(f"{what}: {seen}")
        return "; ".join(expected), "; ".join(observed)


def catalog_rules(outcome: Outcome) -> tuple[str, ...]:
    """The rules of an outcome that the catalog knows (not the simulation's own reasons)."""
    ids = load_catalog().ids
    return tuple(rule for rule in outcome.rules if rule in ids)


def classify(target: Outcome, model: Outcome, *, values_differ: bool = False) -> Kind:
    """The kind of a disagreement between the two outcomes of one step."""
    if model.accepted and not target.accepted:
        return Kind.WRONG_REJECTION
    if target.accepted and not model.accepted:
        return Kind.WRONG_ACCEPTANCE
    if values_differ:
        return Kind.OTHER_VALUE
    if not target.accepted and not model.accepted:
        seen, want = set(catalog_rules(target)), set(catalog_rules(model))
        if seen and want and not seen & want:
            return Kind.OTHER_RULE
    return Kind.UNEXPECTED


def _prefer(cited: str | None, named: Sequence[str]) -> str:
    return cited if cited is not None and cited in named else named[0]


def attribute(
    kind: Kind,
    cited: str | None,
    target: Outcome,
    model: Outcome,
    earlier: Sequence[str | None] = (),
) -> str:
    """The rule a finding of this kind names (see the module docstring).

    ``cited`` is the rule the step cites; ``earlier`` the rules the earlier steps cite, in order.
    """
    model_named = catalog_rules(model) if not model.accepted else ()
    target_named = catalog_rules(target) if not target.accepted else ()
    if kind is Kind.WRONG_ACCEPTANCE and model_named:
        return _prefer(cited, model_named)
    if kind is Kind.WRONG_REJECTION and target_named:
        return _prefer(cited, target_named)
    if kind is Kind.OTHER_RULE:
        catalog = load_catalog()
        timed = [r for r in (*target_named, *model_named) if catalog.rule(r).family == "times"]
        if timed:
            return timed[0]
    if kind is Kind.OTHER_VALUE and cited is None:
        for rule in reversed(earlier):
            if rule:
                return rule
    for named in (model_named, target_named):
        if named:
            return _prefer(cited, named)
    # a portal's own words are no rule id (and may echo a secret or an escape sequence)
    known = [r for r in (*target.rules, *model.rules) if r in SIM_REASONS]
    return cited or (*known, "sim.unattributed")[0]


__all__ = ["KIND_TEXT", "Kind", "Mismatch", "attribute", "catalog_rules", "classify"]
