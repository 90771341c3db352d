"""The portal map: how the browser adapter finds a portal's pages, fields and messages.

One YAML file per portal, validated on load (file:line errors; an unknown key lists the valid
ones)::

    pages: "{base_url}/portals/{portal}/web/"   # {base_url}: the profile's; {portal}: the
                                                 # instance the test API made, else "default"
    session_cookie: skc_session                  # its value is the session handle (optional)
    success: {shown: ".erfolg", value: "#ergebnis", items: ".ergebnis-eintrag",
              mapping: "dl#ergebnis"}
    messages: {field: "[id='fehler-{param}']", form: ".fehler-formular p"}
    operations:
      register_citizen:
        page: registrieren                       # relative to `pages`
        query: []                                # parameters sent in the URL of the GET
        form: "#form-register_citizen"           # absent: the GET itself is the operation
        submit: "#absenden"
        fields: {email: "#f-email", password: "#f-password"}
    patterns:                                    # a shown message -> the rule it stands for
      - {match: "^Das Passwort ist zu kurz\\.$", rule: password.min_length}

Operations the map does not name are sent through the Portal Test API when the profile offers
one, else they are ``inconclusive``. The pure part (:func:`rules_of`) turns the messages a page
showed into rule ids and quotes the ones no pattern matches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from skc.conformance.adapters.operations import DECLARED
from skc.model.errors import InputError, UnobservedError
from skc.model.readings_file import line_of
from skc.model.sim.outcome import Outcome
from skc.model.yaml_file import compose_mapping_file

REFERENCE_MAP = Path(__file__).with_name("reference_map.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Success(_Strict):
    """How an accepted operation shows, and where its returned value is."""

    shown: str
    value: str | None = None
    items: str | None = None
    mapping: str | None = None


class Messages(_Strict):
    """Where messages appear: per field (``{param}`` is the parameter) and for the whole form."""

    field: str
    form: str


class Page(_Strict):
    """One operation's page: its URL, form, fields and submit control."""

    page: str
    query: tuple[str, ...] = ()
    form: str | None = None
    submit: str | None = None
    fields: dict[str, str] = Field(default_factory=dict)


class Pattern(_Strict):
    """A regular expression over a shown message (whitespace collapsed) and its rule id."""

    match: str
    rule: str

    @field_validator("match")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression: {exc}") from exc
        return value


class PortalMap(_Strict):
    """A validated portal map (see the module docstring for the file format)."""

    pages: str
    session_cookie: str | None = None
    success: Success
    messages: Messages
    operations: dict[str, Page] = Field(default_factory=dict)
    patterns: tuple[Pattern, ...] = ()

    def url(self, base_url: str, portal: str, page: Page) -> str:
        """The absolute URL of a page."""
        root = self.pages.format(base_url=base_url.rstrip("/"), portal=portal)
        return root.rstrip("/") + "/" + page.page.lstrip("/")


def _valid_keys(loc: tuple[Any, ...]) -> str:
    models: dict[str, type[BaseModel]] = {
        "success": Success, "messages": Messages, "operations": Page, "patterns": Pattern,
    }  # fmt: skip
    model: type[BaseModel] = models.get(str(loc[0]), PortalMap) if len(loc) > 1 else PortalMap
    return ", ".join(model.model_fields)


def _operation_problem(name: str, page: Page) -> str | None:
    if name not in DECLARED:
        return f"unknown operation {name!r} (the operations are declared in operations.yaml)"
    params = {p.name for p in DECLARED[name].params}
    unknown = sorted((set(page.fields) | set(page.query)) - params)
    if unknown:
        return (
            f"{', '.join(unknown)} is no parameter of {name} (valid: {', '.join(sorted(params))})"
        )
    if page.form is not None and page.submit is None:
        return "a form needs its submit control ('submit')"
    return None


def load_portal_map(path: Path) -> PortalMap:
    """Load and validate a portal map; InputError naming file, line, key and what was expected."""
    root, data = compose_mapping_file(path, "a mapping with 'pages', 'success', 'messages'")
    try:
        loaded = PortalMap.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        where = ".".join(str(part) for part in loc)
        message = str(first["msg"])
        if first["type"] == "extra_forbidden":
            message += f" (valid keys: {_valid_keys(loc)})"
        raise InputError(f"{path}:{line_of(root, loc)}: {where}: {message}") from exc
    for name, page in loaded.operations.items():
        problem = _operation_problem(name, page)
        if problem is not None:
            line = line_of(root, ("operations", name))
            raise InputError(f"{path}:{line}: operations.{name}: {problem}")
    return loaded


def normalise(message: str) -> str:
    """A shown message with runs of whitespace collapsed and the ends stripped."""
    return " ".join(message.split())


@dataclass(frozen=True, slots=True)
class Reading:
    """What the messages of one page stand for: the rule ids, and the messages no pattern
    matched (quoted, in the order shown)."""

    rules: tuple[str, ...]
    unknown: tuple[str, ...]


def rules_of(messages: Iterable[str], patterns: Sequence[Pattern]) -> Reading:
    """Map each shown message to the rule of the first pattern that matches all of it."""
    compiled = [(re.compile(p.match), p.rule) for p in patterns]
    rules: dict[str, None] = {}
    unknown: dict[str, None] = {}
    for shown in messages:
        text = normalise(shown)
        if not text:
            continue
        rule = next((r for rx, r in compiled if rx.fullmatch(text)), None)
        if rule is None:
            unknown[text] = None
        else:
            rules[rule] = None
    return Reading(tuple(rules), tuple(unknown))


def rejection(operation: str, shown: Sequence[str], patterns: Sequence[Pattern]) -> Outcome | None:
    """The rejection the messages a page showed stand for (None when it showed none); a message
    no pattern matches raises UnobservedError quoting it (verdict ``inconclusive``)."""
    messages = [text for text in shown if text.strip()]
    if not messages:
        return None
    reading = rules_of(messages, patterns)
    if reading.unknown:
        quoted = json.dumps(list(reading.unknown), ensure_ascii=False)
        raise UnobservedError(
            f"{operation}: the portal showed messages no pattern of the portal map matches: "
            f"{quoted}; add a pattern for each (skc map suggest)"
        )
    return Outcome(False, rules=reading.rules, detail=" ".join(normalise(m) for m in messages))


def literal_pattern(message: str) -> str:
    """The regex that matches exactly this message (after whitespace is collapsed)."""
    return "^" + escape(normalise(message)) + "$"


def escape(text: str) -> str:
    """``re.escape`` leaving spaces as they are (they mean themselves in a pattern)."""
    return re.escape(text).replace("\\ ", " ")


__all__ = [
    "REFERENCE_MAP", "Messages", "Page", "Pattern", "PortalMap", "Reading", "Success",
    "escape", "literal_pattern", "load_portal_map", "normalise", "rejection", "rules_of",
]  # fmt: skip
