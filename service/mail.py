"""The served portal's e-mail: activation, reset and notice mails sent over SMTP.

``skc serve --smtp HOST:PORT`` hands every mail the portal sends to that SMTP server (a mail
catcher, or the harness's sink, :mod:`skc.conformance.adapters.mailsink`). A mail names its
kind in the ``X-Servicekonto-Mail`` header and the subject, and carries its link to the web
page that takes the token (``.../web/aktivieren?token=TOKEN``, :data:`LINK_PAGES`; a new
password on a line ``Neues Passwort: ...``): what a QA team reads from a mail catcher.
:func:`parse_mail` is the reader's side.
"""

from __future__ import annotations

import re
import smtplib
from email.message import EmailMessage
from typing import Final

from skc.model.sim.outbox import Mail

KIND_HEADER: Final = "X-Servicekonto-Mail"
PORTAL_HEADER: Final = "X-Servicekonto-Portal"
SENDER: Final = "servicekonto@portal.invalid"
_LINK: Final = re.compile(r"[?&]token=([A-Za-z0-9._~-]+)")
_PASSWORD: Final = re.compile(r"^Neues Passwort: (.+)$", re.MULTILINE)
SUBJECTS: Final = {
    "activation": "Aktivieren Sie Ihr Servicekonto",
    "email_change_confirm": "Bestätigen Sie Ihre neue E-Mail-Adresse",
    "email_change_info": "Ihre E-Mail-Adresse wird geändert",
    "new_password": "Ihr neues Passwort",
    "password_reset_link": "Passwort zurücksetzen",
    "new_answer": "Neue Nachricht in Ihrem Postfach",
    "user_deleted": "Ihr Zugang wurde gelöscht",
    "org_deleted": "Ihre Organisation wurde gelöscht",
    "service_approved": "Ihr Dienst wurde freigeschaltet",
}


# The web page (skc.service.web) each link-carrying mail points at.
LINK_PAGES: Final = {
    "activation": "aktivieren",
    "email_change_confirm": "email-bestaetigen",
    "password_reset_link": "passwort-zuruecksetzen",
}


def link_of(portal_id: str, mail: Mail, base_url: str) -> str:
    """The address a mail's link points at: the web page that takes its token."""
    page = LINK_PAGES.get(mail.kind, "")
    return f"{base_url}/portals/{portal_id}/web/{page}?token={mail.token}"


def message_of(portal_id: str, mail: Mail, base_url: str) -> EmailMessage:
    """The e-mail a portal sends for one outbox entry."""
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = mail.to
    message["Subject"] = SUBJECTS.get(mail.kind, mail.kind)
    message[KIND_HEADER] = mail.kind
    message[PORTAL_HEADER] = portal_id
    lines = ["Guten Tag,", ""]
    if mail.token is not None and mail.kind == "new_password":
        lines.append(f"Neues Passwort: {mail.token}")
    elif mail.token is not None:
        lines.append(f"bitte folgen Sie diesem Link: {link_of(portal_id, mail, base_url)}")
    else:
        lines.append(f"{SUBJECTS.get(mail.kind, mail.kind)}.")
    message.set_content("\n".join([*lines, "", "Ihr Servicekonto"]) + "\n")
    return message


def parse_mail(message: EmailMessage) -> tuple[str, str, str | None]:
    """(recipient, kind, token or new password) of a received portal mail."""
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    kind = str(message.get(KIND_HEADER, ""))
    found = _PASSWORD.search(text) if kind == "new_password" else _LINK.search(text)
    return str(message.get("To", "")), kind, found.group(1).strip() if found else None


class SmtpSender:
    """Sends each mail over SMTP to ``host:port`` with a deadline."""

    def __init__(self, host: str, port: int, *, base_url: str, timeout_s: float = 10.0) -> None:
        self.host = host
        self.port = port
        self.base_url = base_url
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"SmtpSender({self.host}:{self.port})"

    def __call__(self, portal_id: str, mail: Mail) -> None:
        """Send one mail."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout_s) as client:
            client.send_message(message_of(portal_id, mail, self.base_url))


def parse_address(value: str) -> tuple[str, int]:
    """``HOST:PORT`` as a pair; ValueError saying what is expected otherwise."""
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"expected HOST:PORT such as 127.0.0.1:2525, not {value!r}")
    return host, int(port)


__all__ = [
    "KIND_HEADER",
    "LINK_PAGES",
    "SmtpSender",
    "link_of",
    "message_of",
    "parse_address",
    "parse_mail",
]
