"""Keeping secrets and hostile text out of every output.

:class:`Scrubber` replaces each known secret (password, security answer, PIN, PUK, CAN) in
every form it can take in a report: raw, ``repr``/``ascii`` escaped, JSON escaped, URL encoded
(``quote`` and ``quote_plus``), HTML escaped, and the ``unicode_escape`` form that Hypothesis and
exception messages use. :func:`visible` makes terminal control sequences harmless, and
:func:`console_text` also escapes Rich markup, so text from a portal or a user file printed
on the console can neither style nor move the terminal.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from typing import Final
from urllib.parse import quote, quote_plus

from rich.markup import escape

PLACEHOLDER: Final = "<secret>"
# Shorter secrets cannot be told apart from ordinary text; findings describe them instead.
MIN_SECRET_LENGTH: Final = 4
_CONTROL: Final = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def encodings(secret: str) -> set[str]:
    """Every form of ``secret`` that can appear in a message, a URL, a JSON or HTML body."""
    forms = {
        secret,
        repr(secret)[1:-1],
        ascii(secret)[1:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        html.escape(secret),
        html.escape(secret, quote=False),
        secret.encode("unicode_escape").decode("ascii"),
    }
    # Escaped twice (a JSON string inside a repr, an HTML-escaped JSON body, ...).
    forms |= {json.dumps(form)[1:-1] for form in list(forms)}
    forms |= {html.escape(form) for form in list(forms)}
    # repr quotes with ' unless the string holds a ' and no "; inside a string that holds both
    # (a JSON body in a repr), a ' is escaped: \'. The trailing " forces that quoting.
    forms |= {repr(form)[1:-1] for form in list(forms)} | {
        repr(form + '"')[1:-2] for form in list(forms)
    }
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


class Scrubber:
    """Replaces known secrets, in all their encodings, by a placeholder.

    Plain substring search, longest form first: a regular expression of thousands of
    alternatives costs more to compile than the few texts of a check take to search.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._forms: set[str] = set()
        self._ordered: tuple[str, ...] | None = None
        self.add(secrets)

    def __len__(self) -> int:
        return len(self._secrets)

    def add(self, secrets: Iterable[str]) -> None:
        """Learn more secrets."""
        for secret in secrets:
            if len(secret) >= MIN_SECRET_LENGTH and secret not in self._secrets:
                self._secrets.add(secret)
                self._forms |= encodings(secret)
                self._ordered = None

    def with_secrets(self, secrets: Iterable[str]) -> Scrubber:
        """A new scrubber that knows these secrets too (this one is left as it is)."""
        scrubber = Scrubber()
        scrubber._secrets = set(self._secrets)
        scrubber._forms = set(self._forms)
        scrubber.add(secrets)
        return scrubber

    def __call__(self, text: str) -> str:
        """The text with every known secret replaced."""
        if not self._forms or len(text) < MIN_SECRET_LENGTH:
            return text
        if self._ordered is None:
            self._ordered = tuple(sorted(self._forms, key=len, reverse=True))
        for form in self._ordered:
            if form in text:
                text = text.replace(form, PLACEHOLDER)
        return text


def visible(text: str) -> str:
    """Control characters (escape sequences, bidi overrides) shown as harmless escapes."""
    return _CONTROL.sub(lambda match: ascii(match.group())[1:-1], text)


def console_text(value: object) -> str:
    """Text from a portal or a file, safe to interpolate into Rich markup."""
    return escape(visible(str(value)))


__all__ = ["PLACEHOLDER", "Scrubber", "console_text", "encodings", "visible"]
