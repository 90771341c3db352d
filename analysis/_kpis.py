"""Per-Land KPIs of a simulated population, computed from its journeys and organisations.

Rates are shares of the people a step concerns (activations of the registered, session losses
of those who logged in, window failures of the payments that ran); a rate with nothing to count
is NaN, never 0: a Land whose text states no payment window runs no payment, and its payment
failure rate is unknown, not perfect.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from skc.analysis._journey import LIMIT_RULES, WhatIfRules
from skc.model.ambiguity import Readings
from skc.model.lands import LandId, parse_land

if TYPE_CHECKING:
    from skc.analysis._population import Population


def effective_limits(population: Population, land: LandId) -> dict[str, float | None]:
    """The time limits the population's portals of ``land`` apply, in minutes (None: none)."""
    rules = WhatIfRules(land, Readings(population.readings), population.limits)
    out: dict[str, float | None] = {}
    for rule in LIMIT_RULES:
        limit = rules.duration(rule)
        out[rule] = None if limit is None else limit.total_seconds() / 60
    return out


def _share(part: float, whole: float) -> float:
    return part / whole if whole else math.nan


def _citizen_kpis(j: pd.DataFrame) -> dict[str, Any]:
    registered = int(j["registered"].sum())
    activated = int(j["activated"].sum())
    logged_in = int((j["logins"] > 0).sum())
    paid = j[j["payment"].isin(["succeeded", "declined", "window"])]
    window = int((paid["payment"] == "window").sum())
    answered = j[j["reset"].isin(["question", "locked", "gave up"])]
    locked = int(j["locked_out"].sum())
    return {
        "citizens": len(j),
        "password_rejected_share": _share(int(j["password_rejected"].sum()), len(j)),
        "registered": registered,
        "activated": activated,
        "activation_rate": _share(activated, registered),
        "expired_link_share": _share(int((j["activation_expired"] > 0).sum()), registered),
        "logged_in": logged_in,
        "sessions_lost": int(j["sessions_lost"].sum()),
        "session_loss_rate": _share(int((j["sessions_lost"] > 0).sum()), logged_in),
        "payments": len(paid),
        "payments_failed_window": window,
        "payment_failure_rate": _share(window, len(paid)),
        "password_resets": int(j["forgot_password"].sum()),
        "lockouts": locked,
        "lockout_rate": _share(locked, len(answered)),
    }


def _organisation_kpis(o: pd.DataFrame) -> dict[str, Any]:
    registered = int((o["registration"] == "registered").sum())
    added = int(o["users_added"].sum())
    return {
        "organisations": len(o),
        "orgs_registered": registered,
        "admin_activation_rate": _share(int(o["admin_activated"].sum()), registered),
        "org_users": added,
        "user_activation_rate": _share(int(o["users_activated"].sum()), added),
        "users_expired": int(o["users_expired"].sum()),
    }


def kpis(
    journeys: pd.DataFrame,
    population: Population | None = None,
    organisations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Per-Land KPIs of a journeys table (and an organisations table, when given).

    ``activation_rate`` is activated / registered; ``expired_link_share`` the registered
    citizens who clicked at least one expired link; ``session_loss_rate`` the citizens who
    logged in and lost at least one session to the idle timeout; ``payment_failure_rate`` the
    payments the window closed on (NaN where no payment ran: the Land states no window);
    ``lockout_rate`` the security-question resets that ended locked out;
    ``admin_activation_rate`` the registered organisations whose administrator got in;
    ``user_activation_rate`` the added users who activated their account. With ``population``
    given, the limits in force are added as columns (minutes).
    """
    if population is not None:
        lands: list[str] = list(population.lands)
    elif isinstance(journeys["land"].dtype, pd.CategoricalDtype):
        lands = [str(land) for land in journeys["land"].cat.categories]
    else:
        lands = [str(land) for land in dict.fromkeys(journeys["land"])]
    rows = []
    with_orgs = organisations is not None and (population is None or population.organisations)
    for land in lands:
        row: dict[str, Any] = {"land": land}
        row.update(_citizen_kpis(journeys[journeys["land"] == land]))
        if with_orgs and organisations is not None:
            row.update(_organisation_kpis(organisations[organisations["land"] == land]))
        if population is not None:
            limits = effective_limits(population, parse_land(land))
            row["idle_timeout_min"] = limits["session.idle_timeout"]
            row["link_lifetime_min"] = limits["registration.activation_link_lifetime"]
            row["payment_window_min"] = limits["payment.window"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("land")


__all__ = ["effective_limits", "kpis"]
