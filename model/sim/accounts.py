"""Citizen accounts: registration variants, activation, login and sessions, upgrades, deletion.

Registration sends an activation link whose lifetime comes from the catalog (or, for Berlin,
from the ``registration.berlin_link_lifetime`` reading); a link that ran out deletes the
pending data, so the address is free again. Sessions expire lazily: each operation checks the
time since the last server request against ``session.idle_timeout``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from skc.model.ambiguity import load_register
from skc.model.sim.base import Flow, operation, require, require_other_land_account
from skc.model.sim.clock import start_of_next_day
from skc.model.sim.outcome import Reject
from skc.model.sim.state import Account, IdCard, Session, Tombstone, World

PROFILE_FIELDS = frozenset(
    {"salutation", "title", "first_name", "last_name", "birth_name", "birth_date", "street",
     "house_number", "postcode", "city", "phone", "security_question", "security_answer"}
)  # fmt: skip
ADDRESS_FIELDS = ("street", "house_number", "postcode", "city")


def check_profile_values(world: World, values: Mapping[str, str]) -> None:
    """Reject unknown profile fields and values the Land's citizen field rules forbid."""
    unknown = sorted(set(values) - PROFILE_FIELDS)
    require(not unknown, "sim.invalid_input", detail=f"unknown profile fields: {unknown}")
    broken: list[str] = []
    if "house_number" in values:
        broken += world.violations("house_number", values["house_number"], "citizen")
    for name in ("street", "postcode", "city"):
        if name in values:
            broken += world.violations("address", values[name], "citizen")
    empty_street = "street" in values and not values["street"].strip()
    if empty_street and world.rules.applies("address.street_required", "citizen"):
        broken.append("address.street_required")
    require(not broken, *dict.fromkeys(broken), detail="a profile value breaks a field rule")
    if "birth_date" in values:
        try:
            date.fromisoformat(values["birth_date"])
        except ValueError:
            raise Reject("sim.invalid_input", detail="birth_date must be YYYY-MM-DD") from None


def release_time(world: World, *, used_service: bool) -> datetime:
    """When the address of an account deleted now may register again.

    ``account.email_reuse_delay`` gives the delay ("sofort" is 0 days). Where the Land also
    frees the address of an account that never used a service "am nächsten Tag", the
    ``account.berlin_next_day`` reading decides between the next calendar day and 24 hours.
    """
    now = world.now()
    delay = world.rules.duration("account.email_reuse_delay")
    if not delay:
        return now
    next_day = load_register()["account.berlin_next_day"]
    if used_service or world.land not in next_day.lands:
        return now + delay
    if world.rules.readings["account.berlin_next_day"] == "after-24-hours":
        return now + timedelta(hours=24)
    return start_of_next_day(now)


def idle_reset(world: World) -> str:
    """What resets the idle timer in this Land: the reading of the register entry that names it
    (``session.idle_reset`` where the text names the server connection,
    ``session.idle_reset_user_action`` where it names only the user's actions)."""
    aid = "session.idle_reset_user_action"
    if world.land not in load_register()[aid].lands:
        aid = "session.idle_reset"
    return world.rules.readings[aid]


def delete_account(world: World, account: Account, free_at: datetime, rule: str) -> None:
    """Delete an account: end its sessions, run the clean-up hooks, block its address."""
    account.status = "deleted"
    if not world.rules.deviates("session_survives_account_deletion"):
        world.end_sessions(account.id)
    for hook in world.deletion_hooks:
        hook(account)
    if free_at > world.now():
        world.tombstones.append(Tombstone(account.email, free_at, rule))


