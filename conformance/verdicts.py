"""Verdicts and findings of a conformance run, after ISO/IEC 9646 / TTCN-3.

``pass`` and ``fail`` are portal verdicts; ``inconclusive`` means the harness could not observe
enough (no clock control, no mail capture); ``error`` means the harness or the connection
failed and says nothing about the portal; ``not-applicable`` means the profile declares the
feature absent. A run never reports ``pass`` for something it could not observe.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from skc.model.catalog import load_catalog
from skc.model.lands import SEED_FILES, LandId


class Verdict(StrEnum):
    """The outcome of one check."""

    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"
    NOT_APPLICABLE = "not-applicable"


_SEVERITY = {
    Verdict.PASS: 0,
    Verdict.NOT_APPLICABLE: 0,
    Verdict.INCONCLUSIVE: 1,
    Verdict.FAIL: 2,
    Verdict.ERROR: 3,
}


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The verdict of a group of checks: the most severe one; ``pass`` for none.

    ``not-applicable`` only wins when every check is not applicable.
    """
    chosen = list(verdicts)
    if chosen and all(v is Verdict.NOT_APPLICABLE for v in chosen):
        return Verdict.NOT_APPLICABLE
    applicable = [v for v in chosen if v is not Verdict.NOT_APPLICABLE]
    return max(applicable, key=_SEVERITY.__getitem__, default=Verdict.PASS)


@dataclass(frozen=True, slots=True)
class Finding:
    """One check's result for one rule and Land, with what a person needs to act on it.

    ``example`` is the minimal input or step sequence (secrets already replaced by
    placeholders); ``replay`` is the command that reproduces the verdict exactly.
    """

    check: str
    rule: str
    land: LandId
    verdict: Verdict
    expected: str = ""
    observed: str = ""
    example: tuple[str, ...] = ()
    replay: str = ""
    reason: str = ""
    quotes: tuple[str, ...] = field(default=())

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict, with the rule's help-text provenance for the Land."""
        catalog = load_catalog()
        provenance: dict[str, Any] = {"seed": SEED_FILES[self.land], "quotes": list(self.quotes)}
        if (
            not self.quotes
            and self.rule in catalog.ids
            and catalog.rule(self.rule).stated(self.land)
        ):
            provenance = catalog.rule(self.rule).provenance(self.land)
        return {
            "check": self.check,
            "rule": self.rule,
            "land": self.land,
            "verdict": self.verdict.value,
            "expected": self.expected,
            "observed": self.observed,
            "example": list(self.example),
            "replay": self.replay,
            "reason": self.reason,
            **provenance,
        }


__all__ = ["Finding", "Verdict", "worst"]
