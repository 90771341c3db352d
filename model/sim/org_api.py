"""The organisation half of ``ReferencePortal``'s API (mixed into it; see model.sim.portal)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from skc.model.sim.elster import Elster
from skc.model.sim.organisations import Organisations
from skc.model.sim.outcome import Outcome
from skc.model.sim.permissions import Permissions
from skc.model.sim.state import World


class OrganisationAPI:
    """Organisations, members, services, groups, Funktionspostfächer, ELSTER, Vertretung."""

    _w: World
    _orgs: Organisations
    _perms: Permissions
    _elster: Elster

    # --- organisations ------------------------------------------------------------------------

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
    ) -> Outcome:
        """Register an organisation and its first administrator; value: the organisation id."""
        return self._orgs.register_organisation(
            org_name, admin_email, admin_password, admin_first_name, admin_last_name,
            admin_birth_date, services=services, admin_phone=admin_phone, consent=consent,
            org_data=org_data,
        )  # fmt: skip

    def add_org_user(
        self,
        session: str,
        email: str,
        first_name: str,
        last_name: str,
        *,
        admin: bool = False,
        phone: str | None = None,
        birth_date: date | None = None,
        password: str | None = None,
    ) -> Outcome:
        """Administrator: add a user or administrator; value: the account id."""
        return self._orgs.add_org_user(
            session, email, first_name, last_name, admin=admin, phone=phone,
            birth_date=birth_date, password=password,
        )  # fmt: skip

    def activate_org_user(self, token: str, password: str) -> Outcome:
        """A new organisation member follows the link and sets a password."""
        return self._orgs.activate_org_user(token, password)

    def delete_org_user(self, session: str, user_id: str) -> Outcome:
        """Administrator: delete a user or administrator."""
        return self._orgs.delete_org_user(session, user_id)

    def change_user_email(self, session: str, user_id: str, new_email: str) -> Outcome:
        """Administrator: change a member's address (confirmed by the member where stated)."""
        return self._orgs.change_user_email(session, user_id, new_email)

    def set_user_password(self, session: str, user_id: str, new_password: str) -> Outcome:
        """Administrator: give a member a new password."""
        return self._orgs.set_user_password(session, user_id, new_password)

    def set_admins_may_use_services(self, session: str, allowed: bool) -> Outcome:
        """ "Administratoren dürfen Online-Dienste nutzen"."""
        return self._orgs.set_admins_may_use_services(session, allowed)

    def edit_organisation(self, session: str, changes: Mapping[str, str]) -> Outcome:
        """Administrator: change organisation data; locked fields are rejected."""
        return self._orgs.edit_organisation(session, changes)

    def delete_organisation(self, session: str, *, confirm: bool = True) -> Outcome:
        """Administrator: delete the organisation."""
        return self._orgs.delete_organisation(session, confirm=confirm)

    def add_service(self, session: str, service_id: str) -> Outcome:
        """Subscribe the organisation to a service; value: True if approved at once."""
        return self._perms.add_service(session, service_id)

    def remove_service(self, session: str, service_id: str) -> Outcome:
        """Unsubscribe a service (its grants go with it)."""
        return self._perms.remove_service(session, service_id)

    def approve_service(self, org_id: str, service_id: str) -> Outcome:
        """Authority: approve a subscribed service (mails the administrators)."""
        return self._perms.approve_service(org_id, service_id)

    def grant_service(self, session: str, user_id: str, service_id: str) -> Outcome:
        """Administrator: grant a member an individual permission."""
        return self._perms.grant_service(session, user_id, service_id)

    def revoke_service(self, session: str, user_id: str, service_id: str) -> Outcome:
        """Administrator: revoke an individual permission."""
        return self._perms.revoke_service(session, user_id, service_id)

    def effective_services(self, account_id: str) -> frozenset[str]:
        """The services an organisation member may use now."""
        self._w.tick()
        return self._perms.effective_services(account_id)

    def use_service(self, session: str, service_id: str) -> Outcome:
        """Use an online service."""
        return self._perms.use_service(session, service_id)

    def use_service_with_other_account(
        self, home_land: str, service_id: str, *, organisation: bool = False, consent: bool = True
    ) -> Outcome:
        """Use a service with another Land's account ("Mit anderem Servicekonto")."""
        return self._perms.use_service_with_other_account(
            home_land, service_id, organisation=organisation, consent=consent
        )

    def create_group(self, session: str, name: str, description: str = "") -> Outcome:
        """Create a permission group; value: the group id."""
        return self._perms.create_group(session, name, description)

    def add_group_member(self, session: str, group_id: str, user_id: str) -> Outcome:
        """Add a member to a group."""
        return self._perms.add_group_member(session, group_id, user_id)

    def remove_group_member(self, session: str, group_id: str, user_id: str) -> Outcome:
        """Remove a member from a group (revokes only the group's grants)."""
        return self._perms.remove_group_member(session, group_id, user_id)

    def add_group_service(self, session: str, group_id: str, service_id: str) -> Outcome:
        """Link a service to a group."""
        return self._perms.add_group_service(session, group_id, service_id)

    def remove_group_service(self, session: str, group_id: str, service_id: str) -> Outcome:
        """Unlink a service from a group."""
        return self._perms.remove_group_service(session, group_id, service_id)

    def delete_group(self, session: str, group_id: str) -> Outcome:
        """Delete a group (its members lose what they had through it)."""
        return self._perms.delete_group(session, group_id)

    def create_function_mailbox(
        self,
        session: str,
        name: str,
        description: str = "",
        *,
        groups: Sequence[str] = (),
        persons: Sequence[str] = (),
    ) -> Outcome:
        """Create a Funktionspostfach; value: its id."""
        return self._perms.create_function_mailbox(
            session, name, description, groups=groups, persons=persons
        )

    def delete_function_mailbox(self, session: str, mailbox_id: str) -> Outcome:
        """Delete a Funktionspostfach (not while it has unread messages)."""
        return self._perms.delete_function_mailbox(session, mailbox_id)

    def can_access_mailbox(self, account_id: str, mailbox_id: str) -> bool:
        """Whether an account may open a mailbox."""
        self._w.tick()
        return self._perms.can_access_mailbox(account_id, mailbox_id)

    def link_elster(self, session: str, certificate_id: str, elster_org_id: str) -> Outcome:
        """Hamburg: deposit an ELSTER certificate (logs the person out)."""
        return self._elster.link_elster(session, certificate_id, elster_org_id)

    def unlink_elster(self, session: str) -> Outcome:
        """Hamburg: delete one's ELSTER certificate (the binding stays)."""
        return self._elster.unlink_elster(session)

    def login_with_elster(self, certificate_id: str) -> Outcome:
        """Hamburg: log in with an ELSTER certificate; value: a session id."""
        return self._elster.login_with_elster(certificate_id)

    def add_vertretung(
        self,
        session: str,
        deputy_id: str,
        *,
        principal_id: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Outcome:
        """Berlin: set up a deputy (for oneself, or as Master-User for a user); value: its id."""
        return self._perms.add_vertretung(
            session, deputy_id, principal_id=principal_id, start=start, end=end
        )

    def delete_vertretung(self, session: str, vertretung_id: str) -> Outcome:
        """Berlin: delete a Vertretung."""
        return self._perms.delete_vertretung(session, vertretung_id)

    def act_as(self, session: str, principal_id: str) -> Outcome:
        """Berlin: "Vertretung wahrnehmen"."""
        return self._perms.act_as(session, principal_id)

    def stop_acting(self, session: str) -> Outcome:
        """Berlin: "Vertretung aufheben"."""
        return self._perms.stop_acting(session)


__all__ = ["OrganisationAPI"]
