"""A transport through a real PC/SC reader stack with pyscard (``smartcard``).

``PcscTransport()`` waits for a card in the first reader whose name starts with "Virtual PCD"
(vpcd) and sends APDUs through pcscd; give ``reader=`` for another reader.
"""

from __future__ import annotations

import time
from typing import Any

from skc.card.errors import CardSetupError

VPCD_READER = "Virtual PCD"


def _pyscard() -> Any:
    try:
        import smartcard.CardRequest
        import smartcard.System
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise CardSetupError(
            "pyscard is missing: install the 'eid' extra (pip install -e '.[eid]'), which "
            "builds it with Debian's swig and libpcsclite-dev"
        ) from exc
    return smartcard


class PcscTransport:
    """APDUs through pcscd to the card in a named reader."""

    def __init__(self, reader: str = VPCD_READER, *, timeout: float = 10.0) -> None:
        smartcard = _pyscard()
        from smartcard.Exceptions import CardRequestTimeoutException

        readers = self._wait_for_reader(smartcard, reader, time.monotonic() + timeout)
        request = smartcard.CardRequest.CardRequest(timeout=timeout, readers=readers[:1])
        try:
            service = request.waitforcard()
        except CardRequestTimeoutException as exc:
            raise CardSetupError(f"no card in {readers[0]} after {timeout} s") from exc
        self.reader = str(readers[0])
        self._service = service  # pyscard disconnects when the service is collected
        self._connection = service.connection
        self._connection.connect()

    @staticmethod
    def _wait_for_reader(smartcard: Any, reader: str, deadline: float) -> list[Any]:
        """The readers named ``reader...``, polling while pcscd starts and loads its drivers."""
        from smartcard.Exceptions import NoReadersException
        from smartcard.pcsc.PCSCExceptions import EstablishContextException, ListReadersException

        problem = "no reader of that name"
        while True:
            try:
                found = [r for r in smartcard.System.readers() if str(r).startswith(reader)]
            except (EstablishContextException, ListReadersException, NoReadersException) as exc:
                found, problem = [], str(exc)
            if found:
                return found
            if time.monotonic() >= deadline:
                raise CardSetupError(
                    f"no PC/SC reader named {reader!r} ({problem}): is pcscd running with "
                    "vsmartcard-vpcd? ('pcscd -f' starts it)"
                )
            time.sleep(0.05)  # pcscd is starting: poll until the deadline

    def __repr__(self) -> str:
        return f"PcscTransport({self.reader!r})"

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU through pcscd; return data followed by SW1 SW2."""
        data, sw1, sw2 = self._connection.transmit(list(apdu))
        return bytes(data) + bytes([sw1, sw2])

    def close(self) -> None:
        """Disconnect from the card."""
        self._connection.disconnect()
