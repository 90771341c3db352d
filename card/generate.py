"""Faker-generated card profiles: German identities (Personalausweis) and eAT holders.

Seeded, so a seed always gives the same card (and the same pseudonyms). The secrets are the
harness's test defaults (PIN 123456); CAN and PUK are drawn from the same seed.
``fixtures/cards/faker-de-1.yaml`` is ``faker_profile(1)`` written out.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from faker import Faker

from skc.card.profile import DEFAULT_PIN, CardProfile

# eAT holders: nationality -> the Faker locale their names and places of birth come from
# (Latin-script locales: the card stores names as printed, in Latin letters with diacritics).
_NATIONALITIES = {
    "TUR": "tr_TR",
    "POL": "pl_PL",
    "ITA": "it_IT",
    "ROU": "ro_RO",
    "HRV": "hr_HR",
    "VNM": "vi_VN",
    "IND": "en_IN",
}
_PERMITS = (
    ("ERWERBSTÄTIGKEIT GESTATTET", "AUFENTHALTSTITEL NACH § 18B ABS. 1 AUFENTHG"),
    ("ERWERBSTÄTIGKEIT ERLAUBT", "NIEDERLASSUNGSERLAUBNIS § 9 AUFENTHG"),
    ("BESCHÄFTIGUNG NUR MIT ERLAUBNIS DER AUSLÄNDERBEHÖRDE", "§ 16B ABS. 1 AUFENTHG"),
)


def faker_profile(seed: int, *, eat: bool = False) -> CardProfile:
    """A plausible card holder: Faker de_DE for a Personalausweis; for an eAT (``eat=True``)
    a foreign nationality with names from its Faker locale and an address in Germany."""
    rng = random.Random(f"{seed}-{eat}")
    nationality = rng.choice(sorted(_NATIONALITIES)) if eat else "D"
    fake = Faker("de_DE")
    fake.seed_instance(rng.randrange(2**32))
    origin = Faker(_NATIONALITIES[nationality]) if eat else fake
    origin.seed_instance(rng.randrange(2**32))
    female = rng.random() < 0.5
    given = origin.first_name_female() if female else origin.first_name_male()
    if rng.random() < 0.3:
        given += " " + (origin.first_name_female() if female else origin.first_name_male())
    family = origin.last_name()
    birth = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 66))
    expiry = date(2027, 1, 1) + timedelta(days=rng.randrange(365 * 9))
    prefix = "Y" if eat else "L"
    permits = rng.choice(_PERMITS)
    data = {
        "reference": f"faker-{'eat' if eat else 'de'}-{seed}",
        "document_type": "AR" if eat else "ID",
        "document_number": prefix
        + "".join(rng.choice("0123456789CFGHJKLMNPRTVWXYZ") for _ in range(8)),
        "expiry": expiry,
        "given_names": given.upper(),
        "family_names": family.upper(),
        "academic_title": "DR." if rng.random() < 0.1 else None,
        "date_of_birth": birth,
        "place_of_birth": origin.city().upper(),
        "nationality": nationality,
        "birth_name": fake.last_name().upper() if female and rng.random() < 0.4 else None,
        "address": {
            "street": fake.street_address().upper(),
            "city": fake.city().upper(),
            "zip": fake.postcode(),
            "country": "D",
        },
        "community_id": "0276" + "".join(rng.choice("0123456789") for _ in range(10)),
        "residence_permit_1": permits[0] if eat else None,
        "residence_permit_2": permits[1] if eat else None,
        "secrets": {
            "pin": DEFAULT_PIN,
            "can": f"{rng.randrange(10**6):06d}",
            "puk": f"{rng.randrange(10**10):010d}",
        },
    }
    return CardProfile.model_validate(data)


def profile_yaml(profile: CardProfile) -> str:
    """A profile as YAML text for ``fixtures/cards/`` (secrets written out: test cards only)."""
    import yaml

    data = profile.model_dump(mode="json", exclude_none=True)
    data["secrets"] = {k: v.get_secret_value() for k, v in profile.secrets}
    data["address"] = profile.address.model_dump(exclude_none=True)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
