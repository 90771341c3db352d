"""Who may use which online service, and who may read which mailbox.

Effective permissions of an organisation member are their individual grants united with the
services of every group they belong to, limited to services the organisation subscribed to and
that are approved. Leaving a group or deleting it removes only what came through the group.
Administrators get nothing while the organisation does not let administrators use services;
Berlin Master-Users never use services. A Berlin deputy (Vertretung) must hold a permission of
their own (the reading of ``org.vertretung.deputy_permission``) and acts with the principal's
permissions and mailbox while the Vertretung is in force. A Hamburg Funktionspostfach needs a
description and a group or person with access.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from skc.model.catalog import Scope
from skc.model.sim.base import Flow, operation, require, require_other_land_account
from skc.model.sim.mailbox import Mailbox
from skc.model.sim.organisations import Organisations
from skc.model.sim.outcome import Reject
from skc.model.sim.state import Account, FunctionMailbox, Group, Organisation, Session, Vertretung


class Permissions(Flow):
    """Services of organisations, grants, groups, Funktionspostfächer and Vertretungen."""

    def __init__(self, orgs: Organisations, mailbox: Mailbox) -> None:
        super().__init__(orgs.w)
        self.orgs = orgs
        self.mailbox = mailbox
        self.w.mailbox_access = self.may_access_mailbox

    # --- effective permissions ----------------------------------------------------------------

    def effective_services(self, account_id: str) -> frozenset[str]:
        """The services an account may use now (empty for citizens: they are not granted)."""
        account = self.w.accounts.get(account_id)
        if account is None or not account.live or account.org_id is None:
            return frozenset()
        org = self.w.orgs[account.org_id]
        rules = self.w.rules
        if account.role == "admin":
            if rules.stated("org.master_users.no_services"):
                return frozenset()
            if rules.stated("org.admins.services_toggle") and not org.admins_may_use_services:
                return frozenset()
        granted = set(org.grants.get(account.id, ()))
        for group in org.groups.values():
            if account.id in group.members:
                granted |= group.services
        return frozenset(s for s in granted if org.services.get(s))

    def _vertretung_in_force(self, org: Organisation, deputy: str, principal: str) -> bool:
        today = self.w.clock.today()
        if self.w.rules.deviates("vertretung_last_day_excluded"):
            today += timedelta(days=1)  # a range ends a day early (its end read as exclusive)
        return any(
            v.deputy_id == deputy and v.principal_id == principal and v.active_on(today)
            for v in org.vertretungen.values()
        )

    def _acting_identity(self, session: Session, account: Account) -> str:
        if session.acting_for is None:
            return account.id
        org = self.w.org(account.org_id)
        if not self._vertretung_in_force(org, account.id, session.acting_for):
            session.acting_for = None
            raise Reject(
                "org.vertretung.inherits_permissions_and_mailbox",
                detail="the Vertretung is not in force (any more)",
            )
        return session.acting_for

    def may_access_mailbox(self, session: Session | None, account: Account, box: str) -> bool:
        """Own mailbox, a principal's while acting for them, or a permitted shared mailbox."""
        if box == account.id:
            return True
        org = self.w.orgs.get(account.org_id or "")
        if org is None:
            return False
        if session is not None and session.acting_for == box:
            return self._vertretung_in_force(org, account.id, box)
        shared = org.mailboxes.get(box)
        if shared is None:
            return False
        if account.id in shared.persons:
            return True
        return any(
            gid in org.groups and account.id in org.groups[gid].members for gid in shared.groups
        )

    # --- using services -----------------------------------------------------------------------

    @operation
    def use_service(self, session_id: str, service_id: str) -> None:
        session, account = self.w.require_session(session_id)
        offer = self.w.service(service_id)
        rules = self.w.rules
        if account.role == "citizen":
            if offer.requires_eid_login and rules.stated("eid.service_requires_eid_login"):
                require(
                    session.via_eid,
                    "eid.service_requires_eid_login",
                    detail="log in with the eID function for this service",
                )
            if offer.requires_plus:
                require(
                    account.level == "high",
                    self._not_enabled("citizen", "sim.level_insufficient"),
                    detail="the service needs Servicekonto Plus or Sicherheitsstufe 2",
                )
            account.used_service = True
            return
        org = self.w.org(account.org_id)
        if account.role == "admin" and session.acting_for is None:
            if rules.stated("org.master_users.no_services"):
                raise Reject(
                    "org.master_users.no_services", detail="Master-Users cannot use online services"
                )
            if rules.stated("org.admins.services_toggle") and not org.admins_may_use_services:
                raise Reject(
                    "org.admins.services_toggle",
                    detail="administrators may not use online services",
                )
        identity = self._acting_identity(session, account)
        if service_id not in self.effective_services(identity):
            if service_id in org.services and not org.services[service_id]:
                raise Reject("org.services.assign_after_approval", detail="not approved yet")
            raise Reject(
                self._not_enabled("organisation", "sim.not_authorised"),
                detail="no permission for this service",
            )
        account.used_service = True

    def _not_enabled(self, scope: Scope, fallback: str) -> str:
        """The rule that refuses an account not enabled for a service, where the Land's text
        states it for accounts of this kind; otherwise the simulation's own reason."""
        rule = "service.enabled_accounts_only"
        return rule if self.w.rules.applies(rule, scope) else fallback

    @operation
    def use_service_with_other_account(
        self, home_land: str, service_id: str, *, organisation: bool = False, consent: bool = True
    ) -> None:
        rules = self.w.rules
        require(rules.stated("interop.service_must_allow"), "sim.not_offered")
        offer = self.w.service(service_id)
        require(
            offer.allows_other_accounts,
            "interop.service_must_allow",
            detail="the service does not allow other Länder's accounts",
        )
        require_other_land_account(self.w, home_land, organisation=organisation, consent=consent)

    # --- services of an organisation ----------------------------------------------------------

    @operation
    def add_service(self, session_id: str, service_id: str) -> bool:
        _s, _a, org = self.orgs.admin_context(session_id)
        require(service_id not in org.services, "sim.invalid_input", detail="already subscribed")
        org.services[service_id] = self.orgs.approved_on_subscribe(service_id)
        return org.services[service_id]

    @operation
    def remove_service(self, session_id: str, service_id: str) -> None:
        _s, _a, org = self.orgs.admin_context(session_id)
        require(service_id in org.services, "sim.unknown_service", detail="not subscribed")
        del org.services[service_id]
        for grants in org.grants.values():
            grants.discard(service_id)
        for group in org.groups.values():
            group.services.discard(service_id)

    @operation
    def approve_service(self, org_id: str, service_id: str) -> None:
        """The authority (Fachliche Leitstelle) approves a subscribed service."""
        org = self.w.org(org_id)
        require(service_id in org.services, "sim.unknown_service", detail="not subscribed")
        require(not org.services[service_id], "sim.invalid_input", detail="already approved")
        org.services[service_id] = True
        for admin in self.w.members(org.id):
            if admin.role == "admin" and admin.status == "active":
                self.w.send(admin.email, "service_approved")

    def _assignable(self, org: Organisation, service_id: str) -> None:
        stated = self.w.rules.stated("org.services.grant_only_subscribed")
        rule = "org.services.grant_only_subscribed" if stated else "sim.unknown_service"
        anything = self.w.rules.deviates("grant_unsubscribed")
        require(anything or service_id in org.services, rule, detail="not subscribed")
        require(
            org.services.get(service_id, True),
            "org.services.assign_after_approval",
            detail="the service is not approved for the organisation yet",
        )

    @operation
    def grant_service(self, session_id: str, user_id: str, service_id: str) -> None:
        _s, _a, org = self.orgs.admin_context(session_id)
        target = self.orgs.member(org, user_id)
        self._assignable(org, service_id)
        if target.role == "admin" and self.w.rules.stated("org.master_users.no_services"):
            raise Reject("org.master_users.no_services")
        org.grants.setdefault(target.id, set()).add(service_id)

    @operation
    def revoke_service(self, session_id: str, user_id: str, service_id: str) -> None:
        _s, _a, org = self.orgs.admin_context(session_id)
        target = self.orgs.member(org, user_id)
        org.grants.get(target.id, set()).discard(service_id)

    # --- groups -------------------------------------------------------------------------------

    def _group(self, session_id: str, group_id: str) -> tuple[Organisation, Group]:
        require(self.w.rules.stated_family_prefix("org.groups."), "sim.not_offered")
        _s, _a, org = self.orgs.admin_context(session_id)
        group = org.groups.get(group_id)
        require(group is not None, "sim.unknown_id", detail=f"no group {group_id!r}")
        assert group is not None
        return org, group

    @operation
    def create_group(self, session_id: str, name: str, description: str = "") -> str:
        require(self.w.rules.stated_family_prefix("org.groups."), "sim.not_offered")
        _s, _a, org = self.orgs.admin_context(session_id)
        rule = "org.groups.name_required"
        require(
            bool(name.strip()),
            rule if self.w.rules.stated(rule) else "sim.invalid_input",
            detail="a group needs a name",
        )
        group = Group(self.w.new_id("group"), name, description)
        org.groups[group.id] = group
        return group.id

    @operation
    def add_group_member(self, session_id: str, group_id: str, user_id: str) -> None:
        org, group = self._group(session_id, group_id)
        group.members.add(self.orgs.member(org, user_id).id)

    @operation
    def remove_group_member(self, session_id: str, group_id: str, user_id: str) -> None:
        _org, group = self._group(session_id, group_id)
        group.members.discard(user_id)

    @operation
    def add_group_service(self, session_id: str, group_id: str, service_id: str) -> None:
        org, group = self._group(session_id, group_id)
        self._assignable(org, service_id)
        group.services.add(service_id)

    @operation
    def remove_group_service(self, session_id: str, group_id: str, service_id: str) -> None:
        _org, group = self._group(session_id, group_id)
        group.services.discard(service_id)

    @operation
    def delete_group(self, session_id: str, group_id: str) -> None:
        org, group = self._group(session_id, group_id)
        del org.groups[group.id]
        keep = self.w.rules.deviates("group_deletion_keeps_mailbox_access")
        for box in org.mailboxes.values():
            if keep and group.id in box.groups:
                box.persons |= group.members  # the members keep the access the group gave
            box.groups.discard(group.id)

    # --- Funktionspostfächer ------------------------------------------------------------------

    @operation
    def create_function_mailbox(
        self,
        session_id: str,
        name: str,
        description: str = "",
        *,
        groups: Sequence[str] = (),
        persons: Sequence[str] = (),
    ) -> str:
        require(self.w.rules.stated_family_prefix("org.funktionspostfach."), "sim.not_offered")
        _s, _a, org = self.orgs.admin_context(session_id)
        require(bool(name.strip()), "sim.invalid_input", detail="a mailbox needs a name")
        require(all(g in org.groups for g in groups), "sim.unknown_id", detail="unknown group")
        members = {self.orgs.member(org, p).id for p in persons}
        if self.w.rules.stated("org.funktionspostfach.name_description_and_access"):
            require(
                bool(description.strip()) and bool(groups or members),
                "org.funktionspostfach.name_description_and_access",
                detail="a Funktionspostfach needs a description and a group or person with access",
            )
        box = FunctionMailbox(self.w.new_id("fpf"), org.id, name, description, set(groups), members)
        org.mailboxes[box.id] = box
        return box.id

    @operation
    def delete_function_mailbox(self, session_id: str, mailbox_id: str) -> None:
        _s, _a, org = self.orgs.admin_context(session_id)
        require(mailbox_id in org.mailboxes, "sim.unknown_id", detail="no such mailbox")
        if self.w.rules.stated("org.funktionspostfach.no_delete_with_unread"):
            require(
                self.mailbox.unread_in(mailbox_id) == 0,
                "org.funktionspostfach.no_delete_with_unread",
                detail="the mailbox has unread messages",
            )
        del org.mailboxes[mailbox_id]
        self.mailbox.drop_mailbox(mailbox_id)

    def can_access_mailbox(self, account_id: str, mailbox_id: str) -> bool:
        """Tell whether an account may open a mailbox (oracle query, no session)."""
        account = self.w.accounts.get(account_id)
        return (
            account is not None
            and account.live
            and self.may_access_mailbox(None, account, mailbox_id)
        )

    # --- Berlin Vertretung --------------------------------------------------------------------

    def _vertretung_context(self, session_id: str) -> tuple[Session, Account, Organisation]:
        require(self.w.rules.stated_family_prefix("org.vertretung."), "sim.not_offered")
        session, account = self.w.require_session(session_id)
        return session, account, self.w.org(account.org_id)

    @operation
    def add_vertretung(
        self,
        session_id: str,
        deputy_id: str,
        *,
        principal_id: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> str:
        _session, caller, org = self._vertretung_context(session_id)
        if caller.role == "admin":
            require(principal_id is not None, "sim.invalid_input", detail="name the principal")
        else:
            require(
                principal_id in (None, caller.id),
                "org.vertretung.master_user_manages",
                detail="a company user sets up a Vertretung only for themselves",
            )
        principal = self.orgs.member(org, principal_id or caller.id)
        deputy = self.orgs.member(org, deputy_id)
        require(
            principal.role == "user"
            and deputy.role == "user"
            and deputy.status == "active"
            and deputy.id != principal.id,
            "sim.invalid_input",
            detail="principal and deputy must be two company users",
        )
        if self.w.rules.stated("org.vertretung.deputy_needs_permission"):
            require(
                self._deputy_permitted(deputy.id, principal.id),
                "org.vertretung.deputy_needs_permission",
                detail="the deputy holds no permission of their own for online services",
            )
        require(
            start is None or end is None or start <= end,
            "sim.invalid_input",
            detail="the range ends before it starts",
        )
        rep = Vertretung(self.w.new_id("vertretung"), principal.id, deputy.id, start, end)
        org.vertretungen[rep.id] = rep
        return rep.id

    def _deputy_permitted(self, deputy_id: str, principal_id: str) -> bool:
        """Whether the deputy holds the permission the chosen reading of
        ``org.vertretung.deputy_permission`` asks for."""
        reading = self.w.rules.readings["org.vertretung.deputy_permission"]
        own = self.effective_services(deputy_id)
        if reading == "any-company-user":
            return True
        if reading == "shared-service":
            return bool(own & self.effective_services(principal_id))
        return bool(own)

    @operation
    def delete_vertretung(self, session_id: str, vertretung_id: str) -> None:
        _session, caller, org = self._vertretung_context(session_id)
        rep = org.vertretungen.get(vertretung_id)
        require(rep is not None, "sim.unknown_id", detail="no such Vertretung")
        assert rep is not None
        require(
            caller.role == "admin" or caller.id == rep.principal_id,
            "org.vertretung.master_user_manages",
            detail="only the Master-User or the represented user deletes a Vertretung",
        )
        del org.vertretungen[vertretung_id]
        for session in self.w.sessions.values():
            if session.account_id == rep.deputy_id and session.acting_for == rep.principal_id:
                session.acting_for = None

    @operation
    def act_as(self, session_id: str, principal_id: str) -> None:
        session, caller, org = self._vertretung_context(session_id)
        mine = [
            v
            for v in org.vertretungen.values()
            if v.deputy_id == caller.id and v.principal_id == principal_id
        ]
        require(bool(mine), "sim.not_authorised", detail="no Vertretung for this person")
        require(
            self._vertretung_in_force(org, caller.id, principal_id),
            "org.vertretung.date_range_optional",
            detail="today is outside the Vertretung's date range",
        )
        session.acting_for = principal_id

    @operation
    def stop_acting(self, session_id: str) -> None:
        session, _caller, _org = self._vertretung_context(session_id)
        session.acting_for = None


__all__ = ["Permissions"]
