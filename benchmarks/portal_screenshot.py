"""Regenerate the README's picture of the reference portal's registration page with field errors.

``python -m benchmarks.portal_screenshot [OUT.png]`` serves the reference portal of Lower Saxony
on a free loopback port, submits the registration form in headless Debian ``chromium``
(Playwright; never a downloaded browser) with an e-mail address holding a space and a too short
password, and saves the page (default ``docs/images/portal-registration-error.png``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

from playwright.sync_api import sync_playwright

from skc.service import ServeOptions, build_app
from skc.service.testing import serving

OUT: Final = Path("docs/images/portal-registration-error.png")
CHROMIUM: Final = "/usr/bin/chromium"
TIMEOUT_MS: Final = 20_000


def take(out: Path = OUT) -> Path:
    """Serve the portal, submit a registration with field errors and save the screenshot."""
    app = build_app(ServeOptions(land="niedersachsen", db=None))
    with serving(app) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 900, "height": 900}, locale="de-DE")
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(f"{url}/portals/default/web/registrieren")
            page.fill("#f-email", "anna muster@example.org")
            page.fill("#f-password", "kurz")
            page.fill("#f-first_name", "Anna")
            page.fill("#f-last_name", "Muster")
            page.click("#absenden")
            page.wait_for_selector("#fehler-password")
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out), full_page=True)
        finally:
            browser.close()
    return out


def main() -> None:
    """Write the screenshot to the path given (or the README's)."""
    out = take(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()


__all__ = ["main", "take"]
