"""The password policy explorer: which passwords each Land accepts, and where the edges lie.

``password_frame`` validates a list of passwords in every Land (one row per password and Land,
with the rules a refusal cites); ``password_length_edges`` probes the length rules one character
either side of each limit. Both only call the model's validators; a password is shown because
these are sample values, never a real person's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pandas as pd

from skc.analysis._journey import REALISTIC_PASSWORDS
from skc.model.ambiguity import Readings, default_readings
from skc.model.catalog import load_catalog
from skc.model.lands import LANDS, LandId, parse_land
from skc.model.validators import validate


def _lands(lands: Iterable[str] | None) -> tuple[LandId, ...]:
    return LANDS if lands is None else tuple(parse_land(land) for land in lands)


def password_frame(
    passwords: Sequence[str] = REALISTIC_PASSWORDS,
    lands: Iterable[str] | None = None,
    readings: Readings | None = None,
) -> pd.DataFrame:
    """One row per password and Land: ``valid`` and the ``rules`` a refusal cites (", ")."""
    chosen = readings if readings is not None else default_readings()
    rows = []
    for password in passwords:
        for land in _lands(lands):
            verdict = validate(land, "password", password, chosen)
            rows.append(
                {
                    "password": password,
                    "length": len(password),
                    "land": land,
                    "valid": verdict.valid,
                    "rules": ", ".join(v.rule for v in verdict.violations),
                }
            )
    return pd.DataFrame(rows)


def password_length_edges(
    lands: Iterable[str] | None = None, readings: Readings | None = None
) -> pd.DataFrame:
    """For each Land: the stated minimum and maximum length and whether passwords of one
    character less and more than each edge are accepted (built from ``Aa1`` repeated)."""
    chosen = readings if readings is not None else default_readings()
    catalog = load_catalog()
    rows: list[dict[str, object]] = []
    for land in _lands(lands):
        for rule, param in (("password.min_length", "min"), ("password.max_length", "max")):
            if not catalog.stated(land, rule):
                rows.append({"land": land, "rule": rule, "limit": None})
                continue
            limit = catalog.param(land, rule, param)
            if not isinstance(limit, int) or isinstance(limit, bool):
                rows.append({"land": land, "rule": rule, "limit": None})
                continue
            row: dict[str, object] = {"land": land, "rule": rule, "limit": limit}
            for offset in (-1, 0, 1):
                value = ("Aa1" * (limit // 3 + 2))[: limit + offset]
                row[f"len {offset:+d}"] = validate(land, "password", value, chosen).valid
            rows.append(row)
    return pd.DataFrame(rows)


__all__ = ["password_frame", "password_length_edges"]
