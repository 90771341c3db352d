"""Verdicts combine by severity; findings carry the rule's quote and the way to replay them."""

from __future__ import annotations

import pytest

from skc.conformance.verdicts import Finding, Verdict, worst

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


def test_finding_cites_the_land_s_quote_when_serialised() -> None:
    finding = Finding(
        check="fields.password",
        rule="password.max_length",
        land="berlin",
        verdict=F,
        expected="rejected",
        observed="accepted",
        example=("<21 characters>",),
        replay="skc run --replay abc",
    )
    data = finding.to_json()
    assert data["verdict"] == "fail"
    assert data["seed"] == "003_3de1d66ee7648124.txt"
    quotes = data["quotes"]
    assert isinstance(quotes, list)
    assert any("höchstens 20 Zeichen" in q for q in quotes)


def test_finding_on_a_sim_reason_has_no_quote_when_serialised() -> None:
    data = Finding(check="x", rule="sim.not_logged_in", land="hamburg", verdict=E).to_json()
    assert data["quotes"] == []
    assert data["verdict"] == "error"
