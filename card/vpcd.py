"""Serve a virtual card to pcscd through vsmartcard's vpcd reader driver (a ``vicc``).

vpcd (Debian ``vsmartcard-vpcd``) is a pcscd driver that shows a reader "Virtual PCD" and waits
on a TCP port (35963, 0x8C7B in ``/etc/reader.conf.d/vpcd``) for a virtual card to connect. The
wire format is vsmartcard's: every message is a 2-byte big-endian length and a payload; a
1-byte payload is a control code (0 power off, 1 power on, 2 reset, 4 send the ATR), anything
longer is a command APDU answered by the response APDU.

``serve(card)`` runs until vpcd closes the connection; ``VpcdServer`` runs it in a thread. The
APDUs are not logged (they may carry a new PIN).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time
from types import TracebackType

from skc.card.errors import CardSetupError
from skc.card.virtual import EidCard

log = logging.getLogger("skc.card.vpcd")

VPCD_PORT = 35963
POWER_OFF, POWER_ON, RESET, GET_ATR = 0, 1, 2, 4


def connect(
    host: str = "localhost", port: int = VPCD_PORT, *, timeout: float = 10.0
) -> socket.socket:
    """Connect to vpcd, retrying until ``timeout`` while pcscd starts the driver."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection((host, port), timeout=1.0)
        except OSError as exc:
            if time.monotonic() >= deadline:
                raise CardSetupError(
                    f"cannot reach vpcd on {host}:{port} ({exc.strerror or exc}); is pcscd "
                    "running with the vsmartcard-vpcd driver? ('pcscd -f' starts it; the port "
                    "is the DEVICENAME in /etc/reader.conf.d/vpcd)"
                ) from exc
            time.sleep(0.05)  # pcscd is still loading the driver: poll the port


def _receive(sock: socket.socket, size: int) -> bytes | None:
    chunks = b""
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return chunks


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack("!H", len(payload)) + payload)


def serve_socket(card: EidCard, sock: socket.socket) -> None:
    """Answer vpcd on a connected socket until it closes."""
    sock.settimeout(None)
    while True:
        try:
            header = _receive(sock, 2)
            if header is None:
                return
            (size,) = struct.unpack("!H", header)
            payload = _receive(sock, size) if size else b""
        except OSError:
            return
        if payload is None:
            return
        if size == 1:
            code = payload[0]
            if code == GET_ATR:
                _send(sock, card.atr)
            elif code == POWER_OFF:
                card.power_down()
            elif code in (POWER_ON, RESET):
                card.power_up()
            log.debug("vpcd control %d", code)
        elif size:
            _send(sock, card.transmit(payload))


def serve(
    card: EidCard, host: str = "localhost", port: int = VPCD_PORT, *, timeout: float = 10.0
) -> None:
    """Connect to vpcd and serve ``card`` until vpcd closes the connection."""
    with connect(host, port, timeout=timeout) as sock:
        log.info("card %s inserted into vpcd at %s:%d", card.profile.reference, host, port)
        serve_socket(card, sock)


class VpcdServer:
    """``serve`` in a background thread; ``close()`` (or leaving the ``with``) removes the card."""

    def __init__(self, card: EidCard, host: str = "localhost", port: int = VPCD_PORT) -> None:
        self.card = card
        self._sock = connect(host, port)
        self._thread = threading.Thread(
            target=serve_socket, args=(card, self._sock), name="skc-vpcd", daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        """Disconnect from vpcd (the reader reports the card removed) and stop the thread."""
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()
        self._thread.join(timeout=5)

    def __enter__(self) -> VpcdServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
