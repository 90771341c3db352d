"""Organisations: registration, administrators / Master-Users and users, organisation deletion.

Administrators must be adults; Berlin allows at most two Master-Users, who may delete each
other but not themselves; the last administrator cannot be deleted. Users get an activation
link (Hamburg: valid 14 days, then the user is deleted). Deleting an organisation is immediate
in Hamburg (notices to administrators only); in Berlin users who used a service are deactivated
for the stated period, and an organisation whose users never used one goes the same day.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from skc.model.sim.accounts import delete_account, release_time
from skc.model.sim.base import Flow, operation, require
from skc.model.sim.outcome import Reject
from skc.model.sim.state import Account, Organisation, Session, World

ORG_FIELDS = frozenset(
    {"org_name", "register_number", "street", "house_number", "postcode", "city", "postbox"}
)
ELSTER_LOCKED = ("org_name", "register_number", "street", "house_number", "postcode", "city")


def age_on(birth_date: date, day: date) -> int:
    """Completed years of life on ``day``."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Organisations(Flow):
    """Organisation accounts and their members."""

    def __init__(self, world: World) -> None:
        super().__init__(world)
        world.sweepers.append(self._end_deactivations)
        world.deletion_hooks.append(self._forget_member)

    # --- shared checks ------------------------------------------------------------------------

    def admin_context(self, session_id: str) -> tuple[Session, Account, Organisation]:
        """The caller's session, account and organisation; reject unless an administrator."""
        session, account = self.w.require_session(session_id)
        anyone = self.w.rules.deviates("members_administer")
        require(
            anyone or account.role == "admin", "sim.not_authorised", detail="administrators only"
        )
        return session, account, self.w.org(account.org_id)

    def member(self, org: Organisation, account_id: str) -> Account:
        """A live member of the organisation, or reject."""
        account = self.w.account(account_id)
        require(account.org_id == org.id, "sim.unknown_id", detail="not a member")
        return account

    def _offered(self) -> None:
        require(
            self.w.rules.stated_family_prefix("org."),
            "sim.not_offered",
            detail="this Land's help text describes no organisation accounts",
        )

    def _check_admin_person(self, birth_date: date | None, phone: str | None, first: bool) -> None:
        rules = self.w.rules
        if rules.stated("org.admins.adults_only"):
            min_age = rules.int_param("org.admins.adults_only", "min_age") or 18
            require(
                birth_date is not None and age_on(birth_date, self.w.clock.today()) >= min_age,
                "org.admins.adults_only",
                detail="administrators must be adults",
            )
        applies = rules.param("form.org_admin.phone_required", "applies_to")
        if applies == "every_admin" or (applies == "further_admins" and not first):
            require(bool(phone), "form.org_admin.phone_required", detail="phone required")

    def _check_org_data(self, data: Mapping[str, str]) -> None:
        unknown = sorted(set(data) - ORG_FIELDS)
        require(not unknown, "sim.invalid_input", detail=f"unknown organisation fields: {unknown}")
        rules, broken = self.w.rules, list[str]()
        for name, field in (
            ("org_name", "org_name"),
            ("house_number", "house_number"),
            ("postbox", "postbox"),
        ):
            if name in data:
                broken += self.w.violations(field, data[name], "organisation")
        empty_street = "street" in data and not data["street"].strip()
        if empty_street and rules.applies("address.street_required", "organisation"):
            broken.append("address.street_required")
        require(not broken, *dict.fromkeys(broken), detail="organisation data breaks a rule")

    def _check_access_data(self, email: str, password: str | None) -> None:
        broken = self.w.violations("org_email", email)
        if password is not None:
            broken += self.w.violations("password", password)
        require(not broken, *dict.fromkeys(broken), detail="e-mail or password breaks a rule")
        block = self.w.email_block(email)
        require(not block, *block, detail="the e-mail address is not available")

    def _new_member(
        self, org: Organisation, role: str, email: str, profile: dict[str, str]
    ) -> Account:
        account = Account(
            self.w.new_id("acc"),
            "admin" if role == "admin" else "user",
            email,
            self.w.now(),
            org_id=org.id,
            profile=profile,
        )
        self.w.accounts[account.id] = account
        return account

    def approved_on_subscribe(self, service_id: str) -> bool:
        """Whether subscribing makes a service usable at once (automatic approval)."""
        offer = self.w.service(service_id)
        modes = self.w.rules.list_param("org.services.approval", "modes")
        return offer.approval == "automatic" and (not modes or "automatic" in modes)

    # --- registration -------------------------------------------------------------------------

    @operation
    def register_organisation(
        self,
        org_name: str,
        admin_email: str,
        admin_password: str,
        admin_first_name: str,
        admin_last_name: str,
        admin_birth_date: date,
        *,
        services: Sequence[str] = (),
        admin_phone: str | None = None,
        consent: bool = True,
        org_data: Mapping[str, str] | None = None,
    ) -> str:
        self._offered()
        rules = self.w.rules
        data = {**(org_data or {}), "org_name": org_name}
        self._check_org_data(data)
        self._check_access_data(admin_email, admin_password)
        self._check_admin_person(admin_birth_date, admin_phone, first=True)
        if rules.stated("org.registration.min_services"):
            least = rules.int_param("org.registration.min_services", "min") or 1
            require(
                len(set(services)) >= least,
                "org.registration.min_services",
                detail=f"choose at least {least} online service(s)",
            )
        for service_id in services:
            self.w.service(service_id)
        if rules.applies("registration.consent_required", "organisation"):
            require(consent, "registration.consent_required", detail="consent is required")
        org = Organisation(self.w.new_id("org"), org_name, self.w.now(), data=data)
        org.services = {s: self.approved_on_subscribe(s) for s in services}
        self.w.orgs[org.id] = org
        profile = {
            "first_name": admin_first_name,
            "last_name": admin_last_name,
            "birth_date": admin_birth_date.isoformat(),
        }
        if admin_phone:
            profile["phone"] = admin_phone
        admin = self._new_member(org, "admin", admin_email, profile)
        admin.password_hash = self.w.digest(admin.id, admin_password)
        rule = "org.admin_activation_link_lifetime"
        if rules.stated(rule):
            token = self.w.issue_token("org_activation", admin.id, rules.duration(rule), (rule,))
            self.w.send(admin_email, "activation", token)
        else:  # no activation link described (Berlin: the Master-User can log in at once)
            admin.status, org.status = "active", "active"
        return org.id

    # --- members ------------------------------------------------------------------------------

    @operation
    def add_org_user(
        self,
        session_id: str,
        email: str,
        first_name: str,
        last_name: str,
        *,
        admin: bool = False,
        phone: str | None = None,
        birth_date: date | None = None,
        password: str | None = None,
    ) -> str:
        _session, _caller, org = self.admin_context(session_id)
        rules = self.w.rules
        by_link = rules.stated("org.users.activation_link")
        require(
            by_link or password is not None,
            "sim.invalid_input",
            detail="this Land sends no activation link: give an initial password",
        )
        self._check_access_data(email, None if by_link else password)
        if admin:
            most = rules.int_param("org.admins.max", "max")
            admins = [a for a in self.w.members(org.id) if a.role == "admin"]
            require(
                most is None or len(admins) < most,
                "org.admins.max",
                detail=f"at most {most} administrators",
            )
            self._check_admin_person(birth_date, phone, first=False)
        profile = {"first_name": first_name, "last_name": last_name}
        if phone:
            profile["phone"] = phone
        if birth_date is not None:
            profile["birth_date"] = birth_date.isoformat()
        account = self._new_member(org, "admin" if admin else "user", email, profile)
        if by_link:
            rule = next(
                (
                    r
                    for r in ("org.user_activation_link_lifetime", "org.user_consent_window")
                    if rules.stated(r)
                ),
                None,
            )
            lifetime = rules.duration(rule) if rule else None
            token = self.w.issue_token(
                "user_activation", account.id, lifetime, (rule,) if rule else ()
            )
            if self.w.rules.deviates("org_user_window_from_org_creation"):
                self.w.tokens[token].issued_at = org.created_at
            self.w.send(email, "activation", token)
        else:
            assert password is not None
            account.password_hash = self.w.digest(account.id, password)
            account.status = "active"
        return account.id

    @operation
    def activate_org_user(self, token: str, password: str) -> str:
        link = self.w.token(token, "user_activation")
        account = self.w.accounts[link.account_id]
        require(account.status == "pending", "sim.unknown_token")
        broken = self.w.violations("password", password)
        require(not broken, *broken, detail="the password breaks a rule")
        link.used = True
        account.password_hash = self.w.digest(account.id, password)
        account.status = "active"
        return account.id

    @operation
    def delete_org_user(self, session_id: str, user_id: str) -> None:
        _session, caller, org = self.admin_context(session_id)
        target = self.member(org, user_id)
        rules = self.w.rules
        if target.id == caller.id and rules.stated("org.master_users.delete_each_other_not_self"):
            raise Reject(
                "org.master_users.delete_each_other_not_self",
                detail="a Master-User cannot delete themselves",
            )
        if target.role == "admin" and rules.stated("org.admins.last_admin_undeletable"):
            others = [
                a
                for a in self.w.members(org.id)
                if a.role == "admin" and a.status == "active" and a.id != target.id
            ]
            require(
                bool(others),
                "org.admins.last_admin_undeletable",
                detail="the last administrator cannot be deleted",
            )
        delete_account(
            self.w,
            target,
            release_time(self.w, used_service=target.used_service),
            "account.email_reuse_delay",
        )
        if rules.stated("org.users.deletion_notice"):
            self.w.send(target.email, "user_deleted")

    @operation
    def change_user_email(self, session_id: str, user_id: str, new_email: str) -> None:
        _session, _caller, org = self.admin_context(session_id)
        target = self.member(org, user_id)
        self._check_access_data(new_email, None)
        if not self.w.rules.stated("org.users.email_change_confirmation"):
            target.email = new_email
            return
        target.pending_email = new_email
        token = self.w.issue_token("user_email_change", target.id, None)
        self.w.send(new_email, "email_change_confirm", token)

    @operation
    def set_user_password(self, session_id: str, user_id: str, new_password: str) -> None:
        _session, _caller, org = self.admin_context(session_id)
        target = self.member(org, user_id)
        require(
            self.w.rules.stated("org.users.admin_sets_password"),
            "sim.not_offered",
            detail="the text does not say an administrator sets a user's password",
        )
        broken = self.w.violations("password", new_password)
        require(not broken, *broken, detail="the password breaks a rule")
        target.password_hash = self.w.digest(target.id, new_password)

    @operation
    def set_admins_may_use_services(self, session_id: str, allowed: bool) -> None:
        require(self.w.rules.stated("org.admins.services_toggle"), "sim.not_offered")
        _session, _caller, org = self.admin_context(session_id)
        org.admins_may_use_services = allowed

    @operation
    def edit_organisation(self, session_id: str, changes: Mapping[str, str]) -> None:
        _session, _caller, org = self.admin_context(session_id)
        self._check_org_data(changes)
        rules = self.w.rules
        changed = {k for k, v in changes.items() if org.data.get(k) != v}
        if rules.stated("profile.locked_fields.organisation"):
            locked = set(rules.list_param("profile.locked_fields.organisation", "fields"))
            blocked = sorted(changed & locked)
            require(
                not blocked,
                "profile.locked_fields.organisation",
                detail=f"locked fields: {', '.join(blocked)}",
            )
        if org.elster_org_id is not None and rules.stated("org.elster.locks_org_data"):
            blocked = sorted(changed & set(ELSTER_LOCKED))
            require(
                not blocked,
                "org.elster.locks_org_data",
                detail=f"maintained via ELSTER: {', '.join(blocked)}",
            )
        org.data.update(changes)
        org.name = org.data["org_name"]

    # --- organisation deletion ----------------------------------------------------------------

    @operation
    def delete_organisation(self, session_id: str, *, confirm: bool = True) -> None:
        _session, _caller, org = self.admin_context(session_id)
        require(confirm, "sim.confirmation_required")
        rules, members = self.w.rules, self.w.members(org.id)
        if rules.stated("org.deletion.immediate"):
            admins = [a.email for a in members if a.role == "admin" and a.status == "active"]
            for account in members:
                delete_account(self.w, account, self.w.now(), "org.deletion.immediate")
            org.status = "deleted"
            for email in admins:
                self.w.send(email, "org_deleted")
            return
        require(
            rules.stated("org.deletion.deactivation_period"),
            "sim.not_offered",
            detail="this Land's help text describes no deletion of organisations",
        )
        used = [a for a in members if a.role == "user" and a.used_service]
        next_day = release_time(self.w, used_service=False)
        for account in members:
            if used and (account.role == "admin" or account.used_service):
                account.status = "deactivated"  # kept until the period ends
                self.w.end_sessions(account.id)
            else:
                delete_account(self.w, account, next_day, "org.deletion.unused_same_day")
        if used:
            org.status, org.deletion_started_at = "deactivating", self.w.now()
        else:
            org.status = "deleted"

    def _end_deactivations(self) -> None:
        period = self.w.rules.duration("org.deletion.deactivation_period")
        for org in self.w.orgs.values():
            if org.status != "deactivating" or org.deletion_started_at is None:
                continue
            if self.w.rules.expired(org.deletion_started_at, period, self.w.now()):
                for account in self.w.members(org.id):
                    delete_account(
                        self.w, account, self.w.now(), "org.deletion.deactivation_period"
                    )
                org.status = "deleted"

    def _forget_member(self, account: Account) -> None:
        org = self.w.orgs.get(account.org_id or "")
        if org is None:
            return
        org.grants.pop(account.id, None)
        for group in org.groups.values():
            group.members.discard(account.id)
        for box in org.mailboxes.values():
            box.persons.discard(account.id)
        for vid, rep in list(org.vertretungen.items()):
            if account.id in (rep.principal_id, rep.deputy_id):
                del org.vertretungen[vid]


__all__ = ["ORG_FIELDS", "Organisations", "age_on"]
