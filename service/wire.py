"""The JSON form of the Portal Test API's arguments and values, both directions.

Arguments travel as a JSON object keyed by the declared parameter names
(:mod:`skc.conformance.adapters.operations`): strings, integers, booleans, dates as ISO
strings, lists of strings and ``str -> str`` objects; ``null`` for a value the caller does not
have (a link that never arrived), which the portal decides on as in process. A ``card`` is the
eID result the harness's eID client posts (``str -> str``: the released attributes and the
pseudonym, or the failure; :mod:`skc.conformance.adapters.eid`); the holder's arguments (the
PIN, the pseudonym choice) never travel to the portal and are refused.
:func:`check_arguments` refuses what does not match the declaration before the portal sees it;
:func:`encode_value` turns what the portal answered into JSON (collections become lists),
:func:`decode_value` back into the values an in-process portal gives (lists become tuples).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Final

from skc.conformance.adapters.eid import CARD_OPERATIONS, HOLDER_PARAMS
from skc.conformance.adapters.operations import Operation, ParamKind

_STRINGS: Final = frozenset({"str", "email", "secret"})
SESSION_PARAM: Final = "session"


class ArgumentError(ValueError):
    """An argument that does not match the operation's declaration."""


def holder_param(op: Operation, name: str) -> bool:
    """Whether an argument stays with the harness's eID client (the PIN, the pseudonym
    choice of an operation that presents a card)."""
    return op.name in CARD_OPERATIONS and name in HOLDER_PARAMS


def _valid(kind: ParamKind, value: object) -> bool:
    if kind in _STRINGS:
        return isinstance(value, str)
    if kind in ("int", "seconds"):
        ok = isinstance(value, int) and not isinstance(value, bool)
        return ok and (kind == "int" or value >= 0)  # type: ignore[operator]
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "date":
        if not isinstance(value, str):
            return False
        try:
            date.fromisoformat(value)
        except ValueError:
            return False
        return len(value) == 10
    if kind == "card":
        return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())
    if kind == "str_list":
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def check_arguments(op: Operation, body: object) -> dict[str, object]:
    """The arguments of a request body, checked against the declaration (ArgumentError)."""
    if not isinstance(body, dict):
        raise ArgumentError(f"{op.name}: the body must be a JSON object of arguments")
    arguments: dict[str, object] = {}
    declared = {p.name: p for p in op.params if not holder_param(op, p.name)}
    for name, value in body.items():
        param = declared.get(name)
        if param is None and holder_param(op, name):
            raise ArgumentError(
                f"{op.name}: {name!r} stays with the holder's eID client; post the eID "
                "result as 'card'"
            )
        if param is None:
            raise ArgumentError(f"{op.name}: unknown argument {name!r}; valid: {list(declared)}")
        if value is None:  # no value: passed on as the in-process portal gets it
            if param.required:
                arguments[name] = None
            continue
        if not _valid(param.kind, value):
            raise ArgumentError(f"{op.name}: argument {name!r} must be of type {param.kind}")
        if param.choices and value not in param.choices:
            raise ArgumentError(f"{op.name}: argument {name!r} must be one of {param.choices}")
        arguments[name] = tuple(value) if isinstance(value, list) else value
    missing = [p.name for p in declared.values() if p.required and p.name not in arguments]
    if missing:
        raise ArgumentError(f"{op.name}: missing {', '.join(missing)}")
    return arguments


def encode_value(value: object) -> object:
    """A portal's answer as JSON: collections become lists (sets sorted), dates ISO strings."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): encode_value(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    if isinstance(value, list | tuple):
        return [encode_value(item) for item in value]
    return str(value)


def decode_value(value: object) -> object:
    """A JSON value as the in-process portal gives it: lists become tuples."""
    if isinstance(value, list):
        return tuple(decode_value(item) for item in value)
    if isinstance(value, dict):
        return {str(k): decode_value(v) for k, v in value.items()}
    return value


def encode_argument(value: object) -> object:
    """An argument as JSON: dates as ISO strings, sequences as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [str(item) for item in value]
    return value


__all__ = [
    "SESSION_PARAM",
    "ArgumentError",
    "check_arguments",
    "decode_value",
    "encode_argument",
    "encode_value",
    "holder_param",
]
