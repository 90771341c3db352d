"""The harness's exceptions. Every message says what was expected and how to fix it.

HarnessError                      root of everything the harness raises on purpose
├── UnknownNameError (ValueError)     a Land, field, rule or reading name that does not exist
├── CatalogError (ValueError)         a rule catalog or register file is malformed
├── InputError (ValueError)           user input (a batch line, a file) is malformed
├── NotStatedError (LookupError)      a rule the Land's help text does not state was asked for
└── AdapterError (RuntimeError)       a portal adapter failed: the verdict is ``error``
    ├── AdapterTimeoutError (TimeoutError)  a portal call took longer than its time limit
    └── UnobservedError                     the adapter could not read what the portal did (a
                                            message no pattern maps to a rule): ``inconclusive``
"""

from __future__ import annotations

from collections.abc import Iterable


class HarnessError(Exception):
    """Root of all errors the harness raises on purpose."""


class UnknownNameError(HarnessError, ValueError):
    """A name (Land, field, rule id, reading) that does not exist; the message lists valid ones."""

    def __init__(self, kind: str, name: str, valid: Iterable[str]) -> None:
        self.kind = kind
        self.name = name
        self.valid = tuple(valid)
        super().__init__(f"unknown {kind} {name!r}; valid: {', '.join(self.valid)}")


class CatalogError(HarnessError, ValueError):
    """A catalog, register or exclusion file is malformed; the message names file and entry."""


class InputError(HarnessError, ValueError):
    """Malformed user input; the message names where it is and what was expected."""


class NotStatedError(HarnessError, LookupError):
    """The Land's help text does not state this rule, so the model has no value for it."""

    def __init__(self, rule_id: str, land: str) -> None:
        self.rule_id = rule_id
        self.land = land
        super().__init__(
            f"rule {rule_id!r} is not stated in the help text of {land!r}; "
            "use catalog.stated() first, or choose a reading that supplies it"
        )


class AdapterError(HarnessError, RuntimeError):
    """A portal adapter failed (raised, lost the connection); says nothing about the portal."""


class AdapterTimeoutError(AdapterError, TimeoutError):
    """A portal call took longer than the adapter's time limit."""


class UnobservedError(AdapterError):
    """The adapter saw the portal answer but cannot say what it means (a message that no pattern
    of the portal map matches, a value the form cannot take): the verdict is ``inconclusive``,
    never ``pass`` or ``fail``; the message quotes what the portal showed."""
