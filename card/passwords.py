"""The card's PACE passwords and their retry behaviour, as status words (BSI TR-03110 Part 3).

PIN retry counter 3. A wrong PIN answers the final General Authenticate with ``63 C2``, then
``63 C1`` (suspended: the next PIN attempt must follow a PACE with the CAN in the same session),
then ``63 C0`` (blocked: PACE with the PUK, then RESET RETRY COUNTER). MSE:Set AT announces the
state of the PIN: ``90 00`` (3 tries), ``63 C2``, ``63 C1`` (suspended), ``63 C0`` (blocked),
``62 83`` (deactivated: the eID function is switched off). General Authenticate refuses to start
with ``69 85`` (suspended, no CAN session), ``69 83`` (blocked), ``69 84`` (deactivated).
Status words: TR-03110-3 B.11.1 (MSE:Set AT) and B.11.2 (General Authenticate).

A card in transport state takes the 5-digit transport PIN in place of the PIN; after PACE with
it, the only thing the holder can do is set the 6-digit PIN (RESET RETRY COUNTER P1=02).
"""

from __future__ import annotations

import enum

from skc.card.profile import CardProfile


class Ref(enum.IntEnum):
    """PACE password references (TR-03110-3 D.2.1.2, tag 83)."""

    MRZ = 1
    CAN = 2
    PIN = 3
    PUK = 4


class StatusWordError(Exception):
    """A command ends with this status word (internal to the card)."""

    def __init__(self, sw: int) -> None:
        self.sw = sw
        super().__init__(f"status word {sw:04X}")


class Passwords:
    """PIN, transport PIN, CAN and PUK with their counters. Never printed."""

    __slots__ = (
        "_can",
        "_pin",
        "_puk",
        "_transport_pin",
        "eid_enabled",
        "pin_retries",
        "puk_uses",
        "transport",
    )

    def __init__(self, profile: CardProfile) -> None:
        secrets = profile.secrets
        self._pin = secrets.pin.get_secret_value().encode()
        self._transport_pin = secrets.transport_pin.get_secret_value().encode()
        self._can = secrets.can.get_secret_value().encode()
        self._puk = secrets.puk.get_secret_value().encode()
        self.transport = profile.pin_state == "transport"
        self.pin_retries = profile.pin_retries
        self.puk_uses = profile.puk_uses
        self.eid_enabled = profile.eid_enabled

    def __repr__(self) -> str:
        return (
            f"Passwords(pin_retries={self.pin_retries}, puk_uses={self.puk_uses}, "
            f"transport={self.transport}, eid_enabled={self.eid_enabled})"
        )

    def announce(self, ref: Ref) -> int:
        """The status word of MSE:Set AT for ``ref``."""
        if ref is Ref.PIN:
            if not self.eid_enabled:
                return 0x6283
            if self.pin_retries < 3:
                return 0x63C0 | self.pin_retries
        return 0x9000

    def for_pace(self, ref: Ref, *, can_session: bool) -> bytes:
        """The password PACE uses for ``ref``; StatusWordError when it may not be used now."""
        if ref is Ref.CAN:
            return self._can
        if ref is Ref.PUK:
            if self.puk_uses == 0:
                raise StatusWordError(0x6983)
            return self._puk
        if ref is Ref.PIN:
            if not self.eid_enabled:
                raise StatusWordError(0x6984)
            if self.pin_retries == 0:
                raise StatusWordError(0x6983)
            if self.pin_retries == 1 and not can_session:
                raise StatusWordError(0x6985)
            return self._transport_pin if self.transport else self._pin
        raise StatusWordError(0x6A88)

    def failed(self, ref: Ref) -> int:
        """Count a failed PACE; the status word of the final General Authenticate."""
        if ref is Ref.PIN:
            self.pin_retries = max(0, self.pin_retries - 1)
            return 0x63C0 | self.pin_retries
        return 0x6300

    def succeeded(self, ref: Ref) -> None:
        """A PACE with ``ref`` succeeded: a right PIN restores the retry counter."""
        if ref is Ref.PIN:
            self.pin_retries = 3

    def unblock(self) -> None:
        """RESET RETRY COUNTER after PACE with the PUK: the PIN gets its three tries back."""
        self.pin_retries = 3
        self.puk_uses -= 1

    def change_pin(self, new_pin: bytes) -> None:
        """Set a new 6-digit PIN (also ends the transport state); StatusWordError 6A80 if bad."""
        if len(new_pin) != 6 or not new_pin.isdigit():
            raise StatusWordError(0x6A80)
        self._pin = new_pin
        self.transport = False
        self.pin_retries = 3
