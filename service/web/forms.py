"""Form values to operation arguments, and a rejection's rule ids to messages per field.

Pure functions: :func:`parse_body` reads an ``application/x-www-form-urlencoded`` body;
:func:`arguments_of` turns the submitted strings into the declared argument types exactly as
typed (no trimming: the server, not the browser, judges the values); :func:`errors_of` places
each rule's German message under the field it concerns, in the order of the rule ids.

How each declared type is entered: text for strings, e-mail addresses, secrets (password
inputs) and ISO dates; a checkbox for ``bool`` (checked: true); one item per line for
``str_list``; ``key=value`` lines for ``mapping`` and for ``card`` (the eID result the holder's
eID client produced for the page's eID request). An empty optional field means "not
given" (the declared default).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Final
from urllib.parse import parse_qsl

from skc.model.ambiguity import Readings
from skc.model.catalog import load_catalog
from skc.model.lands import LandId
from skc.service.web.messages import message
from skc.service.web.pages import SESSION_PARAM, Page, shown

_LINES: Final = re.compile(r"\r\n|\r|\n")
DATE_MESSAGE: Final = "Bitte geben Sie das Datum im Format JJJJ-MM-TT ein."
NUMBER_MESSAGE: Final = "Bitte geben Sie eine ganze Zahl ein."
MAPPING_MESSAGE: Final = "Bitte geben Sie je Zeile eine Angabe in der Form name=wert ein."


def parse_body(body: bytes) -> dict[str, str]:
    """The fields of a URL-encoded form body (the last value of a repeated name wins)."""
    text = body.decode("utf-8", errors="strict")
    return dict(parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict"))


@dataclass
class Errors:
    """The messages of a rejected submission: per parameter, and for the whole form."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    form: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.fields or self.form)

    def add(self, param: str | None, text: str) -> None:
        """Add a message under a parameter (or the form when None), once."""
        target = self.form if param is None else self.fields.setdefault(param, [])
        if text not in target:
            target.append(text)


def _lines(value: str) -> list[str]:
    return [line for line in _LINES.split(value) if line != ""]


def arguments_of(
    page: Page, form: Mapping[str, str], session: str | None
) -> tuple[dict[str, object], Errors]:
    """The operation's arguments from the submitted form, and the fields that could not be
    read (a malformed date, number or ``key=value`` line)."""
    arguments: dict[str, object] = {}
    errors = Errors()
    for param in page.operation.params:
        if param.name == SESSION_PARAM:
            arguments[param.name] = session or ""
            continue
        if not shown(page.operation, param.name):
            continue  # the holder's own: the eID client asked for it, not the portal
        if param.kind == "bool":
            arguments[param.name] = param.name in form
            continue
        raw = form.get(param.name, "")
        if raw == "" and not param.required:
            continue  # not given: the declared default
        if param.kind == "date":
            try:
                date.fromisoformat(raw)
            except ValueError:
                errors.add(param.name, DATE_MESSAGE)
                continue
            if len(raw) != 10:
                errors.add(param.name, DATE_MESSAGE)
                continue
            arguments[param.name] = raw
        elif param.kind in ("int", "seconds"):
            if not re.fullmatch(r"-?[0-9]+", raw):
                errors.add(param.name, NUMBER_MESSAGE)
                continue
            arguments[param.name] = int(raw)
        elif param.kind == "str_list":
            arguments[param.name] = tuple(_lines(raw))
        elif param.kind in ("mapping", "card"):  # a card: the eID result, name=value lines
            pairs = [line.partition("=") for line in _lines(raw)]
            if any(not sep or not key for key, sep, _ in pairs):
                errors.add(param.name, MAPPING_MESSAGE)
                continue
            arguments[param.name] = {key: value for key, _, value in pairs}
        else:
            arguments[param.name] = raw
    return arguments, errors


def errors_of(page: Page, rules: tuple[str, ...], land: LandId, readings: Readings) -> Errors:
    """Each rule's German message, under its field (in the order of the rule ids) or for the
    whole form."""
    catalog = load_catalog()
    known = set(catalog.ids)
    errors = Errors()
    for rule_id in rules:
        bound = catalog.rule(rule_id).field if rule_id in known else None
        errors.add(page.field_of_rule(rule_id, bound), message(rule_id, land, readings))
    return errors


__all__ = [
    "DATE_MESSAGE",
    "MAPPING_MESSAGE",
    "NUMBER_MESSAGE",
    "Errors",
    "arguments_of",
    "errors_of",
    "parse_body",
]
