"""Credentials and profile: password reset, the ten-step e-mail change and profile editing.

Password reset is by mail (a new password) where the texts say so; Berlin citizens answer
their security question first and are locked out after the number of wrong answers the
``password_reset.lockout_attempts`` reading gives, for good: the address can never register
again. Berlin's reset link lives as the ``password_reset.link_validity`` reading says (by
default it sets one password, and a newer link or any password change voids it). The e-mail
change follows the ten steps: confirmation mail to the new address, info mail
to the old one, the link, a login with the OLD address that activates the new one, and the new
address from the next login on.
"""

from __future__ import annotations

from collections.abc import Mapping

from skc.model.sim.accounts import ADDRESS_FIELDS, PROFILE_FIELDS, check_profile_values
from skc.model.sim.base import Flow, operation, require
from skc.model.sim.outcome import Reject
from skc.model.sim.state import Account


def _expand(fields: tuple[str, ...]) -> set[str]:
    out: set[str] = set()
    for name in fields:
        if name == "address":
            out.update(ADDRESS_FIELDS)
        elif name == "security_question":
            out.update(("security_question", "security_answer"))
        else:
            out.add(name)
    return out


class Credentials(Flow):
    """Password reset and change, e-mail change, profile editing with locked fields."""

    # --- password -----------------------------------------------------------------------------

    def _account_for_reset(self, email: str) -> Account:
        account = self.w.by_email(email)
        require(account is not None, "sim.unknown_id", detail="no account with this user name")
        assert account is not None
        if account.status == "locked":
            raise Reject("password_reset.security_question_lockout", detail="account locked")
        require(account.status == "active", "sim.unknown_id", detail="the account is not active")
        return account

    def password_changed(self, account: Account) -> None:
        """Void the account's unused reset links where the reading says a change does."""
        if self.w.rules.readings["password_reset.link_validity"] == "single-use":
            return
        if self.w.rules.deviates("reset_link_survives_password_change"):
            return
        for link in self.w.tokens.values():
            if link.account_id == account.id and link.purpose == "password_reset":
                link.used = True

    def _set_password(self, account: Account, password: str) -> None:
        account.password_hash = self.w.digest(account.id, password)
        self.password_changed(account)

    def _new_password(self) -> str:
        serial = int(self.w.new_id("pw").split("-")[1])
        return f"Np{serial:05d}Xq"

    @operation
    def request_password_reset(self, email: str) -> str | None:
        """Start "Passwort vergessen?"; returns the security question where one is asked."""
        rules = self.w.rules
        account = self._account_for_reset(email)
        if account.role == "admin" and rules.stated("password_reset.master_user_by_post"):
            return "post"
        if account.role == "user" and rules.stated("password_reset.company_user_by_master"):
            raise Reject(
                "password_reset.company_user_by_master",
                detail="the Master-User sets a new password",
            )
        if account.role == "citizen" and rules.stated("password_reset.security_question"):
            require(account.security_question is not None, "password_reset.security_question")
            return account.security_question
        require(rules.stated("password_reset.new_password_by_mail"), "sim.not_offered")
        if account.role == "citizen" and account.level == "basic":
            # Berlin's citizens answer their security question above; only the four Länder
            # of the password_reset.basic_citizen entry reach this line.
            require(
                rules.readings["password_reset.basic_citizen"] == "same-as-plus",
                "password_reset.new_password_by_mail",
                detail="under plus-only, a basic account gets no new password by e-mail",
            )
        password = self._new_password()
        self._set_password(account, password)
        self.w.send(account.email, "new_password", password)
        return None

    @operation
    def answer_security_question(self, email: str, answer: str) -> None:
        rules = self.w.rules
        require(rules.stated("password_reset.security_question"), "sim.not_offered")
        account = self._account_for_reset(email)
        expected = account.security_answer_hash
        if expected is not None and expected == self.w.digest(account.id + "#answer", answer):
            account.wrong_answers = 0
            if rules.readings["password_reset.berlin_mail"] == "password-mailed":
                password = self._new_password()
                self._set_password(account, password)
                self.w.send(account.email, "new_password", password)
                return
            rule = "password_reset.security_question"
            if rules.readings["password_reset.link_validity"] != "single-use":
                self.password_changed(account)  # a newer link voids the older ones
            token = self.w.issue_token("password_reset", account.id, rules.duration(rule), (rule,))
            self.w.send(account.email, "password_reset_link", token)
            return
        account.wrong_answers += 1
        attempts = rules.int_param("password_reset.security_question_lockout", "attempts")
        if attempts is not None and account.wrong_answers >= attempts:
            account.status = "locked"
            self.w.end_sessions(account.id)
            raise Reject(
                "password_reset.security_question_lockout",
                detail="too many wrong answers: the account is locked for good",
            )
        raise Reject("password_reset.security_question", detail="wrong answer")

    @operation
    def set_new_password(self, token: str, new_password: str) -> None:
        link = self.w.token(token, "password_reset")
        account = self.w.account(link.account_id)
        if account.status == "locked":
            raise Reject("password_reset.security_question_lockout", detail="account locked")
        broken = self.w.violations("password", new_password)
        require(not broken, *broken, detail="the new password breaks a rule")
        link.used = True
        self._set_password(account, new_password)
        if self.w.rules.deviates("reset_link_reusable"):
            link.used = False  # the faulty portal never spends the link

    @operation
    def change_password(self, session_id: str, old_password: str, new_password: str) -> None:
        _session, account = self.w.require_session(session_id)
        require(
            account.password_hash == self.w.digest(account.id, old_password),
            "sim.wrong_credentials",
        )
        broken = self.w.violations("password", new_password)
        require(not broken, *broken, detail="the new password breaks a rule")
        self._set_password(account, new_password)

    # --- e-mail change ------------------------------------------------------------------------

    @operation
    def request_email_change(self, session_id: str, new_email: str, repeated: str) -> None:
        """Steps 1-5: enter and repeat the address; mails go to the new and the old address."""
        _session, account = self.w.require_session(session_id)
        require(new_email == repeated, "sim.invalid_input", detail="the addresses differ")
        field = "email" if account.role == "citizen" else "org_email"
        broken = self.w.violations(field, new_email)
        require(not broken, *broken, detail="the new address breaks a rule")
        block = self.w.email_block(new_email)
        require(not block, *block, detail="the new address is not available")
        rules = self.w.rules
        if not rules.stated("email_change.confirm_at_new_address"):
            account.email = new_email  # the Land describes no confirmation step
            return
        for link in self.w.tokens.values():  # a newer request replaces an older one
            if link.account_id == account.id and link.purpose == "email_change":
                link.used = True
        account.pending_email, account.email_change = new_email, "requested"
        token = self.w.issue_token("email_change", account.id, None)
        self.w.send(new_email, "email_change_confirm", token)
        if rules.stated("email_change.info_mail_to_old_address"):
            self.w.send(account.email, "email_change_info")

    @operation
    def confirm_email_change(self, token: str) -> None:
        """Step 6 (or an organisation user's confirmation of an address set by an admin)."""
        link = self.w.token(token, "email_change", "user_email_change")
        account = self.w.account(link.account_id)
        require(account.pending_email is not None, "sim.unknown_token")
        assert account.pending_email is not None
        link.used = not self.w.rules.deviates("email_change_link_reusable")
        if link.purpose == "user_email_change" or not self.w.rules.stated(
            "email_change.login_with_old_address"
        ):
            account.email, account.pending_email, account.email_change = (
                account.pending_email,
                None,
                "none",
            )
            return
        account.email_change = "confirmed"  # steps 8-9 happen at the next login (old address)

    # --- profile ------------------------------------------------------------------------------

    def locked_fields(self, account: Account) -> tuple[set[str], str | None]:
        """The profile fields the account may not change itself, and the rule that locks them."""
        rules = self.w.rules
        if account.role == "citizen" and account.level == "high":
            if rules.stated("profile.locked_fields.plus"):
                rule = "profile.locked_fields.plus"
                return _expand(rules.list_param(rule, "fields")), rule
            if rules.stated("profile.locked_fields.level2"):
                rule = "profile.locked_fields.level2"
                editable = _expand(rules.list_param(rule, "editable"))
                return set(PROFILE_FIELDS) - editable, rule
        if account.role == "admin" and rules.stated("profile.locked_fields.organisation"):
            rule = "profile.locked_fields.organisation"
            fields = rules.list_param(rule, "fields")
            own = {f.removeprefix("master_") for f in fields if f.startswith("master_")}
            return own, rule
        return set(), None

    @operation
    def edit_profile(self, session_id: str, changes: Mapping[str, str]) -> None:
        _session, account = self.w.require_session(session_id)
        check_profile_values(self.w, changes)
        locked, rule = self.locked_fields(account)
        blocked = sorted(
            name
            for name in changes
            if name in locked and changes[name] != account.profile.get(name)
        )
        if blocked and rule is not None:
            raise Reject(rule, detail=f"locked fields: {', '.join(blocked)}")
        for name, value in changes.items():
            if name == "security_answer":
                account.security_answer_hash = self.w.digest(account.id + "#answer", value)
            elif name == "security_question":
                account.security_question = value
            else:
                account.profile[name] = value

    def profile(self, account_id: str) -> dict[str, str]:
        """A copy of the account's profile (no secrets)."""
        account = self.accounts_get(account_id)
        return dict(account.profile)

    def accounts_get(self, account_id: str) -> Account:
        """The live account with this id; raise KeyError if there is none."""
        account = self.w.accounts.get(account_id)
        if account is None or not account.live:
            raise KeyError(account_id)
        return account


__all__ = ["Credentials"]
