"""The browser adapter: a portal through its web pages, in Debian's chromium (Playwright).

``skc run --target browser --profile PROFILE`` (the profile gives ``base_url`` and, under
``parameters``, ``portal_map``: see :mod:`.portal_map` for the file, :mod:`.adapter` for how a
call becomes a form). Playwright is imported only when a browser starts.
"""

from __future__ import annotations

from skc.conformance.adapters.browser.adapter import BrowserAdapter, BrowserConnection
from skc.conformance.adapters.browser.portal_map import (
    REFERENCE_MAP,
    PortalMap,
    load_portal_map,
    rules_of,
)

__all__ = [
    "REFERENCE_MAP",
    "BrowserAdapter",
    "BrowserConnection",
    "PortalMap",
    "load_portal_map",
    "rules_of",
]
