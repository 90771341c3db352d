"""PACE and secure messaging against the published ICAO Doc 9303 Part 11 worked example.

Values from ICAO Doc 9303 Part 11 (8th ed., 2021), Appendix G.1 "ECDH based example":
id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1 with the MRZ password of
document T22000129, birth 640812, expiry 101031. The SELECT after PACE (SSC 0) is the
secure-messaging example that follows the same session keys (9303-11 Appendix G, 9.8.7).
"""

from __future__ import annotations

import pytest

from skc.card import crypto, ec, pace
from skc.card.errors import CardProtocolError
from skc.card.sm import SecureChannel

K_PI = bytes.fromhex("89DED1B26624EC1E634C1989302849DD")
NONCE = bytes.fromhex("3F00C4D39D153F2B2A214A078D899B22")
Z = bytes.fromhex("95A3A016522EE98D01E76CB6B98B42C3")
SK_MAP_IFD = 0x7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99
SK_MAP_IC = 0x498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560
PK_MAP_IFD = bytes.fromhex(
    "047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E"
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D"
)
PK_MAP_IC = bytes.fromhex(
    "04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57"
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54"
)
H = bytes.fromhex(
    "0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5"
    "0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181"
)
G_HAT = bytes.fromhex(
    "048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2"
    "8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522"
)
SK_EPH_IFD = 0xA73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595
SK_EPH_IC = 0x107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A
PK_EPH_IFD = bytes.fromhex(
    "042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C"
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462"
)
PK_EPH_IC = bytes.fromhex(
    "049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB"
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094"
)
SHARED = bytes.fromhex("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
KS_ENC = bytes.fromhex("F5F0E35C0D7161EE6724EE513A0D9A7F")
KS_MAC = bytes.fromhex("FE251C7858B356B24514B3BD5F4297D1")
T_IFD = bytes.fromhex("C2B0BD78D94BA866")
T_IC = bytes.fromhex("3ABB9674BCE93C08")


def test_mrz_password_gives_the_published_k_pi_when_derived_with_counter_3() -> None:
    password = crypto.mrz_password("T22000129", "640812", "101031")
    assert password.hex().upper() == "7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD"
    assert crypto.password_key(password) == K_PI


def test_nonce_decrypts_to_the_published_value_when_k_pi_is_used() -> None:
    assert pace.decrypt_nonce(K_PI, Z) == NONCE
    assert pace.encrypt_nonce(K_PI, NONCE) == Z


def test_mapping_reproduces_h_and_the_mapped_generator_when_both_sides_compute_it() -> None:
    assert ec.public_key(SK_MAP_IFD).encode() == PK_MAP_IFD
    assert ec.public_key(SK_MAP_IC).encode() == PK_MAP_IC
    h_terminal = ec.multiply(SK_MAP_IFD, ec.decode(PK_MAP_IC))
    h_chip = ec.multiply(SK_MAP_IC, ec.decode(PK_MAP_IFD))
    assert h_terminal.encode() == H == h_chip.encode()
    assert pace.map_generator(NONCE, h_terminal).encode() == G_HAT


def test_key_agreement_reproduces_keys_and_tokens_when_run_over_the_mapped_generator() -> None:
    g_hat = ec.decode(G_HAT)
    assert ec.multiply(SK_EPH_IFD, g_hat).encode() == PK_EPH_IFD
    assert ec.multiply(SK_EPH_IC, g_hat).encode() == PK_EPH_IC
    assert ec.shared_x(SK_EPH_IFD, ec.decode(PK_EPH_IC)) == SHARED
    assert pace.session_keys(SHARED) == (KS_ENC, KS_MAC)
    assert pace.auth_token(KS_MAC, ec.decode(PK_EPH_IC)) == T_IFD
    assert pace.auth_token(KS_MAC, ec.decode(PK_EPH_IFD)) == T_IC


def test_ephemeral_key_over_g_hat_is_reproduced_when_g_hat_is_never_formed() -> None:
    terminal = pace.ephemeral_public(SK_EPH_IFD, NONCE, SK_MAP_IFD, ec.decode(PK_MAP_IC))
    chip = pace.ephemeral_public(SK_EPH_IC, NONCE, SK_MAP_IC, ec.decode(PK_MAP_IFD))
    assert (terminal.encode(), chip.encode()) == (PK_EPH_IFD, PK_EPH_IC)


def test_chip_and_terminal_reproduce_the_whole_exchange_when_given_the_example_keys() -> None:
    password = crypto.mrz_password("T22000129", "640812", "101031")
    chip = pace.ChipPace(password, nonce=NONCE, map_key=SK_MAP_IC, eph_key=SK_EPH_IC)
    terminal = pace.TerminalPace(password, map_key=SK_MAP_IFD, eph_key=SK_EPH_IFD)
    assert chip.encrypted_nonce() == Z
    assert terminal.receive_nonce(Z).encode() == PK_MAP_IFD
    chip_map = chip.map_nonce(ec.decode(PK_MAP_IFD))
    assert chip_map.encode() == PK_MAP_IC
    assert terminal.map_nonce(chip_map).encode() == PK_EPH_IFD
    assert chip.agree(ec.decode(PK_EPH_IFD)).encode() == PK_EPH_IC
    assert terminal.agree(ec.decode(PK_EPH_IC)) == T_IFD
    assert chip.verify(T_IFD) == T_IC
    assert terminal.check_chip_token(T_IC)
    assert terminal.keys is not None
    assert (terminal.keys.enc, terminal.keys.mac) == (KS_ENC, KS_MAC)


def test_chip_rejects_the_token_when_the_terminal_used_another_password() -> None:
    chip = pace.ChipPace(b"123456")
    terminal = pace.TerminalPace(b"654321")
    chip_map = chip.map_nonce(terminal.receive_nonce(chip.encrypted_nonce()))
    chip_eph = chip.agree(terminal.map_nonce(chip_map))
    assert chip.verify(terminal.agree(chip_eph)) is None


def test_fast_multiply_equals_the_plain_ladder_when_scalars_vary() -> None:
    point = ec.decode(PK_MAP_IC)
    for k in (2, 3, SK_MAP_IFD, SK_EPH_IC, ec.N - 2, 2**255 + 12345):
        assert ec.multiply(k, point) == ec.multiply_plain(k, point)


def test_fixed_base_public_key_equals_the_plain_ladder_when_scalars_vary() -> None:
    for k in (1, 2, 15, 16, 17, SK_MAP_IC, ec.N - 1, 2**200 + 7):
        assert ec.public_key(k) == ec.multiply_plain(k, ec.G)


def test_decode_rejects_a_point_when_it_is_not_on_the_curve() -> None:
    bad = bytearray(PK_MAP_IC)
    bad[-1] ^= 1
    with pytest.raises(CardProtocolError, match="not on"):
        ec.decode(bytes(bad))


def test_secure_messaging_reproduces_the_published_select_when_ssc_starts_at_zero() -> None:
    terminal = SecureChannel(KS_ENC, KS_MAC)
    chip = SecureChannel(KS_ENC, KS_MAC)
    command = bytes.fromhex("00A4040C07A0000002471001")
    protected = terminal.protect_command(command)
    assert protected.hex().upper() == (
        "0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00"
    )
    inner = chip.unprotect_command(protected)
    assert (inner.cla, inner.ins, inner.p1, inner.p2, inner.data) == (
        0x00,
        0xA4,
        0x04,
        0x0C,
        bytes.fromhex("A0000002471001"),
    )
    response = chip.protect_response(b"", 0x9000)
    assert response.hex().upper() == "990290008E08BEA7B381C494A0799000"
    assert terminal.unprotect_response(response) == (b"", 0x9000)


def test_secure_messaging_rejects_a_command_when_its_mac_was_altered() -> None:
    terminal = SecureChannel(KS_ENC, KS_MAC)
    chip = SecureChannel(KS_ENC, KS_MAC)
    protected = bytearray(terminal.protect_command(bytes.fromhex("00B0810000")))
    protected[-3] ^= 0x01
    with pytest.raises(CardProtocolError, match="MAC"):
        chip.unprotect_command(bytes(protected))
