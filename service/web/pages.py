"""The web pages as data: ``pages.yaml`` read into frozen declarations and checked.

Each page performs one declared user action (:mod:`skc.conformance.adapters.operations`); the
file gives its German slug, title, navigation section, button, success sentence and a label
for every parameter except ``session`` and the eID holder's own (:func:`shown`). Loading
checks that every user action has a page (or is listed under ``browser_only``), that slugs are
unique, and that every field has a label; a mistake is a CatalogError naming file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from skc.conformance.adapters.eid import CARD_OPERATIONS, HOLDER_PARAMS
from skc.conformance.adapters.operations import OPERATIONS, Operation, Param
from skc.model.errors import CatalogError
from skc.model.readings_file import compose_yaml_file, line_of, yaml_data

PAGES_FILE: Final = Path(__file__).with_name("pages.yaml")
SESSION_PARAM: Final = "session"
Section = Literal[
    "registrieren", "anmelden", "mein-bereich", "konto-verwalten", "postfach", "administration"
]
# The navigation, in the help texts' words: section -> German name.
SECTIONS: Final[dict[str, str]] = {
    "registrieren": "Registrieren",
    "anmelden": "Anmelden",
    "mein-bereich": "Mein Bereich",
    "konto-verwalten": "Konto verwalten",
    "postfach": "Postfach",
    "administration": "Administration",
}


class _PageSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    operation: str
    slug: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1)
    section: Section
    button: str = Field(min_length=1)
    success: str = Field(min_length=1)
    labels: dict[str, str]
    hints: dict[str, str] = Field(default_factory=dict)
    rule_fields: dict[str, str] = Field(default_factory=dict)


class _PagesFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    browser_only: dict[str, str] = Field(default_factory=dict)
    pages: tuple[_PageSpec, ...]


@dataclass(frozen=True, slots=True)
class FormField:
    """One form field: the declared parameter with its German label and hint."""

    param: Param
    label: str
    hint: str | None

    @property
    def name(self) -> str:
        """The parameter's name (the input's ``name``; its id is ``f-<name>``)."""
        return self.param.name


@dataclass(frozen=True, slots=True)
class Page:
    """One page: the operation it performs and its German texts."""

    operation: Operation
    slug: str
    title: str
    section: str
    button: str
    success: str
    fields: tuple[FormField, ...]
    rule_fields: tuple[tuple[str, str], ...]

    @property
    def presents_card(self) -> bool:
        """Whether the operation takes an eID result (the AusweisApp's answer) as ``card``."""
        return self.operation.name in CARD_OPERATIONS

    @property
    def needs_session(self) -> bool:
        """Whether the operation takes the login session (read from the cookie)."""
        return any(p.name == SESSION_PARAM for p in self.operation.params)

    def field_of_rule(self, rule_id: str, rule_field: str | None) -> str | None:
        """The parameter under which a rule's message shows, or None (a form-level error)."""
        for rule, name in self.rule_fields:
            if rule == rule_id:
                return name
        if rule_field is None:
            return None
        for param in self.operation.params:
            if rule_field in param.fields or any(f == rule_field for _, f in param.keys):
                return param.name
        return None


def shown(op: Operation, name: str) -> bool:
    """Whether a parameter is a field of the form: not the session (the cookie), not what
    stays with the holder's eID client (the PIN, the pseudonym choice: the AusweisApp asks)."""
    if name == SESSION_PARAM:
        return False
    return not (op.name in CARD_OPERATIONS and name in HOLDER_PARAMS)


def _page(spec: _PageSpec, where: str) -> Page:
    op = OPERATIONS.get(spec.operation)
    if op is None or op.role != "user" or op.query:
        raise CatalogError(f"{where}: operation: {spec.operation!r} is not a declared user action")
    expected = [p.name for p in op.params if shown(op, p.name)]
    unlabelled = [name for name in expected if name not in spec.labels]
    if unlabelled:  # a label for a parameter not (or no longer) declared is left unused
        raise CatalogError(f"{where}: labels: no German label for {', '.join(unlabelled)}")
    names = set(expected)
    for key, table in (("hints", spec.hints), ("rule_fields", spec.rule_fields)):
        stray = (
            sorted(set(table) - names) if key == "hints" else sorted(set(table.values()) - names)
        )
        if stray:
            raise CatalogError(f"{where}: {key}: {stray[0]!r} is not a parameter of {op.name}")
    fields = tuple(
        FormField(p, spec.labels[p.name], spec.hints.get(p.name))
        for p in op.params
        if shown(op, p.name)
    )
    return Page(
        op, spec.slug, spec.title, spec.section, spec.button, spec.success, fields,
        tuple(spec.rule_fields.items()),
    )  # fmt: skip


def load_pages(path: Path = PAGES_FILE) -> dict[str, Page]:
    """The pages by slug; CatalogError (file:line) for a malformed or incomplete file."""
    root = compose_yaml_file(path)
    try:
        spec = _PagesFile.model_validate(yaml_data(root))
    except ValidationError as exc:
        first = exc.errors()[0]
        line = line_of(root, first["loc"]) if root is not None else 1
        where = ".".join(str(part) for part in first["loc"]) or "file"
        raise CatalogError(f"{path}:{line}: {where}: {first['msg']}") from exc
    pages: dict[str, Page] = {}
    for index, entry in enumerate(spec.pages):
        where = f"{path}:{line_of(root, ('pages', index)) if root is not None else 1}"
        page = _page(entry, where)
        if page.slug in pages or any(p.operation.name == entry.operation for p in pages.values()):
            raise CatalogError(f"{where}: a second page for {entry.slug!r} / {entry.operation!r}")
        pages[page.slug] = page
    covered = {p.operation.name for p in pages.values()} | set(spec.browser_only)
    missing = sorted(name for name, op in OPERATIONS.items() if op.role == "user" and not op.query)
    missing = [name for name in missing if name not in covered]
    if missing:
        raise CatalogError(f"{path}: no page for the user action(s) {', '.join(missing)}")
    return pages


@cache
def pages() -> dict[str, Page]:
    """The pages of ``pages.yaml`` (loaded once)."""
    return load_pages()


__all__ = ["PAGES_FILE", "SECTIONS", "FormField", "Page", "load_pages", "pages", "shown"]
