"""The eID function end to end in-process: data groups by CHAT, holder choice, pseudonyms, expiry,
secure messaging after PACE, and the eID client's errors."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from skc.card import (
    AccessDeniedError,
    AccessRequest,
    CardExpiredError,
    Chat,
    EidClient,
    PasswordBlockedError,
    PasswordDeactivatedError,
    PasswordError,
    PasswordSuspendedError,
    Ref,
    RequiredAttributeError,
    load_profile,
    virtual_card,
)
from skc.card.access import CAN_ALLOWED
from skc.card.apdu import Command, split_response
from skc.card.chip import EID_AID
from skc.card.errors import UnknownAttributeError

PIN, CAN, PUK = "123456", "500540", "9876543210"
EVERYTHING = (
    "document_type",
    "issuing_state",
    "date_of_expiry",
    "given_names",
    "family_names",
    "academic_title",
    "date_of_birth",
    "place_of_birth",
    "nationality",
    "birth_name",
    "address",
    "community_id",
    "residence_permit_1",
    "residence_permit_2",
)


def test_login_releases_persosim_profile01_data_when_everything_is_requested() -> None:
    result = EidClient(virtual_card()).authenticate(
        PIN, AccessRequest.login(*EVERYTHING), sector="servicekonto.example"
    )
    assert result.attributes == {
        "document_type": "ID",
        "issuing_state": "D",
        "date_of_expiry": "20311031",
        "given_names": "ERIKA",
        "family_names": "MUSTERMANN",
        "date_of_birth": "19640812",
        "place_of_birth": "BERLIN",
        "nationality": "D",
        "birth_name": "GABLER",
        "address": "HEIDESTRASSE 17, 51147 KÖLN, D",
        "community_id": "02760503150000",
    }
    assert result.pseudonym is not None
    assert len(result.pseudonym) == 64


def test_eat_card_releases_residence_permit_groups_when_they_are_requested() -> None:
    result = EidClient(virtual_card("eat-holder")).authenticate(
        PIN, AccessRequest.login(*EVERYTHING), sector="s"
    )
    assert result.attributes["document_type"] == "AR"
    assert result.attributes["nationality"] == "TUR"
    assert result.attributes["residence_permit_1"] == "ERWERBSTÄTIGKEIT GESTATTET"
    assert "residence_permit_2" in result.attributes


def test_deselected_optional_attribute_is_not_released_when_the_holder_unticks_it() -> None:
    request = AccessRequest.login("address", "date_of_birth", required=("family_names",))
    result = EidClient(virtual_card()).authenticate(
        PIN, request, sector="s", deselected=("address",)
    )
    assert set(result.attributes) == {"family_names", "date_of_birth"}
    assert result.pseudonym is not None


def test_pseudonym_cannot_be_deselected_when_the_request_is_a_login() -> None:
    with pytest.raises(RequiredAttributeError, match="pseudonym"):
        AccessRequest.login("address").chat(deselected=("pseudonym",))


def test_unknown_attribute_is_rejected_with_the_valid_names_when_a_request_names_it() -> None:
    with pytest.raises(UnknownAttributeError, match="given_names"):
        AccessRequest.login("first_name")


def test_card_refuses_a_data_group_with_69_82_when_the_chat_does_not_allow_it() -> None:
    client = EidClient(virtual_card())
    client.pace(PIN, Ref.PIN, chat=Chat.for_attributes(["family_names"]))
    client.select_eid()
    assert client.read_attribute("family_names") == "MUSTERMANN"
    with pytest.raises(AccessDeniedError) as caught:
        client.read_attribute("address")
    assert caught.value.sw == 0x6982
    with pytest.raises(AccessDeniedError):
        client.pseudonym("s")


def test_card_refuses_data_groups_when_pace_used_the_can() -> None:
    client = EidClient(virtual_card())
    client.pace(CAN, Ref.CAN, chat=Chat.for_attributes(EVERYTHING))
    client.select_eid()
    with pytest.raises(AccessDeniedError):
        client.read_attribute("family_names")


def test_card_releases_data_groups_after_the_can_when_the_chat_allows_the_can() -> None:
    client = EidClient(virtual_card())
    chat = Chat.for_attributes(["family_names"])
    client.pace(CAN, Ref.CAN, chat=Chat(chat.bits | 1 << CAN_ALLOWED))
    client.select_eid()
    assert client.read_attribute("family_names") == "MUSTERMANN"


def test_pseudonym_is_stable_when_the_same_card_meets_the_same_sector_again() -> None:
    request = AccessRequest.login()
    first = EidClient(virtual_card()).authenticate(PIN, request, sector="berlin.de")
    second = EidClient(virtual_card()).authenticate(PIN, request, sector="berlin.de")
    assert first.pseudonym == second.pseudonym


def test_pseudonyms_differ_when_the_sector_or_the_card_differs() -> None:
    request = AccessRequest.login()
    erika = EidClient(virtual_card())
    a = erika.authenticate(PIN, request, sector="berlin.de").pseudonym
    b = EidClient(virtual_card()).authenticate(PIN, request, sector="hamburg.de").pseudonym
    c = EidClient(virtual_card("max-beispiel")).authenticate(PIN, request, sector="berlin.de")
    assert len({a, b, c.pseudonym}) == 3


def test_expired_card_fails_the_validity_check_when_today_is_after_its_expiry() -> None:
    client = EidClient(virtual_card("expired-card"))
    with pytest.raises(CardExpiredError):
        client.authenticate(PIN, AccessRequest.login(), sector="s", today=date(2026, 12, 1))
    valid = EidClient(virtual_card("expired-card")).authenticate(
        PIN, AccessRequest.login(), sector="s", today=date(2020, 10, 31)
    )
    assert valid.pseudonym is not None


def test_client_reports_retries_then_suspension_then_block_when_pins_are_wrong() -> None:
    card = virtual_card()
    with pytest.raises(PasswordError) as first:
        EidClient(card).pace("000000")
    assert first.value.retries == 2
    with pytest.raises(PasswordError) as second:
        EidClient(card).pace("000000")
    assert second.value.retries == 1
    with pytest.raises(PasswordSuspendedError):
        EidClient(card).pace(PIN)
    with pytest.raises(PasswordBlockedError):
        EidClient(card).authenticate("000000", AccessRequest.login(), sector="s", can=CAN)
    with pytest.raises(PasswordBlockedError):
        EidClient(card).pace(PIN)
    EidClient(card).unblock_pin(PUK)
    assert EidClient(card).authenticate(PIN, AccessRequest.login(), sector="s").pseudonym


def test_client_reports_the_switched_off_eid_when_pace_with_the_pin_starts() -> None:
    card = virtual_card()
    card.switch_eid(False)
    with pytest.raises(PasswordDeactivatedError):
        EidClient(card).authenticate(PIN, AccessRequest.login(), sector="s")


def test_plain_command_ends_secure_messaging_when_sent_after_pace() -> None:
    card = virtual_card()
    client = EidClient(card)
    client.pace(PIN, Ref.PIN, chat=Chat.for_attributes(EVERYTHING))
    client.select_eid()
    assert split_response(card.transmit(bytes.fromhex("00B0850000")))[1] == 0x6982
    assert client.channel is not None
    assert client.send(Command(0x00, 0xB0, 0x85, 0x00, le=256))[1] == 0x6987


def test_tampered_command_answers_69_88_and_ends_the_session_when_its_mac_is_wrong() -> None:
    card = virtual_card()
    client = EidClient(card)
    client.pace(PIN, Ref.PIN, chat=Chat.for_attributes(EVERYTHING))
    assert client.channel is not None
    wrapped = bytearray(client.channel.protect_command(Command(0, 0xA4, 4, 0x0C, EID_AID).encode()))
    wrapped[-4] ^= 0xFF
    assert card.transmit(bytes(wrapped)) == b"\x69\x88"
    protected = client.channel.protect_command(Command(0, 0xA4, 4, 0x0C, EID_AID).encode())
    assert card.transmit(protected) == b"\x69\x87"


def test_eid_application_is_selectable_in_plain_when_no_pace_was_run() -> None:
    card = virtual_card()
    assert card.transmit(bytes.fromhex("00A4040C09E80704007F00070302")) == b"\x90\x00"
    assert card.transmit(bytes.fromhex("00A4040C03E80704")) == b"\x6a\x82"
    assert card.transmit(bytes.fromhex("00B0850000"))[-2:] == b"\x69\x82"


def test_card_logs_only_status_words_when_a_data_group_is_missing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = EidClient(virtual_card())
    client.pace(PIN, Ref.PIN, chat=Chat.for_attributes(EVERYTHING))
    client.select_eid()
    assert client.read_attribute("academic_title", missing_ok=True) is None
    assert client.read_attribute("family_names") == "MUSTERMANN"
    assert "-> 6A82" in caplog.text
    assert {record.name for record in caplog.records} == {"skc.card"}
    assert "MUSTERMANN" not in caplog.text


def test_long_data_group_is_read_in_chunks_when_it_exceeds_one_response() -> None:
    text = "AUFLAGE: " + "WOHNSITZNAHME IN BERLIN ERFORDERLICH; " * 20
    profile = load_profile("eat-holder").model_copy(update={"residence_permit_2": text.strip()})
    client = EidClient(virtual_card(profile))
    result = client.authenticate(PIN, AccessRequest.login("residence_permit_2"), sector="s")
    assert result.attributes["residence_permit_2"] == text.strip()


def test_transport_pin_card_works_when_the_holder_set_a_pin_with_the_client() -> None:
    card = virtual_card("transport-pin")
    EidClient(card).change_pin("54321", "802613")
    result = EidClient(card).authenticate("802613", AccessRequest.login("family_names"), sector="s")
    assert result.attributes == {"family_names": "NEUMANN"}
