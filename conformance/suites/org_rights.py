"""The organisation rights machine: who may administer, and what members' data an
administrator changes.

Every administrative operation (editing the organisation, adding members, subscribing and
removing services, the switch "Administratoren dürfen Online-Dienste nutzen", granting
services, setting a member's password or address, deleting members, the groups) is tried by
any person of the organisation: the first administrator, a further administrator, a plain
member. Logins follow the addresses and passwords administrators set, services are used before
and after the authority approves them, and an administrator may delete their own account. The
machine keeps what the model says each person's address and password now are, so a portal
that ignores a change, or lets a member administer, disagrees on a later step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import MAIL_CAPTURE, LockstepMachine, machine_where_stated
from skc.model.lands import LandId
from skc.model.sim.outcome import Outcome
from skc.model.sim.scenarios import ADULT, PHONE

SERVICES: Final = ("svc-auto", "svc-authority", "svc-extra")  # the first is subscribed at once
PASSWORDS: Final = ("$password", "$other_password")
_ADMIN_OPS: Final = (
    "edit_organisation", "add_org_user", "add_service", "remove_service",
    "set_admins_may_use_services", "grant_service", "revoke_service", "set_user_password",
    "change_user_email", "delete_org_user",
)  # fmt: skip
_GROUP_OPS: Final = (
    "create_group", "add_group_member", "add_group_service", "remove_group_member",
    "remove_group_service", "delete_group",
)  # fmt: skip


@dataclass
class Person:
    """What the model says a member's login is: address, password, and how they came to be."""

    email: str
    password: str
    admin: bool
    old_email: str | None = None  # the address before an administrator changed it
    password_set_by_admin: bool = False


