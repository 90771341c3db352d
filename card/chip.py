"""The eID personality on vsmartcard's ``Iso7816OS`` and filesystem classes.

The file tree is virtualsmartcard's ``MF`` / ``DF`` / ``TransparentStructureEF``: EF.CardAccess
(011C) under the MF, and the eID application (AID ``E8 07 04 00 7F 00 07 03 02``) holding the data
groups (FID 01nn, SFI nn). ``EidOS`` replaces ``execute`` so that secure messaging, PACE and
Restricted Identification are ours (virtualsmartcard's own PACE needs OpenPACE), and so that no
APDU content is ever logged: the log shows instruction bytes and status words only.

Commands: SELECT (A4), READ BINARY (B0, also by SFI), MSE:Set AT for PACE (22 C1 A4) and RI
(22 41 A4), GENERAL AUTHENTICATE (86), VERIFY of the validity date (20 80 00), RESET RETRY
COUNTER (2C 03 03 unblock with the PUK, 2C 02 03 new PIN). After PACE every command must use
secure messaging; a plain command ends the session (ICAO 9303-11 9.8.1).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from skc.card import datagroups, ec, pace, ri, tlv
from skc.card.access import CAN_ALLOWED, RESTRICTED_IDENTIFICATION, Chat
from skc.card.apdu import Command, response
from skc.card.errors import CardProtocolError, SecureMessagingError
from skc.card.passwords import Passwords, Ref, StatusWordError
from skc.card.profile import CardProfile
from skc.card.sm import SecureChannel
from skc.card.vsc import ensure_virtualsmartcard

ensure_virtualsmartcard()
from virtualsmartcard.SmartcardFilesystem import (  # noqa: E402
    DF,
    MF,
    TransparentStructureEF,
)
from virtualsmartcard.SWutils import SwError  # noqa: E402
from virtualsmartcard.VirtualSmartcard import Iso7816OS  # noqa: E402

log = logging.getLogger("skc.card")

EID_AID = bytes.fromhex("E80704007F00070302")
EID_FID = 0x0300  # a FID for the eID DF; terminals select it by AID
CARD_ACCESS_FID = 0x011C
# EF.CardAccess: SET { PACEInfo { id-PACE-ECDH-GM-AES-CBC-CMAC-128, version 2, parameterId 13 } }
# (the same bytes as ICAO 9303-11 Appendix G.1).
CARD_ACCESS = tlv.encode(
    0x31,
    tlv.encode(
        0x30,
        tlv.encode(0x06, pace.PACE_OID) + tlv.encode(0x02, b"\x02") + tlv.encode(0x02, b"\x0d"),
    ),
)
# Auxiliary data (TR-03110-3 A.6.5): id-DateOfExpiry 0.4.0.127.0.7.3.1.4.3
ID_DATE_OF_EXPIRY = bytes.fromhex("04007F000703010403")


def build_filesystem(profile: CardProfile) -> Any:
    """The MF with EF.CardAccess and the eID application's data groups."""
    mf = MF()
    mf.append(TransparentStructureEF(mf, CARD_ACCESS_FID, shortfid=0x1C, data=CARD_ACCESS))
    eid = DF(mf, EID_FID, dfname=EID_AID)
    mf.append(eid)
    for dg, content in sorted(datagroups.encode_all(profile).items()):
        eid.append(TransparentStructureEF(eid, 0x0100 + dg, shortfid=dg, data=content))
    return mf


@dataclass
class _Environment:
    """What MSE:Set AT selected for PACE."""

    ref: Ref
    chat: Chat | None
    reference_date: date | None


