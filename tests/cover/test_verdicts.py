"""Verdicts combine by severity; findings carry the rule's quote and the way to replay them."""

from __future__ import annotations

import pytest

from skc.conformance.results import Result, provenance
from skc.conformance.verdicts import Verdict, worst

P, F, INC, E, N = (
    Verdict.PASS, Verdict.FAIL, Verdict.INCONCLUSIVE, Verdict.ERROR, Verdict.NOT_APPLICABLE,
)  # fmt: skip


@pytest.mark.parametrize(
    ("verdicts", "expected"),
    [
        ([], P),
        ([P, P], P),
        ([P, N], P),
        ([N, N], N),
        ([P, INC], INC),
        ([INC, F], F),
        ([F, E, P], E),
        ([N, INC], INC),
    ],
)
def test_group_verdict_is_the_most_severe_when_combined(
    verdicts: list[Verdict], expected: Verdict
) -> None:
    assert worst(verdicts) is expected


def test_result_cites_the_land_s_quote_when_serialised() -> None:
    family, quotes, seed_file = provenance("berlin", "password.max_length")
    result = Result(
        land="berlin", suite="fields", check="fields/password/password.max_length",
        rule="password.max_length", verdict=F, family=family, quotes=quotes,
        seed_file=seed_file, expected="rejected", observed="accepted",
    )  # fmt: skip
    data = result.to_record()
    assert data["verdict"] == "fail"
    assert data["seed_file"] == "003_3de1d66ee7648124.txt"
    assert any("höchstens 20 Zeichen" in q for q in data["quotes"])
    assert result.is_finding


def test_result_on_a_sim_reason_has_no_quote_when_serialised() -> None:
    family, quotes, _ = provenance("hamburg", "sim.not_logged_in")
    assert (family, quotes) == ("sim", ())