class OrgRightsMachine(LockstepMachine):
    """Administrators, further administrators and plain members of one organisation."""

    ADMIN: Final = "chef@example.org"
    RULES: ClassVar[tuple[str, ...]] = (
        "org.admins.only_admins_administer", "org.admins.equal_rights",
        "org.admins.services_toggle", "org.services.add_remove_anytime", "org.services.approval",
        "org.services.grant_only_subscribed", "org.users.admin_sets_password",
        "org.users.username_follows_email", "org.users.email_change_confirmation",
        "org.groups.manage", "org.admins.self_deletion_requires_other_admin",
        "org.master_users.delete_each_other_not_self", "org.admins.last_admin_undeletable",
        "org.users.activation_link", "org.users.set_password_on_activation",
        "login.email_is_username",
    )  # fmt: skip

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.people: dict[str, Person] = {}
        self.sessions: dict[str, str] = {}  # person -> the variable holding their session
        self.groups: list[str] = []
        self.do("offer_service", service_id=SERVICES[0])
        self.do("offer_service", service_id=SERVICES[1], approval="authority")
        self.do("offer_service", service_id=SERVICES[2])
        self.do(
            "register_organisation", self.cite("org.registration.register_number_optional"), "org",
            org_name="Muster GmbH", admin_email=self.ADMIN, admin_password="$password",
            admin_first_name="Erika", admin_last_name="Muster",
            admin_birth_date=ADULT.isoformat(), services=[SERVICES[0]], admin_phone=PHONE,
        )  # fmt: skip
        self.do("mail_token", save="token", to=self.ADMIN, kind="activation")
        self.do("activate", self.cite("registration.activation_completes"), token="$token")
        self.do("account_id_of", save="p0", email=self.ADMIN)
        self.people["p0"] = Person(self.ADMIN, "$password", admin=True)
        self._log_in("p0")

    # --- helpers ------------------------------------------------------------------------------

    def _rule(self, *candidates: str) -> str | None:
        """The first of the rules the Land states."""
        return next((r for r in candidates if self.pair.rules.stated(r)), None)

    def _log_in(self, name: str, *, old_address: bool = False) -> Outcome:
        person = self.people[name]
        email = person.old_email if old_address and person.old_email else person.email
        if person.old_email:
            rule_id = self._rule("org.users.username_follows_email", "login.email_is_username")
        elif person.password_set_by_admin:
            rule_id = self._rule("org.users.admin_sets_password", "login.email_is_username")
        else:
            rule_id = "login.email_is_username"
        outcome = self.do("login", rule_id, f"s_{name}", email=email, password=person.password)
        if outcome.accepted:
            self.sessions[name] = f"s_{name}"
        return outcome

    def _administrative_rule(self, caller: str, op: str) -> str | None:
        """The rule a step of ``caller`` doing ``op`` is about."""
        if not self.people[caller].admin:
            return self._rule("org.admins.only_admins_administer")
        if caller != "p0" and op in ("edit_organisation", "add_org_user", "grant_service"):
            return self._rule("org.admins.equal_rights")
        by_op = {
            "add_service": ("org.services.add_remove_anytime",),
            "remove_service": ("org.services.add_remove_anytime",),
            "set_admins_may_use_services": ("org.admins.services_toggle",),
            "grant_service": (
                "org.services.grant_only_subscribed", "org.services.assign_after_approval",
            ),
            "revoke_service": ("org.services.add_remove_anytime",),
            "set_user_password": ("org.users.admin_sets_password",),
            "change_user_email": (
                "org.users.username_follows_email", "org.users.email_change_confirmation",
            ),
            "delete_org_user": (
                "org.master_users.delete_each_other_not_self", "org.admins.last_admin_undeletable",
            ),
        }  # fmt: skip
        return self._rule(*by_op.get(op, ()))

    def _forget(self, name: str) -> None:
        self.people.pop(name, None)
        self.sessions.pop(name, None)

    # --- people -------------------------------------------------------------------------------

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data(), admin=st.booleans())
    def add_person(self, data: st.DataObject, admin: bool) -> None:
        """Someone logged in adds a member or an administrator, who follows the link."""
        self._add(data.draw(st.sampled_from(sorted(self.sessions)), label="caller"), admin)

    def _add(self, caller: str, admin: bool) -> None:
        name = self.fresh("p")
        email = f"{name}@example.org"
        added = self.do(
            "add_org_user", self._administrative_rule(caller, "add_org_user"), name,
            session=f"${self.sessions[caller]}", email=email, first_name="Max",
            last_name="Mitarbeiter", admin=admin, phone=PHONE, birth_date=ADULT.isoformat(),
            password="$password",
        )  # fmt: skip
        if not added.accepted:
            return
        if not self.pair.rules.stated("org.users.activation_link"):
            self.people[name] = Person(email, "$password", admin=admin)
            return
        if not self.pair.profile.has(MAIL_CAPTURE):
            return  # pending until the link is followed: no login to compare
        self.do("mail_token", save=f"link_{name}", to=email, kind="activation")
        followed = self.do(
            "activate_org_user", self.cite("org.users.set_password_on_activation"),
            token=f"$link_{name}", password="$other_password",
        )  # fmt: skip
        if followed.accepted:
            self.people[name] = Person(email, "$other_password", admin=admin)

    @precondition(lambda self: bool(self.people))
    @rule(data=st.data(), old_address=st.booleans())
    def log_in(self, data: st.DataObject, old_address: bool) -> None:
        """A person logs in with what the model says is their address and password (or with
        the address an administrator replaced)."""
        name = data.draw(st.sampled_from(sorted(self.people)), label="person")
        self._log_in(name, old_address=old_address)

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def administer(self, data: st.DataObject) -> None:
        """Anyone logged in, member or administrator, tries an administrative operation."""
        caller = data.draw(st.sampled_from(sorted(self.sessions)), label="caller")
        op = data.draw(st.sampled_from(_ADMIN_OPS), label="op")
        target = data.draw(st.sampled_from(sorted(self.people)), label="target")
        service = data.draw(st.sampled_from(SERVICES), label="service")
        session = f"${self.sessions[caller]}"
        rule_id = self._administrative_rule(caller, op)
        if op == "edit_organisation":
            self.do(op, rule_id, session=session, changes={"org_name": self.fresh("Firma ")})
        elif op == "add_org_user":
            self._add(caller, data.draw(st.booleans(), label="admin"))
        elif op in ("add_service", "remove_service"):
            self.do(op, rule_id, session=session, service_id=service)
        elif op == "set_admins_may_use_services":
            allowed = data.draw(st.booleans(), label="allowed")
            self.do(op, rule_id, session=session, allowed=allowed)
        elif op in ("grant_service", "revoke_service"):
            self.do(op, rule_id, session=session, user_id=f"${target}", service_id=service)
            # an administrator's services also follow the switch
            toggle = self._rule("org.admins.services_toggle") if self.people[target].admin else None
            self.do("effective_services", toggle or rule_id, account_id=f"${target}")
        elif op == "set_user_password":
            self._set_password(rule_id, session, target)
        elif op == "change_user_email":
            self._change_email(rule_id, session, target)
        elif self.do(op, rule_id, session=session, user_id=f"${target}").accepted:
            self._forget(target)

    def _set_password(self, rule_id: str | None, session: str, target: str) -> None:
        person = self.people[target]
        new = PASSWORDS[1 - PASSWORDS.index(person.password)]
        changed = self.do(
            "set_user_password", rule_id, session=session, user_id=f"${target}", new_password=new
        )
        if changed.accepted:
            person.password, person.password_set_by_admin = new, True

    def _change_email(self, rule_id: str | None, session: str, target: str) -> None:
        person = self.people[target]
        new = f"{self.fresh('neu')}@example.org"
        changed = self.do(
            "change_user_email", rule_id, session=session, user_id=f"${target}", new_email=new
        )
        if not changed.accepted:
            return
        if self.pair.rules.stated("org.users.email_change_confirmation"):
            if not self.pair.profile.has(MAIL_CAPTURE):
                self._forget(target)  # the address is in between: no login to compare
                return
            confirm = "org.users.email_change_confirmation"
            self.do("mail_token", confirm, f"confirm_{target}", to=new, kind="email_change_confirm")
            if not self.do("confirm_email_change", confirm, token=f"$confirm_{target}").accepted:
                return
        person.old_email, person.email = person.email, new

    # --- services and groups ------------------------------------------------------------------

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def use(self, data: st.DataObject) -> None:
        """A person logged in uses a service (administrators only with the switch on; a
        service needing the authority only once approved)."""
        name = data.draw(st.sampled_from(sorted(self.sessions)), label="person")
        service = data.draw(st.sampled_from(SERVICES), label="service")
        rule_id = (
            self._rule("org.admins.services_toggle")
            if self.people[name].admin
            else self._rule("org.services.approval", "org.services.assign_after_approval")
        )
        self.do("use_service", rule_id, session=f"${self.sessions[name]}", service_id=service)

    @rule(service=st.sampled_from(SERVICES[1:]))
    def approve(self, service: str) -> None:
        """The authority approves a service for the organisation."""
        self.do("approve_service", org_id="$org", service_id=service)

    @precondition(lambda self: bool(self.sessions) and self.pair.rules.stated("org.groups.manage"))
    @rule(data=st.data())
    def manage_groups(self, data: st.DataObject) -> None:
        """Someone logged in creates, fills, empties or deletes a group; a member's services
        follow."""
        caller = data.draw(st.sampled_from(sorted(self.sessions)), label="caller")
        op = data.draw(st.sampled_from(_GROUP_OPS if self.groups else _GROUP_OPS[:1]), label="op")
        session = f"${self.sessions[caller]}"
        rule_id = (
            "org.groups.manage"
            if self.people[caller].admin
            else self._rule("org.admins.only_admins_administer", "org.groups.manage")
        )
        if op == "create_group":
            name = self.fresh("g")
            if self.do(op, rule_id, name, session=session, name=f"Gruppe {name}").accepted:
                self.groups.append(name)
            return
        group = data.draw(st.sampled_from(self.groups), label="group")
        if op == "delete_group":
            self.do(op, rule_id, session=session, group_id=f"${group}")
            return
        member = data.draw(st.sampled_from(sorted(self.people)), label="member")
        if op.endswith("member"):
            self.do(op, rule_id, session=session, group_id=f"${group}", user_id=f"${member}")
        else:
            service = data.draw(st.sampled_from(SERVICES), label="service")
            self.do(op, rule_id, session=session, group_id=f"${group}", service_id=service)
        self.do("effective_services", "org.groups.manage", account_id=f"${member}")

    @precondition(lambda self: bool(self.sessions))
    @rule(data=st.data())
    def delete_own_account(self, data: st.DataObject) -> None:
        """A person deletes their own account (an administrator only if another exists)."""
        name = data.draw(st.sampled_from(sorted(self.sessions)), label="person")
        rule_id = self._rule("org.admins.self_deletion_requires_other_admin", "account.deletion")
        deleted = self.do(
            "delete_account", rule_id, session=f"${self.sessions[name]}", confirm=True
        )
        if deleted.accepted:
            self._forget(name)


def org_rights_checks(land: LandId) -> list[Check]:
    """The rights machine, where the Land's text describes organisation accounts."""
    own = [r for r in OrgRightsMachine.RULES if r.startswith("org.")]
    return machine_where_stated(land, "organisations", OrgRightsMachine, "rights-machine", own)


__all__ = ["OrgRightsMachine", "Person", "org_rights_checks"]
