"""Identity namespaces and the account ledger: a contract a live portal can meet.

A live portal cannot be reset between examples, so no example may reuse an address another
example used. Steps write readable addresses (``anna@example.org``); each example (each
lock-step pair) gets its own :class:`Identities`, which turns every address argument into one
unique to the run and the example, ``anna.k3x9q2a7@example.org``, the same one for the same
address within the example (compared case-insensitively). The profile's
``account_namespace`` parameter sets a prefix of the local part (``qa-`` gives
``qa-anna.k3x9q2a7@example.org``) and, written ``PREFIX@DOMAIN``, a domain that replaces the
scenarios' ``example.org`` (a mail sink the portal can reach). An address that is itself the
value under test (the field suite's ``email`` and ``org_email`` checks) gets the tag in its local
part where that leaves the model's verdict on it unchanged (:meth:`Identities.tagged`), else it
is used as it is.

Every account the harness creates on the portal under test is written to the ledger with its
address, Land and check, and whether the harness cleaned it up (by logging in and calling the
portal's delete operation at the end of the example) and how that went.
"""

from __future__ import annotations

import itertools
import secrets
import string
from dataclasses import dataclass
from typing import Final

from skc.conformance.profile import PortalProfile

_ALPHABET: Final = string.digits + string.ascii_lowercase
_SCENARIO_DOMAIN: Final = "example.org"


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, rest = divmod(number, 36)
        digits = _ALPHABET[rest] + digits
        if number == 0:
            return digits


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One account the harness created on the portal under test, and its cleanup."""

    address: str
    land: str
    check: str
    operation: str
    cleaned_up: bool
    cleanup: str  # what happened: "deleted", "already gone", or why not


class Identities:
    """The addresses of one example: each readable address maps to one unique address."""

    def __init__(self, tag: str, prefix: str = "", domain: str | None = None) -> None:
        self.tag = tag
        self.prefix = prefix
        self.domain = domain
        self.addresses: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"Identities(tag={self.tag!r})"

    def address(self, readable: str) -> str:
        """The example's unique address for ``readable`` (other strings come back unchanged)."""
        local, at, domain = readable.partition("@")
        if not (local and at and domain) or "@" in domain or readable in self.addresses.values():
            return readable
        key = readable.casefold()
        bare = domain.strip()  # a value under test may carry spaces around its domain
        if self.domain is not None and bare.casefold() == _SCENARIO_DOMAIN:
            domain = domain.replace(bare, self.domain, 1)
        # the same address in another case keeps its case: it is the same account to a portal
        unique = f"{self.prefix}{local}.{self.tag}@{domain}"
        self.addresses.setdefault(key, unique)
        return unique

    def tagged(self, value: str) -> str:
        """A value under test made unique to the example: the prefix and tag go into the local
        part, right before the first ``@`` (a value without a local part comes back as it is).
        The field suite keeps the tagged value only where the model judges it exactly as the
        original (same rules broken), so the property under test is unchanged."""
        local, at, rest = value.partition("@")
        if not local or not at:
            return value
        return f"{self.prefix}{local}{self.tag}@{rest}"


class AccountNamespace:
    """Unique tags for the examples of a run (share one between the checks of a run)."""

    def __init__(self, token: str | None = None) -> None:
        self.token = (
            token if token is not None else "".join(secrets.choice(_ALPHABET) for _ in range(6))
        )
        self._serial = itertools.count(1)

    def __repr__(self) -> str:
        return f"AccountNamespace({self.token!r})"

    def example(self, profile: PortalProfile) -> Identities:
        """The identities of a new example under the profile's ``account_namespace``."""
        namespace = str(profile.parameters.get("account_namespace", ""))
        prefix, at, domain = namespace.partition("@")
        # a fixed width, so the length of a tagged value does not vary from example to example
        tag = f"{self.token}{_base36(next(self._serial)).rjust(4, '0')}"
        return Identities(tag, prefix, domain if at and domain else None)


__all__ = ["AccountNamespace", "Identities", "LedgerEntry"]
