"""The browser adapter against skc serve's web pages, in Debian's chromium (issue 14).

Opt-in (``./dev quality``), slow: every call is a page in a browser. For every Land the field and
scenario suites pass in the browser; every seeded fault of a field rule is found in the browser on
its rule; a message the portal map has no pattern for makes its check ``inconclusive`` with the
message quoted; a finding's screenshot shows in the HTML report, opened in chromium. Set
``SKC_REPORT_SCREENSHOTS=DIR`` to keep the report's screenshot (the README's picture).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from skc.conformance.adapters.browser import REFERENCE_MAP
from skc.conformance.faults import Fault, shipped_faults
from skc.conformance.profile import PortalProfile, reference_profile
from skc.conformance.runner import RunConfig, RunReport, run
from skc.conformance.verdicts import Verdict
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId
from skc.service import ServeOptions, build_app
from skc.service.testing import serving

pytestmark = pytest.mark.quality
TOKEN = "browser-quality-token"
CHROMIUM = shutil.which("chromium")
if CHROMIUM is None:  # pragma: no cover - ./dev quality installs Debian's chromium
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)",
                allow_module_level=True)  # fmt: skip
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")
FIELD_FAULTS = [
    f for f in shipped_faults().values() if load_catalog().rule(f.rule).family == "fields"
]
# ./dev quality looks for one field fault of each Land in the browser (the first by name); the
# rest, and every Land's full field and scenario suites, take hours on two cores and run in the
# opt-in browser session (./dev browser, marker browser_farm).
_SAMPLED = {min((f for f in FIELD_FAULTS if f.land == land), key=lambda f: f.name).name
            for land in {f.land for f in FIELD_FAULTS}}  # fmt: skip
FAULT_PARAMS = [
    pytest.param(f, id=f.name, marks=() if f.name in _SAMPLED else pytest.mark.browser_farm)
    for f in FIELD_FAULTS
]


@pytest.fixture(autouse=True)
def _token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKC_TEST_TOKEN", TOKEN)


def _browser_run(
    land: LandId,
    config: dict[str, object],
    *,
    fault: str | None = None,
    portal_map: Path | None = None,
) -> RunReport:
    options = ServeOptions(land=land, fault=fault, db=None, test_hooks=True, test_token=TOKEN)
    with serving(build_app(options)) as url:
        parameters = {"portal_map": str(portal_map)} if portal_map is not None else {}
        profile: PortalProfile = reference_profile(land).model_copy(
            update={"base_url": url, "parameters": parameters}
        )
        settings: dict[str, object] = {"out": None, "hypothesis_profile": "live", **config}
        return run(RunConfig(lands=(land,), seed=1, target="browser", profile=profile, **settings))  # type: ignore[arg-type]


@pytest.mark.browser_farm
@pytest.mark.parametrize("land", LANDS)
def test_field_and_scenario_suites_pass_in_the_browser_when_skc_serve_serves_the_land(
    land: LandId,
) -> None:
    report = _browser_run(land, {"suites": ("fields", "scenarios")})
    problems = [f"{r.verdict} {r.check}: {r.reason or r.observed}" for r in report.results
                if r.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE)]  # fmt: skip
    assert not problems, "\n".join(problems[:10])
    assert report.ok, report.summary.status_reason
    assert report.counts.get("pass", 0) > 40


def test_scenarios_pass_in_the_browser_when_skc_serve_serves_berlin() -> None:
    report = _browser_run("berlin", {"suites": ("scenarios",)})
    problems = [f"{r.verdict} {r.check}: {r.reason or r.observed}" for r in report.results
                if r.verdict in (Verdict.FAIL, Verdict.ERROR, Verdict.INCONCLUSIVE)]  # fmt: skip
    assert not problems, "\n".join(problems[:10])
    assert report.ok, report.summary.status_reason


@pytest.mark.parametrize("fault", FAULT_PARAMS)
def test_every_field_fault_is_found_in_the_browser_on_the_rule_it_breaks(fault: Fault) -> None:
    config = {"only_rules": frozenset({fault.rule}), "stop_at_first_failure": True,
              "suites": ("fields", "scenarios")}  # fmt: skip
    report = _browser_run(fault.land, config, fault=fault.name)
    findings = report.findings()
    assert findings, f"{fault.name} not found in the browser by {report.summary.checks_run} checks"
    assert findings[0].verdict == "fail", findings[0]
    assert findings[0].rule == fault.rule, f"{fault.name} found on {findings[0].rule} instead"


def test_message_without_a_pattern_is_inconclusive_with_the_message_quoted(tmp_path: Path) -> None:
    data = yaml.safe_load(REFERENCE_MAP.read_text(encoding="utf-8"))
    data["patterns"] = [p for p in data["patterns"] if p["rule"] != "password.no_spaces"]
    partial = tmp_path / "map.yaml"
    partial.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    check = "fields/password/password.no_spaces"
    report = _browser_run("hamburg", {"only_check": check, "suites": ("fields",)},
                          portal_map=partial)  # fmt: skip
    assert {r.verdict for r in report.results} == {Verdict.INCONCLUSIVE}
    reason = report.results[0].reason
    assert '["Das Passwort darf keine Leerzeichen enthalten."]' in reason
    assert "(the model: rejected (password.no_spaces))" in reason


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def test_browser_finding_shows_its_screenshot_in_the_html_report(
    tmp_path: Path, browser: object
) -> None:
    out = tmp_path / "out"
    config = {
        "only_check": "fields/password/password.max_length",
        "suites": ("fields",),
        "out": out,
    }
    report = _browser_run("hamburg", config, fault="hamburg-password-max-39")
    finding = report.findings()[0]
    assert finding.rule == "password.max_length"
    shot, trace = finding.evidence
    with zipfile.ZipFile(out / trace) as saved:
        texts = [saved.read(m).decode("utf-8", "replace") for m in saved.namelist()]
    assert any("#absenden" in text for text in texts)  # the submit is in the trace
    leaked = [s for s in report.secrets_seen if len(s) >= 4 and any(s in t for t in texts)]
    assert not leaked, "a secret the harness typed is in the trace"
    page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    page.goto((out / "report.html").as_uri())
    image = page.locator(f'img[src="{shot}"]')
    image.scroll_into_view_if_needed()
    assert image.evaluate("i => i.complete && i.naturalWidth > 100")
    assert page.locator(f'a[href="{trace}"]').count() == 1
    if folder := os.environ.get("SKC_REPORT_SCREENSHOTS"):
        page.add_style_tag(content="form#filters { position: static; }")  # not over the shot
        page.locator("article.finding").first.screenshot(
            path=str(Path(folder) / "report-browser-finding.png")
        )
    page.close()
