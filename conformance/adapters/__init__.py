"""Adapters: the one seam between the harness and a portal.

An :class:`Adapter` opens :class:`Connection` objects to a fresh portal; a connection performs
the help texts' operations (:mod:`skc.conformance.adapters.operations`) and, where the profile
declares the capabilities, moves the portal's clock and reads captured e-mails. Adapters turn
their library's exceptions into :class:`~skc.model.errors.AdapterError` at this seam.
"""

from skc.conformance.adapters.inprocess import InProcessAdapter, InProcessConnection
from skc.conformance.adapters.operations import OPERATIONS, Operation, operation
from skc.conformance.adapters.protocol import Adapter, Connection, Value

__all__ = [
    "OPERATIONS",
    "Adapter",
    "Connection",
    "InProcessAdapter",
    "InProcessConnection",
    "Operation",
    "Value",
    "operation",
]
