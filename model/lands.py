"""The five Länder whose help texts are the specification, and the seed file of each."""

from __future__ import annotations

from typing import Final, Literal, get_args

from skc.model.errors import UnknownNameError

LandId = Literal["sachsen-anhalt", "gemeinsam-online", "hamburg", "berlin", "niedersachsen"]

LANDS: Final[tuple[LandId, ...]] = get_args(LandId)

SEED_FILES: Final[dict[LandId, str]] = {
    "sachsen-anhalt": "000_3ad28f7724a5fb2a.txt",
    "gemeinsam-online": "001_ee48649d50516013.txt",
    "hamburg": "002_75781650d62228f6.txt",
    "berlin": "003_3de1d66ee7648124.txt",
    "niedersachsen": "004_61522cf31d4f8b8c.txt",
}

# The sixteen Länder and the shared portal, as ids: what a portal's list of Servicekonten for
# a login with another account ("Mit anderem Servicekonto") can name.
GERMAN_LANDS: Final[tuple[str, ...]] = (
    "baden-wuerttemberg", "bayern", "berlin", "brandenburg", "bremen", "gemeinsam-online",
    "hamburg", "hessen", "mecklenburg-vorpommern", "niedersachsen", "nordrhein-westfalen",
    "rheinland-pfalz", "saarland", "sachsen", "sachsen-anhalt", "schleswig-holstein",
    "thueringen",
)  # fmt: skip
# The reference portal's list of those Servicekonten (Hamburg's text has a list but names no
# entry): every Land but Thüringen, left out only so that a Land outside the list exists and
# the rule can be observed. A portal's profile names its real list (``interop_lands``).
REFERENCE_INTEROP_LANDS: Final[tuple[str, ...]] = tuple(
    land for land in GERMAN_LANDS if land != "thueringen"
)

PORTAL_NAMES: Final[dict[LandId, str]] = {
    "sachsen-anhalt": "Serviceportal Sachsen-Anhalt",
    "gemeinsam-online": "Gemeinsam Online Serviceportal",
    "hamburg": "Hamburg Serviceportal",
    "berlin": "Service-Konto Berlin",
    "niedersachsen": "Servicekonto Niedersachsen",
}


def parse_land(name: str) -> LandId:
    """Return ``name`` as a Land id, or raise an error that lists the valid ids."""
    for land in LANDS:
        if name == land:
            return land
    raise UnknownNameError("Land", name, LANDS)
