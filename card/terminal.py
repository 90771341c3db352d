"""The terminal side: a small eID client that does what AusweisApp2 does with the card.

``EidClient(transport)`` talks to anything with ``transmit(apdu) -> bytes`` (an ``EidCard``
in-process, or ``PcscTransport`` through pcscd). ``authenticate`` runs the whole eID
authentication of a portal login: the CHAT of the request narrowed by the holder's choice,
PACE with the PIN (after the CAN when the PIN is suspended), the validity check, reading the
allowed data groups over secure messaging, and Restricted Identification for the sector.
Lower-level steps (``pace``, ``read_attribute``, ``pseudonym``, ``unblock_pin``, ...) are public
for tests that walk the card step by step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from pydantic import SecretStr

from skc.card import datagroups, ec, pace, ri, tlv
from skc.card.access import DATA_GROUPS, PSEUDONYM, AccessRequest, Chat
from skc.card.apdu import Command, split_response
from skc.card.chip import EID_AID, ID_DATE_OF_EXPIRY
from skc.card.errors import (
    AccessDeniedError,
    CardExpiredError,
    CardProtocolError,
    CardStatusError,
    PasswordBlockedError,
    PasswordDeactivatedError,
    PasswordError,
    PasswordSuspendedError,
)
from skc.card.passwords import Ref
from skc.card.sm import SecureChannel

Password = str | SecretStr
CHUNK = 0xDF  # READ BINARY length under secure messaging


class Transport(Protocol):
    """Anything that carries APDUs to a card."""

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU, return the response (data then SW1 SW2)."""
        ...


@dataclass(frozen=True)
class EidResult:
    """What an eID authentication hands to the portal: attributes and the sector pseudonym."""

    attributes: dict[str, str] = field(default_factory=dict)
    pseudonym: str | None = None
    released: frozenset[str] = frozenset()


def _secret(password: Password) -> bytes:
    raw = password.get_secret_value() if isinstance(password, SecretStr) else password
    return raw.encode("ascii")


def _raise_for_password_status(sw: int, ref: Ref) -> None:
    name = ref.name
    if sw == 0x6283 or sw == 0x6984:
        raise PasswordDeactivatedError("the eID function of this card is switched off", sw)
    if sw in (0x63C0, 0x6983):
        raise PasswordBlockedError(f"the {name} is blocked: unblock it with the PUK", sw)
    if sw == 0x6985:
        raise PasswordSuspendedError(f"the {name} is suspended: run PACE with the CAN first", sw)


