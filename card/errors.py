"""Exceptions of the virtual eID card and its terminal. No message ever contains a PIN, PUK or CAN.

HarnessError                          (skc.model.errors)
└── CardError                         root of everything skc.card raises on purpose
    ├── CardSetupError (RuntimeError)     a system component (virtualsmartcard, pcscd, vpcd,
    │                                     pyscard) is missing or did not start
    ├── CardProtocolError (ValueError)    malformed APDU, TLV, point or secure-messaging object
    │   └── SecureMessagingError          missing (69 87) or wrong (69 88) SM objects or MAC
    ├── CardProfileError (InputError)     a card profile file is malformed (file:line in message)
    ├── UnknownAttributeError (UnknownNameError)  an eID attribute name that does not exist
    ├── RequiredAttributeError (ValueError)   the holder deselected a required attribute
    └── CardStatusError                   the card answered with a status word other than 90 00
        ├── PasswordError                 PACE failed: wrong password, retries left in ``retries``
        ├── PasswordSuspendedError        PIN suspended (63 C1): run PACE with the CAN first
        ├── PasswordBlockedError          PIN blocked (63 C0 / 69 83): unblock with the PUK
        ├── PasswordDeactivatedError      eID function switched off (62 83 / 69 84)
        ├── AccessDeniedError             the CHAT does not allow it (69 82)
        └── CardExpiredError              the document validity check failed (63 00)
"""

from __future__ import annotations

from skc.model.errors import HarnessError, InputError, UnknownNameError


class CardError(HarnessError):
    """Root of the errors of the virtual eID card and the eID client."""


class CardSetupError(CardError, RuntimeError):
    """A system component the card needs is missing or did not start."""


class CardProtocolError(CardError, ValueError):
    """Malformed APDU, TLV structure, curve point or secure-messaging object."""


class SecureMessagingError(CardProtocolError):
    """Secure-messaging objects missing (``sw`` 6987) or wrong (``sw`` 6988)."""

    def __init__(self, message: str, sw: int) -> None:
        self.sw = sw
        super().__init__(message)


class CardProfileError(CardError, InputError):
    """A card profile file is malformed; the message names the file and line."""


class UnknownAttributeError(CardError, UnknownNameError):
    """An eID attribute name that does not exist; the message lists the valid ones."""


class RequiredAttributeError(CardError, ValueError):
    """The holder tried to deselect a required attribute (the pseudonym of a login)."""


class CardStatusError(CardError):
    """The card answered with an unexpected status word (kept in ``sw``)."""

    def __init__(self, message: str, sw: int) -> None:
        self.sw = sw
        super().__init__(f"{message} (status word {sw:04X})")


class PasswordError(CardStatusError):
    """PACE failed because the password was wrong; ``retries`` tries are left."""

    def __init__(self, message: str, sw: int, retries: int) -> None:
        self.retries = retries
        super().__init__(message, sw)


class PasswordSuspendedError(CardStatusError):
    """The PIN is suspended after two wrong entries: authenticate with the CAN, then the PIN."""


class PasswordBlockedError(CardStatusError):
    """The PIN is blocked after three wrong entries: unblock it with the PUK."""


class PasswordDeactivatedError(CardStatusError):
    """The eID function of the card is switched off."""


class AccessDeniedError(CardStatusError):
    """The terminal's access rights (CHAT) or the holder's choice do not allow this."""


class CardExpiredError(CardStatusError):
    """The card's validity check against the reference date failed."""
