"""``ReferencePortal``: the whole simulated portal of one Land behind one small, typed API.

Every operation returns an :class:`~skc.model.sim.outcome.Outcome` (ids are strings in
``value``); queries return plain values. Nothing reads the real clock: move ``clock``.
Authority-side actions (delivering a message, approving a service, confirming data at an
office) take no session.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from skc.model.ambiguity import Readings
from skc.model.lands import LandId, parse_land
from skc.model.sim.accounts import Accounts
from skc.model.sim.clock import VirtualClock
from skc.model.sim.credentials import Credentials
from skc.model.sim.elster import Elster
from skc.model.sim.mailbox import Folder, Mailbox
from skc.model.sim.org_api import OrganisationAPI
from skc.model.sim.organisations import Organisations
from skc.model.sim.outbox import Outbox
from skc.model.sim.outcome import Outcome, ok, rejected
from skc.model.sim.permissions import Permissions
from skc.model.sim.rules import LandRules
from skc.model.sim.state import IdCard, ServiceOffer, World
from skc.model.sim.upgrades import Upgrades


class ReferencePortal(OrganisationAPI):
    """The reference behaviour of one Land's Servicekonto portal (the conformance oracle)."""

    def __init__(
        self,
        land: LandId | str,
        clock: VirtualClock | None = None,
        readings: Readings | None = None,
        *,
        rules: LandRules | None = None,
        interop_lands: Iterable[str] | None = None,
    ) -> None:
        """``rules`` replaces the catalog's view of the Land (the harness's seeded faults);
        ``interop_lands`` is the portal's list of Länder whose accounts can be used here
        (default: :data:`~skc.model.lands.REFERENCE_INTEROP_LANDS`)."""
        self.land: LandId = parse_land(land)
        self.clock = clock if clock is not None else VirtualClock()
        self._w = World(self.land, self.clock, readings, rules, interop_lands)
        self.readings = self._w.rules.readings
        self._accounts = Accounts(self._w)
        self._upgrades = Upgrades(self._w)
        self._credentials = Credentials(self._w)
        self._mailbox = Mailbox(self._w)
        self._orgs = Organisations(self._w)
        self._perms = Permissions(self._orgs, self._mailbox)
        self._elster = Elster(self._w)

    def __repr__(self) -> str:
        return f"ReferencePortal({self.land!r}, {self.clock!r})"

    @property
    def outbox(self) -> Outbox:
        """Every e-mail the portal has sent."""
        return self._w.outbox

    # --- setup and queries --------------------------------------------------------------------

    def offer_service(
        self,
        service_id: str,
        *,
        approval: Literal["automatic", "authority"] = "automatic",
        requires_plus: bool = False,
        requires_eid_login: bool = False,
        allows_other_accounts: bool = False,
    ) -> None:
        """Make an online service available on the portal."""
        self._w.services[service_id] = ServiceOffer(
            service_id, approval, requires_plus, requires_eid_login, allows_other_accounts
        )

    def is_offered(self, service_id: str) -> bool:
        """Whether the portal offers the service."""
        return service_id in self._w.services

    def account_id_of(self, email: str) -> str | None:
        """The id of the live account whose current address is ``email``."""
        self._w.tick()
        account = self._w.by_email(email)
        return account.id if account is not None else None

    def account_status(self, account_id: str) -> str:
        """pending, active, locked, deactivated, deleted or purged ("unknown" if never seen)."""
        self._w.tick()
        account = self._w.accounts.get(account_id)
        return account.status if account is not None else "unknown"

    def account_level(self, account_id: str) -> str:
        """``servicekonto`` / ``servicekonto_plus``, or Berlin's ``level1`` / ``level2``."""
        high = self._w.accounts[account_id].level == "high"
        if self._w.rules.stated("upgrade.level2_via_buergeramt"):
            return "level2" if high else "level1"
        return "servicekonto_plus" if high else "servicekonto"

    def profile(self, account_id: str) -> dict[str, str]:
        """A copy of an account's profile data (never a secret)."""
        return self._credentials.profile(account_id)

    def email_available(self, email: str) -> Outcome:
        """Accepted if a new registration may use the address now; else the blocking rules."""
        self._w.tick()
        block = self._w.email_block(email)
        return rejected(*block, detail="address not available") if block else ok()

    def session_alive(self, session: str) -> bool:
        """Whether the session is live; does not count as a request."""
        return self._accounts.session_alive(session)

    # --- citizen accounts ---------------------------------------------------------------------

    def register_citizen(
        self,
        email: str,
        password: str,
        first_name: str,
        last_name: str,
        *,
        consent: bool = True,
        salutation: str | None = None,
        security_question: str | None = None,
        security_answer: str | None = None,
        profile: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Register a Servicekonto (Berlin: level 1; with address and birth date in ``profile``
        the data for level 2 via Bürgeramt). Value: the account id; an activation mail is sent."""
        return self._accounts.register_citizen(
            email, password, first_name, last_name, consent=consent, salutation=salutation,
            security_question=security_question, security_answer=security_answer, profile=profile,
        )  # fmt: skip

    def register_citizen_with_eid(
        self,
        email: str,
        password: str,
        card: IdCard,
        *,
        consent: bool = True,
        salutation: str | None = None,
        security_question: str | None = None,
        security_answer: str | None = None,
    ) -> Outcome:
        """Register a Servicekonto Plus (Berlin: level 2) with data read from the eID card."""
        return self._accounts.register_citizen_with_eid(
            email, password, card, consent=consent, salutation=salutation,
            security_question=security_question, security_answer=security_answer,
        )  # fmt: skip

    def register_with_other_account(
        self,
        home_land: str,
        email: str,
        first_name: str,
        last_name: str,
        *,
        organisation: bool = False,
        consent: bool = True,
    ) -> Outcome:
        """Create an account from another Land's account; value: a session id (logged in)."""
        return self._accounts.register_with_other_account(
            home_land, email, first_name, last_name, organisation=organisation, consent=consent
        )

    def activate(self, token: str) -> Outcome:
        """Follow an activation link (citizen or organisation registration)."""
        return self._accounts.activate(token)

    def login(self, email: str, password: str, *, cookies: bool = True) -> Outcome:
        """Log in with e-mail address and password; value: a session id."""
        return self._accounts.login(email, password, cookies=cookies)

    def login_with_eid(self, pseudonym: str, *, pin_entered: bool = True) -> Outcome:
        """Log in with the eID function; value: a session id."""
        return self._accounts.login_with_eid(pseudonym, pin_entered=pin_entered)

    def login_with_other_account(self, home_land: str, email: str) -> Outcome:
        """Log in to an account registered with another Land's account; value: a session id."""
        return self._accounts.login_with_other_account(home_land, email)

    def logout(self, session: str) -> Outcome:
        """Log out."""
        return self._accounts.logout(session)

    def close_browser(self, session: str) -> Outcome:
        """Close the browser without logging out: the portal notices nothing."""
        if self._w.rules.deviates("browser_close_logs_out"):
            self._w.sessions.pop(session, None)  # a portal that logs out when the page unloads
        return Outcome(accepted=True, detail="closing the browser does not log out")

    def ping(self, session: str) -> Outcome:
        """Any request that reaches the server (a page view); resets the idle timer."""
        return self._accounts.ping(session)

    def client_action(self, session: str) -> Outcome:
        """A user action the server never sees; resets the timer only if the reading says so."""
        return self._accounts.client_action(session)

    def upgrade_with_eid(self, session: str, card: IdCard) -> Outcome:
        """Upgrade to Servicekonto Plus / level 2 with the eID card (may log the user out)."""
        return self._upgrades.upgrade_with_eid(session, card)

    def request_office_upgrade(self, session: str, profile: Mapping[str, str]) -> Outcome:
        """Hamburg: "Upgrade mit Kundenzentrum" - enter birth date and address."""
        return self._upgrades.request_office_upgrade(session, profile)

    def confirm_at_office(self, email: str, profile: Mapping[str, str] | None = None) -> Outcome:
        """Clerk at a Kundenzentrum / Bürgeramt confirms the identity: Plus / level 2."""
        return self._upgrades.confirm_at_office(email, profile)

    def sync_eid(self, session: str, card: IdCard) -> Outcome:
        """Update the profile from the eID card (Plus / level 2 accounts)."""
        return self._upgrades.sync_eid(session, card)

    def set_pseudonym_enabled(self, session: str, enabled: bool) -> Outcome:
        """Switch the eID login off or on."""
        return self._upgrades.set_pseudonym_enabled(session, enabled)

    def delete_account(self, session: str, *, confirm: bool = True) -> Outcome:
        """Delete the logged-in account."""
        return self._accounts.delete_account(session, confirm=confirm)

    # --- credentials and profile --------------------------------------------------------------

    def request_password_reset(self, email: str) -> Outcome:
        """ "Passwort vergessen?"; value: the security question (Berlin), "post" or None."""
        return self._credentials.request_password_reset(email)

    def answer_security_question(self, email: str, answer: str) -> Outcome:
        """Berlin: answer the security question; a right answer mails a reset link."""
        return self._credentials.answer_security_question(email, answer)

    def set_new_password(self, token: str, new_password: str) -> Outcome:
        """Set a new password through a reset link."""
        return self._credentials.set_new_password(token, new_password)

    def change_password(self, session: str, old_password: str, new_password: str) -> Outcome:
        """Change the password while logged in."""
        return self._credentials.change_password(session, old_password, new_password)

    def request_email_change(self, session: str, new_email: str, repeated: str) -> Outcome:
        """E-mail change steps 1-5."""
        return self._credentials.request_email_change(session, new_email, repeated)

    def confirm_email_change(self, token: str) -> Outcome:
        """E-mail change step 6: the confirmation link."""
        return self._credentials.confirm_email_change(token)

    def edit_profile(self, session: str, changes: Mapping[str, str]) -> Outcome:
        """Change profile fields; locked fields are rejected."""
        return self._credentials.edit_profile(session, changes)

    # --- mailbox ------------------------------------------------------------------------------

    def start_vorgang(self, mailbox_id: str, title: str) -> Outcome:
        """Authority: open a Vorgang in a mailbox (an account id or a Funktionspostfach id)."""
        return self._mailbox.start_vorgang(mailbox_id, title)

    def deliver_message(
        self,
        vorgang_id: str,
        subject: str,
        *,
        payment_required: bool = False,
        retention_days: int | None = None,
    ) -> Outcome:
        """Authority: add a message (answer) to a Vorgang; value: the message id."""
        return self._mailbox.deliver_message(
            vorgang_id, subject, payment_required=payment_required, retention_days=retention_days
        )

    def read_message(self, session: str, message_id: str) -> Outcome:
        """Open a message (marks it read); value: its subject."""
        return self._mailbox.read_message(session, message_id)

    def unread_count(self, session: str, mailbox_id: str | None = None) -> Outcome:
        """Unread messages in the inbox; value: an int."""
        return self._mailbox.unread_count(session, mailbox_id)

    def list_vorgaenge(
        self, session: str, folder: Folder = "inbox", mailbox_id: str | None = None
    ) -> Outcome:
        """The Vorgang ids in the inbox or the trash; value: a tuple of ids."""
        return self._mailbox.list_vorgaenge(session, folder, mailbox_id)

    def trash_vorgang(self, session: str, vorgang_id: str) -> Outcome:
        """Move a whole Vorgang to the trash."""
        return self._mailbox.trash_vorgang(session, vorgang_id)

    def restore_vorgang(self, session: str, vorgang_id: str) -> Outcome:
        """Move a Vorgang from the trash back to the inbox."""
        return self._mailbox.restore_vorgang(session, vorgang_id)

    def vorgang_exists(self, vorgang_id: str) -> bool:
        """Whether a Vorgang still exists (not purged)."""
        return self._mailbox.vorgang_exists(vorgang_id)

    def message_exists(self, message_id: str) -> bool:
        """Whether a message still exists (not purged)."""
        return self._mailbox.message_exists(message_id)

    def start_payment(self, session: str, message_id: str) -> Outcome:
        """Start paying for a paid answer; value: the payment id."""
        return self._mailbox.start_payment(session, message_id)

    def report_payment(self, payment_id: str, success: bool) -> Outcome:
        """Payment provider: report success or failure (only that)."""
        return self._mailbox.report_payment(payment_id, success)


__all__ = ["ReferencePortal"]
