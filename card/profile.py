"""Card profiles: who the card belongs to, its secrets and its state, validated on load.

A profile is a YAML file (``fixtures/cards/*.yaml``); errors name the file and the line. The
secrets (PIN, transport PIN, CAN, PUK) are pydantic ``SecretStr``: they print as ``**********``
in reprs, logs and error messages. ``CardProfile.model_validate`` accepts the same data in Python.

    reference: erika-mustermann
    document_type: ID              # ID: Personalausweis; AR, AS, AF: eAT residence permit
    expiry: 2031-10-31
    given_names: ERIKA
    family_names: MUSTERMANN
    date_of_birth: 1964-08-12
    place_of_birth: BERLIN
    address: {street: HEIDESTRASSE 17, city: KÖLN, zip: "51147", country: D}
    secrets: {pin: "123456", can: "500540", puk: "9876543210"}
"""

from __future__ import annotations

import functools
import hashlib
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from skc.card import ec
from skc.card.errors import CardProfileError
from skc.model.errors import InputError
from skc.model.readings_file import compose_yaml_file, line_of, yaml_data

DEFAULT_PIN = "123456"
CARDS_DIR = Path(__file__).resolve().parent.parent / "fixtures" / "cards"


def _digits(value: SecretStr, count: int, name: str) -> SecretStr:
    raw = value.get_secret_value()
    if len(raw) != count or not raw.isascii() or not raw.isdigit():
        # The message never contains the value: it is a secret.
        raise ValueError(f"the {name} must be {count} digits")
    return value


class Address(BaseModel):
    """A place of residence (DG17): structured, or ``no_place`` for "keine Hauptwohnung"."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    street: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str = "D"
    no_place: str | None = None


class Secrets(BaseModel):
    """The card's passwords. They never appear in reprs or messages."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    pin: SecretStr = SecretStr(DEFAULT_PIN)
    transport_pin: SecretStr = SecretStr("12345")
    can: SecretStr
    puk: SecretStr

    @field_validator("pin", "transport_pin", "can", "puk", mode="before")
    @classmethod
    def _quoted(cls, value: object) -> object:
        if isinstance(value, int):
            raise ValueError(
                'write it in quotes, like "123456": unquoted digits lose leading zeros'
            )
        return value

    @field_validator("pin")
    @classmethod
    def _pin(cls, value: SecretStr) -> SecretStr:
        return _digits(value, 6, "PIN")

    @field_validator("transport_pin")
    @classmethod
    def _transport_pin(cls, value: SecretStr) -> SecretStr:
        return _digits(value, 5, "transport PIN")

    @field_validator("can")
    @classmethod
    def _can(cls, value: SecretStr) -> SecretStr:
        return _digits(value, 6, "CAN")

    @field_validator("puk")
    @classmethod
    def _puk(cls, value: SecretStr) -> SecretStr:
        return _digits(value, 10, "PUK")


Text = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=2000)]  # Nebenbestimmungen


class CardProfile(BaseModel):
    """Everything a virtual eID card is personalised with (TR-03127 data groups and state)."""

    model_config = ConfigDict(frozen=True, extra="forbid", hide_input_in_errors=True)

    reference: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    document_type: Literal["ID", "AR", "AS", "AF"] = "ID"
    issuing_state: Annotated[str, Field(pattern=r"^[A-Z]{1,3}$")] = "D"
    document_number: Annotated[str, Field(pattern=r"^[0-9A-Z]{9}$")]
    expiry: date
    given_names: Text
    family_names: Text
    artistic_name: Text | None = None
    academic_title: Text | None = None
    date_of_birth: date
    place_of_birth: Text
    nationality: Annotated[str, Field(pattern=r"^[A-Z]{1,3}$")] = "D"
    birth_name: Text | None = None
    address: Address
    community_id: Annotated[str, Field(pattern=r"^([0-9]{2})+$")] | None = None
    residence_permit_1: LongText | None = None
    residence_permit_2: LongText | None = None
    secrets: Secrets
    pin_state: Literal["operational", "transport"] = "operational"
    pin_retries: Annotated[int, Field(ge=0, le=3)] = 3
    puk_uses: Annotated[int, Field(ge=0, le=10)] = 10
    eid_enabled: bool = True
    ri_key: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{64}$")] | None = None

    @property
    def ri_private_key(self) -> int:
        """The card's Restricted Identification key ``SK_ID`` (from ``ri_key``, or derived
        deterministically from the document number, so the same card keeps its pseudonyms)."""
        if self.ri_key is not None:
            seed = bytes.fromhex(self.ri_key)
        else:
            seed = hashlib.sha256(b"skc.card RI key|" + self.document_number.encode()).digest()
        return int.from_bytes(seed, "big") % (ec.N - 1) + 1

    @property
    def is_eat(self) -> bool:
        """Whether the card is an eAT (elektronischer Aufenthaltstitel)."""
        return self.document_type != "ID"


def _problem(path: Path, root: yaml.Node, error: ValidationError) -> CardProfileError:
    first = error.errors()[0]
    loc = tuple(first["loc"])
    where = ".".join(str(part) for part in loc) or "(top)"
    return CardProfileError(f"{path}:{line_of(root, loc)}: {where}: {first['msg']}")


def load_profile(path: str | Path) -> CardProfile:
    """Read and validate a card profile file; CardProfileError names ``file:line`` and the field.

    A bare name (``erika-mustermann``) is looked up in ``fixtures/cards/``. Profiles are frozen,
    so a file read before (same path, same modification time) is not parsed again.
    """
    file = Path(path)
    if not file.suffix and not file.exists():
        file = CARDS_DIR / f"{file.name}.yaml"
    try:
        stamp = file.stat().st_mtime_ns
    except OSError:
        stamp = -1
    return _load(file, stamp)


@functools.lru_cache(maxsize=64)
def _load(file: Path, stamp: int) -> CardProfile:
    try:
        root = compose_yaml_file(file)
    except InputError as exc:
        raise CardProfileError(str(exc)) from exc
    if root is None:
        raise CardProfileError(f"{file}:1: the card profile is empty; see fixtures/cards/")
    data = yaml_data(root)
    if not isinstance(data, dict):
        raise CardProfileError(f"{file}:{root.start_mark.line + 1}: expected a mapping")
    try:
        return CardProfile.model_validate(data)
    except ValidationError as exc:
        raise _problem(file, root, exc) from None


def bundled_profiles() -> list[str]:
    """The references of the profiles in ``fixtures/cards/``."""
    return sorted(p.stem for p in CARDS_DIR.glob("*.yaml"))
