"""The card object: ``EidCard.transmit(apdu) -> response`` and the factory ``virtual_card``.

``virtual_card()`` (or ``virtual_card("path/to/profile.yaml")``, or a bundled profile's name)
returns a fresh card; any terminal can drive it in-process through ``transmit``, and
``skc.card.vpcd.serve`` exposes the same object to pcscd through vpcd.
"""

from __future__ import annotations

from pathlib import Path

from skc.card.chip import EidOS
from skc.card.profile import CardProfile, load_profile

DEFAULT_PROFILE = "erika-mustermann"


class EidCard:
    """A virtual German eID card (Personalausweis or eAT) personalised from a profile."""

    def __init__(self, profile: CardProfile) -> None:
        self.profile = profile
        self._os = EidOS(profile)
        self._os.powerUp()

    def __repr__(self) -> str:
        return f"EidCard({self.profile.reference!r}, pin_retries={self.pin_retries})"

    @property
    def atr(self) -> bytes:
        """The Answer To Reset."""
        atr: bytes = self._os.getATR()
        return atr

    def transmit(self, apdu: bytes) -> bytes:
        """Process one command APDU; return the response data followed by SW1 SW2."""
        return self._os.execute(apdu)

    def power_up(self) -> None:
        """Power the card on (a new card session: secure messaging ends)."""
        self._os.powerUp()

    def power_down(self) -> None:
        """Power the card off (what removing it from the reader does)."""
        self._os.powerUp()

    @property
    def pin_retries(self) -> int:
        """The PIN retry counter (3 fresh, 0 blocked)."""
        return self._os.passwords.pin_retries

    @property
    def eid_enabled(self) -> bool:
        """Whether the eID function is switched on."""
        return self._os.passwords.eid_enabled

    def switch_eid(self, enabled: bool) -> None:
        """Switch the eID function on or off (what a Bürgeramt's authority terminal does)."""
        self._os.passwords.eid_enabled = enabled


def virtual_card(profile: str | Path | CardProfile | None = None) -> EidCard:
    """A new virtual eID card.

    ``profile`` is a card profile file, the name of a profile in ``fixtures/cards/``
    (``erika-mustermann``, ``eat-holder``, ...), or a ``CardProfile``; the default is
    ``erika-mustermann``, BSI PersoSim's Profile01 identity with PIN 123456.
    """
    if isinstance(profile, CardProfile):
        return EidCard(profile)
    return EidCard(load_profile(profile if profile is not None else DEFAULT_PROFILE))
