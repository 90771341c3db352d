from __future__ import annotations

from typing import Any

from test_reports import header, mixed_run, result, summary

from skc.conformance.reports import render_html


def _page(*records: dict[str, Any]) -> str:
    return render_html([header(lands=["berlin", "hamburg"]), *records])


def test_html_puts_the_verdict_then_the_findings_first_when_a_rule_fails() -> None:
    page = render_html([*mixed_run()[:-1], summary(status="not conformant", status_reason="1")])
    body = page[page.index("<body>") :]
    assert body.index('id="verdict"') < body.index('id="summary"') < body.index('id="findings"')
    assert body.index('id="findings"') < body.index('id="certification"')
    assert '<p id="verdict" class="status not-conformant"' in page
    assert '<a href="#f--berlin--password.max_length">' in page
    assert 'id="f--berlin--password.max_length"' in page


def test_html_keeps_expected_failures_out_of_the_findings_when_listed() -> None:
    page = _page(result("fail", rule="password.charset", expected_failure="portal allows umlauts"))
    assert 'id="findings"' not in page
    assert "No findings" in page
    assert '<tr class="expected-failure" data-land="berlin" data-verdict="expected-failure"' in page
    assert "portal allows umlauts" in page


def test_html_groups_unobserved_rules_by_reason_when_a_capability_is_absent() -> None:
    reason = "the profile declares eid absent"
    page = _page(
        *(
            result("not-applicable", rule=rule, reason=reason, expected="", observed="")
            for rule in ("eid.pin_required", "eid.login_requires_pseudonym")
        )
    )
    assert page.count(reason) == 1
    assert "2: <code>eid.pin_required</code>, <code>eid.login_requires_pseudonym</code>" in page
    assert "<th>expected</th>" not in page


def test_html_leaves_out_empty_rows_when_a_finding_has_no_expectation() -> None:
    page = _page(result("error", expected="", observed="", reason="connection reset"))
    assert "<th>reason</th><td>connection reset</td>" in page
    assert "<th>expected</th>" not in page
    assert "<th>observed</th>" not in page


def test_html_lists_every_result_with_its_land_when_several_lands_ran() -> None:
    page = _page(result("pass"), result("pass", land="hamburg", rule="password.min_length"))
    assert page.count('<tr data-land="hamburg" data-verdict="pass"') == 1
    assert page.count('<tr data-land="berlin" data-verdict="pass"') == 1
    assert '<option value="hamburg">hamburg</option>' in page


def test_html_shows_coverage_per_land_when_the_summary_has_it() -> None:
    cov = {
        "stated": 91, "exercised": 70, "limits": 15, "both_sides": 12,
        "unobservable": ["payment.bank_data_not_stored"], "one_side": ["x.period (at)"],
        "not_probed": ["org.admins.adults_only"],
    }  # fmt: skip
    page = render_html([header(), result("pass"), summary(coverage={"berlin": cov})])
    assert "<th>berlin</th><td>70 of 91</td><td>12 of 15</td><td>1</td>" in page
    assert "<code>org.admins.adults_only</code>" in page
    assert 'id="coverage"' not in render_html([header(), result("pass"), summary()])


def test_html_names_the_kind_of_disagreement_when_a_finding_has_one() -> None:
    page = _page(
        result("fail", kind="wrong-acceptance"),
        result("fail", rule="password.min_length", kind="a-kind-from-a-newer-harness"),
        result("error", rule="password.charset", reason="connection reset"),
    )
    assert (
        "<tr><th>kind</th><td>the portal accepted what the model refuses (wrong-acceptance)</td>"
    ) in page
    assert "<tr><th>kind</th><td>a-kind-from-a-newer-harness</td>" in page
    assert page.count("<th>kind</th>") == 2