class Accounts(Flow):
    """Registration, activation, login/logout, sessions, upgrades and deletion of accounts."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        world.sweepers.append(self._purge_expired_registrations)

    # --- registration -------------------------------------------------------------------------

    def _check_new_account(
        self, email: str, password: str, consent: bool, required: Mapping[str, str | None]
    ) -> None:
        rules = self.w.rules
        fields = rules.list_param("form.citizen.required_fields", "fields")
        missing = [name for name in fields if not required.get(name)]
        require(not missing, "form.citizen.required_fields", detail=f"missing: {missing}")
        broken = self.w.violations("email", email) + self.w.violations("password", password)
        require(not broken, *dict.fromkeys(broken), detail="e-mail or password breaks a rule")
        if rules.applies("registration.consent_required", "citizen"):
            require(consent, "registration.consent_required", detail="consent is required")
        block = self.w.email_block(email)
        require(not block, *block, detail="the e-mail address is not available")

    def _create(
        self,
        email: str,
        password: str,
        profile: dict[str, str],
        security_question: str | None,
        security_answer: str | None,
    ) -> Account:
        account = Account(
            id=self.w.new_id("acc"), role="citizen", email=email, created_at=self.w.now()
        )
        account.profile = profile
        account.password_hash = self.w.digest(account.id, password)
        if security_question and security_answer:
            account.security_question = security_question
            account.security_answer_hash = self.w.digest(account.id + "#answer", security_answer)
        self.w.accounts[account.id] = account
        return account

    def _send_activation(self, account: Account) -> None:
        rule = "registration.activation_link_lifetime"
        rules: tuple[str, ...] = (rule,)
        if self.w.rules.stated("registration.expired_link_requires_new_registration"):
            rules += ("registration.expired_link_requires_new_registration",)
        token = self.w.issue_token("activation", account.id, self.w.rules.duration(rule), rules)
        self.w.send(account.email, "activation", token)

    @operation
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
    ) -> str:
        extra = dict(profile or {})
        check_profile_values(self.w, extra)
        name = f"{first_name} {last_name}".strip() if first_name and last_name else ""
        required = {
            "name": name,
            "email": email,
            "password": password,
            "salutation": salutation or extra.get("salutation"),
            "security_question": security_question and security_answer,
        }
        self._check_new_account(email, password, consent, required)
        data = {**extra, "first_name": first_name, "last_name": last_name}
        if salutation:
            data["salutation"] = salutation
        account = self._create(email, password, data, security_question, security_answer)
        self._send_activation(account)
        return account.id

    @operation
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
    ) -> str:
        rules = self.w.rules
        variants = rules.list_param("registration.variants", "variants")
        require(
            rules.stated("registration.plus_data_from_eid")
            or rules.stated("eid.registration_yields_plus")
            or "level2_eid" in variants,
            "sim.not_offered",
            detail="this Land describes no registration with the eID function",
        )
        if rules.stated("eid.pseudonym_always_transmitted"):
            require(
                bool(card.pseudonym),
                "eid.pseudonym_always_transmitted",
                detail="the card's pseudonym is read and linked; it cannot be withheld",
            )
        required = {
            "name": f"{card.first_name} {card.last_name}",
            "email": email,
            "password": password,
            "salutation": salutation,
            "security_question": security_question and security_answer,
        }
        self._check_new_account(email, password, consent, required)
        data = card.profile()
        if salutation:
            data["salutation"] = salutation
        account = self._create(email, password, data, security_question, security_answer)
        account.level = "high"
        if card.pseudonym:
            account.pseudonym_hash = self.w.digest("pseudonym", card.pseudonym)
            account.pseudonym_enabled = True
        self._send_activation(account)
        return account.id

    @operation
    def register_with_other_account(
        self,
        home_land: str,
        email: str,
        first_name: str,
        last_name: str,
        *,
        organisation: bool = False,
        consent: bool = True,
    ) -> str:
        rules = self.w.rules
        require(
            rules.stated("interop.registration_with_other_account"),
            "sim.not_offered",
            detail="this Land describes no registration with another Land's account",
        )
        require_other_land_account(self.w, home_land, organisation=organisation, consent=consent)
        block = self.w.email_block(email)
        require(not block, *block, detail="the e-mail address is not available")
        account = Account(
            id=self.w.new_id("acc"), role="citizen", email=email, created_at=self.w.now()
        )
        account.profile = {"first_name": first_name, "last_name": last_name}
        account.home_land = home_land
        account.status = "active"
        self.w.accounts[account.id] = account
        return self._open_session(account)

    @operation
    def activate(self, token: str) -> str:
        """Follow an activation link; a second use follows ``links.second_use`` (refused by
        default)."""
        spent = self.w.tokens.get(token)
        if spent is not None and spent.used and spent.purpose in ("activation", "org_activation"):
            account = self.w.accounts[spent.account_id]
            if self.w.rules.deviates("activation_link_reusable") and account.status != "purged":
                account.status = "active"  # the faulty portal brings even a deleted account back
                return account.id
            idempotent = self.w.rules.readings["links.second_use"] == "idempotent-while-active"
            if idempotent and account.status == "active":
                return account.id
        link = self.w.token(token, "activation", "org_activation")
        account = self.w.accounts[link.account_id]
        require(account.status == "pending", "sim.unknown_token")
        link.used = True
        account.status = "active"
        if link.purpose == "org_activation" and account.org_id in self.w.orgs:
            self.w.orgs[account.org_id].status = "active"
        return account.id

    def _purge_expired_registrations(self) -> None:
        now = self.w.now()
        for link in self.w.tokens.values():
            if link.used or link.purpose not in ("activation", "org_activation", "user_activation"):
                continue
            account = self.w.accounts.get(link.account_id)
            if account is None or account.status != "pending":
                continue
            if self.w.rules.expired(link.issued_at, link.lifetime, now):
                account.status = "purged"
                org = self.w.orgs.get(account.org_id or "")
                if link.purpose == "org_activation" and org is not None:
                    org.status = "purged"

    # --- login and sessions -------------------------------------------------------------------

    def _open_session(self, account: Account, *, via_eid: bool = False) -> str:
        session = Session(self.w.new_id("session"), account.id, self.w.now(), via_eid=via_eid)
        self.w.sessions[session.id] = session
        return session.id

    def _login_target(self, email: str) -> Account:
        account = self.w.by_email(email)
        if account is not None:
            return account
        addr = email.casefold()
        live = [a for a in self.w.accounts.values() if a.live]
        for other in live:
            if other.pending_email and other.pending_email.casefold() == addr:
                if other.email_change == "confirmed":
                    raise Reject(
                        "email_change.login_with_old_address",
                        detail="log in with the old address once to activate the new",
                    )
                raise Reject(
                    "email_change.confirm_at_new_address",
                    detail="the new address is not confirmed yet",
                )
        for other in live:
            if other.retired_email and other.retired_email.casefold() == addr:
                raise Reject(
                    "email_change.new_address_from_next_login",
                    detail="log in with the changed address",
                )
        if any(
            a.email.casefold() == addr for a in self.w.accounts.values() if a.status == "deleted"
        ):
            raise Reject("account.deletion", detail="the account was deleted")
        raise Reject("sim.wrong_credentials")

    @staticmethod
    def _check_status(account: Account) -> None:
        if account.status == "pending":
            rule = "org.users.activation_link" if account.role == "user" else None
            raise Reject(
                rule or "registration.activation_completes",
                detail="the account is not activated yet",
            )
        if account.status == "locked":
            raise Reject("password_reset.security_question_lockout", detail="account locked")
        if account.status == "deactivated":
            raise Reject("org.deletion.deactivation_period", detail="account deactivated")

    @operation
    def login(self, email: str, password: str, *, cookies: bool = True) -> str:
        if self.w.rules.stated("login.cookies_required"):
            require(cookies, "login.cookies_required", detail="cookies must be allowed")
        account = self._login_target(email)
        self._check_status(account)
        if account.password_hash is None or account.password_hash != self.w.digest(
            account.id, password
        ):
            raise Reject("sim.wrong_credentials")
        if account.email_change == "confirmed" and account.pending_email:
            account.retired_email, account.email = account.email, account.pending_email
            account.pending_email, account.email_change = None, "switched"
        return self._open_session(account)

    @operation
    def login_with_eid(self, pseudonym: str, *, pin_entered: bool = True) -> str:
        rules = self.w.rules
        require(rules.stated("eid.login_requires_pseudonym"), "sim.not_offered")
        if rules.stated("eid.pin_required"):
            require(pin_entered, "eid.pin_required", detail="the card PIN is required")
        wanted = self.w.digest("pseudonym", pseudonym)
        for account in self.w.accounts.values():
            if account.live and account.pseudonym_enabled and account.pseudonym_hash == wanted:
                self._check_status(account)
                return self._open_session(account, via_eid=True)
        raise Reject("eid.login_requires_pseudonym", detail="no account has this pseudonym")

    @operation
    def login_with_other_account(self, home_land: str, email: str) -> str:
        account = self.w.by_email(email)
        if account is None or account.home_land != home_land:
            raise Reject("sim.wrong_credentials")
        self._check_status(account)
        return self._open_session(account)

    @operation
    def logout(self, session_id: str) -> None:
        self.w.require_session(session_id)
        if not self.w.rules.deviates("session_survives_logout"):
            del self.w.sessions[session_id]

    @operation
    def ping(self, session_id: str) -> str:
        _session, account = self.w.require_session(session_id)
        return account.id

    @operation
    def client_action(self, session_id: str) -> None:
        if idle_reset(self.w) == "any-user-action":
            self.w.require_session(session_id)

    def session_alive(self, session_id: str) -> bool:
        """Tell whether the session is live, without counting as a request."""
        session = self.w.sessions.get(session_id)
        return session is not None and self.w.session_alive(session)

    # --- deletion -----------------------------------------------------------------------------

    @operation
    def delete_account(self, session_id: str, *, confirm: bool = True) -> None:
        _session, account = self.w.require_session(session_id)
        require(confirm, "sim.confirmation_required")
        rules = self.w.rules
        if account.role == "admin":
            if rules.stated("org.master_users.delete_each_other_not_self"):
                raise Reject("org.master_users.delete_each_other_not_self")
            others = [
                a
                for a in self.w.members(account.org_id or "")
                if a.role == "admin" and a.status == "active" and a.id != account.id
            ]
            for rule in (
                "org.admins.self_deletion_requires_other_admin",
                "org.admins.last_admin_undeletable",
            ):
                if rules.stated(rule):
                    require(bool(others), rule, detail="another administrator is needed first")
        free_at = release_time(self.w, used_service=account.used_service)
        delete_account(self.w, account, free_at, "account.email_reuse_delay")


__all__ = [
    "ADDRESS_FIELDS", "PROFILE_FIELDS", "Accounts", "check_profile_values", "delete_account",
    "release_time",
]  # fmt: skip
