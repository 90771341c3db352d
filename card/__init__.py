"""A virtual German eID card (Personalausweis, eAT) and the eID client that drives it.

The card runs on vsmartcard's ``virtualsmartcard`` (its ``Iso7816OS`` and filesystem classes;
Debian package ``python3-virtualsmartcard``) with PACE, secure messaging and Restricted
Identification written here on ``cryptography``::

    from skc.card import AccessRequest, EidClient, virtual_card

    card = virtual_card()                      # erika-mustermann, PIN 123456
    card.transmit(bytes.fromhex("00A4040C09E80704007F00070302"))   # -> b"\\x90\\x00"
    result = EidClient(card).authenticate(
        "123456", AccessRequest.login("given_names", "family_names"), sector="my-portal"
    )
    result.pseudonym, result.attributes

The factory for other tools is ``skc.card:virtual_card`` (no argument, a profile file, or the
name of a profile in ``fixtures/cards/``). ``skc.card.vpcd.serve(card)`` exposes a card to pcscd
through vpcd ("Virtual PCD"), and ``skc.card.pcsc.PcscTransport`` is a pyscard transport for
the client.

Modules: ``virtual`` (the card object), ``chip`` (the card OS), ``passwords`` (retry counters
and status words), ``pace``, ``sm``, ``ri``, ``ec``, ``crypto`` (protocols), ``access`` (CHAT,
requests), ``datagroups``, ``profile`` (card files), ``terminal`` (the eID client),
``vpcd`` / ``pcsc`` (transports), ``generate`` (faker profiles), ``errors``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skc.card.access import AccessRequest, Chat
    from skc.card.errors import (
        AccessDeniedError,
        CardError,
        CardExpiredError,
        CardProfileError,
        CardProtocolError,
        CardSetupError,
        CardStatusError,
        PasswordBlockedError,
        PasswordDeactivatedError,
        PasswordError,
        PasswordSuspendedError,
        RequiredAttributeError,
    )
    from skc.card.passwords import Ref
    from skc.card.profile import CardProfile, bundled_profiles, load_profile
    from skc.card.terminal import EidClient, EidResult, Transport
    from skc.card.virtual import EidCard, virtual_card

# Imported on first use, so that ``skc`` (whose CLI has a ``card`` group) starts without loading
# virtualsmartcard and the cryptography stack.
_EXPORTS = {
    "AccessRequest": "access",
    "Chat": "access",
    "AccessDeniedError": "errors",
    "CardError": "errors",
    "CardExpiredError": "errors",
    "CardProfileError": "errors",
    "CardProtocolError": "errors",
    "CardSetupError": "errors",
    "CardStatusError": "errors",
    "PasswordBlockedError": "errors",
    "PasswordDeactivatedError": "errors",
    "PasswordError": "errors",
    "PasswordSuspendedError": "errors",
    "RequiredAttributeError": "errors",
    "Ref": "passwords",
    "CardProfile": "profile",
    "bundled_profiles": "profile",
    "load_profile": "profile",
    "EidClient": "terminal",
    "EidResult": "terminal",
    "Transport": "terminal",
    "EidCard": "virtual",
    "virtual_card": "virtual",
}
__all__ = [
    "AccessDeniedError",
    "AccessRequest",
    "CardError",
    "CardExpiredError",
    "CardProfile",
    "CardProfileError",
    "CardProtocolError",
    "CardSetupError",
    "CardStatusError",
    "Chat",
    "EidCard",
    "EidClient",
    "EidResult",
    "PasswordBlockedError",
    "PasswordDeactivatedError",
    "PasswordError",
    "PasswordSuspendedError",
    "Ref",
    "RequiredAttributeError",
    "Transport",
    "bundled_profiles",
    "load_profile",
    "virtual_card",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'skc.card' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"skc.card.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value