class EidOS(Iso7816OS):  # type: ignore[misc]
    """The card operating system: one instance per card, holding its session state."""

    def __init__(self, profile: CardProfile) -> None:
        self._profile_reference = profile.reference
        self.passwords = Passwords(profile)
        self._expiry = profile.expiry
        self._sk_id = profile.ri_private_key
        handlers = {
            0xA4: self._select,
            0xB0: self._read_binary,
            0x22: self._manage_security_environment,
            0x86: self._general_authenticate,
            0x20: self._verify,
            0x2C: self._reset_retry_counter,
        }
        super().__init__(build_filesystem(profile), None, ins2handler=handlers)
        self._eid = next(f for f in self.mf.content if getattr(f, "dfname", None) == EID_AID)
        self._end_session()

    def __repr__(self) -> str:
        return f"EidOS({self._profile_reference!r}, {self.passwords!r})"

    # -- session --------------------------------------------------------------------------------

    def _end_session(self) -> None:
        self.channel: SecureChannel | None = None
        self._next_channel: SecureChannel | None = None
        self.authenticated: Ref | None = None
        self.rights = Chat()
        self._env: _Environment | None = None
        self._pace: pace.ChipPace | None = None
        self._pace_step = 0
        self._ri_selected = False
        self._reference_date: date | None = None

    def powerUp(self) -> None:  # noqa: N802 (virtualsmartcard's name)
        """Power on: no session, the MF selected."""
        self._end_session()
        self.mf.current = self.mf

    def reset(self) -> None:
        """Warm reset: as power on."""
        self.powerUp()

    def execute(self, msg: bytes) -> bytes:
        """One command APDU in, one response APDU out (data followed by SW1 SW2)."""
        try:
            command = Command.parse(bytes(msg))
        except CardProtocolError:
            return response(b"", 0x6700)
        channel = self.channel
        if command.secure:
            if channel is None:
                log.debug("INS %02X: secure messaging without a session -> 6987", command.ins)
                return response(b"", 0x6987)
            try:
                inner = channel.unprotect_command(bytes(msg))
            except (SecureMessagingError, CardProtocolError) as exc:
                sw = exc.sw if isinstance(exc, SecureMessagingError) else 0x6988
                log.debug("INS %02X: secure messaging broken -> %04X", command.ins, sw)
                self._end_session()
                return response(b"", sw)
            sw, data = self._dispatch(inner)
            answer = channel.protect_response(data, sw)
        else:
            if channel is not None:
                log.debug("INS %02X: plain command ends secure messaging", command.ins)
                self._end_session()
            sw, data = self._dispatch(command)
            answer = response(data, sw)
        if self._next_channel is not None:
            self.channel, self._next_channel = self._next_channel, None
        return answer

    def _dispatch(self, command: Command) -> tuple[int, bytes]:
        handler = self.ins2handler.get(command.ins)
        if handler is None:
            sw, data = 0x6D00, b""
        else:
            try:
                sw, data = handler(command)
            except StatusWordError as exc:
                sw, data = exc.sw, b""
            except SwError as exc:
                sw, data = exc.sw, b""
            except CardProtocolError:
                sw, data = 0x6A80, b""
        log.debug("INS %02X P1 %02X P2 %02X -> %04X", command.ins, command.p1, command.p2, sw)
        return sw, data

    # -- files ----------------------------------------------------------------------------------

    def _child(self, attribute: str, value: int) -> Any:
        """A file of the current DF by FID or SFI; 6A82 when absent. (virtualsmartcard's own
        ``select`` and ``selectFile`` format the whole file tree into a root-logger message on
        every miss or hit, eagerly, so they are bypassed.)"""
        df = self.mf.currentDF()
        for child in df.content:
            if getattr(child, attribute, None) == value:
                return child
        raise StatusWordError(0x6A82)

    def _select(self, command: Command) -> tuple[int, bytes]:
        p1, data = command.p1, command.data
        if p1 == 0x04:  # by DF name (AID)
            if data != EID_AID:
                raise StatusWordError(0x6A82)
            self.mf.current = self._eid
        elif p1 == 0x00 and data in (b"", b"\x3f\x00"):  # the MF
            self.mf.current = self.mf
        elif p1 in (0x00, 0x02) and len(data) == 2:  # an EF of the current DF
            self.mf.current = self._child("fid", int.from_bytes(data, "big"))
        else:
            raise StatusWordError(0x6A86)
        return 0x9000, b""

    def _readable(self, ef: Any) -> bool:
        if ef.fid == CARD_ACCESS_FID:
            return True
        dg = ef.fid - 0x0100
        return self.rights.allows_reading(dg)

    def _read_binary(self, command: Command) -> tuple[int, bytes]:
        if command.p1 & 0x80:
            ef = self._child("shortfid", command.p1 & 0x1F)
            offset = command.p2
        else:
            ef = self.mf.currentEF()
            if ef is None:
                raise StatusWordError(0x6986)
            offset = command.p1 << 8 | command.p2
        if not self._readable(ef):
            raise StatusWordError(0x6982)
        self.mf.current = ef
        content: bytes = ef.data
        if offset > len(content):
            raise StatusWordError(0x6B00)
        le = command.le if command.le is not None else 0
        chunk = content[offset : offset + le]
        short = len(chunk) < le and le not in (256, 65536)
        return (0x6282 if short else 0x9000), chunk

    # -- PACE, RI, verification -----------------------------------------------------------------

    def _manage_security_environment(self, command: Command) -> tuple[int, bytes]:
        p1p2 = command.p1 << 8 | command.p2
        if p1p2 == 0x41A4:
            return self._set_ri(command.data)
        if p1p2 != 0xC1A4:
            raise StatusWordError(0x6A86)
        if tlv.require(command.data, 0x80) != pace.PACE_OID:
            raise StatusWordError(0x6A80)
        raw_ref = tlv.require(command.data, 0x83)
        if len(raw_ref) != 1 or raw_ref[0] not in (Ref.CAN, Ref.PIN, Ref.PUK):
            raise StatusWordError(0x6A88)
        ref = Ref(raw_ref[0])
        chat_data = tlv.find(command.data, 0x7F4C)
        chat = Chat.decode(chat_data) if chat_data is not None else None
        self._env = _Environment(ref, chat, _reference_date(command.data))
        self._pace, self._pace_step, self._ri_selected = None, 0, False
        return self.passwords.announce(ref), b""

    def _general_authenticate(self, command: Command) -> tuple[int, bytes]:
        if self._ri_selected:
            return self._restricted_identification(command.data)
        env = self._env
        if env is None:
            raise StatusWordError(0x6985)
        step = self._pace_step
        if step == 0:
            if tlv.require(command.data, 0x7C):
                raise StatusWordError(0x6A80)
            can_session = self.authenticated is Ref.CAN and self.channel is not None
            password = self.passwords.for_pace(env.ref, can_session=can_session)
            self._pace = pace.ChipPace(password)
            self._pace_step = 1
            return 0x9000, pace.dynamic_data(0x80, self._pace.encrypted_nonce())
        chip = self._pace
        if chip is None:
            raise StatusWordError(0x6985)
        try:
            return self._pace_step_with(chip, env, step, command.data)
        except CardProtocolError:
            self._pace, self._pace_step = None, 0  # a malformed step aborts the PACE run
            raise

    def _pace_step_with(
        self, chip: pace.ChipPace, env: _Environment, step: int, data: bytes
    ) -> tuple[int, bytes]:
        if step == 1:
            own = chip.map_nonce(ec.decode(pace.dynamic_value(data, 0x81)))
            self._pace_step = 2
            return 0x9000, pace.dynamic_data(0x82, own.encode())
        if step == 2:
            own = chip.agree(ec.decode(pace.dynamic_value(data, 0x83)))
            self._pace_step = 3
            return 0x9000, pace.dynamic_data(0x84, own.encode())
        token = chip.verify(pace.dynamic_value(data, 0x85))
        self._pace, self._pace_step = None, 0
        if token is None or chip.keys is None:
            return self.passwords.failed(env.ref), b""
        self.passwords.succeeded(env.ref)
        self._next_channel = SecureChannel(chip.keys.enc, chip.keys.mac)
        self.authenticated = env.ref
        self.rights = _rights(env, transport=self.passwords.transport)
        self._reference_date = env.reference_date
        self._ri_selected = False
        return 0x9000, pace.dynamic_data(0x86, token)

    def _set_ri(self, data: bytes) -> tuple[int, bytes]:
        if tlv.require(data, 0x80) != ri.RI_OID:
            raise StatusWordError(0x6A80)
        if self.channel is None or not self.rights.allows(RESTRICTED_IDENTIFICATION):
            raise StatusWordError(0x6982)
        self._ri_selected = True
        return 0x9000, b""

    def _restricted_identification(self, data: bytes) -> tuple[int, bytes]:
        key_object = pace.dynamic_value(data, 0xA0)
        pk_sector = ec.decode(tlv.require(key_object, 0x86))
        return 0x9000, pace.dynamic_data(0x81, ri.pseudonym(self._sk_id, pk_sector))

    def _verify(self, command: Command) -> tuple[int, bytes]:
        if (command.p1, command.p2) != (0x80, 0x00):
            raise StatusWordError(0x6A86)
        if tlv.require(command.data, 0x06) != ID_DATE_OF_EXPIRY:
            raise StatusWordError(0x6A88)
        if not self.rights.bits or self._reference_date is None:
            raise StatusWordError(0x6982)
        return (0x9000 if self._expiry >= self._reference_date else 0x6300), b""

    def _reset_retry_counter(self, command: Command) -> tuple[int, bytes]:
        if command.p2 != Ref.PIN or self.channel is None:
            raise StatusWordError(0x6982)
        if command.p1 == 0x03 and self.authenticated is Ref.PUK:
            self.passwords.unblock()
            return 0x9000, b""
        if command.p1 == 0x02 and self.authenticated is Ref.PIN:
            self.passwords.change_pin(command.data)
            return 0x9000, b""
        raise StatusWordError(0x6982)


def _rights(env: _Environment, *, transport: bool) -> Chat:
    """What a successful PACE grants: the CHAT after the PIN (not the transport PIN), or after
    the CAN when the CHAT has "CAN allowed" (TR-03110-4 C.4.2.2, bit 4); nothing otherwise."""
    if env.chat is None:
        return Chat()
    if env.ref is Ref.PIN and not transport:
        return env.chat
    if env.ref is Ref.CAN and env.chat.allows(CAN_ALLOWED):
        return env.chat
    return Chat()


def _reference_date(data: bytes) -> date | None:
    """The validity reference date from auxiliary data ``67 { 73 { 06 OID, 53 YYYYMMDD } }``."""
    aux = tlv.find(data, 0x67)
    if aux is None:
        return None
    for tag, template in tlv.parse(aux):
        if tag == 0x73 and tlv.find(template, 0x06) == ID_DATE_OF_EXPIRY:
            raw = tlv.require(template, 0x53).decode("ascii")
            try:
                return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
            except ValueError as exc:
                raise CardProtocolError("the reference date is not YYYYMMDD") from exc
    return None
