"""The HTML report in a real browser (headless Chromium from Debian, driven by Playwright).

Opt-in (``./dev quality``): a clean run, a run with a seeded fault and a run under a reduced
profile, each opened at desktop and phone width. Set ``SKC_REPORT_SCREENSHOTS=DIR`` to keep a
screenshot of each page's first screen (the README's pictures come from there).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skc.conformance.profile import load_profile
from skc.conformance.run_command import build_config
from skc.conformance.runner import run

pytestmark = pytest.mark.quality

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
URL = "http://report.invalid/report.html"

if CHROMIUM is None:  # pragma: no cover - ./dev quality installs Debian's chromium
    pytest.skip(
        "Debian's chromium is not installed (apt-get install chromium; ./dev quality does it)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install -e '.[dev]'")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


def _report(tmp_path: Path, kind: str) -> Path:
    options: dict[str, Any] = {"fault": None, "profile": None, "lands": ["hamburg"]}
    if kind == "fault":
        options.update(fault="hamburg-timeout-21-minutes", lands=[])
    if kind == "reduced":
        profile = tmp_path / "reduced.yaml"
        profile.write_text("land: hamburg\ncapabilities:\n  mailbox: true\n", encoding="utf-8")
        assert load_profile(profile).land == "hamburg"
        options.update(profile=profile, lands=[])
    config = build_config(
        target="inprocess", seed=1, suites=["scenarios"], expected_failures=None,
        hypothesis_profile="ci", out=tmp_path / kind, replay=None, scenarios=None, **options,
    )  # fmt: skip
    run(config)
    return tmp_path / kind / "report.html"


def _open(browser: Any, page_file: Path, *, width: int = 1280, script: bool = True) -> Any:
    """The page served from one URL; every other request is recorded and refused."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=script
    )
    page = context.new_page()
    page.requests = []

    def route(request_route: Any) -> None:
        page.requests.append(request_route.request.url)
        if request_route.request.url == URL:
            request_route.fulfill(body=page_file.read_bytes(), content_type="text/html")
        else:
            request_route.abort()

    page.route("**/*", route)
    page.goto(URL)
    shots = os.environ.get("SKC_REPORT_SCREENSHOTS")
    if shots:
        name = f"report-{page_file.parent.name}{'-phone' if width < 600 else ''}.png"
        page.screenshot(path=str(Path(shots) / name))
    return page


def _visible_rows(page: Any) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = page.eval_on_selector_all(
        "#results tbody tr:not([hidden])", "rows => rows.map(r => ({...r.dataset}))"
    )
    return rows


@pytest.mark.parametrize(
    ("kind", "verdict"),
    [("clean", "Conformant"), ("fault", "Not conformant"), ("reduced", "Incomplete")],
)
def test_report_states_the_verdict_first_and_loads_nothing_when_opened(
    browser: Any, tmp_path: Path, kind: str, verdict: str
) -> None:
    page = _open(browser, _report(tmp_path, kind))
    first = page.locator("body > *").first
    assert first.inner_text().startswith("Conformance report")
    assert page.locator("#verdict").inner_text().startswith(f"{verdict}:")
    assert page.locator("#filters").is_visible()
    assert page.requests == [URL]
    phone = _open(browser, tmp_path / kind / "report.html", width=390)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone.locator("#verdict").is_visible()


def test_report_filters_and_sorts_the_results_when_the_reader_chooses(
    browser: Any, tmp_path: Path
) -> None:
    page = _open(browser, _report(tmp_path, "fault"))
    every_row = _visible_rows(page)
    everything = len(every_row)
    failing = sum(row["verdict"] == "fail" for row in every_row)  # the checks the fault breaks
    assert failing >= 1
    assert page.locator("#findings article.finding").count() == failing
    page.select_option("#filters select[name=verdict]", "fail")
    rows = _visible_rows(page)
    assert [row["verdict"] for row in rows] == ["fail"] * failing
    assert page.locator("#findings article.finding:visible").count() == failing
    page.select_option("#filters select[name=verdict]", "pass")
    assert page.locator("#findings article.finding:visible").count() == 0
    assert not page.locator("#findings section.rule-group").first.is_visible()
    page.select_option("#filters select[name=land]", "hamburg")
    page.select_option("#filters select[name=suite]", "scenarios")
    passing = _visible_rows(page)
    assert len(passing) == everything - failing
    assert {(r["land"], r["verdict"], r["suite"]) for r in passing} == {
        ("hamburg", "pass", "scenarios")
    }
    assert page.locator("#shown").inner_text() == f"{everything - failing} of the results shown"
    page.click("#filters button[type=reset]")
    assert len(_visible_rows(page)) == everything
    page.click("#results th:has-text('seconds') button")
    page.click("#results th:has-text('seconds') button")
    seconds = page.eval_on_selector_all(
        "#results tbody tr", "rows => rows.map(r => Number(r.cells[6].dataset.sort))"
    )
    assert seconds == sorted(seconds, reverse=True)
    assert page.requests == [URL]


def test_report_shows_everything_when_scripts_are_off(browser: Any, tmp_path: Path) -> None:
    page = _open(browser, _report(tmp_path, "fault"), script=False)
    assert page.locator("#verdict").inner_text().startswith("Not conformant:")
    assert not page.locator("#filters").is_visible()
    assert page.locator("#findings article.finding").first.is_visible()
    assert page.locator("a[href='#f--hamburg--session.idle_timeout']").count() == 1
