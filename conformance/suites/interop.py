"""The interoperability machine: services used, accounts registered and logins made with
another Land's Servicekonto ("Mit anderem Servicekonto anmelden").

Every combination of home Land (this one included, and one outside the portal's list of
Servicekonten where the profile names it: ``interop_lands``), citizen or organisation
account, consent to the transfer of profile data or not, and a service that allows other
Länder's accounts or not; a registration with another Land's account is followed by logins
from that Land and from another one, and by a second registration with the same address.
"""

from __future__ import annotations

from typing import ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import rule

from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import LockstepMachine, machine_where_stated
from skc.model.lands import GERMAN_LANDS, LANDS, LandId

SERVICES: Final = {"offen": True, "nur-hier": False}  # service -> allows other accounts
EMAILS: Final = ("gast1@example.org", "gast2@example.org")
_RULES: Final = (
    "interop.service_must_allow", "interop.listed_lands_only", "interop.citizen_accounts_only",
    "interop.consent_to_profile_transfer", "interop.registration_with_other_account",
)  # fmt: skip
UNLISTED: Final = "$unlisted"  # a Land outside the portal's list, where the profile gives one
HOMES: Final = st.sampled_from((*LANDS, UNLISTED))


class InteropMachine(LockstepMachine):
    """Visitors with other Länder's accounts."""

    RULES: ClassVar[tuple[str, ...]] = _RULES

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        for service, allows in SERVICES.items():
            self.do("offer_service", service_id=service, allows_other_accounts=allows)

    def _home(self, drawn: str) -> str | None:
        """The home Land to use: one of the five, or for :data:`UNLISTED` the first Land the
        profile's list leaves out (none when the profile declares no list: the model could
        not know the portal's answer)."""
        if drawn != UNLISTED:
            return drawn
        listed = self.pair.profile.interop_lands
        if listed is None:
            return None
        return next((land for land in GERMAN_LANDS if land not in listed), None)

    def _rule(self, *, allows: bool, organisation: bool, consent: bool, home: str) -> str | None:
        """The rule a use or registration with these choices is about (the first one the
        choices break, else the one the step exercises)."""
        listed = self.pair.profile.interop_lands
        candidates = (
            ("interop.service_must_allow", not allows),
            ("interop.listed_lands_only", listed is not None and home not in listed),
            ("interop.citizen_accounts_only", organisation),
            ("interop.consent_to_profile_transfer", not consent),
        )
        for rule_id, broken in candidates:
            if broken and self.pair.rules.stated(rule_id):
                return rule_id
        return next((r for r in _RULES if self.pair.rules.stated(r)), None)

    @rule(
        home=HOMES,
        service=st.sampled_from(sorted(SERVICES)),
        organisation=st.booleans(),
        consent=st.booleans(),
    )
    def use_service(self, home: str, service: str, organisation: bool, consent: bool) -> None:
        """Use a service with an account of ``home``."""
        chosen = self._home(home)
        if chosen is None:
            return
        rule_id = self._rule(
            allows=SERVICES[service], organisation=organisation, consent=consent, home=chosen
        )
        home = chosen
        self.do(
            "use_service_with_other_account", rule_id, home_land=home, service_id=service,
            organisation=organisation, consent=consent,
        )  # fmt: skip

    @rule(
        home=HOMES,
        i=st.integers(0, 1),
        organisation=st.booleans(),
        consent=st.booleans(),
    )
    def register(self, home: str, i: int, organisation: bool, consent: bool) -> None:
        """Register here with an account of ``home`` (the address may be taken already)."""
        chosen = self._home(home)
        if chosen is None:
            return
        home = chosen
        self.do(
            "register_with_other_account",
            self._rule(allows=True, organisation=organisation, consent=consent, home=home),
            home_land=home, email=EMAILS[i], first_name="Gustav", last_name="Gast",
            organisation=organisation, consent=consent,
        )  # fmt: skip

    @rule(home=st.sampled_from(LANDS), i=st.integers(0, 1))
    def log_in(self, home: str, i: int) -> None:
        """Log in with an account of ``home`` that may or may not be registered here."""
        rule_id = self.cite("interop.registration_with_other_account")
        self.do("login_with_other_account", rule_id, home_land=home, email=EMAILS[i])


def interop_checks(land: LandId) -> list[Check]:
    """The interoperability machine, where the Land's text describes another Land's accounts."""
    return machine_where_stated(land, "lifecycle", InteropMachine, "interop-machine", _RULES)


__all__ = ["InteropMachine", "interop_checks"]
