"""Adapters: the one seam between the harness and a portal.

An :class:`Adapter` opens :class:`Connection` objects to a portal; a connection performs the
help texts' operations, declared once in ``operations.yaml``
(:mod:`skc.conformance.adapters.operations`, which documents the vocabulary) and, where the
profile declares the capabilities, moves the portal's clock and reads captured e-mails.
Adapters turn their library's exceptions into :class:`~skc.model.errors.AdapterError` at this
seam. :func:`resolve_target` finds an adapter by name (``inprocess``, ``MODULE:FACTORY``, an
entry point); :class:`FunctionAdapter` makes one from a single handler function.
"""

from skc.conformance.adapters.function import FunctionAdapter, FunctionConnection, Handler
from skc.conformance.adapters.guard import CallGuard, GuardedConnection
from skc.conformance.adapters.identities import AccountNamespace, Identities, LedgerEntry
from skc.conformance.adapters.inprocess import (
    InProcessAdapter,
    InProcessConnection,
    reference_model,
)
from skc.conformance.adapters.operations import HOOKS, OPERATIONS, Operation, Param, operation
from skc.conformance.adapters.protocol import Adapter, Connection, Value
from skc.conformance.adapters.registry import resolve_target

__all__ = [
    "HOOKS",
    "OPERATIONS",
    "AccountNamespace",
    "Adapter",
    "CallGuard",
    "Connection",
    "FunctionAdapter",
    "FunctionConnection",
    "GuardedConnection",
    "Handler",
    "Identities",
    "InProcessAdapter",
    "InProcessConnection",
    "LedgerEntry",
    "Operation",
    "Param",
    "Value",
    "operation",
    "reference_model",
    "resolve_target",
]
