"""Card profile files (validated on load, file:line errors) and secrets that never leak."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from skc.card import (
    AccessRequest,
    CardProfileError,
    EidClient,
    PasswordError,
    bundled_profiles,
    load_profile,
    virtual_card,
)
from skc.card.generate import faker_profile
from skc.card.profile import CARDS_DIR

SECRETS = ("123456", "500540", "9876543210")


def test_every_bundled_profile_loads_when_read_from_fixtures() -> None:
    names = bundled_profiles()
    assert {"erika-mustermann", "eat-holder", "max-beispiel", "faker-de-1"} <= set(names)
    for name in names:
        assert load_profile(name).reference == name


def test_profile_error_names_file_and_line_when_the_can_has_five_digits(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    text = (CARDS_DIR / "erika-mustermann.yaml").read_text()
    path.write_text(text.replace('can: "500540"', 'can: "50054"'))
    line = next(i for i, row in enumerate(path.read_text().splitlines(), 1) if "can:" in row)
    with pytest.raises(CardProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: secrets.can:")
    assert "6 digits" in message
    assert "50054" not in message


def test_profile_error_asks_for_quotes_when_a_pin_is_an_unquoted_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "reference: x\ndocument_number: '000000009'\nexpiry: 2030-01-01\ngiven_names: A\n"
        "family_names: B\ndate_of_birth: 1990-01-01\nplace_of_birth: C\naddress: {city: D}\n"
        "secrets:\n  pin: 123456\n  can: '111111'\n  puk: '1111111111'\n"
    )
    with pytest.raises(CardProfileError, match=r"bad.yaml:10: secrets.pin: .*quotes"):
        load_profile(path)


def test_profile_error_names_the_line_when_a_field_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("reference: x\nfirst_name: Erika\n")
    with pytest.raises(CardProfileError, match=r"bad.yaml:\d+: "):
        load_profile(path)


def test_profile_error_names_the_file_when_the_yaml_is_broken(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("reference: [x\n")
    with pytest.raises(CardProfileError, match=r"broken.yaml:\d+"):
        load_profile(path)


def test_faker_profile_is_the_same_when_the_seed_is_the_same() -> None:
    assert faker_profile(7) == faker_profile(7)
    assert faker_profile(7) != faker_profile(8)
    eat = faker_profile(7, eat=True)
    assert eat.document_type == "AR"
    assert eat.residence_permit_1 is not None
    result = EidClient(virtual_card(eat)).authenticate(
        "123456", AccessRequest.login("family_names"), sector="s"
    )
    assert result.attributes["family_names"] == eat.family_names


def test_secrets_stay_out_of_reprs_logs_and_errors_when_a_card_is_used(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    profile = load_profile("erika-mustermann")
    card = virtual_card(profile)
    client = EidClient(card)
    texts = [repr(profile), str(profile), repr(profile.secrets), repr(card), repr(client)]
    client.authenticate("123456", AccessRequest.login("family_names"), sector="s", can="500540")
    texts.append(repr(card._os))  # the card OS with its password state
    with pytest.raises(PasswordError) as caught:
        EidClient(card).pace("654321")
    texts.append(str(caught.value))
    EidClient(card).unblock_pin("9876543210")
    texts.append(caplog.text)
    assert "INS 86" in caplog.text  # the card does log, without the secrets
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


def test_generated_fixture_files_match_the_generator_when_regenerated() -> None:
    assert load_profile("faker-de-1") == faker_profile(1)
    assert load_profile("faker-eat-1") == faker_profile(1, eat=True)
