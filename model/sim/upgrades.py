"""Raising a citizen account's level and keeping eID data: Servicekonto Plus / Sicherheitsstufe 2.

Upgrading with the eID function logs the user out where the text says so; Hamburg's customer
centre and Berlin's Bürgeramt confirm the data in person. A Plus / level 2 account can update
its locked data from the card (in Hamburg only from a card whose holder matches the profile),
and can switch the eID login (pseudonym) off and on. Berlin always reads and links the card's
pseudonym, so an eID upgrade with a card that withholds it is refused there, and its Bürgeramt
refuses level 2 without the address and the birth date the text names.
"""

from __future__ import annotations

from collections.abc import Mapping

from skc.model.sim.accounts import ADDRESS_FIELDS, check_profile_values
from skc.model.sim.base import Flow, operation, require
from skc.model.sim.state import Account, IdCard, Session


class Upgrades(Flow):
    """eID upgrade, office upgrade, eID data sync and the pseudonym switch."""

    def _citizen(self, session_id: str) -> tuple[Session, Account]:
        session, account = self.w.require_session(session_id)
        require(account.role == "citizen", "sim.not_authorised", detail="citizens only")
        return session, account

    @operation
    def upgrade_with_eid(self, session_id: str, card: IdCard) -> None:
        _session, account = self._citizen(session_id)
        require(account.level == "basic", "sim.invalid_input", detail="already upgraded")
        require(
            card.pseudonym is not None
            or not self.w.rules.stated("eid.pseudonym_always_transmitted"),
            "eid.pseudonym_always_transmitted",
            detail="the card withheld its pseudonym; this portal always reads and links it",
        )
        account.profile.update(card.profile())
        account.level = "high"
        if card.pseudonym:
            account.pseudonym_hash = self.w.digest("pseudonym", card.pseudonym)
            account.pseudonym_enabled = True
        if self.w.rules.stated("upgrade.logs_out"):
            self.w.end_sessions(account.id)

    @operation
    def request_office_upgrade(self, session_id: str, profile: Mapping[str, str]) -> None:
        require(self.w.rules.stated("upgrade.via_customer_centre"), "sim.not_offered")
        _session, account = self._citizen(session_id)
        needed = ("birth_date", *ADDRESS_FIELDS)
        require(
            all(profile.get(k) for k in needed),
            "sim.invalid_input",
            detail=f"the upgrade needs {', '.join(needed)}",
        )
        check_profile_values(self.w, profile)
        account.profile.update(profile)
        account.office_upgrade_requested = True

    @operation
    def confirm_at_office(self, email: str, profile: Mapping[str, str] | None = None) -> str:
        rules = self.w.rules
        customer_centre = rules.stated("upgrade.via_customer_centre")
        require(customer_centre or rules.stated("upgrade.level2_via_buergeramt"), "sim.not_offered")
        account = self.w.by_email(email)
        require(
            account is not None and account.role == "citizen" and account.status == "active",
            "sim.unknown_id",
            detail="no active citizen account with this address",
        )
        assert account is not None
        if customer_centre:
            require(
                account.office_upgrade_requested,
                "upgrade.via_customer_centre",
                detail="start the upgrade in the profile first",
            )
        data = dict(profile or {})
        check_profile_values(self.w, data)
        account.profile.update(data)
        needed = ("birth_date", *ADDRESS_FIELDS)
        stated = rules.stated("upgrade.level2_via_buergeramt")
        require(
            all(account.profile.get(k) for k in needed),
            "upgrade.level2_via_buergeramt" if stated else "sim.invalid_input",
            detail="the office needs the address and the birth date",
        )
        account.level = "high"
        return account.id

    @operation
    def sync_eid(self, session_id: str, card: IdCard) -> None:
        require(self.w.rules.stated("eid.data_sync"), "sim.not_offered")
        _session, account = self._citizen(session_id)
        require(
            account.level == "high",
            "eid.data_sync",
            detail="only a Servicekonto Plus (Berlin: Sicherheitsstufe 2) updates its data so",
        )
        if self.w.rules.stated("eid.new_card_must_match_profile"):
            require(
                _same_holder(account.profile, card.profile()),
                "eid.new_card_must_match_profile",
                detail="the card's names and birth date do not match the profile",
            )
        account.profile.update(card.profile())
        if card.pseudonym:
            account.pseudonym_hash = self.w.digest("pseudonym", card.pseudonym)
            account.pseudonym_enabled = True

    @operation
    def set_pseudonym_enabled(self, session_id: str, enabled: bool) -> None:
        require(self.w.rules.stated("eid.pseudonym_toggle"), "sim.not_offered")
        _session, account = self._citizen(session_id)
        if enabled:
            require(
                account.pseudonym_hash is not None,
                "eid.login_requires_pseudonym",
                detail="no pseudonym was transmitted yet",
            )
        account.pseudonym_enabled = enabled


# What identifies the holder: the rest (address, title) is what a sync is there to update.
HOLDER_FIELDS = ("first_name", "last_name", "birth_date")


def _same_holder(profile: Mapping[str, str], card: Mapping[str, str]) -> bool:
    """Whether the profile has the holder's names and birth date and they match the card's
    (letter case aside: cards hold names in capitals)."""
    return all(
        profile.get(name) and profile[name].casefold() == card[name].casefold()
        for name in HOLDER_FIELDS
    )


__all__ = ["Upgrades"]
