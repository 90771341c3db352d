"""The operations an adapter must speak, declared once as data (``operations.yaml``).

Every operation a scenario, a suite or a replay can ask of a portal is declared in
``operations.yaml`` beside this module: its name, its parameters with types, whether it is a
query or an action, the capability it needs, who performs it and what it returns. The in-process
adapter, argument coercion, the capability checks and the scenario validation derive from these
declarations; an operation without a declared capability is a load error.

The vocabulary of the adapter contract
======================================

``Connection.call(operation, arguments)`` receives an operation name from :data:`OPERATIONS`
and plain arguments keyed by parameter name, typed as declared:

* ``str``, ``int``, ``bool``; ``email`` (an address, already unique to the example: the harness
  namespaces every address it makes up); ``secret`` (a password, security answer, PIN, PUK or
  CAN: never log it); ``date`` (an ISO ``YYYY-MM-DD`` string); ``card`` (a test-card reference
  such as ``"erika-mustermann"``: the adapter presents that card, with the ``pin`` argument,
  to its eID client); ``str_list`` (a sequence of strings); ``mapping`` (``str -> str``).

It answers with an :class:`~skc.model.sim.outcome.Outcome`:

* ``accepted=True`` and ``value`` as the declaration's ``returns.value`` says: ``id`` and
  ``session`` (any string the portal uses; ids are compared only by presence), ``count`` (an
  int), ``flag`` (a bool), ``status`` (one of the status words below), ``ids`` (a collection,
  compared by size), ``text``, ``mapping`` (``str -> str``), ``token`` or ``none``;
* ``accepted=False`` and ``rules``: the rule ids (``skc rules`` lists them; ``sim.*`` ids for
  generic preconditions such as ``sim.not_logged_in``, see
  :data:`~skc.model.sim.outcome.SIM_REASONS`) of the errors the portal showed. A portal that
  rejects without naming any rule is compared on accept / reject only, and the check result
  carries a warning that the report shows (``CheckResult.warnings``).

Status values: ``account_status`` answers ``pending``, ``active``, ``locked``,
``deactivated``, ``deleted``, ``purged`` or ``unknown``; ``account_level`` answers
``servicekonto`` / ``servicekonto_plus`` (Berlin: ``level1`` / ``level2``).

Roles: ``user`` operations are what a person does in the portal; ``back_office`` operations
(``offer_service``, ``start_vorgang``, ``deliver_message``, ``approve_service``,
``confirm_at_office``, ``report_payment``) are what an authority or a payment provider does,
through the portal's test API; ``test_hook`` operations (:data:`HOOKS`: ``advance_clock``,
``captured_token``) are served by the connection's own methods. Transport failures raise
:class:`~skc.model.errors.AdapterError` (verdict ``error``, never a portal verdict).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from skc.conformance.profile import Capability
from skc.model.errors import CatalogError, UnknownNameError
from skc.model.readings_file import compose_yaml_file, line_of, yaml_data
from skc.model.validators import field_names

OPERATIONS_FILE: Final = Path(__file__).with_name("operations.yaml")
CORE: Final = "core"

ParamKind = Literal[
    "str", "email", "secret", "int", "bool", "date", "card", "str_list", "mapping", "seconds"
]
ReturnKind = Literal[
    "none", "id", "session", "count", "flag", "status", "ids", "text", "mapping", "token"
]
Compare = Literal["none", "presence", "size", "value"]
Role = Literal["user", "back_office", "test_hook"]
ParamDefault = str | int | bool | list[str] | None


class _ParamSpec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    type: ParamKind
    default: ParamDefault = None
    optional: bool = False
    choices: tuple[str, ...] = ()
    field: str | tuple[str, ...] | None = None
    fields: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_fields(self) -> _ParamSpec:
        named = (self.field,) if isinstance(self.field, str) else (self.field or ())
        unknown = sorted({*named, *self.fields.values()} - set(field_names()))
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r}; valid: {', '.join(field_names())}")
        if self.fields and self.type != "mapping":
            raise ValueError("'fields' (key -> field) is for a mapping parameter; use 'field'")
        if named and self.type == "mapping":
            raise ValueError("a mapping parameter names its fields per key ('fields')")
        return self


class _Returns(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: ReturnKind
    compare: Compare


class _Declaration(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["query", "action"]
    role: Role
    capability: str
    doc: str = Field(min_length=1)
    params: dict[str, _ParamSpec] = Field(default_factory=dict)
    returns: _Returns
    creates_account: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> _Declaration:
        valid = (CORE, *(c.value for c in Capability))
        if self.capability not in valid:
            raise ValueError(f"capability {self.capability!r} is not one of {', '.join(valid)}")
        if self.creates_account is not None and self.creates_account not in self.params:
            raise ValueError(f"creates_account names {self.creates_account!r}, not a parameter")
        if self.kind == "action" and self.returns.compare != "none":
            raise ValueError("only a query's value is compared (returns.compare: none)")
        return self


@dataclass(frozen=True, slots=True)
class Param:
    """One declared parameter of an operation."""

    name: str
    kind: ParamKind
    required: bool
    default: ParamDefault = None
    choices: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()  # the fields whose rules bind the value (the account decides)
    keys: tuple[tuple[str, str], ...] = ()  # a mapping's keys that carry a field: (key, field)

    @property
    def secret(self) -> bool:
        """Whether the argument is a secret (never shown, scrubbed from every report)."""
        return self.kind == "secret"


@dataclass(frozen=True, slots=True)
class Operation:
    """One declared operation: name, parameters, role, capability and return value."""

    name: str
    params: tuple[Param, ...]
    query: bool
    role: Role
    capability: str
    returns: ReturnKind
    compare: Compare
    doc: str
    creates_account: str | None = None

    @property
    def authority(self) -> bool:
        """Whether an authority (the portal's back office) performs it, not a person."""
        return self.role == "back_office"

    @property
    def needs(self) -> Capability | None:
        """The capability a profile must declare, or None for a core operation."""
        return None if self.capability == CORE else Capability(self.capability)

    def param(self, name: str) -> Param:
        """The named parameter; an unknown name raises an error listing the valid ones."""
        for param in self.params:
            if param.name == name:
                return param
        raise UnknownNameError(f"argument of {self.name}", name, [p.name for p in self.params])


def _operation(spec: _Declaration) -> Operation:
    params = tuple(
        Param(
            name,
            p.type,
            required=not p.optional and "default" not in p.model_fields_set,
            default=p.default,
            choices=p.choices,
            fields=(p.field,) if isinstance(p.field, str) else (p.field or ()),
            keys=tuple(p.fields.items()),
        )
        for name, p in spec.params.items()
    )
    return Operation(
        spec.name, params, spec.kind == "query", spec.role, spec.capability,
        spec.returns.value, spec.returns.compare, spec.doc, spec.creates_account,
    )  # fmt: skip


def load_operations(path: Path = OPERATIONS_FILE) -> dict[str, Operation]:
    """Load and validate a declarations file; a malformed entry raises CatalogError (file:line)."""
    root = compose_yaml_file(path)
    data = yaml_data(root)
    if not isinstance(data, list) or root is None:
        raise CatalogError(f"{path}:1: expected a list of operation declarations")
    found: dict[str, Operation] = {}
    for index, entry in enumerate(data):
        try:
            spec = _Declaration.model_validate(entry)
        except ValidationError as exc:
            first = exc.errors()[0]
            line = line_of(root, (index, *first["loc"]))
            where = ".".join(str(part) for part in first["loc"]) or "entry"
            raise CatalogError(f"{path}:{line}: {where}: {first['msg']}") from exc
        if spec.name in found:
            raise CatalogError(f"{path}:{line_of(root, (index,))}: duplicate {spec.name!r}")
        found[spec.name] = _operation(spec)
    return found


@cache
def _declared() -> dict[str, Operation]:
    return load_operations()


DECLARED: Final = _declared()
# What ``Connection.call`` performs: user and back-office operations.
OPERATIONS: Final = {name: op for name, op in DECLARED.items() if op.role != "test_hook"}
# What the connection's own methods serve: the clock and the captured mail.
HOOKS: Final = {name: op for name, op in DECLARED.items() if op.role == "test_hook"}
QUERIES: Final = frozenset(name for name, op in OPERATIONS.items() if op.query)
AUTHORITY: Final = frozenset(name for name, op in OPERATIONS.items() if op.authority)
NEEDS: Final[dict[str, str]] = {
    name: op.capability for name, op in DECLARED.items() if op.capability != CORE
}
SECRET_PARAMS: Final = frozenset(p.name for op in DECLARED.values() for p in op.params if p.secret)


_JSON_TYPES: Final[dict[str, dict[str, object]]] = {
    "str": {"type": "string"},
    "email": {"type": "string", "description": "an e-mail address"},
    "secret": {"type": "string", "writeOnly": True, "description": "never logged or shown"},
    "int": {"type": "integer"},
    "seconds": {"type": "integer", "minimum": 0},
    "bool": {"type": "boolean"},
    "date": {"type": "string", "format": "date"},
    "card": {"type": "string", "description": "a test-card reference"},
    "str_list": {"type": "array", "items": {"type": "string"}},
    "mapping": {"type": "object", "additionalProperties": {"type": "string"}},
}


def arguments_schema(op: Operation) -> dict[str, object]:
    """The JSON Schema of an operation's arguments (for an HTTP test API or a vendor's own
    validation): every declared parameter with its type, choices and default."""
    properties: dict[str, object] = {}
    for param in op.params:
        schema = dict(_JSON_TYPES[param.kind])
        if param.choices:
            schema["enum"] = list(param.choices)
        if not param.required:
            schema["default"] = param.default
            schema = {"anyOf": [schema, {"type": "null"}]} if param.default is None else schema
        properties[param.name] = schema
    return {
        "title": op.name,
        "description": op.doc,
        "type": "object",
        "properties": properties,
        "required": [p.name for p in op.params if p.required],
        "additionalProperties": False,
    }


@dataclass(frozen=True, slots=True)
class FormSlot:
    """Where a value of a field enters a portal: a parameter of an operation, or one key of a
    mapping parameter (``edit_profile``'s ``changes["house_number"]``)."""

    field: str
    operation: str
    param: str
    key: str | None = None


def field_forms(declared: Mapping[str, Operation] | None = None) -> dict[str, tuple[FormSlot, ...]]:
    """Which operations take which field, from the declarations (``field:`` and ``fields:``):
    field -> the slots in declaration order. A parameter that names several fields (the new
    address of an e-mail change: a citizen's or an organisation member's) is a slot of each."""
    table: dict[str, list[FormSlot]] = {}
    for op in (declared if declared is not None else OPERATIONS).values():
        for param in op.params:
            for field in param.fields:
                table.setdefault(field, []).append(FormSlot(field, op.name, param.name))
            for key, field in param.keys:
                table.setdefault(field, []).append(FormSlot(field, op.name, param.name, key))
    return {field: tuple(slots) for field, slots in table.items()}


def operation(name: str) -> Operation:
    """The named operation; an unknown name raises an error listing the valid ones."""
    if name not in OPERATIONS:
        raise UnknownNameError("operation", name, sorted(OPERATIONS))
    return OPERATIONS[name]


__all__ = [
    "AUTHORITY", "CORE", "DECLARED", "HOOKS", "NEEDS", "OPERATIONS", "OPERATIONS_FILE",
    "QUERIES", "SECRET_PARAMS", "FormSlot", "Operation", "Param", "arguments_schema",
    "field_forms", "load_operations", "operation",
]  # fmt: skip