class EidClient:
    """An eID client (terminal) over a transport."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        self.channel: SecureChannel | None = None
        self.authenticated: Ref | None = None

    def __repr__(self) -> str:
        return f"EidClient(authenticated={self.authenticated}, secure={self.channel is not None})"

    # -- APDUs ----------------------------------------------------------------------------------

    def send(self, command: Command) -> tuple[bytes, int]:
        """Send a command, over secure messaging when a session is up; ``(data, sw)``."""
        if self.channel is None:
            return split_response(self.transport.transmit(command.encode()))
        wrapped = self.channel.protect_command(command.encode())
        data, sw = self.channel.unprotect_response(self.transport.transmit(wrapped))
        if sw in (0x6987, 0x6988):
            self.channel, self.authenticated = None, None
        return data, sw

    def _expect(self, command: Command, what: str) -> bytes:
        data, sw = self.send(command)
        if sw == 0x6982:
            raise AccessDeniedError(f"{what}: the access rights do not allow it", sw)
        if sw != 0x9000:
            raise CardStatusError(f"{what} failed", sw)
        return data

    # -- PACE -----------------------------------------------------------------------------------

    def pace(
        self,
        password: Password,
        ref: Ref = Ref.PIN,
        *,
        chat: Chat | None = None,
        reference_date: date | None = None,
    ) -> None:
        """Run PACE; on success every later command uses the new secure-messaging keys."""
        body = tlv.encode(0x80, pace.PACE_OID) + tlv.encode(0x83, bytes([ref]))
        if chat is not None:
            body += chat.encode()
        if reference_date is not None:
            template = tlv.encode(0x06, ID_DATE_OF_EXPIRY) + tlv.encode(
                0x53, reference_date.strftime("%Y%m%d").encode()
            )
            body += tlv.encode(0x67, tlv.encode(0x73, template))
        _, sw = self.send(Command(0x00, 0x22, 0xC1, 0xA4, body))
        if sw not in (0x9000, 0x63C2, 0x63C1):
            _raise_for_password_status(sw, ref)
            raise CardStatusError("MSE:Set AT for PACE failed", sw)
        terminal = pace.TerminalPace(_secret(password))
        data = self._pace_step(pace.dynamic_data(0, b""), ref, last=False)
        own_map = terminal.receive_nonce(pace.dynamic_value(data, 0x80))
        data = self._pace_step(pace.dynamic_data(0x81, own_map.encode()), ref, last=False)
        own_eph = terminal.map_nonce(ec.decode(pace.dynamic_value(data, 0x82)))
        data = self._pace_step(pace.dynamic_data(0x83, own_eph.encode()), ref, last=False)
        token = terminal.agree(ec.decode(pace.dynamic_value(data, 0x84)))
        data = self._pace_step(pace.dynamic_data(0x85, token), ref, last=True)
        if not terminal.check_chip_token(pace.dynamic_value(data, 0x86)) or terminal.keys is None:
            raise CardProtocolError("the card's PACE token is wrong: it is not the expected card")
        self.channel = SecureChannel(terminal.keys.enc, terminal.keys.mac)
        self.authenticated = ref

    def _pace_step(self, body: bytes, ref: Ref, *, last: bool) -> bytes:
        # Steps 1-3 are chained (CLA bit 5), TR-03110-3 B.11.2.
        data, sw = self.send(Command(0x00 if last else 0x10, 0x86, 0x00, 0x00, body, 256))
        if sw == 0x9000:
            return data
        _raise_for_password_status(sw, ref)
        if 0x63C0 <= sw <= 0x63CF or sw == 0x6300:
            retries = sw & 0x0F if sw != 0x6300 else None
            if retries == 1:
                raise PasswordError(f"wrong {ref.name}: now suspended, the CAN is needed", sw, 1)
            raise PasswordError(f"wrong {ref.name}", sw, -1 if retries is None else retries)
        raise CardStatusError("General Authenticate (PACE) failed", sw)

    # -- files, RI, verification ----------------------------------------------------------------

    def read_card_access(self) -> bytes:
        """EF.CardAccess (readable without PACE)."""
        self._expect(Command(0x00, 0xA4, 0x00, 0x0C, b"\x3f\x00"), "SELECT MF")
        content = self._read(0x1C)
        assert content is not None
        return content

    def select_eid(self) -> None:
        """Select the eID application by its AID."""
        self._expect(Command(0x00, 0xA4, 0x04, 0x0C, EID_AID), "SELECT eID application")

    def _read(self, sfi: int, *, missing_ok: bool = False) -> bytes | None:
        # Chunks of 0xDF bytes keep a protected response within a short APDU (256 bytes).
        content = b""
        while True:
            if not content:
                command = Command(0x00, 0xB0, 0x80 | sfi, 0x00, le=CHUNK)
            else:
                command = Command(0x00, 0xB0, len(content) >> 8, len(content) & 0xFF, le=CHUNK)
            chunk, sw = self.send(command)
            if sw == 0x6A82 and missing_ok and not content:
                return None
            if sw == 0x6982:
                raise AccessDeniedError(f"READ BINARY of EF {sfi:02X}: not allowed", sw)
            if sw == 0x6B00 and content:  # the file ended exactly at a chunk boundary
                return content
            if sw not in (0x9000, 0x6282):
                raise CardStatusError(f"READ BINARY of EF {sfi:02X} failed", sw)
            content += chunk
            if sw == 0x6282 or len(chunk) < CHUNK:
                return content

    def read_data_group(self, dg: int) -> bytes:
        """The raw content of eID data group ``dg`` (the eID application must be selected)."""
        content = self._read(dg)
        assert content is not None
        return content

    def read_attribute(self, name: str, *, missing_ok: bool = False) -> str | None:
        """One attribute as text (``date_of_birth`` -> ``19640812``); None when the card has
        no such data group and ``missing_ok``."""
        dg = DATA_GROUPS[name]
        content = self._read(dg, missing_ok=missing_ok)
        return None if content is None else datagroups.decode(dg, content)

    def pseudonym(self, sector: str | ec.Point) -> bytes:
        """Restricted Identification for a sector (its name or public key): 32 bytes."""
        pk = ri.sector_public_key(sector) if isinstance(sector, str) else sector
        body = tlv.encode(0x80, ri.RI_OID) + tlv.encode(0x84, b"\x01")
        self._expect(Command(0x00, 0x22, 0x41, 0xA4, body), "MSE:Set AT for RI")
        data = self._expect(
            Command(0x00, 0x86, 0x00, 0x00, ri.sector_key_object(pk), 256),
            "RI General Authenticate",
        )
        return pace.dynamic_value(data, 0x81)

    def verify_validity(self) -> bool:
        """Whether the card is valid on the reference date given to ``pace``."""
        _, sw = self.send(Command(0x00, 0x20, 0x80, 0x00, tlv.encode(0x06, ID_DATE_OF_EXPIRY)))
        if sw not in (0x9000, 0x6300):
            raise CardStatusError("validity verification failed", sw)
        return sw == 0x9000

    def unblock_pin(self, puk: Password) -> None:
        """PACE with the PUK, then RESET RETRY COUNTER: the PIN gets three tries again."""
        self.pace(puk, Ref.PUK)
        self._expect(Command(0x00, 0x2C, 0x03, 0x03), "RESET RETRY COUNTER (unblock)")

    def change_pin(self, current: Password, new: Password) -> None:
        """PACE with the PIN (or the 5-digit transport PIN), then set a new 6-digit PIN."""
        self.pace(current, Ref.PIN)
        self._expect(Command(0x00, 0x2C, 0x02, 0x03, _secret(new)), "RESET RETRY COUNTER (new PIN)")

    # -- the whole authentication ---------------------------------------------------------------

    def authenticate(
        self,
        pin: Password,
        request: AccessRequest,
        *,
        sector: str | ec.Point,
        deselected: Iterable[str] = (),
        can: Password | None = None,
        today: date | None = None,
    ) -> EidResult:
        """The eID authentication of a portal: returns the released attributes and pseudonym.

        ``today`` (virtual time) enables the validity check: an expired card raises
        CardExpiredError. A suspended PIN needs ``can``.
        """
        chat = request.chat(deselected)
        if can is not None:
            self.pace(can, Ref.CAN)
        self.pace(pin, Ref.PIN, chat=chat, reference_date=today)
        if today is not None and not self.verify_validity():
            raise CardExpiredError(f"the card is not valid on {today.isoformat()}", 0x6300)
        released = chat.attributes()
        self.select_eid()
        attributes: dict[str, str] = {}
        for name in sorted(released & frozenset(DATA_GROUPS)):
            value = self.read_attribute(name, missing_ok=True)
            if value is not None:
                attributes[name] = value
        nym = self.pseudonym(sector).hex() if PSEUDONYM in released else None
        return EidResult(attributes, nym, released)
