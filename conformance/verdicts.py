"""Verdicts of a conformance run, after ISO/IEC 9646 / TTCN-3 (results: :mod:`.results`).

``pass`` and ``fail`` are portal verdicts; ``inconclusive`` means the harness could not observe
enough (no clock control, no mail capture); ``error`` means the harness or the connection
failed and says nothing about the portal; ``not-applicable`` means the profile declares the
feature absent. A run never reports ``pass`` for something it could not observe.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


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


__all__ = ["Verdict", "worst"]
