"""CSRF protection of the web forms by double submit.

Each browser gets a random token in the cookie ``skc_csrf`` (HttpOnly, SameSite=Lax); every
form repeats it in the hidden field ``csrf_token``. A POST is accepted only when both are
present and equal (compared in constant time): a page of another site can make the browser
send the cookie but cannot read it to fill the field.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Mapping
from typing import Final

CSRF_COOKIE: Final = "skc_csrf"
CSRF_FIELD: Final = "csrf_token"


def new_token() -> str:
    """A fresh random token (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def valid(cookies: Mapping[str, str], form: Mapping[str, str]) -> bool:
    """Whether the form's token matches the browser's cookie (both present)."""
    cookie = cookies.get(CSRF_COOKIE, "")
    sent = form.get(CSRF_FIELD, "")
    if not cookie or not sent:
        return False
    return hmac.compare_digest(cookie.encode(), sent.encode())


__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "new_token", "valid"]
