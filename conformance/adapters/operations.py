"""The operations a person (or an authority) can perform on a portal, read off the reference API.

The reference portal's public methods are the vocabulary of the help texts; each becomes an
:class:`Operation` with its parameter names and kinds, so scenarios, suites and every adapter
share one list, and a wrong name or argument is caught before a portal sees it.
"""

from __future__ import annotations

import inspect
import typing
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

from skc.model.errors import UnknownNameError
from skc.model.sim.portal import ReferencePortal

ParamKind = Literal["str", "int", "bool", "date", "card", "list", "mapping", "optional"]

# Reads that change nothing; their values are compared between portal and model.
QUERIES: Final = frozenset(
    {"account_status", "account_level", "unread_count", "list_vorgaenge", "session_alive",
     "vorgang_exists", "message_exists", "email_available", "can_access_mailbox",
     "effective_services", "is_offered", "account_id_of", "profile"}
)  # fmt: skip
# What an authority or payment provider does on the portal's back office, not a person.
AUTHORITY: Final = frozenset(
    {"offer_service", "start_vorgang", "deliver_message", "approve_service",
     "confirm_at_office", "report_payment"}
)  # fmt: skip

# The capability a portal must declare for an operation; operations not listed need none.
_NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "organisations": (
        "register_organisation", "add_org_user", "activate_org_user", "delete_org_user",
        "change_user_email", "set_user_password", "set_admins_may_use_services",
        "edit_organisation", "delete_organisation", "add_service", "remove_service",
        "approve_service", "grant_service", "revoke_service",
    ),
    "groups": (
        "create_group", "add_group_member", "remove_group_member", "add_group_service",
        "remove_group_service", "delete_group",
    ),
    "funktionspostfach": ("create_function_mailbox", "delete_function_mailbox"),
    "elster": ("link_elster", "unlink_elster", "login_with_elster"),
    "vertretung": ("add_vertretung", "delete_vertretung", "act_as", "stop_acting"),
    "eid": (
        "register_citizen_with_eid", "login_with_eid", "upgrade_with_eid", "sync_eid",
        "set_pseudonym_enabled",
    ),
    "interop_login": (
        "register_with_other_account", "login_with_other_account",
        "use_service_with_other_account",
    ),
    "mailbox": (
        "start_vorgang", "deliver_message", "read_message", "unread_count", "list_vorgaenge",
        "trash_vorgang", "restore_vorgang", "vorgang_exists", "message_exists",
    ),
    "payments": ("start_payment", "report_payment"),
}  # fmt: skip
NEEDS: Final[dict[str, str]] = {op: cap for cap, ops in _NEEDS.items() for op in ops}


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of an operation."""

    name: str
    kind: ParamKind
    required: bool


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation: its name, parameters and role."""

    name: str
    params: tuple[Param, ...]
    query: bool
    authority: bool
    doc: str

    def param(self, name: str) -> Param:
        """The named parameter; an unknown name raises an error listing the valid ones."""
        for param in self.params:
            if param.name == name:
                return param
        raise UnknownNameError(f"argument of {self.name}", name, [p.name for p in self.params])


def _kind(annotation: object) -> ParamKind:
    text = str(annotation)
    for marker, kind in (
        ("IdCard", "card"), ("date", "date"), ("Mapping", "mapping"), ("Sequence", "list"),
        ("bool", "bool"), ("int", "int"),
    ):  # fmt: skip
        if marker in text:
            return kind  # type: ignore[return-value]
    return "str"


@cache
def _operations() -> dict[str, Operation]:
    found: dict[str, Operation] = {}
    for name, fn in inspect.getmembers(ReferencePortal, inspect.isfunction):
        if name.startswith("_"):
            continue
        hints = typing.get_type_hints(fn)
        params = tuple(
            Param(p.name, _kind(hints.get(p.name)), p.default is inspect.Parameter.empty)
            for p in inspect.signature(fn).parameters.values()
            if p.name != "self"
        )
        doc = (inspect.getdoc(fn) or "").split("\n")[0]
        found[name] = Operation(name, params, name in QUERIES, name in AUTHORITY, doc)
    return found


OPERATIONS: Final = _operations()


def operation(name: str) -> Operation:
    """The named operation; an unknown name raises an error listing the valid ones."""
    if name not in OPERATIONS:
        raise UnknownNameError("operation", name, sorted(OPERATIONS))
    return OPERATIONS[name]


__all__ = ["AUTHORITY", "NEEDS", "OPERATIONS", "QUERIES", "Operation", "Param", "operation"]
