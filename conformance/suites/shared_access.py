"""The shared-access machine (Hamburg): Funktionspostfächer, groups and ELSTER certificates.

An administrator and two members of one organisation. Groups are made and deleted;
Funktionspostfächer are created for groups and persons (with and without a description and
access), answers arrive in them, members read them and count the unread ones, mailboxes are
deleted (not while something is unread), and access follows the groups. ELSTER certificates are
linked by the administrator and by members (the first only by an administrator, each to one
person, all of one ELSTER organisation, never undone), linking logs the person out, a linked
certificate logs in and a removed one does not, and the organisation's data stay locked.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from skc.conformance.suites.base import Check, Pairs
from skc.conformance.suites.machine import MAIL_CAPTURE, LockstepMachine, machine_where_stated
from skc.model.lands import LandId
from skc.model.sim.scenarios import ADULT, PHONE

PEOPLE: Final = ("admin", "m1", "m2")
CERTIFICATES: Final = ("cert-1", "cert-2", "cert-3")
ELSTER_ORGS: Final = ("elster-a", "elster-b")
_BOX: Final = "org.funktionspostfach."
_SHARED: Final = _BOX + "shared_messages"
_ELSTER: Final = "org.elster."


class SharedAccessMachine(LockstepMachine):
    """One organisation's shared mailboxes, groups and ELSTER certificates."""

    RULES: ClassVar[tuple[str, ...]] = (
        _BOX + "name_description_and_access", _SHARED, _BOX + "no_delete_with_unread",
        _BOX + "group_deletion_removes_access", "org.groups.manage",
        _ELSTER + "first_certificate_by_admin", _ELSTER + "certificate_single_user",
        _ELSTER + "same_organisation_only", _ELSTER + "irreversible",
        _ELSTER + "locks_org_data", _ELSTER + "logout_after_linking",
        _ELSTER + "login_needs_linked_certificate", "login.email_is_username",
    )  # fmt: skip

    def __init__(self, pairs: Pairs, time_rules: tuple[str, ...] = ()) -> None:
        super().__init__(pairs, time_rules)
        self.people: list[str] = ["admin"]
        self.groups: list[str] = []
        self.boxes: list[str] = []
        self.messages: list[str] = []
        self.linked_to: str | None = None  # the ELSTER organisation, once linked
        self.owner: dict[str, str] = {}  # certificate -> person, as the model accepted
        self.do("offer_service", service_id="svc")
        self.do(
            "register_organisation", self.cite("org.registration.register_number_optional"),
            "org", org_name="Muster GmbH", admin_email="admin@example.org",
            admin_password="$password", admin_first_name="Erika", admin_last_name="Muster",
            admin_birth_date=ADULT.isoformat(), services=["svc"], admin_phone=PHONE,
        )  # fmt: skip
        self.do("mail_token", save="token", to="admin@example.org", kind="activation")
        self.do("activate", self.cite("registration.activation_completes"), token="$token")
        self.log_in("admin")
        if not self.pair.profile.has(MAIL_CAPTURE):
            return  # members would stay pending: the administrator acts alone
        for member in PEOPLE[1:]:
            self.do(
                "add_org_user", self.cite("org.users.activation_link"), member,
                session="$s_admin", email=f"{member}@example.org", first_name="Max",
                last_name="Mitarbeiter", password="$password",
            )  # fmt: skip
            self.do(
                "mail_token", save=f"link_{member}", to=f"{member}@example.org", kind="activation"
            )
            self.do(
                "activate_org_user", self.cite("org.users.set_password_on_activation"),
                token=f"$link_{member}", password="$password",
            )  # fmt: skip
            self.people.append(member)
            self.log_in(member)

    def log_in(self, person: str) -> None:
        """Log a person in with their password (again)."""
        self.do(
            "login", "login.email_is_username", f"s_{person}",
            email=f"{person}@example.org", password="$password",
        )  # fmt: skip
        if person == "admin":
            self.do("account_id_of", save="admin", email="admin@example.org")

    def admin_does(
        self, op: str, rule_id: str | None, save: str | None = None, **args: Any
    ) -> bool:
        """A step of the administrator; whether the model accepted it."""
        return self.do(op, rule_id, save, session="$s_admin", **args).accepted

    @rule(person=st.sampled_from(PEOPLE))
    def login_again(self, person: str) -> None:
        """A person logs in with their password (after linking logged them out)."""
        if person in self.people:
            self.log_in(person)

    # --- groups and Funktionspostfächer -------------------------------------------------------

    @rule(members=st.sets(st.sampled_from(PEOPLE[1:]), min_size=1))
    def make_group(self, members: set[str]) -> None:
        """The administrator makes a group and puts members in it."""
        name = self.fresh("g")
        if not self.admin_does("create_group", "org.groups.manage", name, name=f"Gruppe {name}"):
            return
        self.groups.append(name)
        for member in sorted(members & set(self.people)):
            self.admin_does(
                "add_group_member", "org.groups.manage", group_id=f"${name}", user_id=f"${member}"
            )

    @precondition(lambda self: bool(self.groups))
    @rule(data=st.data())
    def delete_group(self, data: st.DataObject) -> None:
        """The administrator deletes a group; its members lose the access it gave."""
        group = data.draw(st.sampled_from(self.groups), label="group")
        rule_id = self.cite(_BOX + "group_deletion_removes_access") or "org.groups.manage"
        if self.admin_does("delete_group", rule_id, group_id=f"${group}"):
            self.groups.remove(group)
            self.compare_access(rule_id)

    @rule(data=st.data(), described=st.booleans())
    def create_box(self, data: st.DataObject, described: bool) -> None:
        """The administrator creates a Funktionspostfach for groups and persons."""
        # mostly by group, so that a group's deletion has access to take away
        groups = data.draw(st.lists(st.sampled_from(self.groups or ["none"]), max_size=2), "groups")
        persons = data.draw(st.lists(st.sampled_from(self.people), max_size=1), label="persons")
        name = self.fresh("f")
        created = self.admin_does(
            "create_function_mailbox", self.cite(_BOX + "name_description_and_access"), name,
            name=f"Postfach {name}", description="Poststelle" if described else "",
            groups=[f"${g}" for g in groups if g != "none"], persons=[f"${p}" for p in persons],
        )  # fmt: skip
        if created:
            self.boxes.append(name)
            self.compare_access(_SHARED)

    def compare_access(self, rule_id: str | None) -> None:
        """Ask who may open each Funktionspostfach."""
        for box in self.boxes:
            for person in self.people:
                self.do(
                    "can_access_mailbox", rule_id, account_id=f"${person}", mailbox_id=f"${box}"
                )

    @precondition(lambda self: bool(self.boxes))
    @rule(data=st.data())
    def answer(self, data: st.DataObject) -> None:
        """An authority answers in a Funktionspostfach."""
        box = data.draw(st.sampled_from(self.boxes), label="box")
        vorgang, message = self.fresh("v"), self.fresh("m")
        self.do("start_vorgang", save=vorgang, mailbox_id=f"${box}", title="Antrag")
        self.do("deliver_message", save=message, vorgang_id=f"${vorgang}", subject="Bescheid")
        self.messages.append(message)

    @precondition(lambda self: bool(self.boxes))
    @rule(data=st.data())
    def look(self, data: st.DataObject) -> None:
        """A person reads a message, or counts a Funktionspostfach's unread messages."""
        person = data.draw(st.sampled_from(self.people), label="person")
        read: bool = data.draw(st.booleans(), label="read")
        if self.messages and read:
            message = data.draw(st.sampled_from(self.messages), label="message")
            self.do("read_message", _SHARED, session=f"$s_{person}", message_id=f"${message}")
        box = data.draw(st.sampled_from(self.boxes), label="box")
        self.do("unread_count", _SHARED, session=f"$s_{person}", mailbox_id=f"${box}")

    @precondition(lambda self: bool(self.boxes))
    @rule(data=st.data())
    def delete_box(self, data: st.DataObject) -> None:
        """The administrator deletes a Funktionspostfach (refused while a message is unread)."""
        box = data.draw(st.sampled_from(self.boxes), label="box")
        rule_id = self.cite(_BOX + "no_delete_with_unread")
        if self.admin_does("delete_function_mailbox", rule_id, mailbox_id=f"${box}"):
            self.boxes.remove(box)

    # --- ELSTER -------------------------------------------------------------------------------

    @rule(
        person=st.sampled_from(PEOPLE),
        certificate=st.sampled_from(CERTIFICATES),
        elster_org=st.sampled_from(ELSTER_ORGS),
    )
    def link(self, person: str, certificate: str, elster_org: str) -> None:
        """A person links an ELSTER certificate; it logs them out."""
        if person not in self.people:
            return
        owner = self.owner.get(certificate)
        if owner is not None and owner != person:
            rule_id = _ELSTER + "certificate_single_user"
        elif self.linked_to is not None and elster_org != self.linked_to:
            rule_id = _ELSTER + "same_organisation_only"
        else:
            rule_id = _ELSTER + "first_certificate_by_admin"
        linked = self.do(
            "link_elster", self.cite(rule_id), session=f"$s_{person}",
            certificate_id=certificate, elster_org_id=elster_org,
        )  # fmt: skip
        if linked.accepted:
            self.owner[certificate] = person
            self.linked_to = self.linked_to or elster_org
            self.do("ping", self.cite(_ELSTER + "logout_after_linking"), session=f"$s_{person}")

    @rule(certificate=st.sampled_from(CERTIFICATES))
    def elster_login(self, certificate: str) -> None:
        """Log in with an ELSTER certificate (linked, removed or never linked)."""
        self.do(
            "login_with_elster", self.cite(_ELSTER + "login_needs_linked_certificate"),
            certificate_id=certificate,
        )  # fmt: skip

    @rule(person=st.sampled_from(PEOPLE))
    def unlink(self, person: str) -> None:
        """A person removes their certificate; the organisation stays bound to ELSTER."""
        if person not in self.people:
            return
        if self.do(
            "unlink_elster", self.cite(_ELSTER + "irreversible"), session=f"$s_{person}"
        ).accepted:
            self.owner = {c: p for c, p in self.owner.items() if p != person}

    @rule()
    def edit_organisation(self) -> None:
        """The administrator edits the organisation's name (locked once ELSTER is linked)."""
        self.admin_does(
            "edit_organisation", self.cite(_ELSTER + "locks_org_data"),
            changes={"org_name": f"Firma {self.fresh('n')}"},
        )  # fmt: skip


def shared_access_checks(land: LandId) -> list[Check]:
    """The shared-access machine, where the Land's text describes Funktionspostfächer or
    ELSTER certificates."""
    own = [r for r in SharedAccessMachine.RULES if r.startswith((_BOX, _ELSTER))]
    return machine_where_stated(
        land, "organisations", SharedAccessMachine, "shared-access-machine", own
    )


__all__ = ["SharedAccessMachine", "shared_access_checks"]
